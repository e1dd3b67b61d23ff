#!/usr/bin/env bash
# Every test (the tool's binary included) under AddressSanitizer and
# UndefinedBehaviorSanitizer, in build-asan/. Slower than ci/test.sh; not
# part of .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/deps.sh
install_packages "${build_packages[@]}" "${test_packages[@]}"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DMOSQ_BUILD_BENCH=OFF -DMOSQ_STATIC_CXX_LIBS=OFF \
  -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" >/dev/null
cmake --build build-asan -j"$(nproc)"
cd build-asan
ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j"$(nproc)" "$@"
