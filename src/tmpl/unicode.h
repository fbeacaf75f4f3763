// Rune classes, case mapping and UTF-8 coding exactly as Go's unicode and unicode/utf8
// packages do them (tables generated from Go by gen/gen_unicode.go). Pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vs::tmpl::uni {

constexpr char32_t kRuneError = 0xFFFD;
constexpr char32_t kMaxRune = 0x10FFFF;

bool IsLetter(char32_t r);
bool IsDigit(char32_t r);
bool IsPrint(char32_t r);
bool IsSpace(char32_t r);
char32_t ToUpper(char32_t r);
char32_t ToLower(char32_t r);
char32_t ToTitle(char32_t r);

// Decodes the rune at s[i]; as utf8.DecodeRuneInString: invalid or short -> (RuneError, 1).
char32_t DecodeRune(std::string_view s, size_t i, size_t* width);
// Appends r in UTF-8; invalid runes (surrogates, > MaxRune) append U+FFFD, as utf8.AppendRune.
void AppendRune(std::string* out, char32_t r);
size_t RuneCount(std::string_view s);
bool ValidUtf8(std::string_view s);

}  // namespace vs::tmpl::uni
