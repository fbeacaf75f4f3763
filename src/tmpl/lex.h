// Internal: Go's text/template lexer (text/template/parse/lex.go), run to completion into a
// vector of items; a lexical error is the last item.
#pragma once

#include <string_view>
#include <vector>

namespace vs::tmpl::internal {

enum class Item : uint8_t {
  kError,
  kBool,
  kChar,
  kCharConstant,
  kComment,
  kComplex,
  kAssign,
  kDeclare,
  kEOF,
  kField,
  kIdentifier,
  kLeftDelim,
  kLeftParen,
  kNumber,
  kPipe,
  kRawString,
  kRightDelim,
  kRightParen,
  kSpace,
  kString,
  kText,
  kVariable,
  // keywords
  kKeyword,
  kBlock,
  kBreak,
  kContinue,
  kDot,
  kDefine,
  kElse,
  kEnd,
  kIf,
  kNil,
  kRange,
  kTemplate,
  kWith,
};

struct Token {
  Item type;
  int pos;
  std::string_view val;  // for kError: the message (static storage or in `errors`)
  int line;
};

// Lexes all of `input` (which must outlive the tokens).
std::vector<Token> Lex(std::string_view input, std::vector<std::string>* errors);

}  // namespace vs::tmpl::internal
