#!/usr/bin/env bash
# Restarts one component of a running local control plane (etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler) with the command line start.sh launched it with, keeping its data: a fault for the tests
# ("the API server restarted", "etcd restarted"). Waits until the process is gone and the new one is healthy.
#
# Usage: local/controlplane/restart.sh NAME [DOWN_SECONDS]   (DOWN_SECONDS: stay down that long first)
set -euo pipefail

STATE="${FRO_CP_STATE:-/tmp/fro-controlplane}"
NAME="${1:?usage: restart.sh NAME [DOWN_SECONDS]}"
DOWN="${2:-0}"
CMD_FILE="$STATE/cmd/$NAME"
PID_FILE="$STATE/pids/$NAME.pid"
[[ -f "$CMD_FILE" && -f "$PID_FILE" ]] || { echo "[restart] $NAME: not started by start.sh in $STATE" >&2; exit 1; }
# shellcheck source=/dev/null
source "$STATE/env"

pid="$(cat "$PID_FILE")"
kill -CONT "$pid" 2>/dev/null || true # a frozen process cannot act on SIGTERM
kill -TERM "$pid" 2>/dev/null || true
for _ in $(seq 1 150); do
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$pid" 2>/dev/null; then
  kill -KILL "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
fi
echo "[restart] $(date +%H:%M:%S) $NAME (pid $pid) stopped"
sleep "$DOWN"

echo "--- restarted $(date +%H:%M:%S) ---" >>"$STATE/logs/$NAME.log"
bash -c "exec $(cat "$CMD_FILE")" </dev/null >>"$STATE/logs/$NAME.log" 2>&1 &
echo $! >"$PID_FILE"
new=$!

case "$NAME" in
  etcd) check=(curl -fsS "http://127.0.0.1:$FRO_CP_ETCD_PORT/health") ;;
  kube-apiserver) check=(curl -fsS --cacert "$STATE/pki/ca.crt" --cert "$STATE/pki/admin.crt" --key "$STATE/pki/admin.key" "https://127.0.0.1:$FRO_CP_API_PORT/readyz") ;;
  kube-controller-manager) check=(curl -fsSk "https://127.0.0.1:$FRO_CP_CM_PORT/healthz") ;;
  kube-scheduler) check=(curl -fsSk "https://127.0.0.1:$FRO_CP_SCHED_PORT/healthz") ;;
  *) echo "[restart] unknown component $NAME" >&2; exit 1 ;;
esac
start=$SECONDS
until "${check[@]}" >/dev/null 2>&1; do
  if ! kill -0 "$new" 2>/dev/null; then
    echo "[restart] $NAME exited; last log lines:" >&2
    tail -n 30 "$STATE/logs/$NAME.log" >&2
    exit 1
  fi
  if ((SECONDS - start > 90)); then
    echo "[restart] $NAME not healthy after 90s" >&2
    exit 1
  fi
  sleep 0.5
done
echo "[restart] $(date +%H:%M:%S) $NAME healthy again (pid $new)"
