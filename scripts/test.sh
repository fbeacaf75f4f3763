#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs the Debian packages it needs, builds the
# release preset and runs every test (unit, integration, fuzz corpus replay), then builds the
# asan-ubsan and tsan presets and runs the unit tests under them.
# Options: --quick  release build and tests only.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc)

run_preset() {  # configure preset, build preset, test preset, [build target]
  cmake --preset "$1" >/dev/null
  cmake --build --preset "$2" -j "$jobs" ${4:+--target "$4"}
  ctest --preset "$3" -j "$jobs"
}

start=$(date +%s)
run_preset release release release
if [ "${1:-}" != "--quick" ]; then
  # Under sanitizers only the unit tests (and fuzz corpus replays) are built and run.
  run_preset asan-ubsan asan-ubsan unit-asan-ubsan vs_unit_tests
  run_preset tsan tsan unit-tsan vs_unit_tests
fi
echo "test.sh: all passed in $(( $(date +%s) - start ))s"
