#!/usr/bin/env bash
# Issue 8: `cmake --install` and the .deb. Builds the package from this
# build tree, checks its declared runtime dependencies, unpacks it into a
# scratch directory (dpkg -x) and runs the unpacked binary, man page and
# schema. Usage: deb_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 source=$2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# cmake --install into a staging prefix: every documented file is there.
cmake --install "$build" --prefix "$scratch/prefix" >/dev/null
for f in bin/mosq-reconcile share/man/man1/mosq-reconcile.1 share/mosq-reconcile/broker.schema.json \
         share/doc/mosq-reconcile/examples/broker.yaml \
         share/doc/mosq-reconcile/examples/systemd/mosq-reconcile.service \
         share/doc/mosq-reconcile/examples/cron/mosq-reconcile \
         share/doc/mosq-reconcile/examples/ci/mosq-reconcile-gate.sh \
         lib/systemd/system/mosq-reconcile.timer; do
  [ -e "$scratch/prefix/$f" ] || fail "cmake --install did not install $f"
done
[ -x "$scratch/prefix/share/doc/mosq-reconcile/examples/ci/mosq-reconcile-gate.sh" ] || fail "gate script not executable"

# The .deb.
(cd "$build" && cpack -G DEB -B "$scratch/deb" >/dev/null) || fail "cpack -G DEB failed"
deb=$(ls "$scratch"/deb/mosq-reconcile_*.deb)
info=$(dpkg-deb -I "$deb")
echo "$info" | grep -q '^ Package: mosq-reconcile$' || fail "package name: $info"
depends=$(echo "$info" | sed -n 's/^ Depends: //p')
# libcrypto and libc are always shared; yaml-cpp, Boost and libstdc++ are
# linked in unless the build says MOSQ_STATIC_CXX_LIBS=OFF (CMakeLists.txt).
shared_libs=(libssl3 libc6) linked_in=(libyaml-cpp0.7 libboost-program-options1.74.0 libstdc++6)
if grep -q '^MOSQ_STATIC_CXX_LIBS:BOOL=OFF' "$build/CMakeCache.txt"; then
  shared_libs+=("${linked_in[@]}") linked_in=()
fi
for lib in "${shared_libs[@]}"; do
  echo "$depends" | grep -q "$lib" || fail "Depends lacks $lib: $depends"
done
for lib in "${linked_in[@]}"; do
  echo "$depends" | grep -q "$lib" && fail "Depends names $lib, which is linked in: $depends"
done
echo "$info" | grep -q '^ Recommends: mosquitto' || fail "no Recommends: mosquitto"

dpkg -x "$deb" "$scratch/root"
tool="$scratch/root/usr/bin/mosq-reconcile"
[ -x "$tool" ] || fail "no /usr/bin/mosq-reconcile in the package"
needed=$(readelf -d "$tool" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
for so in libyaml-cpp libboost_program_options libstdc++; do
  if [ ${#linked_in[@]} -gt 0 ] && echo "$needed" | grep -q "$so"; then
    fail "the binary still loads $so: $needed"
  fi
done
version=$("$tool" --version)
[ "$version" = "mosq-reconcile 0.1.0" ] || fail "--version printed '$version'"
"$tool" --validate "$source/examples/broker.yaml" >/dev/null || fail "--validate examples/broker.yaml failed"
set +e
"$tool" --validate "$source/tests/data/bad_specs/04-port-out-of-range.yaml" >/dev/null 2>&1
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "a bad spec gave exit $rc"
[ -f "$scratch/root/usr/share/man/man1/mosq-reconcile.1" ] || fail "no man page"
man -l "$scratch/root/usr/share/man/man1/mosq-reconcile.1" 2>/dev/null | grep -q "EXIT STATUS" \
  || { command -v man >/dev/null && fail "the man page does not render"; }
[ -f "$scratch/root/usr/lib/systemd/system/mosq-reconcile.service" ] || fail "no systemd unit"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$scratch/root/usr/share/mosq-reconcile/broker.schema.json" \
  || fail "schema is not JSON"
echo "deb: $(basename "$deb"), Depends: $depends"
echo "1 passed, 0 failed"
