#!/usr/bin/env bash
# Stops everything start.sh started (by its pid files, in reverse start order), waits until each process is
# gone (SIGTERM, then SIGKILL after 15 s), and removes the etcd data. Logs, certificates and kubeconfigs stay
# in $FRO_CP_STATE for inspection. Safe to run when nothing is running.
set -euo pipefail

STATE="${FRO_CP_STATE:-/tmp/fro-controlplane}"
[[ -d "$STATE/pids" ]] || { echo "[stop] nothing to stop ($STATE/pids absent)"; exit 0; }

stop_one() {
  local name=$1 f="$STATE/pids/$1.pid" pid
  [[ -f "$f" ]] || return 0
  pid="$(cat "$f")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "[stop] $name (pid $pid) ignored SIGTERM; SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    fi
    echo "[stop] $name (pid $pid) stopped"
  fi
  rm -f "$f"
}

for name in kube-scheduler kube-controller-manager kube-apiserver etcd; do
  stop_one "$name"
done
rm -rf "$STATE"/etcd-data.* "$STATE/env"
echo "[stop] done"
