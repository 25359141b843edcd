#!/usr/bin/env bash
# Builds the operator image from the Dockerfile. The version comes from the pom (the only place it is
# written).
#
# Usage: e2e/build-image.sh [image-name]            docker build; base images from Docker Hub
#        e2e/build-image.sh --debian [image-name]   buildah; no Docker Hub, no Docker engine
#        e2e/build-image.sh --debian-bases          only make (or find cached) the --debian bases
# (default image name flink-resilience-operator:e2e)
#
# --debian makes the Dockerfile's two base images from Debian packages and passes them as its
# BUILD_IMAGE and RUNTIME_IMAGE arguments:
#   localhost/fro-base-jre17     a minimal bookworm (debootstrap --variant=minbase) with
#                                openjdk-17-jre-headless, imported with `podman import`
#   localhost/fro-base-maven17   the same plus openjdk-17-jdk-headless and maven (apt in buildah)
# then runs `buildah bud` of the real Dockerfile. Both bases are cached: the rootfs tarball and the
# downloaded .debs under $FRO_CACHE/image (default ~/.cache/flink-resilience), the images in the
# container storage. With a local Maven repository (~/.m2/repository, or $MAVEN_REPO) the build
# stage resolves offline from it, mounted read-only; without one it downloads from Maven Central.
# Needs root, buildah, podman and debootstrap (apt-get install buildah podman runc debootstrap).
# Every step prints its time. FORCE_BASE=1 remakes the bases.
set -euo pipefail
cd "$(dirname "$0")/.."

builder=docker
case "${1:-}" in
  --debian) builder=debian && shift ;;
  --debian-bases) builder=bases && shift ;;
esac
image="${1:-flink-resilience-operator:e2e}"

T0=$SECONDS
step_start=$SECONDS
step() {
  echo "[image] $(date +%H:%M:%S) +$((SECONDS - step_start))s (total $((SECONDS - T0))s) -- $*"
  step_start=$SECONDS
}

if [[ "$builder" != bases ]]; then
  # Offline first: the version needs no network when the help plugin is in the local repository.
  # Maven 3.8 writes colour codes around it even in batch mode: they are stripped, what is left checked.
  pom_version() {
    mvn -q -B -ntp "$@" help:evaluate -Dexpression=project.version -DforceStdout \
      | sed 's/\x1b\[[0-9;]*m//g'
  }
  version="$(pom_version -o)" || version="$(pom_version)"
  [[ "$version" =~ ^[0-9A-Za-z.+-]+$ ]] || { echo "no version from the pom: ${version}" >&2; exit 1; }
  step "building ${image} (version ${version}) with ${builder}"
fi

if [[ "$builder" == docker ]]; then
  docker build --build-arg "VERSION=${version}" -t "${image}" .
  step "done"
  exit 0
fi

# ---- --debian: base images from Debian packages -----------------------------------------------------
# Bumped whenever the recipe below changes, so that cached bases made before are remade.
BASE_REVISION=1
SUITE=bookworm
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
CACHE="${FRO_CACHE:-$HOME/.cache/flink-resilience}/image"
ROOTFS_TAR="$CACHE/${SUITE}-jre17-r${BASE_REVISION}.tar"
DEBS="$CACHE/debs"
RUNTIME_BASE="localhost/fro-base-jre17:${SUITE}-r${BASE_REVISION}"
BUILD_BASE="localhost/fro-base-maven17:${SUITE}-r${BASE_REVISION}"

for tool in buildah podman debootstrap; do
  command -v "$tool" >/dev/null || {
    echo "$tool not found: apt-get install buildah podman runc debootstrap" >&2
    exit 1
  }
done
mkdir -p "$CACHE" "$DEBS"
# One maker of the bases and the image at a time (CI makes them ahead, in the background, while tests
# run).
exec 9>"$CACHE/.lock"
flock 9
if [[ "${FORCE_BASE:-0}" == 1 ]]; then
  rm -f "$ROOTFS_TAR"
  podman rmi -f "$BUILD_BASE" "$RUNTIME_BASE" >/dev/null 2>&1 || true
fi

# 1. One rootfs for both bases: minbase + the JRE. The .debs stay in $DEBS for the next time.
if [[ ! -s "$ROOTFS_TAR" ]]; then
  rootfs="$(mktemp -d "$CACHE/rootfs.XXXXXX")"
  trap 'rm -rf "$rootfs"' EXIT
  debootstrap --variant=minbase --include=openjdk-17-jre-headless --cache-dir="$DEBS" \
    "$SUITE" "$rootfs" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 \
    || { tail -n 20 "$CACHE/debootstrap.log" >&2; exit 1; }
  # What an image needs no copy of: downloaded packages and the package lists (the build base
  # fetches fresh lists).
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar --numeric-owner -C "$rootfs" -cf "$ROOTFS_TAR.tmp" .
  mv "$ROOTFS_TAR.tmp" "$ROOTFS_TAR"
  rm -rf "$rootfs"
  trap - EXIT
  step "rootfs: debootstrap ${SUITE} minbase + openjdk-17-jre-headless -> $ROOTFS_TAR ($(du -h "$ROOTFS_TAR" | cut -f1))"
else
  step "rootfs: cached $ROOTFS_TAR"
fi

# 2. The runtime base: the rootfs as it is.
if ! podman image exists "$RUNTIME_BASE"; then
  podman import -q \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["/bin/bash"]' \
    "$ROOTFS_TAR" "$RUNTIME_BASE" >/dev/null
  step "runtime base: imported $RUNTIME_BASE"
else
  step "runtime base: cached $RUNTIME_BASE"
fi

# 3. The build base: the runtime base plus the JDK and Maven, installed by apt on the host's network.
#    The host's extra CA certificates go in too (only here, not in the runtime base): Maven in the
#    build stage may have to reach Maven Central through a TLS-inspecting proxy.
if ! podman image exists "$BUILD_BASE"; then
  ctr="$(buildah from --pull=never "$RUNTIME_BASE")"
  trap 'buildah rm "$ctr" >/dev/null 2>&1 || true' EXIT
  if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    buildah copy -q "$ctr" /usr/local/share/ca-certificates/ /usr/local/share/ca-certificates/ >/dev/null
  fi
  buildah run --network host -v "$DEBS:/var/cache/apt/archives" "$ctr" -- sh -c '
    set -e
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      openjdk-17-jdk-headless maven >/dev/null
    update-ca-certificates >/dev/null
    rm -rf /var/lib/apt/lists/*' >"$CACHE/build-base.log" 2>&1 \
    || { tail -n 20 "$CACHE/build-base.log" >&2; exit 1; }
  buildah commit -q --rm "$ctr" "$BUILD_BASE" >/dev/null
  trap - EXIT
  step "build base: $BUILD_BASE (openjdk-17-jdk-headless, maven)"
else
  step "build base: cached $BUILD_BASE"
fi

if [[ "$builder" == bases ]]; then
  echo "[image] total $((SECONDS - T0))s"
  exit 0
fi
# The lock is kept through the image build: CI builds the image in the background while tests run,
# and OperatorImageTest's own build of the same image then waits for it and finds every layer cached.

# 4. The image: the real Dockerfile on those bases. With a local Maven repository, the build stage
#    reads it (read-only) instead of the network.
maven_repo="${MAVEN_REPO:-$HOME/.m2/repository}"
maven=()
if [[ -d "$maven_repo" ]]; then
  maven=(-v "$maven_repo:/host-m2:ro" --build-arg "MAVEN_FLAGS=-o -Dmaven.repo.local=/host-m2")
fi
# The version label is also given to buildah itself: its layer cache does not see a changed build
# argument that only a LABEL uses (containers/buildah#5501), and would keep the previous version.
buildah bud --layers --pull=never --network host \
  --build-arg "BUILD_IMAGE=${BUILD_BASE}" --build-arg "RUNTIME_IMAGE=${RUNTIME_BASE}" \
  --build-arg "VERSION=${version}" --label "org.opencontainers.image.version=${version}" \
  "${maven[@]}" -t "${image}" .
step "image: ${image} ($(podman image inspect --format '{{.Size}}' "${image}" | numfmt --to=iec))"
# --layers keeps every build's intermediate images (the build stage's are not the image's parents):
# those a day old go, so a machine that builds often does not fill up, and the latest stay as cache.
podman image prune -f --filter until=24h >/dev/null
echo "[image] total $((SECONDS - T0))s"
