#!/usr/bin/env bash
# Smoke check of a running control plane (start.sh first): /version, a Namespace, a Ready Node with its Lease in
# kube-node-lease, and a Deployment that the real kube-controller-manager turns into a ReplicaSet and a Pod which
# the real kube-scheduler binds to the node; then deleting the Deployment lets the garbage collector remove them.
# Leaves no objects behind. Exit 0 = all checks passed.
set -euo pipefail

BIN="${FRO_CACHE:-$HOME/.cache/flink-resilience}/k8s-1.20.2/bin"
STATE="${FRO_CP_STATE:-/tmp/fro-controlplane}"
[[ -f "$STATE/env" ]] || { echo "no running control plane ($STATE/env absent): run start.sh" >&2; exit 1; }
# shellcheck source=/dev/null
source "$STATE/env"
KUBECTL="$BIN/kubectl"
[[ -x "$KUBECTL" ]] || KUBECTL="$(command -v kubectl)"
NS=fro-smoke
NODE=fro-smoke-node-1
T0=$SECONDS

log() { echo "[smoke] +$((SECONDS - T0))s -- $*"; }
k() { "$KUBECTL" "$@"; }
api() { # api METHOD PATH [JSON] : raw request with the admin client certificate
  local args=(-fsS --cacert "$STATE/pki/ca.crt" --cert "$STATE/pki/admin.crt" --key "$STATE/pki/admin.key"
    -X "$1" "https://127.0.0.1:$FRO_CP_API_PORT$2")
  if (($# > 2)); then args+=(-H 'Content-Type: application/merge-patch+json' --data "$3"); fi
  curl "${args[@]}"
}
# until_ok SECONDS DESCRIPTION CMD... : retries CMD (its stdout must be non-empty) until it succeeds
until_ok() {
  local timeout=$1 what=$2 out start=$SECONDS
  shift 2
  while true; do
    out="$("$@" 2>/dev/null || true)"
    if [[ -n "$out" ]]; then
      log "$what: $out"
      return 0
    fi
    if ((SECONDS - start > timeout)); then
      echo "[smoke] FAILED: $what not seen within ${timeout}s" >&2
      return 1
    fi
    sleep 1
  done
}
now() { date -u +%Y-%m-%dT%H:%M:%SZ; }
cleanup() {
  k -n "$NS" delete pods --all --grace-period=0 --force >/dev/null 2>&1 || true
  k delete namespace "$NS" --ignore-not-found --wait=false >/dev/null 2>&1 || true
  k delete node "$NODE" --ignore-not-found >/dev/null 2>&1 || true
  k -n kube-node-lease delete lease "$NODE" --ignore-not-found >/dev/null 2>&1 || true
}
trap cleanup EXIT

log "version: $(k get --raw /version | tr -d ' \n')"
k get --raw /healthz >/dev/null

k create namespace "$NS" >/dev/null
log "namespace $NS created"

ready_status() {
  cat <<EOF
{"status": {
  "capacity": {"cpu": "4", "memory": "8Gi", "pods": "110"},
  "allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"},
  "conditions": [
    {"type": "MemoryPressure", "status": "False", "reason": "KubeletHasSufficientMemory", "lastHeartbeatTime": "$(now)", "lastTransitionTime": "$(now)"},
    {"type": "DiskPressure", "status": "False", "reason": "KubeletHasNoDiskPressure", "lastHeartbeatTime": "$(now)", "lastTransitionTime": "$(now)"},
    {"type": "PIDPressure", "status": "False", "reason": "KubeletHasSufficientPID", "lastHeartbeatTime": "$(now)", "lastTransitionTime": "$(now)"},
    {"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "smoke node", "lastHeartbeatTime": "$(now)", "lastTransitionTime": "$(now)"}
  ],
  "addresses": [{"type": "InternalIP", "address": "127.0.0.1"}, {"type": "Hostname", "address": "$NODE"}],
  "nodeInfo": {"machineID": "", "systemUUID": "", "bootID": "", "kernelVersion": "", "osImage": "", "containerRuntimeVersion": "", "kubeletVersion": "v1.20.2", "kubeProxyVersion": "v1.20.2", "operatingSystem": "linux", "architecture": "amd64"}
}}
EOF
}

k apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Node
metadata:
  name: $NODE
  labels: {kubernetes.io/hostname: $NODE, kubernetes.io/os: linux}
EOF
api PATCH "/api/v1/nodes/$NODE/status" "$(ready_status)" >/dev/null
log "node $NODE created, status patched Ready"

k apply -f - >/dev/null <<EOF
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: {name: $NODE, namespace: kube-node-lease}
spec:
  holderIdentity: $NODE
  leaseDurationSeconds: 40
  renewTime: "$(date -u +%Y-%m-%dT%H:%M:%S.000000Z)"
EOF
log "lease kube-node-lease/$NODE: $(k -n kube-node-lease get lease "$NODE" -o jsonpath='{.spec.holderIdentity} {.spec.renewTime}')"

# The TaintNodesByCondition admission plugin taints a new node not-ready; the node lifecycle controller
# lifts the taint once it has seen the Ready condition.
no_notready_taint() {
  local taints
  taints="$(k get node "$NODE" -o jsonpath='{.spec.taints}')"
  [[ "$taints" != *not-ready* ]] && echo "Ready=$(k get node "$NODE" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}'), taints=[${taints}]"
}
until_ok 60 "node schedulable (node lifecycle controller)" no_notready_taint

k -n "$NS" apply -f - >/dev/null <<EOF
apiVersion: apps/v1
kind: Deployment
metadata: {name: smoke}
spec:
  replicas: 1
  selector: {matchLabels: {app: smoke}}
  template:
    metadata: {labels: {app: smoke}}
    spec:
      containers:
      - name: main
        image: example.invalid/smoke:1
        resources: {requests: {cpu: 100m, memory: 64Mi}}
EOF
log "deployment $NS/smoke created"

until_ok 60 "replicaset (deployment controller)" \
  k -n "$NS" get rs -l app=smoke -o jsonpath='{.items[0].metadata.name} owner={.items[0].metadata.ownerReferences[0].kind}/{.items[0].metadata.ownerReferences[0].name}'
until_ok 60 "pod (replicaset controller)" \
  k -n "$NS" get pods -l app=smoke -o jsonpath='{.items[0].metadata.name} owner={.items[0].metadata.ownerReferences[0].kind}'
until_ok 60 "pod bound (scheduler)" \
  k -n "$NS" get pods -l app=smoke -o jsonpath='{.items[?(@.spec.nodeName)].spec.nodeName}'
bound="$(k -n "$NS" get pods -l app=smoke -o jsonpath='{.items[0].spec.nodeName}')"
[[ "$bound" == "$NODE" ]] || { echo "[smoke] FAILED: pod bound to '$bound', expected $NODE" >&2; exit 1; }
log "scheduled condition: $(k -n "$NS" get pods -l app=smoke -o jsonpath='{.items[0].status.conditions[?(@.type=="PodScheduled")].status}')"

# Deleting the Deployment: the garbage collector deletes the ReplicaSet and the Pod. The Pod is bound to a
# node, so its deletion is graceful: it stays Terminating until its kubelet confirms (a real cluster without a
# kubelet behaves the same); play the kubelet's part with a grace-0 delete.
pod="$(k -n "$NS" get pods -l app=smoke -o jsonpath='{.items[0].metadata.name}')"
k -n "$NS" delete deployment smoke --wait=false >/dev/null
rs_gone() { [[ -z "$(k -n "$NS" get rs -l app=smoke -o name)" ]] && echo "replicaset deleted"; }
until_ok 60 "garbage collection of the replicaset" rs_gone
until_ok 60 "pod terminating (garbage collection, graceful)" \
  k -n "$NS" get pod "$pod" -o jsonpath='{.metadata.deletionTimestamp}'
k -n "$NS" delete pod "$pod" --grace-period=0 --force >/dev/null 2>&1
pod_gone() { [[ -z "$(k -n "$NS" get pods -l app=smoke -o name)" ]] && echo "pod deleted"; }
until_ok 30 "pod gone after grace-0 delete" pod_gone

log "OK"
