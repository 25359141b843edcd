#!/usr/bin/env bash
# Stops every node under $FRO_REALNODE_ROOT (stop-node.sh), the API forwards (socat, by pid file) and removes
# the host bridge frobr0. Node state dirs (logs) stay. Safe to run when nothing is running.
# Usage: local/realnode/teardown.sh
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="${FRO_REALNODE_ROOT:-/tmp/fro-realnode}"
shopt -s nullglob
for d in "$ROOT"/*/; do
  [[ -f "$d/index" ]] && "$HERE/stop-node.sh" "$(basename "$d")"
done
for f in "$ROOT"/apiforward.*.pid; do
  pid="$(cat "$f")"
  kill "$pid" 2>/dev/null && echo "[teardown] API forward (socat pid $pid) stopped"
  rm -f "$f"
done
if ip link show frobr0 >/dev/null 2>&1; then
  ip link del frobr0
  echo "[teardown] bridge frobr0 removed"
fi
