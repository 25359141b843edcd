#!/usr/bin/env bash
# Runs INSIDE a node (started by start-node.sh): in the node's network namespace, a private mount namespace and
# a new PID namespace, as the child of catatonit (PID 1). Shadows host paths with the node's own, starts
# containerd, imports the images, starts kubelet, and exits as soon as either dies - which ends the whole
# PID namespace (the node dies as a unit).
# Usage: node-init.sh NODE_DIR   (not meant to be run by hand)
set -euo pipefail
NODE="$1"
# shellcheck disable=SC1091
source "$NODE/node.env"
log() { echo "[node-init $NAME] $(date +%H:%M:%S) -- $*"; }

# A /proc for the new PID namespace (kubelet/cadvisor and containerd read /proc/self, /proc/1, ...).
mount -t proc proc /proc
# Non-namespaced sysctls kubelet would rewrite: shadowed by files holding the values it wants.
for f in "$NODE"/sysctl/*; do
  k="$(basename "$f")"
  mount --bind "$f" "/proc/sys/${k//.//}"
done
# Node-private copies of the paths containerd, the shims, CNI and kubelet use with fixed names.
mount --bind "$NODE/run" /run
mount --bind "$NODE/kubelet" /var/lib/kubelet
mount --bind "$NODE/containerd" /var/lib/containerd
mount --bind "$NODE/cni/lib" /var/lib/cni
mount --bind "$NODE/log/pods" /var/log/pods
mount --bind "$NODE/log/containers" /var/log/containers
mkdir -p /run/netns /run/containerd

SOCK="$NODE/run/containerd/containerd.sock"
containerd --config "$NODE/containerd.toml" >>"$NODE/logs/containerd.log" 2>&1 &
CONTAINERD=$!
for _ in $(seq 1 100); do
  ctr -a "$SOCK" version >/dev/null 2>&1 && break
  kill -0 "$CONTAINERD" || { log "containerd exited"; exit 1; }
  sleep 0.2
done
log "containerd up (pid $CONTAINERD in the node)"
for img in $IMAGES; do
  ctr -a "$SOCK" -n k8s.io images import --snapshotter overlayfs "$img" >>"$NODE/logs/init.log" 2>&1
done
ctr -a "$SOCK" -n k8s.io images ls -q | sed 's/^/[images] /'

"$BIN/kubelet" \
  --config "$NODE/kubelet.yaml" \
  --kubeconfig "$NODE/kubeconfig" \
  --container-runtime remote \
  --container-runtime-endpoint "unix://$SOCK" \
  --hostname-override "$NAME" \
  --node-ip "$NODE_IP" \
  --pod-infra-container-image "$PAUSE_IMAGE" \
  --v 2 >>"$NODE/logs/kubelet.log" 2>&1 &
KUBELET=$!
log "kubelet started (pid $KUBELET in the node)"
# Whichever of the two ends first ends the node.
set +e
wait -n "$CONTAINERD" "$KUBELET"
rc=$?
log "containerd or kubelet exited (rc=$rc): node goes down"
exit 1
