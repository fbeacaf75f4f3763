// CONTRACT (agreed between tmpl and envoyd; the tmpl owner fills in the implementation and may
// add to this header, but keeps these declarations working).
//
// A Go text/template compatible engine. Parse once into an immutable tree; Execute many times,
// from several threads at once. Data is a JSON-like Value, behaving as Go's encoding/json
// decoding into `any` makes it behave inside a template (every JSON number is a float64).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "tmpl/value.h"

namespace vs::tmpl {

// Decodes JSON text as Go's json.Unmarshal into `any` does, with Go's error texts (value.h).
StatusOr<Value> ParseJson(std::string_view json, size_t* error_offset);

// Per-execution state handed to functions (isFirst keeps its "first call" flag here). One
// CallContext lives for one Execute call, on the executing thread only.
class CallContext {
 public:
  // True on the first call with `key` within this execution, false afterwards.
  bool FirstCall(std::string_view key);
  // The execution's output limit: functions that build large strings check against it.
  size_t max_output = size_t{1} << 30;

 private:
  std::vector<std::string> seen_;
};

// A template function. Returns a value, or an error that aborts the execution (as Go does when
// a function returns a non-nil error). Executions on several threads call the same Function
// concurrently: keep per-rendering state in the CallContext, not in the function.
using Function = std::function<StatusOr<Value>(CallContext& ctx, std::span<const Value> args)>;

// The Go parameter types a function declares. The executor converts and checks arguments as Go
// does for a func with those parameter types: kAny is Go's `any` (constants arrive as int or
// float64, a missing value as nil), kString/kInt/kBool accept only a value of exactly that Go
// type (a float64 from JSON is not an int) or a constant of that type.
// kValue is Go's reflect.Value parameter of the builtins: like kAny, but a missing value stays
// missing (kInvalid) instead of becoming nil.
enum class ArgType : uint8_t { kAny, kString, kInt, kBool, kValue };
struct Signature {
  std::vector<ArgType> params;
  bool variadic = false;  // the last param repeats (0 or more times)
};

// Name -> function. DefaultFuncs() holds the builtins' companions of the issue: isFirst,
// isFirst2, toJSON, join, split, ... (consul-template names and argument order).
class FuncMap {
 public:
  // Without a signature the function is variadic over `any` (it checks its own arguments).
  void Add(const std::string& name, Function f) {
    Add(name, std::move(f), Signature{{ArgType::kAny}, true});
  }
  void Add(const std::string& name, Function f, Signature sig) {
    funcs_[name] = std::move(f);
    sigs_[name] = std::move(sig);
  }
  const Function* Find(const std::string& name) const;
  const Signature* FindSignature(const std::string& name) const;
  const std::map<std::string, Function>& all() const { return funcs_; }

 private:
  std::map<std::string, Function> funcs_;
  std::map<std::string, Signature> sigs_;
};
const FuncMap& DefaultFuncs();

class Template {
 public:
  // Parses `text` (with its define/block sub-templates). `funcs` is consulted at parse time
  // for function names (as Go's Funcs before Parse) and kept for execution; builtins (and,
  // or, printf, ...) are always present. Errors read like Go's:
  // "template: NAME:LINE:COL: reason".
  static StatusOr<Template> Parse(const std::string& name, std::string_view text,
                                  const FuncMap& funcs = DefaultFuncs());
  // Renders into *out (cleared first). On error *out is left empty and the Status says where,
  // as Go's do: "template: NAME:LINE:COL: executing \"NAME\" at <source>: reason". Output
  // size and recursion depth are bounded by Limits (errors, not crashes). Thread-safe.
  Status Execute(const Value& data, std::string* out) const;

  struct Limits {
    size_t max_output = size_t{1} << 30;  // bytes
    int max_depth = 1000;                 // nested {{template}} calls
    uint64_t max_steps = UINT64_MAX;      // nodes walked (fuzzing bounds run time)
    int max_nesting = 3000;               // recursion of blocks and pipelines, all templates
  };
  Status Execute(const Value& data, std::string* out, const Limits& limits) const;

  Template(Template&&) noexcept;
  Template& operator=(Template&&) noexcept;
  ~Template();

 private:
  struct Impl;
  explicit Template(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

// `envoyd render TEMPLATE DATA.json`: args are what follows "render". Prints the rendering on
// stdout; on error prints it on stderr and returns non-zero. No network access.
int RenderCommand(int argc, char** argv);

}  // namespace vs::tmpl
