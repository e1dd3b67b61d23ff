#!/usr/bin/env bash
# Issue 9's performance targets on this machine: builds Release in
# build-bench/, makes its inputs in a temp dir and prints one table (each
# figure, its floor measured in the same run, the target, pass/FAIL).
#   bash bench/run.sh            full run, a few minutes
#   bash bench/run.sh --quick    smaller inputs, fewer runs (a smoke test)
# SPEC_ITERATIONS: the spec's hash_iterations for figure 6 (default: what
# examples/broker.yaml gets, 101).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build-bench}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DMOSQ_BUILD_TESTS=OFF >/dev/null
nice cmake --build "$build" -j"$(nproc)" --target mosq-reconcile mosq_bench >/dev/null
iterations=${SPEC_ITERATIONS:-$(sed -n 's/^ *hash_iterations: *\([0-9]*\).*/\1/p' examples/broker.yaml)}
iterations=${iterations:-101}
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo '+dirty')"
echo "machine: $(nproc) cores online, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(. /etc/os-release; echo "$PRETTY_NAME"), OpenSSL $(openssl version | cut -d' ' -f2)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$build/bench/mosq_bench" "$(pwd)/$build/mosq-reconcile" "$(pwd)" "$iterations" "$@"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
