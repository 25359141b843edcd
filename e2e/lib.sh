#!/usr/bin/env bash
# Helpers for the kind e2e test: waits and clocks on kubectl jsonpath, never on logs.
# Sourced by run.sh.

NS="${NS:-streaming}"
JOB="${JOB:-statemachine}"

log() {
  printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2
}

now() {
  date +%s.%N
}

seconds_since() {
  awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'
}

# jsonpath of the FlinkResilientJob; empty when the field is absent.
job_field() {
  kubectl -n "$NS" get "frj/$JOB" -o "jsonpath=$1" 2>/dev/null || true
}

# wait_for <description> <timeout-seconds> <command...>: polls the command until it succeeds.
wait_for() {
  local what="$1" timeout="$2"
  shift 2
  local deadline=$((SECONDS + timeout))
  until "$@"; do
    if ((SECONDS >= deadline)); then
      log "timed out after ${timeout}s waiting for: ${what}"
      dump
      return 1
    fi
    sleep 1
  done
}

is_running() {
  [[ "$(job_field '{.status.jobState}')" == "RUNNING" ]] &&
    [[ "$(job_field '{.status.conditions[?(@.type=="Ready")].status}')" == "True" ]]
}

is_not_running() {
  ! is_running
}

checkpoint_id() {
  job_field '{.status.latestCheckpoint.id}'
}

has_checkpoint() {
  [[ -n "$(checkpoint_id)" ]]
}

# Status, conditions and events of the job, pods and nodes: printed when a wait times out.
dump() {
  kubectl -n "$NS" get "frj/$JOB" -o yaml || true
  kubectl -n "$NS" get events --field-selector "involvedObject.name=${JOB}" || true
  kubectl -n "$NS" get pods -o wide || true
  kubectl get nodes || true
}
