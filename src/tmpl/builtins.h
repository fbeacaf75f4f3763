// Internal: Go's builtin template functions (text/template/funcs.go) over Values.
#pragma once

#include <span>

#include "tmpl/template.h"
#include "tmpl/value.h"

namespace vs::tmpl::internal {

// Go's truth of a value in if/with/and/or/not.
bool IsTrue(const Value& v);
// Calls builtin `id` (tree.h's Builtin; never and/or, which the executor short-circuits).
StatusOr<Value> CallBuiltin(int id, CallContext& ctx, std::span<const Value> args);

}  // namespace vs::tmpl::internal
