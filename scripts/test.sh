#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs the Debian packages it needs, builds the
# release preset and runs every test (unit, integration, fuzz corpus replay), then builds the
# asan-ubsan and tsan presets and runs the unit tests under them.
# Options: --quick  release build and tests only.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc)

run_preset() {  # configure preset, build preset, test preset
  cmake --preset "$1" >/dev/null
  cmake --build --preset "$2" -j "$jobs"
  ctest --preset "$3" -j "$jobs"
}

start=$(date +%s)
run_preset release release release
if [ "${1:-}" != "--quick" ]; then
  run_preset asan-ubsan asan-ubsan unit-asan-ubsan
  run_preset tsan tsan unit-tsan
fi
echo "test.sh: all passed in $(( $(date +%s) - start ))s"
