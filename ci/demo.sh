#!/usr/bin/env bash
# The tool's main job on the shipped example, into a scratch directory:
# plan, apply, plan again ("No changes."). No root needed once the build
# packages are installed.
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/deps.sh
install_packages "${build_packages[@]}"

build=${BUILD_DIR:-build}
echo "demo: building mosq-reconcile in $build (a few minutes on a fresh machine)"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" --target mosq-reconcile
tool="$build/mosq-reconcile"

root=$(mktemp -d /tmp/mosq-reconcile-demo.XXXXXX)
chmod 755 "$root"  # the broker's user must be able to enter it
# Demo secrets: in real use they come from a vault, CI secrets or files
# that are not in git. The dashboard user's hash in examples/broker.yaml was
# made with `mosquitto_passwd` for the password "dashboard-demo".
export MQTT_USER1_PASSWORD=demo-user1-password
export MQTT_CA_PASSPHRASE=demo-ca-passphrase
mkdir -p "$root/run/secrets"
(umask 077; echo "demo-sensor-7-password" > "$root/run/secrets/sensor-7")

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

step mosq-reconcile --plan --root "$root" examples/broker.yaml
rc=0; "$tool" --plan --root "$root" examples/broker.yaml || rc=$?
[ "$rc" -eq 2 ] || { echo "demo: expected exit 2 (changes pending), got $rc" >&2; exit 1; }

step mosq-reconcile --root "$root" examples/broker.yaml
"$tool" --root "$root" examples/broker.yaml

step mosq-reconcile --plan --root "$root" examples/broker.yaml
"$tool" --plan --root "$root" examples/broker.yaml

step openssl verify -CAfile "$root/etc/mosquitto/certs/mqtt_ca.crt" "$root/etc/mosquitto/certs/mqtt_srv.crt"
openssl verify -CAfile "$root/etc/mosquitto/certs/mqtt_ca.crt" "$root/etc/mosquitto/certs/mqtt_srv.crt"

echo
echo "demo: files written under $root:"
(cd "$root" && find . -type f ! -path './run/*' | sort | xargs ls -l)
