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

#include "common/status.h"

namespace vs::tmpl {

class Value;  // defined in tmpl/value.h: null, bool, number, string, list, map (+ Go-typed consts)

// Decodes JSON text as Go's json.Unmarshal into `any` does. Errors carry line/column.
StatusOr<Value> ParseJson(std::string_view json);

// Per-execution state handed to functions (isFirst keeps its "first call" flag here).
class CallContext;

// A template function. Returns a value, or an error that aborts the execution (as Go does when
// a function returns a non-nil error).
using Function = std::function<StatusOr<Value>(CallContext& ctx, std::span<const Value> args)>;

// Name -> function. DefaultFuncs() holds the builtins' companions of the issue: isFirst,
// isFirst2, toJSON, join, split, ... (consul-template names and argument order).
class FuncMap {
 public:
  void Add(const std::string& name, Function f) { funcs_[name] = std::move(f); }
  const Function* Find(const std::string& name) const;
  const std::map<std::string, Function>& all() const { return funcs_; }

 private:
  std::map<std::string, Function> funcs_;
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
  // Renders into *out (cleared first). On error *out is left empty and the Status says where.
  // Output size and recursion depth are bounded (errors, not crashes).
  Status Execute(const Value& data, std::string* out) const;

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
