#!/usr/bin/env bash
# "A node dies" end to end: a 2-replica Deployment spread over two nodes, stop-node.sh on one of them, and the
# times until the Node is Ready=Unknown, tainted unreachable:NoSchedule and :NoExecute, its pod is evicted
# and both replicas run on the surviving node. Leaves the dead node stopped (start-node.sh brings it back).
# Usage: local/realnode/node-death.sh DEAD_NODE SURVIVOR [TIMEOUT_S]     (env as for start-node.sh)
# Fast results need the control plane started with short timings, e.g.
#   CM_EXTRA_ARGS="--node-monitor-grace-period=20s --node-monitor-period=2s"
#   APISERVER_EXTRA_ARGS="... --default-unreachable-toleration-seconds=10 --default-not-ready-toleration-seconds=10"
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DEAD="${1:?usage: node-death.sh DEAD_NODE SURVIVOR [TIMEOUT_S]}"
ALIVE="${2:?usage: node-death.sh DEAD_NODE SURVIVOR [TIMEOUT_S]}"
TIMEOUT="${3:-120}"
CP="${FRO_CP_STATE:-/tmp/fro-controlplane}"
BIN="${FRO_CACHE:-$HOME/.cache/flink-resilience}/k8s-1.20.2/bin"
NSP=fro-realnode-death
k() { "$BIN/kubectl" --kubeconfig "$CP/kubeconfig" "$@"; }

k delete namespace "$NSP" --ignore-not-found --wait=true >/dev/null
k create namespace "$NSP" >/dev/null
# Preferred (not required) anti-affinity: one replica per node, yet both may run on the survivor afterwards.
k -n "$NSP" apply -f - >/dev/null <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: victim}
spec:
  replicas: 2
  selector: {matchLabels: {app: victim}}
  template:
    metadata: {labels: {app: victim}}
    spec:
      dnsPolicy: Default
      automountServiceAccountToken: false
      terminationGracePeriodSeconds: 1
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 100
            podAffinityTerm:
              labelSelector: {matchLabels: {app: victim}}
              topologyKey: kubernetes.io/hostname
      containers:
      - {name: main, image: "fro.local/busybox:1", imagePullPolicy: Never, command: ["sleep", "1000000"]}
YAML
k -n "$NSP" rollout status deployment/victim --timeout=60s >/dev/null
k -n "$NSP" get pods -o wide --no-headers | awk '{print "  before:", $1, $3, $7}'
for n in "$DEAD" "$ALIVE"; do
  k -n "$NSP" get pods -o wide --no-headers | awk -v n="$n" '$7 == n' | grep -q . ||
    { echo "no replica landed on $n (is it Ready?); cannot test" >&2; exit 1; }
done

t0=$(date +%s.%N)
el() { python3 -c "import time; print('+%.1fs' % (time.time() - $t0))"; }
"$HERE/stop-node.sh" "$DEAD" >/dev/null
echo "$(el) $DEAD killed (stop-node.sh)"
unknown='' noexec='' evicted='' moved=''
end=$((SECONDS + TIMEOUT))
while ((SECONDS < end)); do
  ready="$(k get node "$DEAD" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')"
  taints="$(k get node "$DEAD" -o jsonpath='{range .spec.taints[*]}{.key}:{.effect} {end}')"
  pods="$(k -n "$NSP" get pods -o wide --no-headers)"
  [[ -z "$unknown" && "$ready" != True ]] && { unknown=1; echo "$(el) Node $DEAD Ready=$ready, taints: $taints"; }
  [[ -z "$noexec" && "$taints" == *unreachable:NoExecute* ]] && { noexec=1; echo "$(el) taint unreachable:NoExecute"; }
  [[ -z "$evicted" && "$pods" == *Terminating* ]] && { evicted=1; echo "$(el) pod on $DEAD evicted (Terminating)"; }
  if [[ -z "$moved" && "$(awk -v n="$ALIVE" '$2 == "1/1" && $3 == "Running" && $7 == n' <<<"$pods" | wc -l)" == 2 ]]; then
    moved=1; echo "$(el) both replicas Running on $ALIVE"; break
  fi
  sleep 0.5
done
k -n "$NSP" get pods -o wide --no-headers | awk '{print "  after:", $1, $3, $7}'
k delete namespace "$NSP" --wait=false >/dev/null
[[ -n "$moved" ]] || { echo "replicas did not move to $ALIVE within ${TIMEOUT}s (NoExecute taint: ${noexec:-never})" >&2; exit 1; }
