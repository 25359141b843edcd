#!/usr/bin/env bash
# Builds localhost/fro-flink:2.3.0, a Flink 2.3.0 image for real nodes (kubelet + containerd), with no
# Docker Hub and no Docker engine: buildah on the local Debian base localhost/fro-base-jre17:bookworm-r1
# (e2e/build-image.sh --debian-bases), jars from Maven Central artifacts, and writes it as a
# docker-archive tarball that `ctr -n k8s.io images import` takes:
#   ${FRO_CACHE:-$HOME/.cache/flink-resilience}/image/fro-flink-2.3.0.tar
#
# Layout as the official image: /opt/flink/{lib,plugins/s3-fs-presto,usrlib/sample-job.jar,bin,conf},
# /docker-entrypoint.sh, user 9999, FLINK_HOME=/opt/flink, /opt/flink/bin on PATH. See README.md,
# "The Flink image".
#
# Jars: the Flink modules (flink-streaming-java, flink-clients, flink-connector-files,
# flink-connector-datagen, flink-kubernetes and what they need) resolve offline from the local Maven
# repository ($MAVEN_REPO, default ~/.m2/repository); the few that repository lacks (log4j2 and its
# SLF4J binding, flink-container, flink-runtime-web) are downloaded once from Maven Central into a repository
# of their own under the cache (the shared one is not written to).
#
# Cached: the image is rebuilt only when its inputs (every file of the build context + the base image
# id) changed, the tarball only when the image did. FORCE=1 rebuilds both. Every step prints its time.
# Usage: local/realnode/flink-image.sh        prints the tarball path last
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO_DIR="$PWD"

FLINK_VERSION=2.3.0
LOG4J_VERSION=2.25.3 # what Flink 2.3.0's flink-parent pom names (log4j.version)
IMAGE="localhost/fro-flink:${FLINK_VERSION}"
BASE_IMAGE="localhost/fro-base-jre17:bookworm-r1"
CACHE="${FRO_CACHE:-$HOME/.cache/flink-resilience}/image"
TARBALL="$CACHE/fro-flink-${FLINK_VERSION}.tar"
WORK="${FRO_FLINK_IMAGE_WORK:-/tmp/fro-flink-image-build}"
MAVEN_REPO="${MAVEN_REPO:-$HOME/.m2/repository}"
EXTRA_REPO="$CACHE/m2-flink-image" # Maven repository for the jars MAVEN_REPO does not hold
SRC="$REPO_DIR/local/realnode/flink-image"
SAMPLE_JAR="$REPO_DIR/sample-job/target/sample-job.jar"

T0=$SECONDS
step_start=$SECONDS
step() {
  echo "[flink-image] $(date +%H:%M:%S) +$((SECONDS - step_start))s (total $((SECONDS - T0))s) -- $*"
  step_start=$SECONDS
}

# The image tools from Debian, as e2e/build-image.sh --debian needs them (a fresh machine has none).
missing=()
for pkg in buildah podman runc debootstrap; do
  command -v "$pkg" >/dev/null || missing+=("$pkg")
done
if ((${#missing[@]})); then
  step "apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
for tool in mvn sha256sum; do
  command -v "$tool" >/dev/null || { echo "$tool not found" >&2; exit 1; }
done
# The Debian JRE base is the operator image's: made (and cached) by the same script.
podman image exists "$BASE_IMAGE" || e2e/build-image.sh --debian-bases
podman image exists "$BASE_IMAGE" || { echo "base image $BASE_IMAGE not made" >&2; exit 1; }
mkdir -p "$CACHE" "$WORK"
exec 9>"$CACHE/.flink-image.lock"
flock 9

# mvn_copy DIR REPO OUT [extra args]: copy-dependencies of DIR/pom.xml into OUT, offline first.
mvn_copy() {
  local dir=$1 repo=$2 out=$3
  shift 3
  local goal=(org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies
    -DincludeScope=runtime "-DoutputDirectory=$out" "-Dmaven.repo.local=$repo" "$@")
  rm -rf "$out"
  (cd "$dir" && mvn -o -B -ntp -q "${goal[@]}" >"$dir/mvn.log" 2>&1) \
    || (cd "$dir" && mvn -B -ntp -q "${goal[@]}" >"$dir/mvn.log" 2>&1) \
    || { tail -n 20 "$dir/mvn.log" >&2; return 1; }
}

# deps GROUP VERSION ARTIFACT...: the <dependency> lines of a POM.
deps() {
  local group=$1 version=$2 a
  shift 2
  for a in "$@"; do
    echo "    <dependency><groupId>$group</groupId><artifactId>$a</artifactId><version>$version</version></dependency>"
  done
}

# jars NAME REPO DEPENDENCIES [extra args]: a POM of those dependencies in $WORK/NAME, its jars
# copied into $WORK/NAME/lib from REPO; skipped while the POM is unchanged and the jars are there.
jars() {
  local name=$1 repo=$2 dependencies=$3
  shift 3
  local dir="$WORK/$name"
  mkdir -p "$dir"
  cat >"$dir/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.fro</groupId><artifactId>fro-flink-image-$name</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
$dependencies
  </dependencies>
</project>
EOF
  if [[ "${FORCE:-0}" == 1 || ! -s "$dir/pom.sha" || ! -d "$dir/lib" ]] \
    || ! (cd "$dir" && sha256sum --status -c pom.sha 2>/dev/null); then
    mvn_copy "$dir" "$repo" "$dir/lib" "$@"
    (cd "$dir" && sha256sum pom.xml >pom.sha)
    step "$name: $(cd "$dir/lib" && echo *) (repository $repo)"
  else
    step "$name: cached ($(find "$dir/lib" -name '*.jar' | wc -l) jars)"
  fi
}

# 1. The Flink jars, from the local Maven repository (offline).
jars flink-deps "$MAVEN_REPO" "$(deps org.apache.flink "$FLINK_VERSION" flink-streaming-java \
  flink-clients flink-connector-files flink-connector-datagen flink-kubernetes)"

# 2. What the local repository lacks: log4j2 (+ its SLF4J 1.x binding, Flink 2.3 uses SLF4J 1.7.36), and
#    flink-container (StandaloneApplicationClusterEntryPoint) and flink-runtime-web (web UI, jar
#    submission), both part of flink-dist. Only these jars (their dependencies are in step 1).
jars extra-deps "$EXTRA_REPO" "$(deps org.apache.logging.log4j "$LOG4J_VERSION" log4j-slf4j-impl \
  log4j-api log4j-core log4j-1.2-api)
$(deps org.apache.flink "$FLINK_VERSION" flink-container flink-runtime-web)" -DexcludeTransitive=true

# 3. The S3 plugin and the sample job.
S3_JAR="$MAVEN_REPO/org/apache/flink/flink-s3-fs-presto/${FLINK_VERSION}/flink-s3-fs-presto-${FLINK_VERSION}.jar"
[[ -s "$S3_JAR" ]] || { echo "missing $S3_JAR" >&2; exit 1; }
if [[ ! -s "$SAMPLE_JAR" ]]; then
  mvn -o -B -ntp -q package -pl sample-job -DskipTests
  step "sample job: built $SAMPLE_JAR"
fi

# 4. The build context: opt/flink as in the image, the entrypoint, the Containerfile.
CTX="$WORK/context"
rm -rf "$CTX"
F="$CTX/opt/flink"
mkdir -p "$F"/{lib,bin,conf,conf-image,usrlib,log,opt,plugins/s3-fs-presto}
cp "$WORK/flink-deps/lib/"*.jar "$WORK/extra-deps/lib/"*.jar "$F/lib/"
cp "$S3_JAR" "$F/plugins/s3-fs-presto/"
cp "$SAMPLE_JAR" "$F/usrlib/sample-job.jar"
cp "$SRC"/bin/*.sh "$F/bin/"
cp "$SRC"/conf/* "$F/conf/"
cp "$SRC"/conf/* "$F/conf-image/"
cp "$SRC/docker-entrypoint.sh" "$SRC/Containerfile" "$CTX/"
chmod 755 "$F"/bin/*.sh "$CTX/docker-entrypoint.sh"
base_id="$(podman image inspect --format '{{.Id}}' "$BASE_IMAGE")"
inputs="$( (cd "$CTX" && find . -type f -print0 | sort -z | xargs -0 sha256sum; echo "$base_id") | sha256sum | cut -c1-64)"
step "context: $(du -sh "$CTX" | cut -f1) in $CTX (inputs ${inputs:0:12})"

# 5. The image.
if [[ "${FORCE:-0}" != 1 ]] && podman image exists "$IMAGE" \
  && [[ "$(podman image inspect --format '{{index .Labels "fro.inputs"}}' "$IMAGE")" == "$inputs" ]]; then
  step "image: cached $IMAGE"
else
  old_id="$(podman image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)"
  buildah bud --pull=never --network none -q \
    --build-arg "BASE_IMAGE=$BASE_IMAGE" --label "fro.inputs=$inputs" \
    --label "org.opencontainers.image.version=$FLINK_VERSION" \
    -f "$CTX/Containerfile" -t "$IMAGE" "$CTX" >/dev/null
  # The image it replaces, now untagged, goes (unless a container still uses it).
  new_id="$(podman image inspect --format '{{.Id}}' "$IMAGE")"
  if [[ -n "$old_id" && "$old_id" != "$new_id" ]]; then
    podman rmi "$old_id" >/dev/null 2>&1 || true
  fi
  step "image: built $IMAGE"
fi
image_id="$(podman image inspect --format '{{.Id}}' "$IMAGE")"
echo "[flink-image] $IMAGE $image_id size $(podman image inspect --format '{{.Size}}' "$IMAGE" | numfmt --to=iec)"

# 6. The docker-archive tarball, for `ctr -n k8s.io images import`.
if [[ "${FORCE:-0}" != 1 && -s "$TARBALL" && "$(cat "$TARBALL.id" 2>/dev/null)" == "$image_id" ]]; then
  step "tarball: cached $TARBALL"
else
  rm -f "$TARBALL.tmp"
  podman save -q --format docker-archive -o "$TARBALL.tmp" "$IMAGE"
  mv "$TARBALL.tmp" "$TARBALL"
  echo "$image_id" >"$TARBALL.id"
  step "tarball: $TARBALL ($(du -h "$TARBALL" | cut -f1))"
fi
echo "[flink-image] total $((SECONDS - T0))s"
echo "$TARBALL"
