#!/usr/bin/env bash
# Starts a TaskManager inside a Kubernetes pod, as Flink's bin/kubernetes-taskmanager.sh:
#   kubernetes-taskmanager.sh [-D k=v ...]  -> KubernetesTaskExecutorRunner --configDir $FLINK_CONF_DIR ...
exec "$(dirname "$0")"/flink-console.sh kubernetes-taskmanager "$@"
