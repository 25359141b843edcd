#!/usr/bin/env bash
# The kind end-to-end test: a 3-node kind cluster, MinIO, the operator image and chart, Flink's
# StateMachineExample as a FlinkResilientJob, then three failures. Every assertion reads the
# FlinkResilientJob's status or its events through kubectl jsonpath; logs are never grepped.
# Needs docker, kind, kubectl, helm, mvn. KEEP_CLUSTER=1 keeps the cluster afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=e2e/lib.sh
source e2e/lib.sh

CLUSTER="flink-resilience-e2e"
IMAGE="flink-resilience-operator:e2e"
FLINK_IMAGE="flink:2.2.1-java17"
READY_TIMEOUT=300
RECOVERY_TIMEOUT=240

cleanup() {
  if [[ "${KEEP_CLUSTER:-0}" != "1" ]]; then
    kind delete cluster --name "$CLUSTER" || true
  fi
}
trap cleanup EXIT

setup() {
  log "creating kind cluster ${CLUSTER}"
  kind create cluster --config e2e/kind-config.yaml --wait 120s
  e2e/build-image.sh "$IMAGE"
  kind load docker-image "$IMAGE" --name "$CLUSTER"
  # Pulled once and loaded, so that a rescheduled pod does not wait for a registry.
  docker pull -q "$FLINK_IMAGE"
  kind load docker-image "$FLINK_IMAGE" --name "$CLUSTER"

  kubectl create namespace "$NS"
  kubectl apply -f e2e/minio.yaml
  kubectl -n "$NS" wait --for=condition=complete job/minio-bucket --timeout=180s

  log "installing the chart"
  helm install fro charts/flink-resilience-operator -n flink-operator --create-namespace \
    --set image.repository="${IMAGE%%:*}" --set image.tag="${IMAGE##*:}" \
    --set image.pullPolicy=Never --set "watchNamespaces={${NS}}" --wait --timeout 180s

  log "deploying ${JOB}"
  kubectl apply -f e2e/statemachine.yaml
  kubectl -n "$NS" wait --for=condition=Ready "frj/$JOB" --timeout="${READY_TIMEOUT}s"
  wait_for "job RUNNING" "$READY_TIMEOUT" is_running
  wait_for "a completed checkpoint" 120 has_checkpoint
  log "running, checkpoint $(checkpoint_id)"
}

# inject <name> <command...>: runs the failure, then measures until the operator reports the job
# not running (detection) and RUNNING again (recovery); checks the checkpoint never goes back.
inject() {
  local name="$1"
  shift
  local before start detected
  before="$(checkpoint_id)"
  start="$(now)"
  log "${name}: injecting (checkpoint ${before})"
  "$@"
  wait_for "${name}: detection" "$RECOVERY_TIMEOUT" is_not_running
  detected="$(seconds_since "$start")"
  wait_for "${name}: recovery" "$RECOVERY_TIMEOUT" is_running
  local restored
  restored="$(job_field '{.status.restoredFrom.id}')"
  if [[ -n "$restored" && "$restored" -lt "$before" ]]; then
    log "${name}: restored checkpoint ${restored} is older than ${before}"
    dump
    return 1
  fi
  printf '%-22s detection %6ss  recovery %6ss  restored checkpoint %s\n' \
    "$name" "$detected" "$(seconds_since "$start")" "${restored:-n/a}"
}

pod_of() {
  kubectl -n "$NS" get pods -l "flinkresilience.dev/job=${JOB},component=$1" \
    -o jsonpath='{.items[0].metadata.name}'
}

delete_pod() {
  local pod
  pod="$(pod_of "$1")"
  log "deleting pod ${pod}"
  kubectl -n "$NS" delete pod "$pod" --wait=false
}

stop_node_of_jobmanager() {
  local pod node
  pod="$(pod_of jobmanager)"
  node="$(kubectl -n "$NS" get pod "$pod" -o jsonpath='{.spec.nodeName}')"
  log "stopping node ${node} (runs ${pod})"
  docker stop "$node" >/dev/null
}

node_lost_recorded() {
  local reasons
  reasons="$(job_field '{.status.recovery.history[*].reason}')"
  [[ " ${reasons} " == *" NodeLost "* ]]
}

main() {
  setup
  inject "JobManager pod" delete_pod jobmanager
  inject "TaskManager pod" delete_pod taskmanager

  local warnings_before
  warnings_before="$(kubectl -n "$NS" get events --field-selector \
    "involvedObject.name=${JOB},type=Warning" -o jsonpath='{.items[*].metadata.name}' | wc -w)"
  inject "worker node stopped" stop_node_of_jobmanager
  wait_for "a NodeLost incident in status.recovery.history" 60 node_lost_recorded
  local warnings_after
  warnings_after="$(kubectl -n "$NS" get events --field-selector \
    "involvedObject.name=${JOB},type=Warning" -o jsonpath='{.items[*].metadata.name}' | wc -w)"
  if ((warnings_after <= warnings_before)); then
    log "no Warning event recorded for the lost node"
    dump
    return 1
  fi
  log "operator's own figures for the node loss (detectionSeconds, recoverySeconds):"
  job_field '{range .status.recovery.history[?(@.reason=="NodeLost")]}{.detectionSeconds}{" "}{.recoverySeconds}{"\n"}{end}'
  log "all scenarios passed"
}

main "$@"
