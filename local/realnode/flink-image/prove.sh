#!/usr/bin/env bash
# Proves localhost/fro-flink:2.3.0 in podman, without Kubernetes:
#   1. java -version; the three Kubernetes entrypoints start and fail with Flink's own errors (no
#      Kubernetes here), not a ClassNotFoundException;
#   2. a JobManager in application mode (StandaloneApplicationClusterEntryPoint, the sample job of
#      /opt/flink/usrlib) with its REST port on 127.0.0.1:$PORT, and a TaskManager (TaskManagerRunner)
#      in its network namespace; waits for the job RUNNING, completed checkpoints and committed output.
# The containers (fro-fi-*) are removed at the end, also on failure.
# Usage: local/realnode/flink-image/prove.sh        (after local/realnode/flink-image.sh)
set -euo pipefail
IMAGE="${IMAGE:-localhost/fro-flink:2.3.0}"
PORT="${PORT:-18081}"
T0=$SECONDS
say() { echo "[prove] $(date +%H:%M:%S) (+$((SECONDS - T0))s) $*"; }
fail() { echo "[prove] FAILED: $*" >&2; exit 1; }
cleanup() { podman rm -f -t 5 fro-fi-tm >/dev/null 2>&1 || true; podman rm -f -t 5 fro-fi-jm >/dev/null 2>&1 || true; }
trap cleanup EXIT
cleanup

podman image exists "$IMAGE" || fail "$IMAGE missing: run local/realnode/flink-image.sh"
say "image $IMAGE, $(podman image inspect --format '{{.Size}}' "$IMAGE" | numfmt --to=iec)"

# 1. Java and the entrypoints.
v="$(podman run --rm --network none "$IMAGE" java -version 2>&1)"
say "java -version: ${v%%$'\n'*}"
# expect NAME COMMAND PATTERN: the command's output must match PATTERN and name no missing class.
expect() {
  local out
  out="$(timeout 120 podman run --rm --network none "$IMAGE" bash -c "$2" 2>&1 || true)"
  # Hadoop's classes are absent on purpose (as in Flink's image; Flink logs that at INFO).
  missing="$(grep -E "ClassNotFoundException|NoClassDefFoundError" <<<"$out" | grep -v "org/apache/hadoop" || true)"
  if [[ -n "$missing" ]]; then
    head -n 3 <<<"$missing" >&2
    fail "$1: a class is missing"
  fi
  grep -qE "$3" <<<"$out" || { tail -n 20 <<<"$out" >&2; fail "$1: no '$3'"; }
  say "$1: $(grep -m1 -oE "$3" <<<"$out")"
}
expect kubernetes-application "kubernetes-jobmanager.sh kubernetes-application" \
  "No JAR found on classpath"
expect kubernetes-session "kubernetes-jobmanager.sh kubernetes-session" \
  "Configuration option 'kubernetes.cluster-id' is not set"
expect kubernetes-taskmanager "kubernetes-taskmanager.sh -D jobmanager.rpc.address=nowhere" \
  "The environment variable _POD_NODE_ID is not set"

# 2. A JobManager running the sample job, and a TaskManager.
podman run -d --name fro-fi-jm -p "127.0.0.1:$PORT:8081" \
  -e FLINK_PROPERTIES="$(printf '%s\n' 'jobmanager.memory.process.size: 1024m' \
    'execution.checkpointing.interval: 5s')" \
  "$IMAGE" standalone-job --job-classname dev.flinkresilience.sample.SequenceJob \
  --output /tmp/sequence-out --rate 5 >/dev/null
for _ in $(seq 90); do
  curl -sf "http://127.0.0.1:$PORT/overview" >/dev/null && break
  sleep 1
done
overview="$(curl -sf "http://127.0.0.1:$PORT/overview")" \
  || { podman logs --tail 30 fro-fi-jm >&2; fail "no REST answer on 127.0.0.1:$PORT"; }
say "JobManager up: /overview $overview"
podman run -d --name fro-fi-tm --network container:fro-fi-jm \
  -e FLINK_PROPERTIES="$(printf '%s\n' 'taskmanager.memory.process.size: 1024m' 'taskmanager.numberOfTaskSlots: 2')" \
  "$IMAGE" taskmanager >/dev/null
state=""
for _ in $(seq 120); do
  jobs="$(curl -sf "http://127.0.0.1:$PORT/jobs/overview" || echo '{"jobs":[]}')"
  state="$(python3 -c '
import json, sys
j = json.load(sys.stdin)["jobs"]
print(j[0]["state"], j[0]["tasks"]["running"], j[0]["tasks"]["total"]) if j else print("")' <<<"$jobs" 2>/dev/null || true)"
  [[ "$state" =~ ^RUNNING\ ([0-9]+)\ ([0-9]+)$ && "${BASH_REMATCH[1]}" == "${BASH_REMATCH[2]}" ]] && break
  sleep 1
done
[[ "$state" =~ ^RUNNING ]] || { podman logs --tail 30 fro-fi-jm >&2; fail "job not RUNNING: $state"; }
say "job RUNNING (tasks running/total: ${state#RUNNING }): /overview $(curl -sf "http://127.0.0.1:$PORT/overview")"
jid="$(curl -sf "http://127.0.0.1:$PORT/jobs/overview" | python3 -c 'import json,sys; print(json.load(sys.stdin)["jobs"][0]["jid"])')"
for _ in $(seq 60); do
  completed="$(curl -sf "http://127.0.0.1:$PORT/jobs/$jid/checkpoints" | python3 -c 'import json,sys; print(json.load(sys.stdin)["counts"]["completed"])')"
  [[ "$completed" -ge 2 ]] && break
  sleep 1
done
[[ "$completed" -ge 2 ]] || fail "fewer than 2 completed checkpoints"
lines="$(podman exec fro-fi-tm sh -c 'cat /tmp/sequence-out/part-* 2>/dev/null | wc -l')"
say "checkpoints completed: $completed; committed output lines: $lines ($(podman exec fro-fi-tm sh -c 'cat /tmp/sequence-out/part-*' | sort -t, -n -k1 | tail -n1))"
[[ "$lines" -gt 0 ]] || fail "no committed output"
say "web UI: GET / -> $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/")"
say "memory: $(podman stats --no-stream --format '{{.Name}} {{.MemUsage}}' fro-fi-jm fro-fi-tm | tr '\n' ';')"
say "OK"
