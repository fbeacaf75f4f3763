// The real renderer (tmpl engine) over envoyd's template data.
#include <gtest/gtest.h>

#include "envoyd/daemon.h"
#include "test_common/subprocess.h"
#include "tmpl/template.h"

namespace vs::envoyd {
namespace {

const char kAll[] =
    "{{.VolthaVip}}|{{.VipHost}}|{{.VipPort}}|{{.HttpPort}}|{{.HttpsPort}}|{{.GrpcPort}}|"
    "{{.EdsPath}}|{{range $i, $r := .VolthaRR}}{{if $i}},{{end}}{{$r}}{{end}}|"
    "{{range .Cores}}[{{.Slot}} {{.Id}} {{.Host}} {{.Port}} {{printf \"%T\" .Port}}]{{end}}|"
    "{{len .Cores}}{{if isFirst}}F{{end}}{{if isFirst}}F{{end}}";

TEST(TemplateDataValue, SameAsTheJsonRoundTrip) {
  auto a = ParseAssignment(
      R"({"0002":{"id":"q\"x","host":"10.0.0.2"},"0001":{"host":"fd00::1"},"0003":null})", 50556);
  ASSERT_TRUE(a.ok());
  TemplateData d{"10.9.9.9:50556", "10.9.9.9", 50556, "8882", "8443", "50555", "/e/eds.json", &*a};
  auto t = tmpl::Template::Parse("all", kAll);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  auto json = tmpl::ParseJson(TemplateDataJson(d));
  ASSERT_TRUE(json.ok());
  std::string via_json, direct;
  ASSERT_TRUE(t->Execute(*json, &via_json).ok());
  ASSERT_TRUE(t->Execute(TemplateDataValue(d), &direct).ok());
  EXPECT_EQ(direct, via_json);
  EXPECT_EQ(direct,
            "10.9.9.9:50556|10.9.9.9|50556|8882|8443|50555|/e/eds.json|"
            "10.0.0.2:50556,[fd00::1]:50556|"
            "[0001  fd00::1 50556 float64][0002 q\"x 10.0.0.2 50556 float64]|2F");
}

// The cache reuses per-core Values of the previous rendering: through a sequence of changes
// (cores added, removed, moved to another host, renamed, duplicated hosts, emptied) it must
// give exactly what TemplateDataValue gives.
TEST(TemplateDataCache, SameAsTemplateDataValueAcrossChanges) {
  const std::vector<std::string> values = {
      R"({"0001":{"id":"a","host":"10.0.0.1"},"0002":{"id":"b","host":"10.0.0.2"}})",
      R"({"0001":{"id":"a","host":"10.0.0.1"},"0002":{"id":"b","host":"10.0.0.2"},
          "0003":{"id":"c","host":"10.0.0.3"}})",
      R"({"0001":{"id":"a","host":"10.0.0.1"},"0003":{"id":"c","host":"10.0.0.3"}})",
      R"({"0001":{"id":"a2","host":"10.0.0.1"},"0003":{"id":"c","host":"10.0.0.9"}})",
      R"({"0000":{"id":"z","host":"10.0.0.9"},"0001":{"id":"a2","host":"10.0.0.1"},
          "0003":{"id":"c","host":"10.0.0.9"}})",
      R"({})",
      R"({"0003":{"id":"c","host":"fd00::1"},"0001":{"host":"10.0.0.1"},"0002":null})",
      R"({"0001":{"id":"a","host":"10.0.0.1"},"0002":{"id":"b","host":"10.0.0.2"}})",
  };
  auto t = tmpl::Template::Parse("all", kAll);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  TemplateDataCache cache;
  for (int port : {50556, 50557}) {
    for (const auto& v : values) {
      auto a = ParseAssignment(v, static_cast<uint16_t>(port));
      ASSERT_TRUE(a.ok()) << v;
      TemplateData d{"10.9.9.9:1", "10.9.9.9", 1, "8882", "8443", "50555", "/e", &*a};
      std::string fresh, cached;
      ASSERT_TRUE(t->Execute(TemplateDataValue(d), &fresh).ok());
      ASSERT_TRUE(t->Execute(cache.Build(d), &cached).ok());
      EXPECT_EQ(cached, fresh) << v;
    }
  }
}

TEST(LoadTemplateRenderer, ErrorsNameTheTemplate) {
  vs::testing::TempDir dir;
  vs::testing::WriteFile(dir.File("bad.tmpl"), "{{range .Cores}}");
  auto r = LoadTemplateRenderer(dir.File("bad.tmpl"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("bad.tmpl"), std::string::npos) << r.status().ToString();
  EXPECT_FALSE(LoadTemplateRenderer(dir.File("missing.tmpl")).ok());
}

}  // namespace
}  // namespace vs::envoyd
