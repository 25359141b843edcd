#!/usr/bin/env bash
# Builds the operator image. The version comes from the pom (the only place it is written).
# Usage: e2e/build-image.sh [image-name]   (default flink-resilience-operator:e2e)
set -euo pipefail
cd "$(dirname "$0")/.."

image="${1:-flink-resilience-operator:e2e}"
version="$(mvn -q -B -ntp help:evaluate -Dexpression=project.version -DforceStdout)"
echo "building ${image} (version ${version})"
docker build --build-arg "VERSION=${version}" -t "${image}" .
