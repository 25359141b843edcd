#!/usr/bin/env bash
# Starts a JobManager inside a Kubernetes pod, as Flink's bin/kubernetes-jobmanager.sh:
#   kubernetes-jobmanager.sh kubernetes-application [args]  -> KubernetesApplicationClusterEntrypoint
#   kubernetes-jobmanager.sh kubernetes-session [args]      -> KubernetesSessionClusterEntrypoint
# The entrypoints read $FLINK_CONF_DIR (default /opt/flink/conf); args are -D options.
USAGE="Usage: $0 (kubernetes-session|kubernetes-application) [args]"
ENTRY_POINT_NAME="${1:-}"
case "$ENTRY_POINT_NAME" in
  kubernetes-application | kubernetes-session) ;;
  *) echo "$USAGE" >&2; exit 1 ;;
esac
exec "$(dirname "$0")"/flink-console.sh "$ENTRY_POINT_NAME" "${@:2}"
