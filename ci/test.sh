#!/usr/bin/env bash
# Installs what the tests need, runs each fuzz target for 30 s (ci/fuzz.sh:
# a clang ASan+UBSan build in build-fuzz/), then builds and runs every test
# with ctest. Extra arguments go to ctest (e.g. `ci/test.sh -L broker`)
# and skip the fuzzing, as MOSQ_FUZZ_SECONDS=0 does.
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/deps.sh
install_packages "${build_packages[@]}" "${test_packages[@]}"

# Fuzzing first, so that ctest's summary is the last thing printed.
fuzz_seconds=${MOSQ_FUZZ_SECONDS:-30}
if [ $# -eq 0 ] && [ "$fuzz_seconds" -gt 0 ]; then
  bash ci/fuzz.sh all "$fuzz_seconds"
fi

build=${BUILD_DIR:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)"
cd "$build"
ctest --output-on-failure -j"$(nproc)" "$@"
