// The data model of the template engine: the values Go's encoding/json produces when decoding
// into `any` (nil, bool, float64, string, []any, map[string]any), plus the Go-typed values a
// template itself creates (int and complex128 constants, int64 results of the math functions,
// uint8 bytes from `index` of a string, []string from `split`).
//
// A list is a Go slice: a view (offset, length, capacity) of a shared, immutable element array.
// As in Go, `slice` may extend a list past its length up to its capacity; elements past the
// array's end are nil (only the view grows, nothing is materialised). Lists decoded from JSON
// (and MakeList) have the capacity Go's `append` growth gives them (GoAppendCap).
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
    kUint,   // Go uint8 (index of a string) or uint64 (math of two uints): see uint_bits()
    kFloat,  // Go float64 (every JSON number, float constants)
    kString,
    kList,     // []any, or []string (split): see is_string_list()
    kMap,      // map[string]any: entries sorted by key, keys unique
    kComplex,  // Go complex128 (only from template constants such as 1i)
  };
  using List = std::vector<Value>;
  class ListRef;
  using Entry = std::pair<std::string, Value>;
  using Map = std::vector<Entry>;

  Value() noexcept {}  // kInvalid
  // Frees nested lists and maps without recursion: JSON may nest 10,000 levels (Go's limit),
  // and a recursive free that deep overflows small stacks and sanitizer shadow stacks.
  ~Value() {
    if ((kind_ == Kind::kList || kind_ == Kind::kMap) && p_ && p_.use_count() == 1) FreeTree();
  }
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
  // A []any as json.Unmarshal builds it: capacity GoAppendCap(items.size()).
  static Value MakeList(List items);
  // A []string (split's result, Go's strings.Split): capacity == length.
  static Value StringSlice(const std::vector<std::string>& items);
  // Sorts by key; of duplicate keys the last one wins (as json.Unmarshal does). Entries already
  // sorted with unique keys (checked, n-1 key comparisons) take the fast path: `entries` is moved
  // into the one allocation of the shared map, nothing is copied or sorted. Otherwise they are
  // sorted and de-duplicated in place (no temporary buffer for up to 16 entries).
  static Value MakeMap(Map entries);
  // MakeMap for a caller that builds its entries in key order (the name says so at the call
  // site); unsorted or duplicate keys are still handled exactly as MakeMap does.
  static Value MakeSortedMap(Map entries) { return MakeMap(std::move(entries)); }
  // A string whose std::string lives in storage the caller allocated for many values at once
  // (e.g. the strings of one record in one block): no allocation here. `owner` keeps `*s` alive
  // (an aliasing shared_ptr), `*s` must not change while any Value refers to it, and `owner`
  // must not be reachable from the Values it stores (a reference cycle is never freed). The
  // result is the same value as String(*s).
  static Value SharedString(std::shared_ptr<const void> owner, const std::string* s);
  // The same for a map stored in a caller's block (e.g. the maps of 10,000 records in one
  // vector), with the same rules for `owner`. `*m` must be sorted by key with unique keys
  // (checked); otherwise the result is MakeMap of a copy of `*m` and owns nothing of `owner`.
  static Value SharedMap(std::shared_ptr<const void> owner, const Map* m);
  // Shorthand for objects: Value::Object({{"a", Value::String("x")}, {"n", Value::Float(1)}}).
  static Value Object(std::initializer_list<Entry> entries) { return MakeMap(Map(entries)); }
  // A []any of strings (as JSON decodes a list of strings).
  static Value StringList(const std::vector<std::string>& items);
  static Value Uint8(uint8_t b);
  static Value Uint64(uint64_t u);
  static Value Complex(double re, double im);

  Kind kind() const { return kind_; }
  bool valid() const { return kind_ != Kind::kInvalid; }
  bool is_nil() const { return kind_ == Kind::kNil; }
  bool is_int() const { return kind_ == Kind::kInt || kind_ == Kind::kInt64; }
  bool is_uint() const { return kind_ == Kind::kUint; }
  int uint_bits() const { return tag_; }  // kUint: 8 or 64
  uint64_t as_uint() const { return u_; }
  bool is_string_list() const { return kind_ == Kind::kList && tag_ == kStringElems; }
  bool as_bool() const { return b_; }
  int64_t as_int() const { return i_; }
  double as_float() const { return f_; }
  // Valid only for the matching kind.
  const std::string& as_string() const { return *static_cast<const std::string*>(p_.get()); }
  inline ListRef as_list() const;
  size_t cap() const { return kind_ == Kind::kList ? list_.cap : size(); }  // Go's cap()
  // Go's s[i:j:k] of a list (0 <= i <= j <= k <= cap(); unchecked), same element type.
  Value SliceList(size_t i, size_t j, size_t k) const;
  const Map& as_map() const { return *static_cast<const Map*>(p_.get()); }
  double real() const { return static_cast<const double*>(p_.get())[0]; }  // kComplex
  double imag() const { return static_cast<const double*>(p_.get())[1]; }  // kComplex
  // Map lookup (binary search); nullptr when absent or not a map.
  const Value* Find(std::string_view key) const;
  // Length of a string (bytes), list or map; 0 otherwise.
  size_t size() const;

  // What Go's %p prints for a slice or map: the address of the view's first element (of one
  // shared location for lists with no storage, as Go's zero-size allocations), of the map's
  // storage; 0 for other kinds. Opaque and stable while the Value lives.
  uintptr_t Address() const;

  // Go's type name as fmt's %T would print it ("float64", "[]interface {}", ...).
  const char* TypeName() const;

 private:
  static constexpr uint8_t kStringElems = 1;  // tag_ of a []string
  void FreeTree();  // the destructor's slow path: sole owner of a list or map
  explicit Value(Kind k) : kind_(k) {}
  const List& elems() const { return *static_cast<const List*>(p_.get()); }
  Kind kind_ = Kind::kInvalid;
  uint8_t tag_ = 0;   // kList: element type (0 any, kStringElems); kUint: bits
  uint32_t off_ = 0;  // kList: the view's first element in the shared array
  union {
    bool b_;
    int64_t i_ = 0;
    uint64_t u_;
    double f_;
    struct {
      uint32_t len, cap;
    } list_;
  };
  std::shared_ptr<const void> p_;
};

// The elements of a list view: [i] past the shared array's end is nil (a Go slice extended
// into its capacity). Valid while the Value it came from lives.
class Value::ListRef {
 public:
  ListRef(const List* elems, size_t off, size_t len) : elems_(elems), off_(off), len_(len) {}
  size_t size() const { return len_; }
  bool empty() const { return len_ == 0; }
  const Value& operator[](size_t i) const {
    size_t at = off_ + i;
    return at < elems_->size() ? (*elems_)[at] : NilElement();
  }
  class iterator {
   public:
    iterator(const ListRef* l, size_t i) : l_(l), i_(i) {}
    const Value& operator*() const { return (*l_)[i_]; }
    iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator!=(const iterator& o) const { return i_ != o.i_; }

   private:
    const ListRef* l_;
    size_t i_;
  };
  iterator begin() const { return iterator(this, 0); }
  iterator end() const { return iterator(this, len_); }

 private:
  static const Value& NilElement();
  const List* elems_;
  size_t off_, len_;
};

inline Value::ListRef Value::as_list() const { return ListRef(&elems(), off_, list_.len); }

// a == b, inline for the short keys and variable names of templates (a memcmp call costs more).
inline bool SameBytes(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.size() > 16) return a == b;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

// cap(v) after json's decoder appended n elements one by one to make([]any, 0): Go 1.19's
// runtime.growslice for 16-byte elements, rounded up to the malloc size class.
size_t GoAppendCap(size_t n);

// Decodes JSON as Go's json.Unmarshal into `any`: numbers become kFloat (an out-of-range number
// is an error, as in Go), invalid UTF-8 in strings becomes U+FFFD, duplicate keys: last wins.
// Errors are Go's texts ("invalid character 'x' looking for beginning of value", "unexpected
// end of JSON input", ...); *error_offset (when given) receives the byte offset of the error.
StatusOr<Value> ParseJson(std::string_view json, size_t* error_offset = nullptr);

// Encodes as Go's json.Marshal (escapeHTML on, keys sorted); indent != "" acts as MarshalIndent
// with prefix "". Fails on NaN/Inf ("json: unsupported value: NaN") or kInt values inside
// nothing: every kind is encodable.
StatusOr<std::string> ToJson(const Value& v, std::string_view indent = "");

}  // namespace vs::tmpl
