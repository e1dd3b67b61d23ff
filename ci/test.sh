#!/usr/bin/env bash
# Installs what the tests need, builds, and runs every test with ctest.
# Extra arguments go to ctest (e.g. `ci/test.sh -L broker`).
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/deps.sh
install_packages "${build_packages[@]}" "${test_packages[@]}"

build=${BUILD_DIR:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)"
cd "$build"
ctest --output-on-failure -j"$(nproc)" "$@"
