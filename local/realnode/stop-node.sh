#!/usr/bin/env bash
# "The node dies": SIGKILL to PID 1 of the node's PID namespace, which makes the kernel kill every process in
# it at once - kubelet, containerd, the shims and all containers - with no graceful shutdown, then removes the
# node's network namespace (its veth and pod routes) and the empty cgroups its containers leave behind.
# The Node object stays in the API server (it becomes NotReady/Unknown after the node-monitor grace period),
# as with a real machine that lost power. Logs stay in $FRO_REALNODE_ROOT/NAME/logs.
# Usage: local/realnode/stop-node.sh NAME           (safe to run when the node is not running)
set -euo pipefail
NAME="${1:?usage: stop-node.sh NAME}"
ROOT="${FRO_REALNODE_ROOT:-/tmp/fro-realnode}"
NODE="$ROOT/$NAME"
NS="fro-$NAME"

if [[ -f "$NODE/pids/node.pid" ]]; then
  pid="$(cat "$NODE/pids/node.pid")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid"
    echo "[stop-node $NAME] $(date +%H:%M:%S) SIGKILL to node PID namespace init (pid $pid)"
  fi
fi
# unshare (the parent of that init) exits once the PID namespace is empty.
if [[ -f "$NODE/pids/unshare.pid" ]]; then
  upid="$(cat "$NODE/pids/unshare.pid")"
  for _ in $(seq 1 100); do
    kill -0 "$upid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$upid" 2>/dev/null && { echo "[stop-node $NAME] unshare (pid $upid) still there after 10 s" >&2; exit 1; }
fi
rm -f "$NODE"/pids/*.pid

# Network: deleting the netns deletes the veth pair (and the CNI bridge and pod veths inside it).
if [[ -f "$NODE/index" ]]; then
  subnet="10.244.$(cat "$NODE/index").0/24"
  ip route del "$subnet" 2>/dev/null || true
  for d in "$ROOT"/*/; do
    other="$(basename "$d")"
    [[ "$other" != "$NAME" ]] && [[ -e "/run/netns/fro-$other" ]] || continue
    ip -n "fro-$other" route del "$subnet" 2>/dev/null || true
  done
fi
if [[ -e "/run/netns/$NS" ]]; then
  ip netns del "$NS"
fi

# cgroups: runc (cgroupfs driver, no kubelet QOS hierarchy) made one directory per container/sandbox in each
# controller, named by container id; killed processes leave them empty. The ids are the task bundle dirs.
shopt -s nullglob
for b in "$NODE"/run/containerd/io.containerd.runtime.v2.task/*/*/; do
  id="$(basename "$b")"
  for cg in /sys/fs/cgroup/*/"$id" /sys/fs/cgroup/*/*/"$id"; do
    rmdir "$cg" 2>/dev/null || true
  done
done
echo "[stop-node $NAME] $(date +%H:%M:%S) stopped"
