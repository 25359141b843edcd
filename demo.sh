#!/usr/bin/env bash
# The local cluster demo: a Kubernetes control plane on this machine, three emulated nodes running every
# Flink pod as a local JVM, the operator, and a sample job under it; once the job checkpoints, the node
# hosting its JobManager is killed, and the demo prints the timeline, the final status and, as its last
# line, one JSON object with detection and recovery times, checkpoints and records lost and duplicated.
#
# Usage: ./demo.sh [--ha kubernetes|zookeeper|none] [--control-plane auto|real|mock] [--flink 2.3|1.20]
#                  [--storage s3|file] [--nodes emulated|real]
#   --flink 1.20: the job's image is flink:1.20 and its pods run Flink 1.20 (module flink-1.20).
#   --storage: checkpoints, savepoints and HA data on the cluster's S3 (S3Proxy on 127.0.0.1, through
#   Flink's flink-s3-fs-presto plugin; the default on Flink 2.3) or on plain files (file://).
#   --nodes real: the same scenario on three REAL nodes (kubelet 1.20.2 + containerd, each in its own
#   namespaces, local/realnode/README.md "The demo on real nodes"): the pods are containers of the Flink
#   2.3 image (local/realnode/flink-image.sh), the JobManager's node dies with local/realnode/stop-node.sh.
#   Needs root, the real control plane, Flink 2.3, S3 storage, HA kubernetes.
#        ./demo.sh baseline [--ha kubernetes|zookeeper] [--no-baseline] [--no-standby] [--only MODES]
#   baseline: the node-loss benchmark instead (about 15 minutes; needs the real control plane): each
#   node-loss scenario (a node killed right after its Lease renewal) with the operator's corroborated
#   detection, with the Lease alone, and with node detection off (Kubernetes' own node lifecycle;
#   --no-baseline skips it); the JobManager's node also with a standby JobManager (jobManager.replicas
#   2, with Flink's 5 s leader retry period and with 1 s; --no-standby skips them); --only runs
#   only the modes named (corroborated,standby,standby-fast,lease-only,baseline); a table, and as
#   the last line one JSON object with baselineRecoverySeconds and ratio.
#        ./demo.sh scale N [--namespaces K] [--memory-limit 1Gi | --heap 1g] [--no-node-loss] [--admin-certificate] [--flink-ha-writes]
#   scale: the scale benchmark instead (issue 14; needs the real control plane): N jobs under one
#   operator running as its own process (java -jar with the image's JVM options in the chart's memory
#   limit; --heap for a fixed -Xmx instead), three nodes kept by stand-in kubelets (no
#   Flink runs) and a loopback fake of Flink's REST API; deploy, steady state, canary spec changes and
#   a node loss under load; a table, and as the last line one JSON object. About 4 minutes at N=100.
#        ./demo.sh upgrades [--ha kubernetes|zookeeper|none|all] [--modes savepoint,last-state,stateless]
#                           [--repeat N] [--seed S]
#   upgrades: the planned-restart benchmark instead (issue 12 item 9): for each HA mode (default
#   kubernetes; all = none, kubernetes, zookeeper) and upgrade mode (default all three), the sample
#   job checkpoints, a Flink setting in its spec changes, and the time from that edit to the stop's
#   savepoint, the old cluster gone and the new job RUNNING is measured, with the restore point and
#   the output check; a table (medians too with --repeat > 1), and as the last line one JSON object
#   with every row. About 2 minutes per upgrade.
# First run: builds the real control plane from Debian's Kubernetes source (about 5 minutes, cached in
# ~/.cache/flink-resilience; it needs apt and root or sudo, else the demo runs on the mock API server)
# and the project's jars (Maven). Later runs take a few minutes. Everything started is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")"
main=dev.flinkresilience.local.demo.Demo
if [[ "${1:-}" == baseline ]]; then
  main=dev.flinkresilience.local.bench.NodeLossBaseline
  shift
elif [[ "${1:-}" == scale ]]; then
  main=dev.flinkresilience.local.bench.ScaleBenchmark
  shift
elif [[ "${1:-}" == upgrades ]]; then
  main=dev.flinkresilience.local.bench.UpgradeBenchmark
  shift
fi

echo "== building the control plane (cached after the first run)"
if ! local/controlplane/build.sh; then
  echo "== the real control plane could not be built here: the demo uses the fabric8 mock API server"
fi

if [[ " $* " == *" --nodes real "* ]]; then
  echo "== building kubelet and the Flink image for the real nodes (cached after the first run)"
  local/realnode/build-kubelet.sh
  local/realnode/flink-image.sh
fi

echo "== building the operator, the sample job and the local cluster (Maven)"
mvn -B -q -ntp -DskipTests package

exec java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -Drepo.dir="$PWD" -Dfro.usrlib="$PWD/sample-job/target" \
  -cp "$PWD/local-cluster/target/classes:$(cat local-cluster/target/classpath.txt)" \
  "$main" "$@"
