#include "common/metrics.h"

#include <gtest/gtest.h>

namespace vs {
namespace {

TEST(MetricsTest, RendersPrometheusText) {
  Registry r;
  r.GetCounter("x_total", "things", R"(reason="a")")->Inc(3);
  r.GetCounter("x_total", "things", R"(reason="b")")->Inc();
  EXPECT_EQ(r.GetCounter("x_total", "", R"(reason="a")"),
            r.GetCounter("x_total", "", R"(reason="a")"));
  r.GetGauge("g", "a gauge")->Set(1.5);
  r.AddCallbackGauge("cb", "computed", [] { return 7.0; });
  std::string text = r.Render();
  EXPECT_NE(text.find("# HELP x_total things\n# TYPE x_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("x_total{reason=\"a\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("x_total{reason=\"b\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("g 1.5\n"), std::string::npos);
  EXPECT_NE(text.find("cb 7\n"), std::string::npos);
  EXPECT_EQ(r.Value("x_total", R"(reason="a")"), 3);
  EXPECT_EQ(r.Value("missing"), -1);
}

}  // namespace
}  // namespace vs
