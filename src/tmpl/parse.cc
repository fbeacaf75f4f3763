// The parser of Go's text/template/parse/parse.go, over the pre-lexed token vector.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "tmpl/gofmt.h"
#include "tmpl/lex.h"
#include "tmpl/tree.h"
#include "tmpl/unicode.h"

namespace vs::tmpl::internal {
namespace {

constexpr int kMaxNesting = 500;  // control/paren nesting: bounds the parser's recursion

const char* kBuiltinNames[kNumBuiltins] = {
    "and", "or", "not", "len", "index", "slice", "print", "printf",   "println", "eq",
    "ne",  "lt", "le",  "gt",  "ge",    "html",  "js",    "urlquery", "call"};

std::string ItemString(const Token& t) {
  switch (t.type) {
    case Item::kEOF:
      return "EOF";
    case Item::kError:
      return std::string(t.val);
    case Item::kText:
    case Item::kString:
    case Item::kRawString:
    case Item::kNumber:
    case Item::kCharConstant:
    default:
      if (t.type > Item::kKeyword) return "<" + std::string(t.val) + ">";
      if (t.val.size() > 10) return "\"" + std::string(t.val.substr(0, 10)) + "\"...";
      return "\"" + std::string(t.val) + "\"";
  }
}

// strconv.Unquote for "..." and `...` (and '...' for char constants: returns the rune).
bool UnquoteChar(std::string_view s, size_t* i, char quote, char32_t* r, bool* multibyte) {
  unsigned char c = s[*i];
  *multibyte = false;
  if (c == static_cast<unsigned char>(quote) && (quote == '\'' || quote == '"')) return false;
  if (c >= 0x80) {
    size_t w;
    *r = uni::DecodeRune(s, *i, &w);
    *i += w;
    *multibyte = true;
    return true;
  }
  if (c != '\\') {
    *r = c;
    ++*i;
    return true;
  }
  if (*i + 1 >= s.size()) return false;
  char e = s[*i + 1];
  *i += 2;
  auto hexval = [](char h) -> int {
    if (h >= '0' && h <= '9') return h - '0';
    if (h >= 'a' && h <= 'f') return h - 'a' + 10;
    if (h >= 'A' && h <= 'F') return h - 'A' + 10;
    return -1;
  };
  switch (e) {
    case 'a':
      *r = '\a';
      return true;
    case 'b':
      *r = '\b';
      return true;
    case 'f':
      *r = '\f';
      return true;
    case 'n':
      *r = '\n';
      return true;
    case 'r':
      *r = '\r';
      return true;
    case 't':
      *r = '\t';
      return true;
    case 'v':
      *r = '\v';
      return true;
    case 'x':
    case 'u':
    case 'U': {
      int n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
      if (*i + n > s.size()) return false;
      char32_t v = 0;
      for (int k = 0; k < n; ++k) {
        int h = hexval(s[*i + k]);
        if (h < 0) return false;
        v = v * 16 + h;
      }
      *i += n;
      if (e == 'x') {
        *r = v;  // a byte value
        *multibyte = false;
        return true;
      }
      if (v > uni::kMaxRune || (v >= 0xD800 && v <= 0xDFFF)) return false;
      *r = v;
      *multibyte = true;
      return true;
    }
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7': {
      int v = e - '0';
      if (*i + 2 > s.size()) return false;
      for (int k = 0; k < 2; ++k) {
        char d = s[*i + k];
        if (d < '0' || d > '7') return false;
        v = v * 8 + (d - '0');
      }
      *i += 2;
      if (v > 255) return false;
      *r = static_cast<char32_t>(v);
      return true;
    }
    case '\\':
      *r = '\\';
      return true;
    case '\'':
    case '"':
      if (e != quote) return false;
      *r = static_cast<char32_t>(e);
      return true;
    default:
      return false;
  }
}

bool Unquote(std::string_view s, std::string* out) {
  if (s.size() < 2) return false;
  char q = s[0];
  if (q != s.back()) return false;
  std::string_view body = s.substr(1, s.size() - 2);
  if (q == '`') {
    if (body.find('`') != std::string_view::npos) return false;
    for (char c : body) {
      if (c != '\r') out->push_back(c);
    }
    return true;
  }
  if (q != '"') return false;
  for (size_t i = 0; i < body.size();) {
    if (body[i] == '\n') return false;
    char32_t r;
    bool mb;
    if (!UnquoteChar(body, &i, '"', &r, &mb)) return false;
    if (r < 0x80 || !mb) {
      out->push_back(static_cast<char>(r));
      continue;
    }
    uni::AppendRune(out, r);
  }
  return true;
}

bool UnderscoreOK(std::string_view s) {
  char saw = '^';
  size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s = s.substr(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0' &&
      (std::tolower(s[1]) == 'b' || std::tolower(s[1]) == 'o' || std::tolower(s[1]) == 'x')) {
    i = 2;
    saw = '0';
    hex = std::tolower(s[1]) == 'x';
  }
  for (; i < s.size(); ++i) {
    char c = s[i];
    if ((c >= '0' && c <= '9') || (hex && std::tolower(c) >= 'a' && std::tolower(c) <= 'f')) {
      saw = '0';
      continue;
    }
    if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

// strconv.ParseUint(s, 0, 64) / ParseInt(s, 0, 64).
bool ParseUint0(std::string_view s, uint64_t* out) {
  if (s.empty()) return false;
  std::string_view s0 = s;
  int base = 10;
  bool base0 = true;
  if (s[0] == '0') {
    if (s.size() >= 3 && std::tolower(s[1]) == 'b') {
      base = 2;
      s = s.substr(2);
    } else if (s.size() >= 3 && std::tolower(s[1]) == 'o') {
      base = 8;
      s = s.substr(2);
    } else if (s.size() >= 3 && std::tolower(s[1]) == 'x') {
      base = 16;
      s = s.substr(2);
    } else {
      base = 8;
      s = s.substr(1);
    }
  }
  uint64_t n = 0;
  bool underscores = false;
  for (char c : s) {
    int d;
    if (c == '_' && base0) {
      underscores = true;
      continue;
    } else if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (std::tolower(c) >= 'a' && std::tolower(c) <= 'z') {
      d = std::tolower(c) - 'a' + 10;
    } else {
      return false;
    }
    if (d >= base) return false;
    if (n > (UINT64_MAX - d) / base) return false;  // overflow
    n = n * base + d;
  }
  if (underscores && !UnderscoreOK(s0)) return false;
  *out = n;
  return true;
}

bool ParseInt0(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  bool neg = false;
  std::string_view body = s;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    body = s.substr(1);
  }
  uint64_t u;
  if (!ParseUint0(body, &u)) return false;
  if (!neg && u > static_cast<uint64_t>(INT64_MAX)) return false;
  if (neg && u > static_cast<uint64_t>(INT64_MAX) + 1) return false;
  *out = neg ? static_cast<int64_t>(0 - u) : static_cast<int64_t>(u);
  return true;
}

// strconv.ParseFloat(s, 64), including hex floats and underscores; false on syntax error
// or out of range (Go reports both as errors).
// Whether ParseFloat rejected `s` for its range rather than its syntax (strconv's ErrRange).
bool FloatOverflows(std::string_view s) {
  std::string t;
  for (char c : s)
    if (c != '_') t.push_back(c);
  char* end = nullptr;
  double d = std::strtod(t.c_str(), &end);
  return end == t.c_str() + t.size() && std::isinf(d) && t.find_first_of("nN") == std::string::npos;
}

// fmt's floatToken: the longest prefix of s[i..] that fmt.Sscan reads as one float.
size_t FloatToken(std::string_view s, size_t i) {
  auto accept = [&](std::string_view set) {
    if (i < s.size() && set.find(s[i]) != std::string_view::npos) {
      ++i;
      return true;
    }
    return false;
  };
  accept("+-");
  std::string_view digits = "0123456789_", exp = "eEpP";
  if (accept("0") && accept("xX")) {
    digits = "0123456789aAbBcCdDeEfF_";
    exp = "pP";
  }
  while (accept(digits)) {
  }
  if (accept(".")) {
    while (accept(digits)) {
    }
  }
  if (accept(exp)) {
    accept("+-");
    while (accept("0123456789_")) {
    }
  }
  return i;
}

bool ParseFloat(std::string_view s, double* out) {
  if (s.empty()) return false;
  std::string t;
  bool neg = false;
  size_t i = 0;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    i = 1;
  }
  std::string_view body = s.substr(i);
  bool underscores = body.find('_') != std::string_view::npos;
  if (underscores && !UnderscoreOK(s)) return false;
  for (char c : body)
    if (c != '_') t.push_back(c);
  {
    std::string low;
    for (char c : t) low.push_back(static_cast<char>(std::tolower(c)));
    if (low == "inf" || low == "infinity") {
      *out = neg ? -HUGE_VAL : HUGE_VAL;
      return true;
    }
    if (low == "nan") {
      *out = std::nan("");
      return true;
    }
  }
  double d;
  if (t.size() >= 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) {
    std::string_view h(t);
    h = h.substr(2);
    if (h.empty()) return false;
    // Go requires a 'p' exponent for hex floats with a mantissa point or exponent.
    bool has_p = h.find_first_of("pP") != std::string_view::npos;
    if (!has_p) return false;
    auto [p, ec] = std::from_chars(h.data(), h.data() + h.size(), d, std::chars_format::hex);
    if (p != h.data() + h.size()) return false;
    if (ec == std::errc::result_out_of_range) {
      std::string hx = "0x" + std::string(h);
      d = std::strtod(hx.c_str(), nullptr);
      if (std::isinf(d)) return false;
    } else if (ec != std::errc()) {
      return false;
    }
  } else {
    // Decimal: digits [. digits] [e[+-]digits]
    size_t k = 0;
    bool digits = false;
    while (k < t.size() && std::isdigit(static_cast<unsigned char>(t[k]))) k++, digits = true;
    if (k < t.size() && t[k] == '.') {
      k++;
      while (k < t.size() && std::isdigit(static_cast<unsigned char>(t[k]))) k++, digits = true;
    }
    if (!digits) return false;
    if (k < t.size() && (t[k] == 'e' || t[k] == 'E')) {
      k++;
      if (k < t.size() && (t[k] == '+' || t[k] == '-')) k++;
      bool ed = false;
      while (k < t.size() && std::isdigit(static_cast<unsigned char>(t[k]))) k++, ed = true;
      if (!ed) return false;
    }
    if (k != t.size()) return false;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), d);
    if (ec == std::errc::result_out_of_range) {
      d = std::strtod(t.c_str(), nullptr);
      if (std::isinf(d)) return false;
    } else if (ec != std::errc() || p != t.data() + t.size()) {
      return false;
    }
  }
  *out = neg ? -d : d;
  return true;
}

class Parser {
 public:
  Parser(const std::string& name, std::string_view text, TreeSet* set)
      : name_(name), text_(text), set_(set) {}

  Status Parse() {
    tokens_ = Lex(text_, &lex_errors_);
    auto tree = std::make_unique<Tree>();
    tree->name = name_;
    vars_ = {"$"};
    if (!ParseTop(tree.get())) return err_;
    if (!Add(std::move(tree))) return err_;
    return OkStatus();
  }

 private:
  // ---- tokens ----
  const Token& Next() {
    const Token& t = tokens_[std::min(idx_, tokens_.size() - 1)];
    if (idx_ < tokens_.size()) idx_++;
    last_ = &t;
    return t;
  }
  void Backup() { idx_--; }
  const Token& Peek() { return tokens_[std::min(idx_, tokens_.size() - 1)]; }
  const Token& NextNonSpace() {
    for (;;) {
      const Token& t = Next();
      if (t.type != Item::kSpace) return t;
    }
  }
  const Token& PeekNonSpace() {
    const Token& t = NextNonSpace();
    Backup();
    return t;
  }

  bool Errorf(const std::string& msg) {
    if (err_.ok()) {
      int line = last_ ? last_->line : 1;
      err_ = InvalidArgument("template: " + name_ + ":" + std::to_string(line) + ": " + msg);
    }
    return false;
  }
  bool Unexpected(const Token& t, const std::string& context) {
    if (t.type == Item::kError) {
      std::string extra;
      if (action_line_ != 0 && action_line_ != t.line) {
        extra = " in action started at " + name_ + ":" + std::to_string(action_line_);
        if (t.val.size() >= 7 && t.val.substr(t.val.size() - 7) == " action") {
          extra = extra.substr(std::string(" in action").size());
        }
      }
      return Errorf(std::string(t.val) + extra);
    }
    return Errorf("unexpected " + ItemString(t) + " in " + context);
  }
  bool Expect(Item want, const std::string& context, const Token** out = nullptr) {
    const Token& t = NextNonSpace();
    if (t.type != want) return Unexpected(t, context);
    if (out) *out = &t;
    return true;
  }

  static bool IsEmptyList(const std::vector<Node>& list) {
    for (const Node& n : list) {
      if (n.type != NodeType::kText) return false;
      for (char c : n.text) {
        if (!(c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
              static_cast<unsigned char>(c) == 0x85 || static_cast<unsigned char>(c) == 0xA0))
          return false;
      }
    }
    return true;
  }

  bool Add(std::unique_ptr<Tree> tree) {
    tree->empty = IsEmptyList(tree->root);
    auto it = set_->trees.find(tree->name);
    if (it == set_->trees.end() || it->second->empty) {
      set_->trees[tree->name] = std::move(tree);
      return true;
    }
    if (!tree->empty) {
      return Errorf("template: multiple definition of template \"" + tree->name + "\"");
    }
    return true;
  }

  // ---- structure ----
  bool ParseTop(Tree* tree) {
    while (Peek().type != Item::kEOF) {
      if (Peek().type == Item::kLeftDelim) {
        size_t save = idx_;
        Next();
        if (NextNonSpace().type == Item::kDefine) {
          if (!ParseDefinition()) return false;
          continue;
        }
        idx_ = save;
      }
      Node n;
      int end_kind = 0;
      if (!TextOrAction(&n, &end_kind)) return false;
      if (end_kind != 0) {
        return Errorf(end_kind == 1 ? "unexpected {{end}}" : "unexpected {{else}}");
      }
      tree->root.push_back(std::move(n));
    }
    return true;
  }

  bool ParseDefinition() {
    const std::string context = "define clause";
    const Token& t = NextNonSpace();
    if (t.type != Item::kString && t.type != Item::kRawString) return Unexpected(t, context);
    std::string name;
    if (!Unquote(t.val, &name)) return Errorf("invalid syntax");
    if (!Expect(Item::kRightDelim, context)) return false;
    auto tree = std::make_unique<Tree>();
    tree->name = name;
    auto saved_vars = vars_;
    vars_ = {"$"};
    int saved_range = range_depth_;
    range_depth_ = 0;
    int end_kind = 0;
    if (!ItemList(&tree->root, &end_kind)) return false;
    if (end_kind != 1) return Errorf("unexpected {{else}} in " + context);
    vars_ = saved_vars;
    range_depth_ = saved_range;
    return Add(std::move(tree));
  }

  // Parses nodes until {{end}} (end_kind 1) or {{else}} (2); EOF is an error.
  bool ItemList(std::vector<Node>* list, int* end_kind) {
    *end_kind = 0;
    while (PeekNonSpace().type != Item::kEOF) {
      Node n;
      if (!TextOrAction(&n, end_kind)) return false;
      if (*end_kind != 0) return true;
      list->push_back(std::move(n));
    }
    return Errorf("unexpected EOF");
  }

  // end_kind: set to 1 for {{end}}, 2 for {{else}} (then *n is unused).
  bool TextOrAction(Node* n, int* end_kind) {
    const Token& t = NextNonSpace();
    switch (t.type) {
      case Item::kText:
        n->type = NodeType::kText;
        n->pos = t.pos;
        n->text = t.val;
        return true;
      case Item::kLeftDelim: {
        action_line_ = t.line;
        bool ok = Action(n, end_kind);
        action_line_ = 0;
        return ok;
      }
      default:
        return Unexpected(t, "input");
    }
  }

  bool Action(Node* n, int* end_kind) {
    const Token& t = NextNonSpace();
    switch (t.type) {
      case Item::kBlock:
        return BlockControl(n);
      case Item::kBreak:
      case Item::kContinue: {
        bool is_break = t.type == Item::kBreak;
        int pos = t.pos;
        const Token& t2 = NextNonSpace();
        if (t2.type != Item::kRightDelim)
          return Unexpected(t2, is_break ? "{{break}}" : "{{continue}}");
        if (range_depth_ == 0)
          return Errorf(is_break ? "{{break}} outside {{range}}"
                                 : "{{continue}} outside {{range}}");
        n->type = is_break ? NodeType::kBreak : NodeType::kContinue;
        n->pos = pos;
        return true;
      }
      case Item::kElse: {
        const Token& p = PeekNonSpace();
        if (p.type != Item::kIf) {
          if (!Expect(Item::kRightDelim, "else")) return false;
        }
        *end_kind = 2;
        else_pos_ = p.pos;
        return true;
      }
      case Item::kEnd:
        if (!Expect(Item::kRightDelim, "end")) return false;
        *end_kind = 1;
        return true;
      case Item::kIf:
        return Control(n, NodeType::kIf, true, "if");
      case Item::kRange:
        return Control(n, NodeType::kRange, false, "range");
      case Item::kTemplate:
        return TemplateControl(n);
      case Item::kWith:
        return Control(n, NodeType::kWith, false, "with");
      default:
        break;
    }
    Backup();
    n->type = NodeType::kAction;
    n->pos = Peek().pos;
    n->has_pipe = true;
    return Pipeline(&n->pipe, "command", Item::kRightDelim);
  }

  bool Control(Node* n, NodeType type, bool allow_else_if, const std::string& context) {
    if (++nesting_ > kMaxNesting) return Errorf("nesting too deep");
    size_t mark = vars_.size();
    n->type = type;
    n->has_pipe = true;
    if (!Pipeline(&n->pipe, context, Item::kRightDelim)) return false;
    n->pos = n->pipe.pos;
    if (type == NodeType::kRange) range_depth_++;
    int end_kind;
    if (!ItemList(&n->list, &end_kind)) return false;
    if (type == NodeType::kRange) range_depth_--;
    if (end_kind == 2) {
      n->has_else = true;
      if (allow_else_if && Peek().type == Item::kIf) {
        Next();
        Node inner;
        if (!Control(&inner, NodeType::kIf, true, "if")) return false;
        n->else_list.push_back(std::move(inner));
      } else {
        if (!ItemList(&n->else_list, &end_kind)) return false;
        if (end_kind != 1) return Errorf("expected end; found {{else}}");
      }
    }
    vars_.resize(mark);
    nesting_--;
    return true;
  }

  bool ParseTemplateName(const Token& t, const std::string& context, std::string* name) {
    if (t.type != Item::kString && t.type != Item::kRawString) return Unexpected(t, context);
    if (!Unquote(t.val, name)) return Errorf("invalid syntax");
    return true;
  }

  bool TemplateControl(Node* n) {
    const std::string context = "template clause";
    const Token& t = NextNonSpace();
    n->type = NodeType::kTemplate;
    n->pos = t.pos;
    if (!ParseTemplateName(t, context, &n->name)) return false;
    if (NextNonSpace().type != Item::kRightDelim) {
      Backup();
      n->has_pipe = true;
      if (!Pipeline(&n->pipe, context, Item::kRightDelim)) return false;
    }
    return true;
  }

  bool BlockControl(Node* n) {
    const std::string context = "block clause";
    const Token& t = NextNonSpace();
    n->type = NodeType::kTemplate;
    n->pos = t.pos;
    if (!ParseTemplateName(t, context, &n->name)) return false;
    n->has_pipe = true;
    if (!Pipeline(&n->pipe, context, Item::kRightDelim)) return false;
    auto tree = std::make_unique<Tree>();
    tree->name = n->name;
    auto saved_vars = vars_;
    vars_ = {"$"};
    int saved_range = range_depth_;
    range_depth_ = 0;
    int end_kind;
    if (!ItemList(&tree->root, &end_kind)) return false;
    if (end_kind != 1) return Errorf("unexpected {{else}} in " + context);
    vars_ = saved_vars;
    range_depth_ = saved_range;
    return Add(std::move(tree));
  }

  // ---- pipelines ----
  bool Pipeline(Pipe* pipe, const std::string& context, Item end) {
    const Token& first = PeekNonSpace();
    pipe->pos = first.pos;
  decls:
    if (const Token& v = PeekNonSpace(); v.type == Item::kVariable) {
      size_t before = idx_;
      NextNonSpace();
      const Token& after_var = Peek();
      const Token& next = PeekNonSpace();
      if (next.type == Item::kAssign || next.type == Item::kDeclare) {
        pipe->is_assign = next.type == Item::kAssign;
        NextNonSpace();
        pipe->decl.emplace_back(v.val);
        vars_.emplace_back(v.val);
      } else if (next.type == Item::kChar && next.val == ",") {
        NextNonSpace();
        pipe->decl.emplace_back(v.val);
        vars_.emplace_back(v.val);
        if (context == "range" && pipe->decl.size() < 2) {
          Item k = PeekNonSpace().type;
          if (k == Item::kVariable || k == Item::kRightDelim || k == Item::kRightParen) {
            goto decls;
          }
          return Errorf("range can only initialize variables");
        }
        return Errorf("too many declarations in " + context);
      } else if (after_var.type == Item::kSpace) {
        idx_ = before;
      } else {
        idx_ = before;
      }
    }
    for (;;) {
      const Token& t = NextNonSpace();
      if (t.type == end) {
        if (pipe->cmds.empty()) return Errorf("missing value for " + context);
        for (size_t i = 1; i < pipe->cmds.size(); ++i) {
          OpType k = pipe->cmds[i].args[0].type;
          if (k == OpType::kBool || k == OpType::kDot || k == OpType::kNil ||
              k == OpType::kNumber || k == OpType::kString) {
            return Errorf("non executable command in pipeline stage " + std::to_string(i + 1));
          }
        }
        return true;
      }
      switch (t.type) {
        case Item::kBool:
        case Item::kCharConstant:
        case Item::kComplex:
        case Item::kDot:
        case Item::kField:
        case Item::kIdentifier:
        case Item::kNumber:
        case Item::kNil:
        case Item::kRawString:
        case Item::kString:
        case Item::kVariable:
        case Item::kLeftParen: {
          Backup();
          Command cmd;
          if (!ParseCommand(&cmd)) return false;
          pipe->cmds.push_back(std::move(cmd));
          break;
        }
        default:
          return Unexpected(t, context);
      }
    }
  }

  bool ParseCommand(Command* cmd) {
    cmd->pos = PeekNonSpace().pos;
    for (;;) {
      PeekNonSpace();
      Operand op;
      bool got = false;
      if (!ParseOperand(&op, &got)) return false;
      if (got) cmd->args.push_back(std::move(op));
      const Token& t = Next();
      if (t.type == Item::kSpace) continue;
      if (t.type == Item::kRightDelim || t.type == Item::kRightParen) {
        Backup();
      } else if (t.type == Item::kPipe) {
      } else {
        return Unexpected(t, "operand");
      }
      break;
    }
    if (cmd->args.empty()) return Errorf("empty command");
    return true;
  }

  bool ParseOperand(Operand* op, bool* got) {
    if (!Term(op, got)) return false;
    if (!*got) return true;
    if (Peek().type == Item::kField) {
      int term_end = op->end;
      int chain_pos = Peek().pos;  // Go positions a field chain at its first added field
      std::vector<std::string_view> fields;
      while (Peek().type == Item::kField) {
        const Token& f = Next();
        // ".a.b" as one token: split on dots.
        std::string_view v = f.val;
        size_t i = 1;
        while (i <= v.size()) {
          size_t j = v.find('.', i);
          if (j == std::string_view::npos) j = v.size();
          fields.emplace_back(v.substr(i, j - i));
          i = j + 1;
        }
        op->end = f.pos + static_cast<int>(f.val.size());
      }
      switch (op->type) {
        case OpType::kField:
        case OpType::kVariable:
          for (auto& f : fields) op->idents.push_back(std::move(f));
          op->loc = chain_pos;
          break;
        case OpType::kBool:
        case OpType::kString:
        case OpType::kNumber:
        case OpType::kNil:
        case OpType::kDot: {
          std::string q;
          gofmt::Quote(text_.substr(op->pos, term_end - op->pos), false, &q);
          return Errorf("unexpected . after term " + q);
        }
        default: {
          auto sub = std::make_unique<Operand>(std::move(*op));
          *op = Operand{};
          op->type = OpType::kChain;
          op->pos = sub->pos;
          op->end = sub->end;
          op->idents = std::move(fields);
          op->sub = std::move(sub);
          op->loc = chain_pos;
        }
      }
    }
    return true;
  }

  bool Term(Operand* op, bool* got) {
    const Token& t = NextNonSpace();
    *got = true;
    op->pos = t.pos;
    op->end = t.pos + static_cast<int>(t.val.size());
    switch (t.type) {
      case Item::kIdentifier: {
        std::string name(t.val);
        op->type = OpType::kIdentifier;
        op->name = t.val;
        op->func = set_->funcs.Find(name);
        op->sig = op->func ? set_->funcs.FindSignature(name) : nullptr;
        if (op->func == nullptr) {
          op->builtin = FindBuiltin(name);
          if (op->builtin < 0) return Errorf("function \"" + name + "\" not defined");
        }
        return true;
      }
      case Item::kDot:
        op->type = OpType::kDot;
        return true;
      case Item::kNil:
        op->type = OpType::kNil;
        return true;
      case Item::kVariable: {
        std::string_view v = t.val;
        size_t dot = v.find('.');
        op->type = OpType::kVariable;
        op->name = v.substr(0, dot);
        if (dot != std::string_view::npos) {
          size_t i = dot + 1;
          while (i <= v.size()) {
            size_t j = v.find('.', i);
            if (j == std::string_view::npos) j = v.size();
            op->idents.emplace_back(v.substr(i, j - i));
            i = j + 1;
          }
        }
        if (std::find(vars_.begin(), vars_.end(), op->name) == vars_.end()) {
          return Errorf("undefined variable \"" + std::string(op->name) + "\"");
        }
        return true;
      }
      case Item::kField: {
        op->type = OpType::kField;
        std::string_view v = t.val;
        size_t i = 1;
        while (i <= v.size()) {
          size_t j = v.find('.', i);
          if (j == std::string_view::npos) j = v.size();
          op->idents.emplace_back(v.substr(i, j - i));
          i = j + 1;
        }
        return true;
      }
      case Item::kBool:
        op->type = OpType::kBool;
        op->constant = Value::Bool(t.val == "true");
        return true;
      case Item::kCharConstant:
      case Item::kComplex:
      case Item::kNumber:
        op->type = OpType::kNumber;
        op->name = t.val;
        return NewNumber(op, t);
      case Item::kLeftParen: {
        if (++nesting_ > kMaxNesting) return Errorf("nesting too deep");
        op->type = OpType::kPipe;
        op->pipe = std::make_unique<Pipe>();
        if (!Pipeline(op->pipe.get(), "parenthesized pipeline", Item::kRightParen)) return false;
        nesting_--;
        op->end = last_->pos + 1;
        return true;
      }
      case Item::kString:
      case Item::kRawString: {
        std::string s;
        if (!Unquote(t.val, &s)) return Errorf("invalid syntax");
        op->type = OpType::kString;
        op->constant = Value::String(std::move(s));
        return true;
      }
      default:
        Backup();
        *got = false;
        return true;
    }
  }

  bool NewNumber(Operand* op, const Token& t) {
    std::string_view text = t.val;
    Number n;
    struct Store {  // copies the parsed number into the operand on every return path
      Number& n;
      Operand* op;
      ~Store() {
        op->num_is_int = n.is_int;
        op->num_int = n.i;
      }
    } store{n, op};
    if (t.type == Item::kCharConstant) {
      std::string_view body = text.substr(1);
      size_t i = 0;
      char32_t r;
      bool mb;
      if (body.empty() || body[0] == '\'' || !UnquoteChar(body, &i, '\'', &r, &mb)) {
        return Errorf("invalid syntax");
      }
      if (body.substr(i) != "'") {
        return Errorf("malformed character constant: " + std::string(text));
      }
      n.i = r;
      n.is_int = true;
      n.u = r;
      n.is_uint = true;
      n.f = r;
      n.is_float = true;
      op->constant = Value::Int(r);
      return true;
    }
    if (t.type == Item::kComplex || (!text.empty() && text.back() == 'i')) {
      double re = 0, im = 0;
      bool ok;
      if (t.type == Item::kComplex) {
        // Go lets fmt.Sscan split REAL[+-]IMAGi (its floatToken rules) and strconv.ParseFloat
        // convert each part: same tokens, same errors.
        size_t k = FloatToken(text, 0);
        if (k >= text.size() || (text[k] != '+' && text[k] != '-')) {
          return Errorf("syntax error scanning complex number");
        }
        size_t end = FloatToken(text, k + 1);
        if (end >= text.size() || text[end] != 'i') {
          return Errorf("syntax error scanning complex number");
        }
        for (std::string_view part : {text.substr(0, k), text.substr(k, end - k)}) {
          if (!ParseFloat(part, part.data() == text.data() ? &re : &im)) {
            std::string q;
            gofmt::Quote(part, false, &q);
            return Errorf("strconv.ParseFloat: parsing " + q +
                          (FloatOverflows(part) ? ": value out of range" : ": invalid syntax"));
          }
        }
        ok = true;
      } else {
        ok = ParseFloat(text.substr(0, text.size() - 1), &im);
      }
      if (ok) {
        // simplifyComplex: a zero imaginary part makes it usable as a float (and int).
        if (im == 0) {
          n.is_float = true;
          n.f = re;
          if (re >= -9223372036854775808.0 && re < 9223372036854775808.0 &&
              static_cast<double>(static_cast<int64_t>(re)) == re) {
            n.is_int = true;
            n.i = static_cast<int64_t>(re);
          }
        }
        op->constant = Value::Complex(re, im);
        return true;
      }
    }
    uint64_t u;
    if (ParseUint0(text, &u)) {
      n.is_uint = true;
      n.u = u;
    }
    int64_t i;
    if (ParseInt0(text, &i)) {
      n.is_int = true;
      n.i = i;
      if (i == 0) {
        n.is_uint = true;
        n.u = 0;
      }
    }
    if (n.is_int) {
      n.is_float = true;
      n.f = static_cast<double>(n.i);
    } else if (n.is_uint) {
      n.is_float = true;
      n.f = static_cast<double>(n.u);
    } else {
      double f;
      if (ParseFloat(text, &f)) {
        if (text.find_first_of(".eEpP") == std::string_view::npos) {
          return Errorf("integer overflow: \"" + std::string(text) + "\"");
        }
        n.is_float = true;
        n.f = f;
        if (!n.is_int && f >= -9223372036854775808.0 && f < 9223372036854775808.0 &&
            static_cast<double>(static_cast<int64_t>(f)) == f) {
          n.is_int = true;
          n.i = static_cast<int64_t>(f);
        }
        if (!n.is_uint && f >= 0 && f < 18446744073709551616.0 &&
            static_cast<double>(static_cast<uint64_t>(f)) == f) {
          n.is_uint = true;
          n.u = static_cast<uint64_t>(f);
        }
      }
    }
    if (!n.is_int && !n.is_uint && !n.is_float) {
      return Errorf("illegal number syntax: \"" + std::string(text) + "\"");
    }
    // The ideal constant of exec.go's idealConstant.
    bool hex_int = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X') &&
                   text.find_first_of("pP") == std::string_view::npos;
    if (n.is_float && !hex_int && text.find_first_of(".eEpP") != std::string_view::npos) {
      op->constant = Value::Float(n.f);
    } else if (n.is_int) {
      op->constant = Value::Int(n.i);
    } else if (n.is_uint) {
      op->overflows_int = true;
    }
    return true;
  }

  const std::string& name_;
  std::string_view text_;
  TreeSet* set_;
  std::vector<Token> tokens_;
  std::vector<std::string> lex_errors_;
  size_t idx_ = 0;
  const Token* last_ = nullptr;
  Status err_;
  std::vector<std::string> vars_;
  int range_depth_ = 0;
  int action_line_ = 0;
  int nesting_ = 0;
  int else_pos_ = 0;
};

}  // namespace

int FindBuiltin(std::string_view name) {
  for (int i = 0; i < kNumBuiltins; ++i)
    if (name == kBuiltinNames[i]) return i;
  return -1;
}

Status ParseText(const std::string& name, std::string_view text, TreeSet* set) {
  set->name = name;
  return Parser(name, text, set).Parse();
}

std::string Location(const TreeSet& set, int pos) {
  std::string_view t = set.text;
  if (pos < 0) pos = 0;
  if (static_cast<size_t>(pos) > t.size()) pos = static_cast<int>(t.size());
  std::string_view before = t.substr(0, pos);
  size_t nl = before.rfind('\n');
  int col = nl == std::string_view::npos ? pos : pos - static_cast<int>(nl) - 1;
  int line = 1 + static_cast<int>(std::count(before.begin(), before.end(), '\n'));
  return set.name + ":" + std::to_string(line) + ":" + std::to_string(col);
}

}  // namespace vs::tmpl::internal
