#!/usr/bin/env bash
# Builds the two container images a real node needs, from Debian files only (no registry):
#   fro.local/pause:catatonit  - the pod sandbox ("pause") image: Debian's static catatonit in pause mode (-P)
#   fro.local/busybox:1        - a test image: Debian's busybox-static with a symlink per applet
# Each is written as a docker-archive tarball (manifest.json + config + one layer), the format
# `ctr images import` reads, to $FRO_REALNODE_ROOT/images/*.tar. Made by hand with tar + sha256sum so that no
# image tool (buildah/podman storage) is involved. Cached: rebuilt only if missing (FORCE=1 to rebuild).
# Usage: local/realnode/images.sh            prints the two tarball paths
set -euo pipefail

ROOT="${FRO_REALNODE_ROOT:-/tmp/fro-realnode}"
OUT="$ROOT/images"
mkdir -p "$OUT"

# make_image REF OUT.tar ROOTFS_DIR CONFIG_JSON_FRAGMENT
make_image() {
  local ref=$1 out=$2 rootfs=$3 cfg=$4 work diff cfgsha
  work="$(mktemp -d "$OUT/build.XXXXXX")"
  # Reproducible layer: numeric root ownership, fixed mtime, sorted names.
  tar -C "$rootfs" --sort=name --mtime='2020-01-01 00:00:00' --numeric-owner --owner=0 --group=0 \
    -cf "$work/layer.tar" .
  diff="$(sha256sum "$work/layer.tar" | cut -d' ' -f1)"
  mkdir "$work/$diff"
  mv "$work/layer.tar" "$work/$diff/layer.tar"
  printf '{"architecture":"amd64","os":"linux","created":"2020-01-01T00:00:00Z","config":%s,"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created":"2020-01-01T00:00:00Z","created_by":"local/realnode/images.sh"}]}' \
    "$cfg" "$diff" >"$work/config.json"
  cfgsha="$(sha256sum "$work/config.json" | cut -d' ' -f1)"
  mv "$work/config.json" "$work/$cfgsha.json"
  printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]' "$cfgsha" "$ref" "$diff" >"$work/manifest.json"
  tar -C "$work" -cf "$out.tmp" manifest.json "$cfgsha.json" "$diff/layer.tar"
  mv "$out.tmp" "$out"
  rm -rf "$work"
}

if [[ "${FORCE:-0}" == 1 || ! -s "$OUT/pause.tar" ]]; then
  [[ -x /usr/bin/catatonit ]] || { echo "catatonit missing: run build-kubelet.sh (installs it)" >&2; exit 1; }
  r="$(mktemp -d)"
  cp /usr/bin/catatonit "$r/catatonit" # statically linked: nothing else is needed in the image
  mkdir -p "$r"/{dev,proc,sys,etc}
  make_image fro.local/pause:catatonit "$OUT/pause.tar" "$r" \
    '{"Entrypoint":["/catatonit","-P"],"Env":["PATH=/"]}'
  rm -rf "$r"
fi

if [[ "${FORCE:-0}" == 1 || ! -s "$OUT/busybox.tar" ]]; then
  [[ -x /bin/busybox ]] || { echo "/bin/busybox missing: apt-get install busybox-static" >&2; exit 1; }
  r="$(mktemp -d)"
  mkdir -p "$r"/{bin,dev,proc,sys,etc,tmp,root}
  chmod 1777 "$r/tmp"
  cp /bin/busybox "$r/bin/busybox" # statically linked (busybox-static)
  for a in $(/bin/busybox --list); do
    [[ "$a" == busybox ]] || ln -s busybox "$r/bin/$a"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$r/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$r/etc/group"
  make_image fro.local/busybox:1 "$OUT/busybox.tar" "$r" '{"Cmd":["/bin/sh"],"Env":["PATH=/bin"]}'
  rm -rf "$r"
fi
echo "$OUT/pause.tar"
echo "$OUT/busybox.tar"
