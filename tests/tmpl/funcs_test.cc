#include <gtest/gtest.h>

#include "tmpl/template.h"

namespace vs::tmpl {
namespace {

std::string R(std::string_view text) {
  StatusOr<Template> t = Template::Parse("t", text);
  if (!t.ok()) return "PARSE ERROR: " + t.status().message();
  std::string out;
  Status st = t->Execute(Value::Object({{"s", Value::String("Hello World")}}), &out);
  return st.ok() ? out : "ERROR: " + st.message();
}

TEST(FuncsTest, ConsulTemplateFunctions) {
  EXPECT_EQ(R("{{toJSON (split \",\" \"a,b\")}}"), "[\"a\",\"b\"]");
  EXPECT_EQ(R("{{join \"-\" (split \",\" \" a,b \")}}"), "a-b");
  EXPECT_EQ(R("{{toLower .s}} {{toUpper .s}} {{toTitle \"ab cd\"}}"),
            "hello world HELLO WORLD Ab Cd");
  EXPECT_EQ(R("{{replaceAll \"o\" \"0\" .s}}"), "Hell0 W0rld");
  EXPECT_EQ(R("{{regexReplaceAll \"(\\\\w+) (\\\\w+)\" \"$2 $1\" .s}}"), "World Hello");
  EXPECT_EQ(R("{{regexMatch \"^H\" .s}}"), "true");
  EXPECT_EQ(R("{{contains \"World\" .s}}"), "true");
  EXPECT_EQ(R("{{add 1 2}} {{subtract 1 5}} {{multiply 2 3}} {{divide 2 9}} {{modulo 4 9}}"),
            "3 4 6 4 1");
  EXPECT_EQ(R("{{base64Encode \"hi\"}} {{base64Decode \"aGk=\"}}"), "aGk= hi");
  EXPECT_EQ(R("{{sha256Hex \"abc\"}}"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(R("{{indent 2 \"a\\nb\"}}"), "  a\n  b");
  EXPECT_EQ(R("{{trimSpace \"  x \"}}"), "x");
  EXPECT_EQ(R("{{parseJSON \"[1,2]\" | len}}"), "2");
  EXPECT_EQ(R("{{toJSONPretty (parseJSON \"{\\\"a\\\":1}\")}}"), "{\n  \"a\": 1\n}");
  EXPECT_EQ(R("{{if isFirst}}1{{end}}{{if isFirst}}2{{end}}{{if isFirst2}}3{{end}}"), "13");
}

TEST(FuncsTest, ErrorsAbortTheRendering) {
  EXPECT_NE(R("{{divide 0 1}}").find("error calling divide"), std::string::npos);
  EXPECT_NE(R("{{base64Decode \"!\"}}").find("error calling base64Decode"), std::string::npos);
  EXPECT_NE(R("{{regexMatch \"(\" .s}}").find("error parsing regexp"), std::string::npos);
  EXPECT_NE(R("{{indent -1 .s}}").find("positive integer"), std::string::npos);
}

TEST(FuncsTest, RegisteredNamesCoverTheIssue) {
  for (const char* name :
       {"isFirst",   "isFirst2",     "toJSON",       "toJSONPretty",    "parseJSON",
        "join",      "split",        "toLower",      "toUpper",         "toTitle",
        "trimSpace", "replaceAll",   "regexMatch",   "regexReplaceAll", "contains",
        "env",       "add",          "subtract",     "multiply",        "divide",
        "modulo",    "base64Encode", "base64Decode", "sha256Hex",       "indent"}) {
    EXPECT_NE(DefaultFuncs().Find(name), nullptr) << name;
  }
}

}  // namespace
}  // namespace vs::tmpl
