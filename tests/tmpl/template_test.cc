#include "tmpl/template.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace vs::tmpl {
namespace {

std::string Render(std::string_view text, const Value& data) {
  StatusOr<Template> t = Template::Parse("t", text);
  if (!t.ok()) return "PARSE ERROR: " + t.status().message();
  std::string out;
  Status st = t->Execute(data, &out);
  if (!st.ok()) return "EXEC ERROR: " + st.message();
  return out;
}

Value Data() {
  StatusOr<Value> v = ParseJson(R"({"n": 1234567, "s": "x", "l": ["a", "b"],
      "m": {"k": "v"}, "nul": null})");
  return *v;
}

TEST(TemplateTest, CoreLanguage) {
  Value d = Data();
  EXPECT_EQ(Render("{{.n}}", d), "1.234567e+06");
  EXPECT_EQ(Render("{{.missing}}", d), "<no value>");
  EXPECT_EQ(Render("{{range $i, $e := .l}}{{$i}}{{$e}}{{end}}", d), "0a1b");
  EXPECT_EQ(Render("{{with .m}}{{.k}}{{end}}", d), "v");
  EXPECT_EQ(Render("{{if eq .s \"x\"}}y{{else}}n{{end}}", d), "y");
  EXPECT_EQ(Render("a {{- \" b \" -}} c", d), "a b c");
  EXPECT_EQ(Render("{{define \"T\"}}[{{.}}]{{end}}{{template \"T\" .s}}", d), "[x]");
}

TEST(TemplateTest, GoTypedNumbers) {
  Value d = Data();
  // A JSON number is a float64: comparing it with an int constant is Go's type error.
  EXPECT_EQ(Render("{{eq .n 1234567.0}}", d), "true");
  EXPECT_NE(Render("{{eq .n 1234567}}", d).find("EXEC ERROR"), std::string::npos);
}

TEST(TemplateTest, ErrorsCarryNameLineColumn) {
  StatusOr<Template> t = Template::Parse("cfg", "line1\n{{if}}");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message().rfind("template: cfg:2: ", 0), 0u) << t.status().message();
  StatusOr<Template> t2 = Template::Parse("cfg", "a\nb {{.nul.x}}");
  ASSERT_TRUE(t2.ok());
  std::string out = "stale";
  Status st = t2->Execute(Data(), &out);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(out, "");  // no partial output
  EXPECT_EQ(st.message().rfind("template: cfg:2:", 0), 0u) << st.message();
  EXPECT_NE(st.message().find("nil pointer evaluating"), std::string::npos) << st.message();
}

TEST(TemplateTest, IsFirstStateIsPerExecution) {
  StatusOr<Template> t =
      Template::Parse("t", "{{range .l}}{{if isFirst}}F{{else}},{{end}}{{.}}{{end}}");
  ASSERT_TRUE(t.ok());
  Value d = Data();
  std::vector<std::thread> threads;
  std::vector<std::string> outs(8);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      for (int k = 0; k < 200; ++k) {
        std::string out;
        if (!t->Execute(d, &out).ok()) out = "error";
        if (out != "Fa,b") {
          outs[i] = out;
          return;
        }
        outs[i] = out;
      }
    });
  }
  for (auto& th : threads) th.join();
  for (const auto& o : outs) EXPECT_EQ(o, "Fa,b");
}

TEST(TemplateTest, CustomFunctionsAndSignatures) {
  FuncMap funcs = DefaultFuncs();
  funcs.Add(
      "twice",
      [](CallContext&, std::span<const Value> a) -> StatusOr<Value> {
        return Value::String(a[0].as_string() + a[0].as_string());
      },
      Signature{{ArgType::kString}, false});
  funcs.Add("fail", [](CallContext&, std::span<const Value>) -> StatusOr<Value> {
    return InvalidArgument("boom");
  });
  StatusOr<Template> t = Template::Parse("t", "{{twice .s}}{{.s | twice}}", funcs);
  ASSERT_TRUE(t.ok());
  std::string out;
  ASSERT_TRUE(t->Execute(Data(), &out).ok());
  EXPECT_EQ(out, "xxxx");
  StatusOr<Template> bad = Template::Parse("t", "{{twice .n}}", funcs);
  ASSERT_TRUE(bad.ok());
  EXPECT_NE(bad->Execute(Data(), &out).message().find("wrong type for value; expected string"),
            std::string::npos);
  StatusOr<Template> f = Template::Parse("t", "{{fail 1 2}}", funcs);
  ASSERT_TRUE(f.ok());
  EXPECT_NE(f->Execute(Data(), &out).message().find("error calling fail: boom"), std::string::npos);
  EXPECT_FALSE(Template::Parse("t", "{{nosuch}}").ok());
}

TEST(TemplateTest, LimitsAreErrorsNotCrashes) {
  StatusOr<Template> t =
      Template::Parse("t", "{{define \"r\"}}{{template \"r\" .}}{{end}}{{template \"r\" .}}");
  ASSERT_TRUE(t.ok());
  std::string out;
  Status st = t->Execute(Data(), &out);
  EXPECT_NE(st.message().find("exceeded maximum template depth"), std::string::npos);
  StatusOr<Template> big = Template::Parse("t", "{{range .l}}{{printf \"%1000d\" 1}}{{end}}");
  ASSERT_TRUE(big.ok());
  Template::Limits lim;
  lim.max_output = 1500;
  EXPECT_NE(big->Execute(Data(), &out, lim).message().find("output exceeds"), std::string::npos);
  EXPECT_TRUE(out.empty());
  std::string deep(2000, '(');
  EXPECT_FALSE(Template::Parse("t", "{{" + deep + "}}").ok());
}

}  // namespace
}  // namespace vs::tmpl
