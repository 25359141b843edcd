#!/usr/bin/env bash
# Runs a Flink process in the foreground, logging to the console, as Flink's bin/flink-console.sh does.
# Usage: flink-console.sh SERVICE [args]
#   SERVICE: kubernetes-application | kubernetes-session | kubernetes-taskmanager |
#            standalonesession | standalonejob | taskexecutor
# JobManager services get the JVM memory options Flink computes from the configuration
# (BashJavaUtils GET_JM_RESOURCE_PARAMS), TaskManager services theirs (GET_TM_RESOURCE_PARAMS) plus
# the resulting -D options in front of the arguments, as Flink's kubernetes-*.sh/jobmanager.sh/
# taskmanager.sh do. env.java.opts.{all,jobmanager,taskmanager} of the configuration are added, and
# FLINK_ENV_JAVA_OPTS / JVM_ARGS from the environment.
set -uo pipefail
USAGE="Usage: flink-console.sh (kubernetes-application|kubernetes-session|kubernetes-taskmanager|standalonesession|standalonejob|taskexecutor) [args]"
SERVICE="${1:-}"
[[ -n "$SERVICE" ]] || { echo "$USAGE" >&2; exit 1; }
shift
ARGS=("$@")
# shellcheck source=SCRIPTDIR/config.sh
. "$(dirname "$0")"/config.sh

case "$SERVICE" in
  kubernetes-application) CLASS_TO_RUN=org.apache.flink.kubernetes.entrypoint.KubernetesApplicationClusterEntrypoint; ROLE=jm ;;
  kubernetes-session) CLASS_TO_RUN=org.apache.flink.kubernetes.entrypoint.KubernetesSessionClusterEntrypoint; ROLE=jm ;;
  kubernetes-taskmanager) CLASS_TO_RUN=org.apache.flink.kubernetes.taskmanager.KubernetesTaskExecutorRunner; ROLE=tm ;;
  standalonesession) CLASS_TO_RUN=org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint; ROLE=jm ;;
  standalonejob) CLASS_TO_RUN=org.apache.flink.container.entrypoint.StandaloneApplicationClusterEntryPoint; ROLE=jm ;;
  taskexecutor) CLASS_TO_RUN=org.apache.flink.runtime.taskexecutor.TaskManagerRunner; ROLE=tm ;;
  *) echo "Unknown service '$SERVICE'. $USAGE" >&2; exit 1 ;;
esac

mapfile -t DYN < <(dynamicPropertiesOf "${ARGS[@]}")

# The configuration as Flink reads it (config.yaml + the -D options), flattened: for env.java.opts.*.
FLAT_CONF="$(runBashJavaUtils UPDATE_AND_GET_FLINK_CONFIGURATION "${DYN[@]}" -flatten)" || exit 1
JAVA_OPTS_CONF="$(readFromConfig env.java.default-opts.all "" "$FLAT_CONF") $(readFromConfig env.java.opts.all "$(readFromConfig env.java.opts "" "$FLAT_CONF")" "$FLAT_CONF")"
if [[ $ROLE == jm ]]; then
  JAVA_OPTS_CONF="$JAVA_OPTS_CONF $(readFromConfig env.java.default-opts.jobmanager "" "$FLAT_CONF") $(readFromConfig env.java.opts.jobmanager "" "$FLAT_CONF")"
  PARAMS="$(runBashJavaUtils GET_JM_RESOURCE_PARAMS "${DYN[@]}")" || exit 1
else
  JAVA_OPTS_CONF="$JAVA_OPTS_CONF $(readFromConfig env.java.default-opts.taskmanager "" "$FLAT_CONF") $(readFromConfig env.java.opts.taskmanager "" "$FLAT_CONF")"
  PARAMS="$(runBashJavaUtils GET_TM_RESOURCE_PARAMS "${DYN[@]}")" || exit 1
fi
[[ "$(wc -l <<<"$PARAMS")" == 2 ]] || { echo "[ERROR] unexpected BashJavaUtils result: $PARAMS" >&2; exit 1; }
JVM_MEM_PARAMS="$(head -n1 <<<"$PARAMS")"
DYNAMIC_PARAMETERS="$(tail -n1 <<<"$PARAMS")"
# Flink's scripts put the computed memory options in front of the arguments, for the TaskManager
# (the JobManager's are also passed: they only restate the configuration's memory sizes).
# shellcheck disable=SC2206
ARGS=(${DYNAMIC_PARAMETERS} "${ARGS[@]}")
# The JobManager entrypoints read FLINK_CONF_DIR (exported by config.sh); the TaskManager runners and
# the standalone entrypoints take --configDir.
case "$SERVICE" in
  kubernetes-taskmanager | taskexecutor | standalonesession | standalonejob)
    ARGS=(--configDir "$FLINK_CONF_DIR" "${ARGS[@]}") ;;
esac

# Logging: the console config of the conf dir (the pod's ConfigMap has log4j-console.properties),
# else the image's own. log.file as Flink's flink-console.sh sets it (for a file appender, the web UI).
LOG4J_CONF="$FLINK_CONF_DIR/log4j-console.properties"
[[ -r "$LOG4J_CONF" ]] || LOG4J_CONF="$FLINK_IMAGE_CONF_DIR/log4j-console.properties"
mkdir -p "$FLINK_LOG_DIR" 2>/dev/null || true
LOG_FILE="$FLINK_LOG_DIR/flink-${FLINK_IDENT_STRING:-$(id -un 2>/dev/null || id -u)}-$SERVICE-${HOSTNAME:-$(hostname)}.log"
LOG_SETTINGS=("-Dlog.file=$LOG_FILE" "-Dlog4j.configuration=file:$LOG4J_CONF" "-Dlog4j.configurationFile=file:$LOG4J_CONF"
  "-Dlogback.configurationFile=file:$FLINK_CONF_DIR/logback-console.xml")

# G1 unless options are given (Flink's scripts do the same for the TaskManager).
GC=""
[[ $ROLE == tm && -z "${FLINK_ENV_JAVA_OPTS:-}" && -z "${FLINK_ENV_JAVA_OPTS_TM:-}" ]] && GC="-XX:+UseG1GC"
[[ $ROLE == jm ]] && EXTRA="${FLINK_ENV_JAVA_OPTS_JM:-}" || EXTRA="${FLINK_ENV_JAVA_OPTS_TM:-}"

echo "Starting $SERVICE as a console application on host ${HOSTNAME:-$(hostname)}: $CLASS_TO_RUN"
# shellcheck disable=SC2086
exec "$JAVA_RUN" ${JVM_ARGS:-} $GC $JVM_MEM_PARAMS $FLINK_JAVA17_OPTS $JAVA_OPTS_CONF ${FLINK_ENV_JAVA_OPTS:-} $EXTRA \
  "${LOG_SETTINGS[@]}" -classpath "$(constructFlinkClassPath)" "$CLASS_TO_RUN" "${ARGS[@]}"
