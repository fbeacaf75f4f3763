#include "tmpl/builtins.h"

#include <vector>

#include "tmpl/gofmt.h"
#include "tmpl/tree.h"
#include "tmpl/unicode.h"

namespace vs::tmpl::internal {

bool IsTrue(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kInvalid:
    case Value::Kind::kNil:
      return false;
    case Value::Kind::kBool:
      return v.as_bool();
    case Value::Kind::kInt:
    case Value::Kind::kInt64:
      return v.as_int() != 0;
    case Value::Kind::kUint:
      return v.as_uint() != 0;
    case Value::Kind::kFloat:
      return v.as_float() != 0;
    case Value::Kind::kComplex:
      return v.real() != 0 || v.imag() != 0;
    case Value::Kind::kString:
    case Value::Kind::kList:
    case Value::Kind::kMap:
      return v.size() > 0;
  }
  return false;
}

namespace {

bool IsNilish(const Value& v) { return !v.valid() || v.is_nil(); }

enum BasicKind {
  kInvalidKind,
  kBoolKind,
  kComplexKind,
  kIntKind,
  kUintKind,
  kFloatKind,
  kStringKind
};

BasicKind Basic(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kBool:
      return kBoolKind;
    case Value::Kind::kInt:
    case Value::Kind::kInt64:
      return kIntKind;
    case Value::Kind::kUint:
      return kUintKind;
    case Value::Kind::kFloat:
      return kFloatKind;
    case Value::Kind::kString:
      return kStringKind;
    case Value::Kind::kComplex:
      return kComplexKind;
    default:
      return kInvalidKind;
  }
}

StatusOr<Value> Eq(std::span<const Value> args) {
  const Value& a1 = args[0];
  if (args.size() < 2) return InvalidArgument("missing argument for comparison");
  BasicKind k1 = Basic(a1);
  for (size_t i = 1; i < args.size(); ++i) {
    const Value& a = args[i];
    BasicKind k2 = Basic(a);
    bool truth = false;
    if (k1 != k2) {
      // Go compares integers regardless of their sign.
      if (k1 == kIntKind && k2 == kUintKind) {
        truth = a1.as_int() >= 0 && static_cast<uint64_t>(a1.as_int()) == a.as_uint();
      } else if (k1 == kUintKind && k2 == kIntKind) {
        truth = a.as_int() >= 0 && a1.as_uint() == static_cast<uint64_t>(a.as_int());
      } else if (!IsNilish(a1) && !IsNilish(a)) {
        return InvalidArgument("incompatible types for comparison");
      }
    } else {
      switch (k1) {
        case kBoolKind:
          truth = a1.as_bool() == a.as_bool();
          break;
        case kComplexKind:
          truth = a1.real() == a.real() && a1.imag() == a.imag();
          break;
        case kFloatKind:
          truth = a1.as_float() == a.as_float();
          break;
        case kIntKind:
          truth = a1.as_int() == a.as_int();
          break;
        case kUintKind:
          truth = a1.as_uint() == a.as_uint();
          break;
        case kStringKind:
          truth = a1.as_string() == a.as_string();
          break;
        default: {
          // Both non-basic: nil, list or map.
          bool n1 = IsNilish(a1), n2 = IsNilish(a);
          auto str = [](const Value& v) {
            std::string out;
            gofmt::Print(v, &out);
            return out;
          };
          if (!n1 && !n2 && a1.kind() != a.kind()) {
            return InvalidArgument("non-comparable types " + str(a1) + ": " + a1.TypeName() + ", " +
                                   a.TypeName() + ": " + str(a));
          }
          if (n1 || n2) {
            truth = n1 == n2;
          } else {
            return InvalidArgument("non-comparable type " + str(a) + ": " + a.TypeName());
          }
        }
      }
    }
    if (truth) return Value::Bool(true);
  }
  return Value::Bool(false);
}

StatusOr<bool> Lt(const Value& a1, const Value& a2) {
  BasicKind k1 = Basic(a1);
  if (k1 == kInvalidKind) return InvalidArgument("invalid type for comparison");
  BasicKind k2 = Basic(a2);
  if (k2 == kInvalidKind) return InvalidArgument("invalid type for comparison");
  if (k1 != k2) {
    if (k1 == kIntKind && k2 == kUintKind) {
      return a1.as_int() < 0 || static_cast<uint64_t>(a1.as_int()) < a2.as_uint();
    }
    if (k1 == kUintKind && k2 == kIntKind) {
      return a2.as_int() >= 0 && a1.as_uint() < static_cast<uint64_t>(a2.as_int());
    }
    return InvalidArgument("incompatible types for comparison");
  }
  switch (k1) {
    case kBoolKind:
    case kComplexKind:
      return InvalidArgument("invalid type for comparison");
    case kFloatKind:
      return a1.as_float() < a2.as_float();
    case kIntKind:
      return a1.as_int() < a2.as_int();
    case kUintKind:
      return a1.as_uint() < a2.as_uint();
    case kStringKind:
      return a1.as_string() < a2.as_string();
    default:
      return InvalidArgument("invalid type for comparison");
  }
}

StatusOr<int64_t> IndexArg(const Value& index, size_t cap) {
  if (IsNilish(index)) return InvalidArgument("cannot index slice/array with nil");
  int64_t x;
  if (index.is_int()) {
    x = index.as_int();
  } else if (index.is_uint()) {
    x = static_cast<int64_t>(index.as_uint());
  } else {
    return InvalidArgument(std::string("cannot index slice/array with type ") + index.TypeName());
  }
  if (x < 0 || static_cast<uint64_t>(x) > cap) {
    return InvalidArgument("index out of range: " + std::to_string(x));
  }
  return x;
}

StatusOr<Value> Index(std::span<const Value> args) {
  Value item = args[0];
  if (IsNilish(item)) return InvalidArgument("index of untyped nil");
  for (size_t i = 1; i < args.size(); ++i) {
    const Value& index = args[i];
    if (item.is_nil()) return InvalidArgument("index of nil pointer");
    switch (item.kind()) {
      case Value::Kind::kList:
      case Value::Kind::kString: {
        StatusOr<int64_t> x = IndexArg(index, item.size());
        if (!x.ok()) return x.status();
        if (static_cast<size_t>(*x) >= item.size()) {
          return InvalidArgument(item.kind() == Value::Kind::kString
                                     ? "reflect: string index out of range"
                                     : "reflect: slice index out of range");
        }
        if (item.kind() == Value::Kind::kString) {
          // A byte of a Go string: uint8.
          item = Value::Uint8(static_cast<uint8_t>(item.as_string()[*x]));
        } else {
          Value next = item.as_list()[*x];
          item = std::move(next);
        }
        break;
      }
      case Value::Kind::kMap: {
        if (IsNilish(index)) return InvalidArgument("value is nil; should be of type string");
        if (index.kind() != Value::Kind::kString) {
          return InvalidArgument(std::string("value has type ") + index.TypeName() +
                                 "; should be string");
        }
        const Value* x = item.Find(index.as_string());
        Value next = x ? *x : Value::Null();
        item = std::move(next);
        break;
      }
      default:
        return InvalidArgument(std::string("can't index item of type ") + item.TypeName());
    }
  }
  return item;
}

StatusOr<Value> Slice(std::span<const Value> args) {
  const Value& item = args[0];
  if (IsNilish(item)) return InvalidArgument("slice of untyped nil");
  size_t nidx = args.size() - 1;
  if (nidx > 3) return InvalidArgument("too many slice indexes: " + std::to_string(nidx));
  size_t cap;
  if (item.kind() == Value::Kind::kString) {
    if (nidx == 3) return InvalidArgument("cannot 3-index slice a string");
    cap = item.size();
  } else if (item.kind() == Value::Kind::kList) {
    // Go slices up to the capacity: past the length of a decoded JSON list, into its spare
    // (nil) capacity.
    cap = item.cap();
  } else {
    return InvalidArgument(std::string("can't slice item of type ") + item.TypeName());
  }
  int64_t idx[3] = {0, static_cast<int64_t>(item.size()), 0};
  for (size_t i = 0; i < nidx; ++i) {
    StatusOr<int64_t> x = IndexArg(args[i + 1], cap);
    if (!x.ok()) return x.status();
    idx[i] = *x;
  }
  if (idx[0] > idx[1]) {
    return InvalidArgument("invalid slice index: " + std::to_string(idx[0]) + " > " +
                           std::to_string(idx[1]));
  }
  if (nidx == 3 && idx[1] > idx[2]) {
    return InvalidArgument("invalid slice index: " + std::to_string(idx[1]) + " > " +
                           std::to_string(idx[2]));
  }
  if (item.kind() == Value::Kind::kString) {
    return Value::String(item.as_string().substr(idx[0], idx[1] - idx[0]));
  }
  // reflect's Slice keeps the capacity (minus the start); Slice3 sets it.
  return item.SliceList(idx[0], idx[1], nidx == 3 ? idx[2] : cap);
}

// text/template's evalArgs: one string argument as is, else fmt.Sprint.
std::string EvalArgs(std::span<const Value> args) {
  if (args.size() == 1 && args[0].kind() == Value::Kind::kString) return args[0].as_string();
  // printableValue turns a nil argument into the string "<no value>" before fmt.Sprint.
  std::vector<Value> printable(args.begin(), args.end());
  for (Value& v : printable) {
    if (IsNilish(v)) v = Value::String("<no value>");
  }
  std::string s;
  gofmt::Sprint(printable, &s);
  return s;
}

std::string HtmlEscape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '\0':
        out.append("\xEF\xBF\xBD");
        break;
      case '"':
        out.append("&#34;");
        break;
      case '\'':
        out.append("&#39;");
        break;
      case '&':
        out.append("&amp;");
        break;
      case '<':
        out.append("&lt;");
        break;
      case '>':
        out.append("&gt;");
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string JsEscape(const std::string& s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = s[i];
    if (c < 0x80) {
      switch (c) {
        case '\\':
          out.append("\\\\");
          continue;
        case '\'':
          out.append("\\'");
          continue;
        case '"':
          out.append("\\\"");
          continue;
        case '<':
          out.append("\\u003C");
          continue;
        case '>':
          out.append("\\u003E");
          continue;
        case '&':
          out.append("\\u0026");
          continue;
        case '=':
          out.append("\\u003D");
          continue;
      }
      if (c < ' ') {
        out.append("\\u00");
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
        continue;
      }
      out.push_back(static_cast<char>(c));
      continue;
    }
    size_t w;
    char32_t r = uni::DecodeRune(s, i, &w);
    if (uni::IsPrint(r)) {
      out.append(s, i, w);
    } else {
      char buf[16];
      std::snprintf(buf, sizeof(buf), "\\u%04X", static_cast<unsigned>(r));
      out.append(buf);
    }
    i += w - 1;
  }
  return out;
}

std::string QueryEscape(const std::string& s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

}  // namespace

StatusOr<Value> CallBuiltin(int id, CallContext& ctx, std::span<const Value> args) {
  switch (id) {
    case kNot:
      return Value::Bool(!IsTrue(args[0]));
    case kLen: {
      const Value& v = args[0];
      // A missing value is Go's zero reflect.Value: its Type() panics.
      if (!v.valid()) return InvalidArgument("reflect: call of reflect.Value.Type on zero Value");
      if (v.is_nil()) return InvalidArgument("len of nil pointer");
      switch (v.kind()) {
        case Value::Kind::kString:
        case Value::Kind::kList:
        case Value::Kind::kMap:
          return Value::Int(static_cast<int64_t>(v.size()));
        default:
          return InvalidArgument(std::string("len of type ") + v.TypeName());
      }
    }
    case kIndex:
      return Index(args);
    case kSlice:
      return Slice(args);
    case kPrint: {
      std::string s;
      gofmt::Sprint(args, &s);
      return Value::String(std::move(s));
    }
    case kPrintln: {
      std::string s;
      gofmt::Sprintln(args, &s);
      return Value::String(std::move(s));
    }
    case kPrintf: {
      std::string s;
      gofmt::Sprintf(args[0].as_string(), args.subspan(1), &s);
      return Value::String(std::move(s));
    }
    case kEq:
      return Eq(args);
    case kNe: {
      StatusOr<Value> e = Eq(args);
      if (!e.ok()) return e;
      return Value::Bool(!e->as_bool());
    }
    case kLt:
    case kGe: {
      StatusOr<bool> lt = Lt(args[0], args[1]);
      if (!lt.ok()) return lt.status();
      return Value::Bool(id == kLt ? *lt : !*lt);
    }
    case kLe:
    case kGt: {
      StatusOr<bool> lt = Lt(args[0], args[1]);
      if (!lt.ok()) return lt.status();
      bool le = *lt;
      if (!le) {
        StatusOr<Value> e = Eq(args);
        if (!e.ok()) return e;
        le = e->as_bool();
      }
      return Value::Bool(id == kLe ? le : !le);
    }
    case kHtml:
      return Value::String(HtmlEscape(EvalArgs(args)));
    case kJs:
      return Value::String(JsEscape(EvalArgs(args)));
    case kUrlquery:
      return Value::String(QueryEscape(EvalArgs(args)));
    case kCall:
      if (IsNilish(args[0])) return InvalidArgument("call of nil");
      return InvalidArgument(std::string("non-function of type ") + args[0].TypeName());
  }
  return Internal("unknown builtin");
}

}  // namespace vs::tmpl::internal
