#!/usr/bin/env bash
# shellcheck disable=SC2016 # pod commands are in single quotes on purpose: expanded by the container's shell
# Proves a real node works: a Pod with the busybox image (built by images.sh from Debian's busybox-static) is
# scheduled to NODE, runs, its logs are readable via the API server (kubectl logs), `kubectl exec` works, and a
# container whose main process is killed is restarted by kubelet (restartCount goes up). With a second node
# NODE2, a pod there is reached from the first one by pod IP (ping + TCP via busybox nc).
# Usage: local/realnode/prove.sh NODE [NODE2]     (env FRO_CP_STATE, FRO_REALNODE_ROOT as for start-node.sh)
# Creates and deletes namespace fro-realnode-proof.
set -euo pipefail
NODE1="${1:?usage: prove.sh NODE [NODE2]}"
NODE2="${2:-}"
CP="${FRO_CP_STATE:-/tmp/fro-controlplane}"
ROOT="${FRO_REALNODE_ROOT:-/tmp/fro-realnode}"
BIN="${FRO_CACHE:-$HOME/.cache/flink-resilience}/k8s-1.20.2/bin"
NSP=fro-realnode-proof
k() { "$BIN/kubectl" --kubeconfig "$CP/kubeconfig" -n "$NSP" "$@"; }
T0=$SECONDS
log() { echo "[prove] $(date +%H:%M:%S) +$((SECONDS - T0))s -- $*"; }

# pod NAME NODE COMMAND : a busybox pod pinned to NODE by nodeSelector (the scheduler still binds it)
pod() {
  k apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: $1}
spec:
  nodeSelector: {kubernetes.io/hostname: $2}
  dnsPolicy: Default
  automountServiceAccountToken: false
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: fro.local/busybox:1
    imagePullPolicy: Never
    command: ["/bin/sh", "-c"]
    args:
    - |
      ${3//$'\n'/$'\n'      }
YAML
}
wait_running() {
  k wait --for=condition=Ready "pod/$1" --timeout=90s >/dev/null
  log "pod $1: $(k get pod "$1" -o jsonpath='{.status.phase} on {.spec.nodeName} ip {.status.podIP}')"
}

"$BIN/kubectl" --kubeconfig "$CP/kubeconfig" delete namespace "$NSP" --ignore-not-found --wait=true >/dev/null
"$BIN/kubectl" --kubeconfig "$CP/kubeconfig" create namespace "$NSP" >/dev/null
trap '"$BIN/kubectl" --kubeconfig "$CP/kubeconfig" delete namespace "$NSP" --wait=false >/dev/null 2>&1 || true' EXIT

pod ticker "$NODE1" 'echo hello from $(hostname) ip $(hostname -i); i=0; while true; do i=$((i+1)); echo tick $i; sleep 1; done'
wait_running ticker
sleep 2
log "kubectl logs ticker (via API server -> kubelet :10250):"
k logs ticker --tail 3 | sed 's/^/    /'
log "kubectl exec ticker -- uname -n / id:"
k exec ticker -- sh -c 'echo "    $(uname -n) uid=$(id -u) pid1=$(cat /proc/1/cmdline | tr "\0" " ")"'

# Kill the container's main process from inside the node (its PID namespace), as a crash would.
cid="$(k get pod ticker -o jsonpath='{.status.containerStatuses[0].containerID}')"
cid="${cid#containerd://}"
NODE_DIR="$ROOT/$NODE1"
pid="$(ctr -a "$NODE_DIR/run/containerd/containerd.sock" -n k8s.io tasks ls | awk -v c="$cid" '$1 == c {print $2}')"
before="$(k get pod ticker -o jsonpath='{.status.containerStatuses[0].restartCount}')"
log "kill -KILL $pid (container ${cid:0:12}, pid in node $NODE1), restartCount=$before"
nsenter -t "$(cat "$NODE_DIR/pids/node.pid")" -p -m kill -KILL "$pid"
for _ in $(seq 1 60); do
  after="$(k get pod ticker -o jsonpath='{.status.containerStatuses[0].restartCount}')"
  ready="$(k get pod ticker -o jsonpath='{.status.containerStatuses[0].ready}')"
  [[ "$after" -gt "$before" && "$ready" == true ]] && break
  sleep 1
done
[[ "$after" -gt "$before" ]] || { echo "restartCount did not go up" >&2; exit 1; }
log "restarted: restartCount=$after, lastState: $(k get pod ticker -o jsonpath='{.status.containerStatuses[0].lastState.terminated.reason} exitCode={.status.containerStatuses[0].lastState.terminated.exitCode}')"
log "kubectl logs --previous ticker (tail 1): $(k logs --previous ticker --tail 1)"

# And a `kill` from inside the container (kubectl exec): PID 1 ignores signals it has no handler for, so the
# main shell traps TERM and exits.
pod trapper "$NODE1" 'trap "echo got TERM; exit 3" TERM; echo started; while true; do sleep 1 & wait; done'
wait_running trapper
# The exec session may itself be killed (exit 137) when the container it runs in ends: not an error.
k exec trapper -- kill -TERM 1 || true
for _ in $(seq 1 60); do
  [[ "$(k get pod trapper -o jsonpath='{.status.containerStatuses[0].restartCount}')" -ge 1 ]] && break
  sleep 1
done
log "trapper after 'kubectl exec trapper -- kill -TERM 1': restartCount=$(k get pod trapper -o jsonpath='{.status.containerStatuses[0].restartCount}') lastExit=$(k get pod trapper -o jsonpath='{.status.containerStatuses[0].lastState.terminated.exitCode}')"

if [[ -n "$NODE2" ]]; then
  pod server "$NODE2" 'echo serving on $(hostname -i); while true; do echo "hello from $(hostname)" | nc -l -p 8080; done'
  wait_running server
  ip2="$(k get pod server -o jsonpath='{.status.podIP}')"
  log "ticker ($NODE1) -> server ($NODE2) $ip2: ping"
  k exec ticker -- ping -c 2 -W 2 "$ip2" | sed 's/^/    /'
  log "ticker ($NODE1) -> server ($NODE2) $ip2:8080 TCP: $(k exec ticker -- sh -c "nc -w 3 $ip2 8080 </dev/null")"
fi
k get pods -o wide
log "all checks passed"
