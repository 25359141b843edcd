#!/usr/bin/env bash
# The image's entrypoint, after the official Flink image's /docker-entrypoint.sh:
#   help                          usage
#   jobmanager [args]             standalone session JobManager (StandaloneSessionClusterEntrypoint)
#   standalone-job [args]         standalone application JobManager (StandaloneApplicationClusterEntryPoint;
#                                 --job-classname C [job args], the job jar in /opt/flink/usrlib)
#   taskmanager [args]            standalone TaskManager (TaskManagerRunner)
#   anything else                 executed as given ("pass-through"): what Flink's Kubernetes pods
#                                 use, e.g. bash -c "kubernetes-jobmanager.sh kubernetes-application"
# For jobmanager/standalone-job/taskmanager, JOB_MANAGER_RPC_ADDRESS, TASK_MANAGER_NUMBER_OF_TASK_SLOTS
# and FLINK_PROPERTIES (lines of "key: value") become -D options (the official image writes them into
# conf/config.yaml instead; a mounted ConfigMap is read-only, -D leaves it alone).
# Not done: jemalloc (DISABLE_JEMALLOC; the image has none), dropping root privileges with gosu (the
# image runs as user 9999 already), ENABLE_BUILT_IN_PLUGINS (no opt/ plugins in the image).
set -e
export FLINK_HOME="${FLINK_HOME:-/opt/flink}"

config_options() {
  [[ -n "${JOB_MANAGER_RPC_ADDRESS:-}" ]] && printf '%s\n' "-Djobmanager.rpc.address=${JOB_MANAGER_RPC_ADDRESS}"
  [[ -n "${TASK_MANAGER_NUMBER_OF_TASK_SLOTS:-}" ]] \
    && printf '%s\n' "-Dtaskmanager.numberOfTaskSlots=${TASK_MANAGER_NUMBER_OF_TASK_SLOTS}"
  if [[ -n "${FLINK_PROPERTIES:-}" ]]; then
    local line key value
    while IFS= read -r line; do
      [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
      key="${line%%:*}"; value="${line#*:}"
      key="$(echo "$key" | sed 's/^ *//;s/ *$//')"; value="$(echo "$value" | sed 's/^ *//;s/ *$//')"
      printf '%s\n' "-D${key}=${value}"
    done <<<"${FLINK_PROPERTIES}"
  fi
  return 0
}

case "${1:-help}" in
  help)
    echo "Usage: $(basename "$0") (jobmanager|standalone-job|taskmanager|help) [args]"
    echo "    Or $(basename "$0") COMMAND [args]   (runs the command, e.g. bash -c 'kubernetes-jobmanager.sh kubernetes-application')"
    exit 0 ;;
  jobmanager)
    shift; mapfile -t opts < <(config_options)
    echo "Starting Job Manager"
    exec "$FLINK_HOME/bin/flink-console.sh" standalonesession "${opts[@]}" "$@" ;;
  standalone-job)
    shift; mapfile -t opts < <(config_options)
    echo "Starting Job Manager (application mode)"
    exec "$FLINK_HOME/bin/flink-console.sh" standalonejob "${opts[@]}" "$@" ;;
  taskmanager)
    shift; mapfile -t opts < <(config_options)
    echo "Starting Task Manager"
    exec "$FLINK_HOME/bin/flink-console.sh" taskexecutor "${opts[@]}" "$@" ;;
esac
# Pass-through mode.
exec "$@"
