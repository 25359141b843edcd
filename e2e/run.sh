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
# The id of the incident the last inject followed (status.recovery.history[].id).
LAST_INCIDENT=""

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
  # The operator's own access to MinIO (it reads the checkpoint storage through the image's S3
  # plugin before a restore); the job's s3.* keys are for its pods only.
  kubectl create namespace flink-operator
  kubectl -n flink-operator create secret generic fro-storage --from-literal=config.yaml="$(printf \
    's3.endpoint: http://minio.%s.svc:9000\ns3.path.style.access: true\ns3.access-key: e2e-access-key\ns3.secret-key: e2e-secret-key\n' \
    "$NS")"
  helm install fro charts/flink-resilience-operator -n flink-operator \
    --set storage.configSecret=fro-storage \
    --set image.repository="${IMAGE%%:*}" --set image.tag="${IMAGE##*:}" \
    --set image.pullPolicy=Never --set "watchNamespaces={${NS}}" --wait --timeout 180s

  log "deploying ${JOB}"
  kubectl apply -f e2e/statemachine.yaml
  kubectl -n "$NS" wait --for=condition=Ready "frj/$JOB" --timeout="${READY_TIMEOUT}s"
  wait_for "job RUNNING" "$READY_TIMEOUT" is_running
  wait_for "a completed checkpoint" 120 has_checkpoint
  log "running, checkpoint $(checkpoint_id)"
}

# inject <name> <reason> <command...>: runs the failure, then follows the incident the operator
# writes: status.recovery.total goes up (detection), the incident closes into
# status.recovery.history, and the job is RUNNING and Ready again (recovery). Asserts the incident's
# reason, its outcome Recovered, a Warning event named after the reason, a Recovered event, and that
# the job came back from a checkpoint no older than the one it had.
inject() {
  local name="$1" reason="$2"
  shift 2
  local before total_before warnings_before recovered_before start
  before="$(checkpoint_id)"
  total_before="$(incidents_total)"
  warnings_before="$(event_count Warning "$reason")"
  recovered_before="$(event_count Normal Recovered)"
  start="$(now)"
  log "${name}: injecting (checkpoint ${before}, incidents so far ${total_before})"
  "$@"
  wait_for "${name}: an incident in status.recovery" "$RECOVERY_TIMEOUT" \
    incident_opened_since "$total_before"
  local seen id
  seen="$(seconds_since "$start")"
  id=$((total_before + 1))
  LAST_INCIDENT="$id"
  wait_for "${name}: incident ${id} closed and the job RUNNING" "$RECOVERY_TIMEOUT" \
    recovered_from "$id"
  local recovered
  recovered="$(seconds_since "$start")"

  assert_eq "${name}: incident ${id} reason" "$reason" "$(incident_field "$id" reason)"
  assert_eq "${name}: incident ${id} outcome" "Recovered" "$(incident_field "$id" outcome)"
  assert_more "${name}: Warning events ${reason}" "$warnings_before" "$(event_count Warning "$reason")"
  assert_more "${name}: Normal events Recovered" "$recovered_before" "$(event_count Normal Recovered)"
  local target restored after
  target="$(incident_field "$id" targetCheckpointId)"
  restored="$(incident_field "$id" restoredCheckpointId)"
  after="$(checkpoint_id)"
  assert_not_below "${name}: status.latestCheckpoint.id" "$after" "$before"
  assert_not_below "${name}: incident ${id} restoredCheckpointId" "$restored" "$target"
  printf '%-20s %-16s action %-8s seen in status %6ss  running %6ss  operator: detection %ss recovery %ss  restored %s (target %s)\n' \
    "$name" "$reason" "$(incident_field "$id" action)" "$seen" "$recovered" \
    "$(incident_field "$id" detectionSeconds)" "$(incident_field "$id" recoverySeconds)" \
    "${restored:-n/a}" "${target:-n/a}"
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

main() {
  setup
  # With HA (e2e/statemachine.yaml), Flink recovers from all three by itself: the operator's
  # action is Verify, and on a lost node it first releases (force-deletes) the job's pods there.
  inject "JobManager pod" JobManagerLost delete_pod jobmanager
  assert_eq "JobManager pod: action" "Verify" "$(incident_field "$LAST_INCIDENT" action)"
  inject "TaskManager pod" TaskManagerLost delete_pod taskmanager
  assert_eq "TaskManager pod: action" "Verify" "$(incident_field "$LAST_INCIDENT" action)"

  local released_before
  released_before="$(event_count Warning PodsReleased)"
  inject "worker node stopped" NodeLost stop_node_of_jobmanager
  local id="$LAST_INCIDENT"
  assert_eq "worker node stopped: action" "Verify" "$(incident_field "$id" action)"
  assert_more "worker node stopped: Warning events PodsReleased" "$released_before" \
    "$(event_count Warning PodsReleased)"
  if [[ -z "$(incident_field "$id" releasedPods)" ]]; then
    log "worker node stopped: incident ${id} lists no releasedPods"
    dump
    return 1
  fi
  log "all scenarios passed"
}

main "$@"
