// Internal: the parsed form of a template (one tree per defined name) and the parser that
// builds it from text with Go's text/template/parse rules. Trees are immutable after Parse and
// are read concurrently by executions.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "tmpl/template.h"
#include "tmpl/value.h"

namespace vs::tmpl::internal {

struct Pipe;

enum class OpType : uint8_t {
  kField,       // .a.b        idents
  kChain,       // (x).a.b     sub + idents
  kVariable,    // $x.a.b      name + idents
  kDot,         // .
  kNil,         // nil
  kBool,        // true/false  constant
  kNumber,      // 12, 1.5, 'a'
  kString,      // "x", `x`    constant
  kIdentifier,  // function name
  kPipe,        // ( pipeline )
};

struct Number {
  bool is_int = false, is_uint = false, is_float = false, is_complex = false;
  int64_t i = 0;
  uint64_t u = 0;
  double f = 0;
};

struct Operand {
  OpType type;
  int pos = 0;   // byte offset in the text, for errors
  int end = 0;   // end offset, for the error context
  int loc = -1;  // where Go locates errors of this operand, when not at pos
  // Views into TreeSet::text, which outlives the tree.
  std::string_view name;  // variable name ("$x"), function name, or number text
  std::vector<std::string_view> idents;
  Value constant;                  // kBool, kString; kNumber: the ideal constant (if valid)
  bool overflows_int = false;      // kNumber: a uint64 constant with no int value (an error)
  bool num_is_int = false;         // kNumber: usable as an int parameter (Go's NumberNode.IsInt)
  int64_t num_int = 0;             // kNumber: that int
  std::unique_ptr<Pipe> pipe;      // kPipe
  std::unique_ptr<Operand> sub;    // kChain: the term the fields apply to
  const Function* func = nullptr;  // kIdentifier: user function (nullptr: builtin)
  const Signature* sig = nullptr;  // kIdentifier: user function's signature
  int builtin = -1;                // kIdentifier: builtin id
};

struct Command {
  int pos = 0;
  std::vector<Operand> args;
};

struct Pipe {
  int pos = 0;
  bool is_assign = false;
  std::vector<std::string_view> decl;  // views into TreeSet::text
  std::vector<Command> cmds;
};

enum class NodeType : uint8_t { kText, kAction, kIf, kRange, kWith, kTemplate, kBreak, kContinue };

struct Node {
  NodeType type;
  int pos = 0;
  std::string_view text;  // kText: a view into TreeSet::text
  std::string name;       // kTemplate: the template's name
  Pipe pipe;              // kAction, kIf, kRange, kWith, kTemplate (if has_pipe)
  bool has_pipe = false;
  std::vector<Node> list;       // kIf/kRange/kWith body
  std::vector<Node> else_list;  // kIf/kRange/kWith
  bool has_else = false;
};

struct Tree {
  std::string name;
  std::vector<Node> root;
  bool empty = true;  // only whitespace text and comments: may be replaced by a definition
};

struct TreeSet {
  std::string text;  // the source, for error positions
  std::string name;  // the name of the main template
  std::map<std::string, std::unique_ptr<Tree>, std::less<>> trees;
  FuncMap funcs;
};

// Builtin ids (Operand::builtin).
enum Builtin : int {
  kAnd,
  kOr,
  kNot,
  kLen,
  kIndex,
  kSlice,
  kPrint,
  kPrintf,
  kPrintln,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kHtml,
  kJs,
  kUrlquery,
  kCall,
  kNumBuiltins
};
int FindBuiltin(std::string_view name);

// Parses `text` into *set (trees, keyed by name). Errors: "template: NAME:LINE: reason".
Status ParseText(const std::string& name, std::string_view text, TreeSet* set);

// "NAME:LINE:COL" of a byte offset.
std::string Location(const TreeSet& set, int pos);

}  // namespace vs::tmpl::internal
