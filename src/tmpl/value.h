// The data model of the template engine: the values Go's encoding/json produces when decoding
// into `any` (nil, bool, float64, string, []any, map[string]any), plus the Go-typed values a
// template itself creates (int and complex128 constants, int64 results of the math functions).
//
// A Value is immutable and cheap to copy (scalars inline, strings/lists/maps shared through a
// reference-counted pointer), so one data Value may be read by many executions on many threads
// at once. Building a Value never fails; ParseJson reports bad JSON as a Status.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace vs::tmpl {

class Value {
 public:
  enum class Kind : uint8_t {
    kInvalid,  // Go's zero reflect.Value: a missing map key; prints "<no value>"
    kNil,      // a nil interface: JSON null
    kBool,
    kInt,    // Go int (template constants, len)
    kInt64,  // Go int64 (add, subtract, ... of integers)
    kFloat,  // Go float64 (every JSON number, float constants)
    kString,
    kList,     // []any
    kMap,      // map[string]any: entries sorted by key, keys unique
    kComplex,  // Go complex128 (only from template constants such as 1i)
  };
  using List = std::vector<Value>;
  using Entry = std::pair<std::string, Value>;
  using Map = std::vector<Entry>;

  Value() noexcept {}  // kInvalid
  // Frees nested lists and maps without recursion: JSON may nest 10,000 levels (Go's limit),
  // and a recursive free that deep overflows small stacks and sanitizer shadow stacks.
  ~Value();
  Value(const Value&) = default;
  Value(Value&&) noexcept = default;
  Value& operator=(const Value&) = default;
  Value& operator=(Value&&) noexcept = default;
  static Value Null() { return Value(Kind::kNil); }
  static Value Bool(bool b);
  static Value Int(int64_t i);
  static Value Int64(int64_t i);
  static Value Float(double f);
  static Value String(std::string s);
  static Value MakeList(List items);
  // Sorts by key; of duplicate keys the last one wins (as json.Unmarshal does).
  static Value MakeMap(Map entries);
  // Shorthand for objects: Value::Object({{"a", Value::String("x")}, {"n", Value::Float(1)}}).
  static Value Object(std::initializer_list<Entry> entries) { return MakeMap(Map(entries)); }
  static Value StringList(const std::vector<std::string>& items);
  static Value Complex(double re, double im);

  Kind kind() const { return kind_; }
  bool valid() const { return kind_ != Kind::kInvalid; }
  bool is_nil() const { return kind_ == Kind::kNil; }
  bool is_int() const { return kind_ == Kind::kInt || kind_ == Kind::kInt64; }
  bool as_bool() const { return b_; }
  int64_t as_int() const { return i_; }
  double as_float() const { return f_; }
  // Valid only for the matching kind.
  const std::string& as_string() const { return *static_cast<const std::string*>(p_.get()); }
  const List& as_list() const { return *static_cast<const List*>(p_.get()); }
  const Map& as_map() const { return *static_cast<const Map*>(p_.get()); }
  double real() const { return static_cast<const double*>(p_.get())[0]; }  // kComplex
  double imag() const { return static_cast<const double*>(p_.get())[1]; }  // kComplex
  // Map lookup (binary search); nullptr when absent or not a map.
  const Value* Find(std::string_view key) const;
  // Length of a string (bytes), list or map; 0 otherwise.
  size_t size() const;

  // Go's type name as fmt's %T would print it ("float64", "[]interface {}", ...).
  const char* TypeName() const;

 private:
  explicit Value(Kind k) : kind_(k) {}
  Kind kind_ = Kind::kInvalid;
  union {
    bool b_;
    int64_t i_ = 0;
    double f_;
  };
  std::shared_ptr<const void> p_;
};

// Decodes JSON as Go's json.Unmarshal into `any`: numbers become kFloat (an out-of-range number
// is an error, as in Go), invalid UTF-8 in strings becomes U+FFFD, duplicate keys: last wins.
// Errors say where: "json: line L column C: reason".
StatusOr<Value> ParseJson(std::string_view json);

// Encodes as Go's json.Marshal (escapeHTML on, keys sorted); indent != "" acts as MarshalIndent
// with prefix "". Fails on NaN/Inf ("json: unsupported value: NaN") or kInt values inside
// nothing: every kind is encodable.
StatusOr<std::string> ToJson(const Value& v, std::string_view indent = "");

}  // namespace vs::tmpl
