// Go's fmt and strconv formatting for template values: Sprint, Sprintln, Sprintf (verbs
// v s d q x X o O b c U e E f F g G t T %, flags + - # space 0, width, precision, `*` and [n]
// argument indexes), strconv.FormatFloat and strconv.Quote. Output matches Go byte for byte,
// including the "%!d(string=x)" style of bad verbs, missing and extra arguments.
// Pure functions; append to *out.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "tmpl/value.h"

namespace vs::tmpl::gofmt {

// strconv.FormatFloat(v, fmt, prec, 64) for fmt in b e E f F g G x X.
std::string FormatFloat(double v, char fmt, int prec);
// strconv.Quote / strconv.QuoteToASCII.
void Quote(std::string_view s, bool ascii_only, std::string* out);

// Arguments of kInvalid behave as a nil interface, as they do when a template passes a missing
// value to a function taking `any`.
void Sprint(std::span<const Value> args, std::string* out);
void Sprintln(std::span<const Value> args, std::string* out);
void Sprintf(std::string_view format, std::span<const Value> args, std::string* out);
// fmt.Fprint of one value: what {{.}} writes for a valid value.
void Print(const Value& v, std::string* out);

}  // namespace vs::tmpl::gofmt
