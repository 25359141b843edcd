#!/usr/bin/env bash
# "The node dies": SIGKILL to PID 1 of the node's PID namespace, which makes the kernel kill every process in
# it at once - kubelet, containerd, the shims and all containers - with no graceful shutdown, then removes the
# node's network namespace (its veth and pod network) and the empty cgroups its containers leave behind.
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
# The routes to the node's pod CIDR (on the host and in the other nodes) stay, via the node's IP, which
# no longer answers ARP on the bridge: connecting to a pod of the dead node fails after ~3 s with "no
# route to host", as with a machine that lost power. Deleting them instead would send that traffic to
# the host's default route, and on a machine whose default route ends at a proxy that answers every
# address (seen here: "HTTP/1.1 404", "server: keryx") the dead JobManager would seem to answer.
# start-node.sh replaces them; teardown.sh's bridge deletion removes them.
if [[ -e "/run/netns/$NS" ]]; then
  ip netns del "$NS"
fi
# The kernel tears the netns (and with it the veth pair) down asynchronously, once nothing refers to it:
# take the host end away now, so the node is off the bridge at once and its INDEX is free again.
if [[ -f "$NODE/index" ]] && ip link show "frv$(cat "$NODE/index")" >/dev/null 2>&1; then
  ip link del "frv$(cat "$NODE/index")" 2>/dev/null || true
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
