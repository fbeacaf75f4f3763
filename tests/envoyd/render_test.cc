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
