#!/usr/bin/env bash
# Builds kubelet 1.20.2 from the Debian `kubernetes` source tree that local/controlplane/build.sh unpacked and
# fixed (vendor/modules.txt order, reflect2 1.0.2, generated OpenAPI), the same way: `go build -trimpath`,
# static (CGO_ENABLED=0), version stamped v1.20.2. Installs the Debian packages a real node needs.
# Idempotent and cached: the binary goes to $FRO_CACHE/k8s-1.20.2/bin/kubelet and is not rebuilt when present.
# Usage: local/realnode/build-kubelet.sh          (FORCE=1 to rebuild)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${FRO_CACHE:-$HOME/.cache/flink-resilience}/k8s-1.20.2"
BIN="$CACHE/bin"
K8S_VERSION=v1.20.2
T0=$SECONDS
log() { echo "[build-kubelet] $(date +%H:%M:%S) +$((SECONDS - T0))s -- $*"; }
as_root() { if [[ $(id -u) == 0 ]]; then "$@"; else sudo "$@"; fi; }

# 1. Node packages: containerd (1.6.20, brings ctr), runc (not crun: crun needs CAP_SYS_RESOURCE here),
#    CNI plugins (/usr/lib/cni), catatonit (the pause process), iproute2 (ip netns/veth),
#    busybox-static (the test image), socat (host-side forward to the loopback-only API server).
pkgs=(containerd runc containernetworking-plugins catatonit iproute2 busybox-static socat openssl curl)
missing=()
for p in "${pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  log "apt-get install ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian's containerd package ships a systemd unit; on a machine with systemd it may have been started and
# would own /run/containerd. Nothing here uses the host's containerd: each node runs its own.

# 2. kubelet from the cached, already fixed source tree (local/controlplane/build.sh prepares it).
if [[ "${FORCE:-0}" != 1 && -x "$BIN/kubelet" ]]; then
  log "cached: $BIN/kubelet ($("$BIN/kubelet" --version)); FORCE=1 to rebuild"
  exit 0
fi
SRC="$(find "$CACHE/src" -mindepth 1 -maxdepth 1 -type d -name 'kubernetes-*' 2>/dev/null | head -n1)"
if [[ -z "$SRC" || ! -f "$SRC/.fro-source-complete" || ! -s "$SRC/pkg/generated/openapi/zz_generated.openapi.go" ]]; then
  log "no prepared source tree in $CACHE/src: running local/controlplane/build.sh first"
  "$HERE/../controlplane/build.sh"
  SRC="$(find "$CACHE/src" -mindepth 1 -maxdepth 1 -type d -name 'kubernetes-*' | head -n1)"
fi
cd "$SRC"
export GO111MODULE=on GOFLAGS=-mod=vendor GOPROXY=off CGO_ENABLED=0
export GOCACHE="$CACHE/gocache"
ldflags="-s -w"
for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
  ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=20"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
done
log "go build cmd/kubelet (a few minutes, ~1.4 GB memory)"
go build -trimpath -ldflags "$ldflags" -o "$BIN/kubelet.tmp" ./cmd/kubelet
mv "$BIN/kubelet.tmp" "$BIN/kubelet"
log "done: $("$BIN/kubelet" --version)"
