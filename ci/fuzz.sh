#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer in build-fuzz/, and runs one for SECONDS over
# its seed corpus (fuzz/make_seeds.sh) and what earlier runs found
# (build-fuzz/corpus/TARGET/, kept between runs).
#   ci/fuzz.sh TARGET SECONDS   TARGET: spec_loader, password_file, acl_file, pem, state_file,
#                               yaml_block_reader
#   ci/fuzz.sh all SECONDS      every target in turn
# Exits non-zero when a run finds a crash, a leak, undefined behaviour, a
# broken property (fuzz/fuzz_check.h) or an input slower than 10 s; the
# input is saved as build-fuzz/findings/TARGET/crash-* (or leak-*, timeout-*).
# Extra libFuzzer flags can be given in MOSQ_FUZZ_FLAGS.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=(spec_loader password_file acl_file pem state_file yaml_block_reader)
usage() { echo "usage: ci/fuzz.sh {${targets[*]// /|}|all} SECONDS" >&2; exit 1; }
[ $# -eq 2 ] || usage
target=$1 seconds=$2
[[ $seconds =~ ^[0-9]+$ ]] || usage
if [ "$target" = all ]; then
  selected=("${targets[@]}")
else
  [[ " ${targets[*]} " == *" $target "* ]] || usage
  selected=("$target")
fi

source ci/deps.sh
install_packages "${build_packages[@]}" "${fuzz_packages[@]}"

build=${FUZZ_BUILD_DIR:-build-fuzz}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DMOSQ_FUZZ=ON -DMOSQ_BUILD_TESTS=OFF -DMOSQ_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j"${FUZZ_JOBS:-2}" --target "${selected[@]/#/fuzz_}" >/dev/null
bash fuzz/make_seeds.sh "$build/seeds"

status=0
for t in "${selected[@]}"; do
  mkdir -p "$build/corpus/$t" "$build/findings/$t"
  echo "fuzz: $t for ${seconds}s"
  dict=()
  [ -f "fuzz/$t.dict" ] && dict=(-dict="fuzz/$t.dict")
  # New inputs go to the first directory; the seeds stay as they are.
  # OpenSSL allocates a lot: not filling each allocation and a smaller
  # quarantine and allocation stacks make the pem target about 1.5x faster.
  # shellcheck disable=SC2086
  if ! UBSAN_OPTIONS=print_stacktrace=1 \
      ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:max_malloc_fill_size=0:malloc_context_size=8:quarantine_size_mb=16} \
      "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$build/findings/$t/" "${dict[@]}" ${MOSQ_FUZZ_FLAGS:-} \
      "$build/corpus/$t" "$build/seeds/$t" > "$build/findings/$t/last-run.log" 2>&1; then
    status=1
    echo "fuzz: $t FAILED; its log ($build/findings/$t/last-run.log) ends:" >&2
    tail -n 60 "$build/findings/$t/last-run.log" >&2
  fi
  grep -E '^stat::(number_of_executed_units|peak_rss_mb)|^Done [0-9]+ runs' \
    "$build/findings/$t/last-run.log" | sed "s/^/fuzz: $t: /" || true
done
exit "$status"
