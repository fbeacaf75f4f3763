#include "kpi/path_rules.h"

#include <array>
#include <cstring>

namespace vs::kpi {
namespace {

// kSanitise[b] is b for an allowed byte, '_' for every other byte ('.' included).
constexpr std::array<char, 256> MakeSanitiseTable() {
  std::array<char, 256> t{};
  for (int b = 0; b < 256; ++b) {
    bool keep = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') ||
                b == '_' || b == ':' || b == '#' || b == '@' || b == '%' || b == '+' || b == '=' ||
                b == '-';
    t[b] = keep ? static_cast<char>(b) : '_';
  }
  return t;
}
constexpr std::array<char, 256> kSanitise = MakeSanitiseTable();

}  // namespace

bool IsPathByte(uint8_t b) { return b != '_' ? kSanitise[b] != '_' : true; }

void PathBuilder::AppendComponent(std::string_view component) {
  if (component.empty() || too_long_) return;
  const size_t sep = size_ != 0 ? 1 : 0;
  if (size_ + sep + component.size() > kMaxPathBytes) {
    too_long_ = true;
    return;
  }
  char* out = buf_ + size_;
  if (sep) *out++ = '.';
  const auto* in = reinterpret_cast<const uint8_t*>(component.data());
  for (size_t i = 0; i < component.size(); ++i) out[i] = kSanitise[in[i]];
  size_ += sep + component.size();
}

void PathBuilder::AppendLevels(std::string_view dotted) {
  while (!dotted.empty() && !too_long_) {
    const void* dot = std::memchr(dotted.data(), '.', dotted.size());
    size_t n =
        dot ? static_cast<size_t>(static_cast<const char*>(dot) - dotted.data()) : dotted.size();
    AppendComponent(dotted.substr(0, n));
    dotted.remove_prefix(dot ? n + 1 : n);
  }
}

void PathBuilder::Truncate(size_t size) {
  if (size > kMaxPathBytes) return;  // a mark taken while too long: stays too long
  too_long_ = false;
  if (size < size_) size_ = size;
}

std::string NormalizePath(std::string_view dotted) {
  PathBuilder b;
  b.AppendLevels(dotted);
  if (b.too_long()) return {};
  return std::string(b.view());
}

}  // namespace vs::kpi
