// A ProcSource over an in-memory map, for tests that need to change /proc between readings or
// make files disappear. Not thread-safe.
#pragma once

#include <map>
#include <string>

#include "kpi_publish/proc.h"

namespace vs::kpi_publish::testing {

class FakeProcSource final : public ProcSource {
 public:
  std::map<std::string, std::string> files;
  std::map<std::string, int> dirs;  // entry counts
  StatusOr<std::string> Read(const std::string& rel) const override {
    auto it = files.find(rel);
    if (it == files.end()) return NotFound("fake /proc/" + rel);
    return it->second;
  }
  StatusOr<int> CountEntries(const std::string& rel) const override {
    auto it = dirs.find(rel);
    if (it == dirs.end()) return NotFound("fake /proc/" + rel);
    return it->second;
  }
};

}  // namespace vs::kpi_publish::testing
