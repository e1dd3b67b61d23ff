#!/bin/sh
# The two CI gates of examples/ci (GitHub Actions and GitLab CI run this):
#   mosq-reconcile-gate.sh validate SPEC
#       the committed spec is valid (exit 1 otherwise). Needs no secret.
#   mosq-reconcile-gate.sh expiry SPEC DAYS [--root DIR]
#       where the files live (the broker host, or a runner that has them and
#       the secrets): fails when a change is pending or a certificate would
#       need renewal within DAYS days. Prints the plan's JSON.
# MOSQ_RECONCILE (default: mosq-reconcile on PATH) names the binary.
set -u
tool=${MOSQ_RECONCILE:-mosq-reconcile}
case "${1:-}" in
  validate)
    exec "$tool" --validate "$2"
    ;;
  expiry)
    spec=$2 days=$3
    shift 3
    when=$(date -u -d "+$days days" +%Y-%m-%d)
    "$tool" --plan --json --now "$when" "$@" "$spec"
    status=$?
    case $status in
      0) echo "in sync, and no certificate needs renewal before $when" >&2; exit 0 ;;
      2) echo "changes pending, or a certificate needs renewal before $when (see the plan above)" >&2; exit 2 ;;
      *) echo "mosq-reconcile failed (exit $status)" >&2; exit 1 ;;
    esac
    ;;
  *)
    echo "usage: $0 validate SPEC | expiry SPEC DAYS [--root DIR]" >&2
    exit 64
    ;;
esac
