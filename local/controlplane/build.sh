#!/usr/bin/env bash
# Builds a real Kubernetes 1.20.2 control plane (kube-apiserver, kube-controller-manager, kube-scheduler,
# kubectl) from Debian bookworm's `kubernetes` source package with Debian's Go, and installs etcd-server.
# Idempotent and cached: binaries go to $FRO_CACHE/k8s-1.20.2/bin and the build is skipped when present.
# Usage: local/controlplane/build.sh            (FORCE=1 to rebuild)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${FRO_CACHE:-$HOME/.cache/flink-resilience}/k8s-1.20.2"
BIN="$CACHE/bin"
SRC_PARENT="$CACHE/src"
COMPONENTS=(kube-apiserver kube-controller-manager kube-scheduler kubectl)
K8S_VERSION=v1.20.2
# Bumped whenever a fix below changes the binaries, so a cache built before it is rebuilt.
BUILD_REVISION=2

T0=$SECONDS
step_start=$SECONDS
step() {
  echo "[build] $(date +%H:%M:%S) +$((SECONDS - step_start))s (total $((SECONDS - T0))s) -- $*"
  step_start=$SECONDS
}

have_all() {
  local c
  for c in "${COMPONENTS[@]}"; do
    [[ -x "$BIN/$c" ]] || return 1
  done
  command -v etcd >/dev/null || return 1
  [[ "$(cat "$BIN/.revision" 2>/dev/null)" == "$BUILD_REVISION" ]]
}

if [[ "${FORCE:-0}" != 1 ]] && have_all; then
  echo "[build] cached: $BIN (${COMPONENTS[*]}) and $(command -v etcd); FORCE=1 to rebuild"
  exit 0
fi

as_root() {
  if [[ $(id -u) == 0 ]]; then "$@"; else sudo "$@"; fi
}

# 1. Debian packages: Go, etcd, reflect2 1.0.2 source, dpkg-source, openssl. deb-src is needed for apt-get source.
step "apt: installing golang-go etcd-server golang-github-modern-go-reflect2-dev dpkg-dev openssl"
if ! grep -rqs '^Types:.*deb-src\|^deb-src ' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  as_root tee /etc/apt/sources.list.d/flink-resilience-debian-src.sources >/dev/null <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  as_root apt-get update -qq
fi
pkgs=(golang-go etcd-server golang-github-modern-go-reflect2-dev dpkg-dev openssl curl)
missing=()
for p in "${pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
go version

# 2. Source: apt-get source kubernetes (1.20.5+really1.20.2), unpacked once into the cache.
step "source: apt-get source kubernetes"
mkdir -p "$SRC_PARENT" "$BIN"
SRC="$(find "$SRC_PARENT" -mindepth 1 -maxdepth 1 -type d -name 'kubernetes-*' | head -n1)"
if [[ -z "$SRC" || ! -f "$SRC/.fro-source-complete" ]]; then
  rm -rf "${SRC_PARENT:?}"/*
  (cd "$SRC_PARENT" && apt-get source -qq kubernetes) 2>&1 | { grep -v '^W: Download is performed unsandboxed' || true; }
  SRC="$(find "$SRC_PARENT" -mindepth 1 -maxdepth 1 -type d -name 'kubernetes-*' | head -n1)"
  [[ -n "$SRC" && -f "$SRC/go.mod" ]] || { echo "apt-get source kubernetes failed" >&2; exit 1; }
  touch "$SRC/.fro-source-complete"
fi
echo "[build] source: $SRC"
cd "$SRC"

# 3. Fix: Go >= 1.17 misreads the go1.15-era vendor/modules.txt. Reorder it (each module's packages after
#    its header, wildcard replacements last). Idempotent: the original is kept once as modules.txt.orig.
step "fix: vendor/modules.txt reorder"
[[ -f vendor/modules.txt.orig ]] || cp vendor/modules.txt vendor/modules.txt.orig
awk -f "$HERE/fix-modules-txt.awk" vendor/modules.txt.orig > vendor/modules.txt

export GO111MODULE=on GOFLAGS=-mod=vendor GOPROXY=off CGO_ENABLED=0
export GOCACHE="$CACHE/gocache"
go list ./cmd/kube-apiserver >/dev/null

# 4. Fix: vendored modern-go/reflect2 v1.0.1 crashes on Go >= 1.18; use Debian's 1.0.2 source instead.
step "fix: vendor/github.com/modern-go/reflect2 <- Debian golang-github-modern-go-reflect2-dev"
R2=/usr/share/gocode/src/github.com/modern-go/reflect2
[[ -f "$R2/go_above_118.go" ]] || { echo "$R2 is not reflect2 >= 1.0.2" >&2; exit 1; }
rm -rf vendor/github.com/modern-go/reflect2
mkdir -p vendor/github.com/modern-go/reflect2
cp "$R2"/*.go "$R2"/*.s vendor/github.com/modern-go/reflect2/

# 4b. Fix: the vendored OpenAPI validators decide "is this value null?" by comparing two reflect.Value
#     structs (reflect.Zero(T) vs reflect.ValueOf(data)). With the Go 1.15 that 1.20 shipped with they never
#     matched for a decoded JSON value, so only a real null counted; since Go 1.19 they match for "", 0 and
#     false, and the API server rejects an empty string in a custom resource ("must be of type string:
#     \"null\""). Restore the original behaviour: only nil is null.
step "fix: vendored OpenAPI validators treat only nil as null"
for f in vendor/k8s.io/kube-openapi/pkg/validation/validate/type.go vendor/github.com/go-openapi/validate/type.go; do
  [[ -f "$f" ]] || continue
  sed -i 's/if data == nil || reflect.DeepEqual(reflect.Zero(reflect.TypeOf(data)), reflect.ValueOf(data)) {/if data == nil {/' "$f"
  grep -q 'reflect.DeepEqual(reflect.Zero(reflect.TypeOf(data))' "$f" && { echo "fix did not apply to $f" >&2; exit 1; }
done

# 5. Generated OpenAPI definitions (pkg/generated/openapi/zz_generated.openapi.go is not in the tarball),
#    produced with the tree's own openapi-gen over the same input dirs as Makefile.generated_files.
OPENAPI_OUT=pkg/generated/openapi/zz_generated.openapi.go
if [[ ! -s "$OPENAPI_OUT" ]]; then
  step "generate: building openapi-gen from vendor/k8s.io/kube-openapi"
  go build -o "$CACHE/tools/openapi-gen" k8s.io/kube-openapi/cmd/openapi-gen
  step "generate: $OPENAPI_OUT"
  # Every dir with a +k8s:openapi-gen tag (staging named as its module path), minus code-generator and
  # sample-apiserver, exactly like KUBE_OPENAPI_TAG_FILES.
  inputs="$(
    find -H . \( -path ./_\* -o -path ./.\* -o -path ./vendor -o -path ./debian \) -prune -o \
      -type f -name '*.go' -print0 \
      | xargs -0 grep -lZ '^// *+k8s:' | xargs -0 grep -l '+k8s:openapi-gen=' \
      | sed -e 's|/[^/]*$||' -e 's|^\./staging/src/||' -e 's|^\./|k8s.io/kubernetes/|' \
      | grep -v -e '^k8s.io/code-generator/' -e '^k8s.io/sample-apiserver/' \
      | LC_ALL=C sort -u | paste -sd, -
  )"
  out_base="$CACHE/tools/openapi-out"
  rm -rf "$out_base"
  "$CACHE/tools/openapi-gen" \
    --logtostderr --v 1 \
    -i "$inputs" \
    -p k8s.io/kubernetes/pkg/generated/openapi \
    -O zz_generated.openapi \
    -h vendor/k8s.io/code-generator/hack/boilerplate.go.txt \
    -r "$CACHE/tools/openapi-violations.report" \
    -o "$out_base" 2>"$CACHE/tools/openapi-gen.log" \
    || { tail -n 30 "$CACHE/tools/openapi-gen.log" >&2; exit 1; }
  cp "$out_base/k8s.io/kubernetes/pkg/generated/openapi/zz_generated.openapi.go" "$OPENAPI_OUT"
  # Sanity check: the API rule violations found must be exactly upstream's known list, as `make` enforces.
  if diff -q <(sort "$CACHE/tools/openapi-violations.report") <(sort api/api-rules/violation_exceptions.list) >/dev/null; then
    echo "[build] openapi-gen: API rule violations match api/api-rules/violation_exceptions.list"
  else
    echo "[build] WARNING: openapi-gen violations differ from api/api-rules/violation_exceptions.list" >&2
  fi
fi

# 6. Build the binaries (static, version stamped so /version reports v1.20.2).
ldflags="-s -w"
for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
  ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=20"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
done
for c in "${COMPONENTS[@]}"; do
  step "go build cmd/$c"
  go build -trimpath -ldflags "$ldflags" -o "$BIN/$c.tmp" "./cmd/$c"
  mv "$BIN/$c.tmp" "$BIN/$c"
done
echo "$BUILD_REVISION" >"$BIN/.revision"
step "done"
"$BIN/kube-apiserver" --version
ls -la "$BIN"
echo "[build] total $((SECONDS - T0))s"
