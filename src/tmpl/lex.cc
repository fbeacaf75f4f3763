#include "tmpl/lex.h"

#include <cstdio>
#include <string>

#include "tmpl/unicode.h"

namespace vs::tmpl::internal {
namespace {

constexpr char32_t kEof = 0xFFFFFFFF;
constexpr std::string_view kLeftDelim = "{{";
constexpr std::string_view kRightDelim = "}}";
constexpr std::string_view kLeftComment = "/*";
constexpr std::string_view kRightComment = "*/";

bool IsSpace(char32_t r) { return r == ' ' || r == '\t' || r == '\r' || r == '\n'; }
bool IsAlphaNumeric(char32_t r) {
  return r == '_' || (r != kEof && (uni::IsLetter(r) || uni::IsDigit(r)));
}
bool HasLeftTrimMarker(std::string_view s) {
  return s.size() >= 2 && s[0] == '-' && IsSpace(static_cast<unsigned char>(s[1]));
}
bool HasRightTrimMarker(std::string_view s) {
  return s.size() >= 2 && IsSpace(static_cast<unsigned char>(s[0])) && s[1] == '-';
}
bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

std::string RuneDesc(char32_t r) {  // Go's %#U
  char buf[64];
  std::string s;
  if (r == kEof) r = 0xFFFFFFFF;
  std::snprintf(buf, sizeof(buf), "U+%04X", static_cast<unsigned>(r));
  s = buf;
  if (r <= uni::kMaxRune && uni::IsPrint(r)) {
    s += " '";
    uni::AppendRune(&s, r);
    s += "'";
  }
  return s;
}

class Lexer {
 public:
  Lexer(std::string_view input, std::vector<std::string>* errors)
      : input_(input), errors_(errors) {}

  std::vector<Token> Run() {
    items_.reserve(input_.size() / 16 + 16);
    enum State { kText, kLeftDelimS, kComment, kRightDelimS, kInside, kSpaceS, kDone };
    State st = kText;
    while (st != kDone) {
      switch (st) {
        case kText:
          st = LexText() ? kLeftDelimS : kDone;
          break;
        case kLeftDelimS:
          st = static_cast<State>(LexLeftDelim());
          break;
        case kComment:
          st = LexComment() ? kText : kDone;
          break;
        case kRightDelimS:
          LexRightDelim();
          st = kText;
          break;
        case kInside: {
          int r = LexInsideAction();
          st = static_cast<State>(r);
          break;
        }
        case kSpaceS:
          st = static_cast<State>(LexSpace());
          break;
        case kDone:
          break;
      }
    }
    return std::move(items_);
  }

 private:
  // State numbers shared with Run().
  static constexpr int kSText = 0, kSLeft = 1, kSComment = 2, kSRight = 3, kSInside = 4,
                       kSSpace = 5, kSDone = 6;

  char32_t Next() {
    if (pos_ >= input_.size()) {
      at_eof_ = true;
      return kEof;
    }
    size_t w = 1;
    char32_t r = static_cast<unsigned char>(input_[pos_]);
    if (r >= 0x80) r = uni::DecodeRune(input_, pos_, &w);
    pos_ += w;
    last_width_ = w;
    if (r == '\n') line_++;
    return r;
  }
  void Backup() {
    if (!at_eof_ && pos_ > 0) {
      // Decode the last rune (Go's DecodeLastRuneInString).
      size_t start = pos_ - 1;
      size_t lim = pos_ >= 4 ? pos_ - 4 : 0;
      while (start > lim && (static_cast<unsigned char>(input_[start]) & 0xC0) == 0x80) start--;
      size_t w;
      uni::DecodeRune(input_, start, &w);
      if (start + w != pos_) {
        w = 1;
      }
      pos_ -= w;
      if (input_[pos_] == '\n') line_--;
    }
  }
  char32_t Peek() {
    char32_t r = Next();
    Backup();
    return r;
  }
  void Emit(Item t) {
    items_.push_back(
        Token{t, static_cast<int>(start_), input_.substr(start_, pos_ - start_), start_line_});
    start_ = pos_;
    start_line_ = line_;
  }
  void Ignore() {
    for (size_t i = start_; i < pos_; ++i) line_ += input_[i] == '\n';
    start_ = pos_;
    start_line_ = line_;
  }
  bool Accept(std::string_view valid) {
    char32_t r = Next();
    if (r != kEof && r < 0x80 && valid.find(static_cast<char>(r)) != std::string_view::npos)
      return true;
    Backup();
    return false;
  }
  void AcceptRun(std::string_view valid) {
    for (;;) {
      char32_t r = Next();
      if (r == kEof || r >= 0x80 || valid.find(static_cast<char>(r)) == std::string_view::npos)
        break;
    }
    Backup();
  }
  int Errorf(std::string msg) {
    errors_->push_back(std::move(msg));
    items_.push_back(Token{Item::kError, static_cast<int>(start_), errors_->back(), start_line_});
    return kSDone;
  }

  bool LexText() {
    size_t x = input_.find(kLeftDelim, pos_);
    if (x != std::string_view::npos) {
      size_t ldn = kLeftDelim.size();
      pos_ = x;
      size_t trim = 0;
      if (HasLeftTrimMarker(input_.substr(pos_ + ldn))) {
        std::string_view t = input_.substr(start_, pos_ - start_);
        size_t k = t.size();
        while (k > 0 && IsSpace(static_cast<unsigned char>(t[k - 1]))) --k;
        trim = t.size() - k;
      }
      pos_ -= trim;
      if (pos_ > start_) {
        for (size_t i = start_; i < pos_; ++i) line_ += input_[i] == '\n';
        Emit(Item::kText);
      }
      pos_ += trim;
      Ignore();
      return true;
    }
    pos_ = input_.size();
    if (pos_ > start_) {
      for (size_t i = start_; i < pos_; ++i) line_ += input_[i] == '\n';
      Emit(Item::kText);
    }
    Emit(Item::kEOF);
    return false;
  }

  std::pair<bool, bool> AtRightDelim() {
    std::string_view rest = input_.substr(pos_);
    if (HasRightTrimMarker(rest) && StartsWith(rest.substr(2), kRightDelim)) return {true, true};
    if (StartsWith(rest, kRightDelim)) return {true, false};
    return {false, false};
  }

  int LexLeftDelim() {
    pos_ += kLeftDelim.size();
    bool trim = HasLeftTrimMarker(input_.substr(pos_));
    size_t after = trim ? 2 : 0;
    if (StartsWith(input_.substr(pos_ + after), kLeftComment)) {
      pos_ += after;
      Ignore();
      return kSComment;
    }
    Emit(Item::kLeftDelim);
    pos_ += after;
    Ignore();
    paren_depth_ = 0;
    return kSInside;
  }

  bool LexComment() {
    pos_ += kLeftComment.size();
    size_t i = input_.find(kRightComment, pos_);
    if (i == std::string_view::npos) {
      Errorf("unclosed comment");
      return false;
    }
    pos_ = i + kRightComment.size();
    auto [delim, trim] = AtRightDelim();
    if (!delim) {
      Errorf("comment ends before closing delimiter");
      return false;
    }
    if (trim) pos_ += 2;
    pos_ += kRightDelim.size();
    if (trim) {
      while (pos_ < input_.size() && IsSpace(static_cast<unsigned char>(input_[pos_]))) ++pos_;
    }
    Ignore();
    return true;
  }

  void LexRightDelim() {
    bool trim = HasRightTrimMarker(input_.substr(pos_));
    if (trim) {
      pos_ += 2;
      Ignore();
    }
    pos_ += kRightDelim.size();
    Emit(Item::kRightDelim);
    if (trim) {
      while (pos_ < input_.size() && IsSpace(static_cast<unsigned char>(input_[pos_]))) ++pos_;
      Ignore();
    }
  }

  int LexInsideAction() {
    for (;;) {
      auto [delim, trim] = AtRightDelim();
      if (delim) {
        if (paren_depth_ == 0) return kSRight;
        return Errorf("unclosed left paren");
      }
      char32_t r = Next();
      if (r == kEof) return Errorf("unclosed action");
      if (IsSpace(r)) {
        Backup();
        return kSSpace;
      }
      if (r == '=') {
        Emit(Item::kAssign);
      } else if (r == ':') {
        if (Next() != '=') return Errorf("expected :=");
        Emit(Item::kDeclare);
      } else if (r == '|') {
        Emit(Item::kPipe);
      } else if (r == '"') {
        if (!LexQuote()) return kSDone;
      } else if (r == '`') {
        if (!LexRawQuote()) return kSDone;
      } else if (r == '$') {
        if (!LexVariable()) return kSDone;
      } else if (r == '\'') {
        if (!LexChar()) return kSDone;
      } else if (r == '.' && pos_ < input_.size() && (input_[pos_] < '0' || input_[pos_] > '9')) {
        if (!LexFieldOrVariable(Item::kField)) return kSDone;
      } else if (r == '.' || r == '+' || r == '-' || (r >= '0' && r <= '9')) {
        Backup();
        if (!LexNumber()) return kSDone;
      } else if (IsAlphaNumeric(r)) {
        Backup();
        if (!LexIdentifier()) return kSDone;
      } else if (r == '(') {
        Emit(Item::kLeftParen);
        paren_depth_++;
      } else if (r == ')') {
        Emit(Item::kRightParen);
        paren_depth_--;
        if (paren_depth_ < 0) return Errorf("unexpected right paren " + RuneDesc(r));
      } else if (r < 0x80 && uni::IsPrint(r)) {
        Emit(Item::kChar);
      } else {
        return Errorf("unrecognized character in action: " + RuneDesc(r));
      }
    }
  }

  int LexSpace() {
    int num = 0;
    for (;;) {
      char32_t r = Peek();
      if (!IsSpace(r)) break;
      Next();
      num++;
    }
    std::string_view rest = input_.substr(pos_ - 1);
    if (HasRightTrimMarker(rest) && StartsWith(rest.substr(2), kRightDelim)) {
      Backup();
      if (num == 1) return kSRight;
    }
    Emit(Item::kSpace);
    return kSInside;
  }

  bool AtTerminator() {
    char32_t r = Peek();
    if (IsSpace(r)) return true;
    switch (r) {
      case kEof:
      case '.':
      case ',':
      case '|':
      case ':':
      case ')':
      case '(':
        return true;
    }
    return StartsWith(input_.substr(pos_), kRightDelim);
  }

  bool LexIdentifier() {
    for (;;) {
      char32_t r = Next();
      if (IsAlphaNumeric(r)) continue;
      Backup();
      std::string_view word = input_.substr(start_, pos_ - start_);
      if (!AtTerminator()) {
        Errorf("bad character " + RuneDesc(r));
        return false;
      }
      Item kw = Keyword(word);
      if (kw != Item::kError) {
        Emit(kw);
      } else if (word[0] == '.') {
        Emit(Item::kField);
      } else if (word == "true" || word == "false") {
        Emit(Item::kBool);
      } else {
        Emit(Item::kIdentifier);
      }
      return true;
    }
  }

  static Item Keyword(std::string_view w) {
    if (w == "block") return Item::kBlock;
    if (w == "break") return Item::kBreak;
    if (w == "continue") return Item::kContinue;
    if (w == "define") return Item::kDefine;
    if (w == "else") return Item::kElse;
    if (w == "end") return Item::kEnd;
    if (w == "if") return Item::kIf;
    if (w == "range") return Item::kRange;
    if (w == "nil") return Item::kNil;
    if (w == "template") return Item::kTemplate;
    if (w == "with") return Item::kWith;
    return Item::kError;
  }

  bool LexVariable() {
    if (AtTerminator()) {
      Emit(Item::kVariable);
      return true;
    }
    return LexFieldOrVariable(Item::kVariable);
  }

  bool LexFieldOrVariable(Item typ) {
    if (AtTerminator()) {
      Emit(typ == Item::kVariable ? Item::kVariable : Item::kDot);
      return true;
    }
    char32_t r;
    for (;;) {
      r = Next();
      if (!IsAlphaNumeric(r)) {
        Backup();
        break;
      }
    }
    if (!AtTerminator()) {
      Errorf("bad character " + RuneDesc(r));
      return false;
    }
    Emit(typ);
    return true;
  }

  bool LexChar() {
    for (;;) {
      char32_t r = Next();
      if (r == '\\') {
        char32_t r2 = Next();
        if (r2 != kEof && r2 != '\n') continue;
        Errorf("unterminated character constant");
        return false;
      }
      if (r == kEof || r == '\n') {
        Errorf("unterminated character constant");
        return false;
      }
      if (r == '\'') break;
    }
    Emit(Item::kCharConstant);
    return true;
  }

  bool ScanNumber() {
    Accept("+-");
    std::string_view digits = "0123456789_";
    if (Accept("0")) {
      if (Accept("xX")) {
        digits = "0123456789abcdefABCDEF_";
      } else if (Accept("oO")) {
        digits = "01234567_";
      } else if (Accept("bB")) {
        digits = "01_";
      }
    }
    AcceptRun(digits);
    if (Accept(".")) AcceptRun(digits);
    if (digits.size() == 11 && Accept("eE")) {
      Accept("+-");
      AcceptRun("0123456789_");
    }
    if (digits.size() == 23 && Accept("pP")) {
      Accept("+-");
      AcceptRun("0123456789_");
    }
    Accept("i");
    if (IsAlphaNumeric(Peek())) {
      Next();
      return false;
    }
    return true;
  }

  bool LexNumber() {
    if (!ScanNumber()) {
      Errorf("bad number syntax: " + Quoted(input_.substr(start_, pos_ - start_)));
      return false;
    }
    char32_t sign = Peek();
    if (sign == '+' || sign == '-') {
      if (!ScanNumber() || input_[pos_ - 1] != 'i') {
        Errorf("bad number syntax: " + Quoted(input_.substr(start_, pos_ - start_)));
        return false;
      }
      Emit(Item::kComplex);
    } else {
      Emit(Item::kNumber);
    }
    return true;
  }

  static std::string Quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

  bool LexQuote() {
    for (;;) {
      char32_t r = Next();
      if (r == '\\') {
        char32_t r2 = Next();
        if (r2 != kEof && r2 != '\n') continue;
        Errorf("unterminated quoted string");
        return false;
      }
      if (r == kEof || r == '\n') {
        Errorf("unterminated quoted string");
        return false;
      }
      if (r == '"') break;
    }
    Emit(Item::kString);
    return true;
  }

  bool LexRawQuote() {
    for (;;) {
      char32_t r = Next();
      if (r == kEof) {
        Errorf("unterminated raw quoted string");
        return false;
      }
      if (r == '`') break;
    }
    Emit(Item::kRawString);
    return true;
  }

  std::string_view input_;
  std::vector<std::string>* errors_;
  std::vector<Token> items_;
  size_t pos_ = 0, start_ = 0, last_width_ = 0;
  bool at_eof_ = false;
  int line_ = 1, start_line_ = 1;
  int paren_depth_ = 0;
};

}  // namespace

std::vector<Token> Lex(std::string_view input, std::vector<std::string>* errors) {
  return Lexer(input, errors).Run();
}

}  // namespace vs::tmpl::internal
