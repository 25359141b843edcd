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

checkpoint_id() {
  job_field '{.status.latestCheckpoint.id}'
}

has_checkpoint() {
  [[ -n "$(checkpoint_id)" ]]
}

# status.recovery.total: incidents opened over the life of the resource (0 before the first).
incidents_total() {
  local total
  total="$(job_field '{.status.recovery.total}')"
  echo "${total:-0}"
}

incident_opened_since() {
  (("$(incidents_total)" > $1))
}

# incident_field <id> <field>: a field of a closed incident in status.recovery.history (an array
# field prints as JSON). Matched in awk rather than with a jsonpath filter on the integer id.
incident_field() {
  job_field "{range .status.recovery.history[*]}{.id}{\"\\t\"}{.$2}{\"\\n\"}{end}" |
    awk -F '\t' -v id="$1" '$1 == id { print $2 }'
}

# recovered_from <id>: incident <id> is in history, none is in progress, and the job is RUNNING
# and Ready.
recovered_from() {
  [[ -n "$(incident_field "$1" id)" ]] &&
    [[ -z "$(job_field '{.status.recovery.current.id}')" ]] &&
    is_running
}

# event_count <type> <reason>: events of that type and reason on the FlinkResilientJob.
event_count() {
  local names
  names="$(kubectl -n "$NS" get events -o jsonpath='{.items[*].metadata.name}' \
    --field-selector "involvedObject.kind=FlinkResilientJob,involvedObject.name=${JOB},type=$1,reason=$2" ||
    true)"
  wc -w <<<"$names" | tr -d ' '
}

fail() {
  log "FAILED: $*"
  dump
  return 1
}

# assert_eq <what> <expected> <actual>
assert_eq() {
  [[ "$3" == "$2" ]] || fail "$1: expected '$2', got '$3'"
}

# assert_more <what> <before> <after>: the count went up.
assert_more() {
  (($3 > $2)) || fail "$1: expected more than $2, got $3"
}

# assert_not_below <what> <value> <floor>: skipped when either is unknown (empty).
assert_not_below() {
  [[ -z "$2" || -z "$3" ]] || (($2 >= $3)) || fail "$1: $2 is below $3"
}

# Status, conditions and events of the job, pods and nodes: printed when a wait times out.
dump() {
  kubectl -n "$NS" get "frj/$JOB" -o yaml || true
  kubectl -n "$NS" get events --field-selector "involvedObject.name=${JOB}" || true
  kubectl -n "$NS" get pods -o wide || true
  kubectl get nodes || true
}
