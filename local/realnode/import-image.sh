#!/usr/bin/env bash
# Imports a docker-archive image tarball into a running node's containerd (namespace k8s.io, unpacked for
# the overlayfs snapshotter) and tags it with further names, e.g. the name a FlinkResilientJob gives
# (`flink:2.3.0-java17` is docker.io/library/flink:2.3.0-java17 to kubelet/containerd), so that pods
# with imagePullPolicy IfNotPresent or Never find it (nothing can be pulled here).
#
# Runs on the host: containerd's socket lives in the node's directory, which the host sees too; the
# unpacking is done by the node's containerd, inside the node's mount namespace.
#
# Usage: local/realnode/import-image.sh NAME TARBALL [TAG...]
#   e.g. local/realnode/import-image.sh node1 ~/.cache/flink-resilience/image/fro-flink-2.3.0.tar \
#          docker.io/library/flink:2.3.0-java17
set -euo pipefail
NAME="${1:?usage: import-image.sh NAME TARBALL [TAG...]}"
TAR="${2:?usage: import-image.sh NAME TARBALL [TAG...]}"
shift 2
ROOT="${FRO_REALNODE_ROOT:-/tmp/fro-realnode}"
SOCK="$ROOT/$NAME/run/containerd/containerd.sock"
T0=$SECONDS
[[ -S "$SOCK" ]] || { echo "no containerd socket $SOCK: is node $NAME running?" >&2; exit 1; }
[[ -f "$TAR" ]] || { echo "no image tarball $TAR" >&2; exit 1; }
c() { ctr -a "$SOCK" -n k8s.io "$@"; }
out="$(c images import --snapshotter overlayfs "$TAR" 2>&1)" || { echo "$out" >&2; exit 1; }
# "unpacking localhost/fro-flink:2.3.0 (sha256:...)...done"
src="$(sed -n 's/^unpacking \([^ ]*\) .*/\1/p' <<<"$out" | head -n 1)"
[[ -n "$src" ]] || { echo "import gave no image name: $out" >&2; exit 1; }
for tag in "$@"; do
  c images rm "$tag" >/dev/null 2>&1 || true
  c images tag "$src" "$tag" >/dev/null
done
echo "[import-image $NAME] $(date +%H:%M:%S) +$((SECONDS - T0))s -- $src${*:+ tagged $*}"
