#!/usr/bin/env bash
# Starts a real Kubernetes node: containerd 1.6 (Debian) + kubelet 1.20.2 (built by build-kubelet.sh) in the
# node's own network, mount and PID namespaces, joined to the control plane of local/controlplane/start.sh.
#
# Usage: local/realnode/start-node.sh NAME INDEX       (INDEX 1..200: node IP 10.200.0.(10+INDEX),
#                                                       pod CIDR 10.244.INDEX.0/24)
# Env:   FRO_CP_STATE       control plane state dir (default /tmp/fro-controlplane): CA, env (API port)
#        FRO_REALNODE_ROOT  root of node state dirs (default /tmp/fro-realnode): $ROOT/NAME per node
#        FRO_CACHE          build cache (default ~/.cache/flink-resilience)
#        READY_TIMEOUT      seconds to wait for Ready (default 120)
# Stop:  local/realnode/stop-node.sh NAME     (SIGKILL to the node's PID namespace: the node dies at once)
#
# Layout (see README.md):
#   host bridge frobr0 10.200.0.1/24 --- veth frvINDEX <-> eth0 10.200.0.(10+INDEX) in netns fro-NAME
#   inside fro-NAME: CNI bridge cni0 10.244.INDEX.1/24, pods 10.244.INDEX.x; routes to other nodes' pod CIDRs
#   API server: host-only 127.0.0.1:PORT, reached by nodes via a socat forward on 10.200.0.1:PORT
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NAME="${1:?usage: start-node.sh NAME INDEX}"
INDEX="${2:?usage: start-node.sh NAME INDEX}"
[[ "$NAME" =~ ^[a-z0-9]([a-z0-9-]{0,9}[a-z0-9])?$ ]] || { echo "NAME: lower-case DNS label, at most 11 chars (netns/link names)" >&2; exit 1; }
if ! [[ "$INDEX" =~ ^[0-9]+$ ]] || ((INDEX < 1 || INDEX > 200)); then
  echo "INDEX must be 1..200" >&2
  exit 1
fi
CP="${FRO_CP_STATE:-/tmp/fro-controlplane}"
ROOT="${FRO_REALNODE_ROOT:-/tmp/fro-realnode}"
BIN="${FRO_CACHE:-$HOME/.cache/flink-resilience}/k8s-1.20.2/bin"
NODE="$ROOT/$NAME"
NS="fro-$NAME"
VETH="frv$INDEX"
BR=frobr0
BR_IP=10.200.0.1
NODE_IP="10.200.0.$((10 + INDEX))"
POD_SUBNET="10.244.$INDEX.0/24"
PAUSE_IMAGE=fro.local/pause:catatonit
T0=$SECONDS
START_EPOCH="$(date -u +%s)"
log() { echo "[start-node $NAME] $(date +%H:%M:%S) +$((SECONDS - T0))s -- $*"; }

[[ -x "$BIN/kubelet" ]] || { echo "missing $BIN/kubelet: run $HERE/build-kubelet.sh" >&2; exit 1; }
for c in containerd ctr runc socat catatonit nsenter unshare ip openssl; do
  command -v "$c" >/dev/null || { echo "missing $c: run $HERE/build-kubelet.sh (installs it)" >&2; exit 1; }
done
[[ -f "$CP/env" && -f "$CP/pki/ca.key" ]] || { echo "no running control plane in $CP (local/controlplane/start.sh)" >&2; exit 1; }
# shellcheck disable=SC1091
source "$CP/env" # KUBECONFIG (admin) and FRO_CP_API_PORT
API_PORT="$FRO_CP_API_PORT"
kubectl() { "$BIN/kubectl" --kubeconfig "$CP/kubeconfig" "$@"; }

if [[ -f "$NODE/pids/node.pid" ]] && kill -0 "$(cat "$NODE/pids/node.pid")" 2>/dev/null; then
  echo "node $NAME already running (pid $(cat "$NODE/pids/node.pid")); stop-node.sh $NAME first" >&2
  exit 1
fi
if [[ -e "/run/netns/$NS" ]]; then
  echo "netns $NS exists (stale?); run stop-node.sh $NAME first" >&2
  exit 1
fi
for d in "$ROOT"/*/; do # another node with the same INDEX?
  [[ -f "$d/index" && "$(basename "$d")" != "$NAME" && "$(cat "$d/index")" == "$INDEX" ]] || continue
  [[ -e "/run/netns/fro-$(basename "$d")" ]] && { echo "INDEX $INDEX is used by node $(basename "$d")" >&2; exit 1; }
done

# Which command failed: `ip` only says e.g. "RTNETLINK answers: File exists".
trap 'echo "[start-node $NAME] failed: line $LINENO: $BASH_COMMAND" >&2' ERR
on_exit() {
  local rc=$?
  if ((rc != 0)); then
    echo "[start-node $NAME] failed (rc=$rc); logs in $NODE/logs; stopping the node" >&2
    tail -n 20 "$NODE/logs/kubelet.log" "$NODE/logs/containerd.log" "$NODE/logs/init.log" >&2 2>/dev/null || true
    "$HERE/stop-node.sh" "$NAME" >&2 || true
  fi
}
trap on_exit EXIT

rm -rf "$NODE"
mkdir -p "$NODE"/{pids,logs,pki,run,kubelet,containerd,cni/net.d,cni/ipam,cni/lib,log/pods,log/containers,sysctl}
echo "$INDEX" >"$NODE/index"
images=()
mapfile -t images < <(FRO_REALNODE_ROOT="$ROOT" "$HERE/images.sh")

# --- host side: bridge + API server forward (shared by all nodes, created once) ----------------------------
if ! ip link show "$BR" >/dev/null 2>&1; then
  ip link add "$BR" type bridge
  ip addr add "$BR_IP/24" dev "$BR"
  ip link set "$BR" up
  log "host bridge $BR $BR_IP/24 created"
fi
# The API server listens on 127.0.0.1 only (and its certificate names 127.0.0.1/localhost), which another
# network namespace cannot reach. Rather than restarting it on another address, a socat on the host forwards
# $BR_IP:PORT -> 127.0.0.1:PORT (TLS passes through untouched); nodes use `tls-server-name: localhost`.
# Forwards to a control plane that is gone (restarted on another port) are stopped first.
for f in "$ROOT"/apiforward.*.pid; do
  [[ -f "$f" ]] || continue
  p="${f#"$ROOT"/apiforward.}"; p="${p%.pid}"
  if [[ "$p" != "$API_PORT" ]] && ! ss -Htln "sport = :$p" | grep -q '127.0.0.1'; then
    kill "$(cat "$f")" 2>/dev/null || true
    rm -f "$f"
    log "stale API forward for port $p stopped"
  fi
done
FWD_PID_FILE="$ROOT/apiforward.$API_PORT.pid"
if ! { [[ -f "$FWD_PID_FILE" ]] && kill -0 "$(cat "$FWD_PID_FILE")" 2>/dev/null; }; then
  socat "TCP-LISTEN:$API_PORT,bind=$BR_IP,reuseaddr,fork" "TCP:127.0.0.1:$API_PORT" \
    </dev/null >>"$ROOT/apiforward.$API_PORT.log" 2>&1 &
  echo $! >"$FWD_PID_FILE"
  log "API forward $BR_IP:$API_PORT -> 127.0.0.1:$API_PORT (socat pid $!)"
fi

# --- node network namespace ---------------------------------------------------------------------------------
ip netns add "$NS"
# The host end of a veth of this index may outlive its node's netns for a while (the kernel tears a netns
# down asynchronously, and only once nothing refers to it any more): remove it, which removes the pair.
if ip link show "$VETH" >/dev/null 2>&1; then
  log "stale $VETH on the host (an earlier node's netns not yet torn down): deleted"
  ip link del "$VETH"
fi
ip link add "$VETH" type veth peer name eth0 netns "$NS"
ip link set "$VETH" master "$BR" up
ip -n "$NS" link set lo up
ip -n "$NS" addr add "$NODE_IP/24" dev eth0
ip -n "$NS" link set eth0 up
ip -n "$NS" route add default via "$BR_IP"
# kubelet's in-tree cloud probes (cAdvisor's cloud detection, the AWS credential provider) ask the link-local
# metadata address and wait for their timeouts (~11 s of node start); make that address fail at once.
ip -n "$NS" route add unreachable 169.254.0.0/16
ip netns exec "$NS" sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward' # per-netns: route pod traffic
# The `kubernetes` Service (ClusterIP 10.0.0.1:443, the first address of SERVICE_CIDR; KUBERNETES_SERVICE_HOST
# in every pod) has no kube-proxy here: a DNAT in the node's netns sends it to the API forward on the bridge
# (pods: PREROUTING from cni0; the node itself: OUTPUT). The API server certificate names IP:10.0.0.1, so
# in-cluster clients (Flink's JobManager: TaskManager pods, Kubernetes HA) verify it as usual.
KUBE_SVC_IP="${FRO_KUBERNETES_SERVICE_IP:-10.0.0.1}"
for chain in PREROUTING OUTPUT; do
  ip netns exec "$NS" iptables -t nat -A "$chain" -d "$KUBE_SVC_IP/32" -p tcp --dport 443 \
    -j DNAT --to-destination "$BR_IP:$API_PORT"
done
# Pod CIDR routes: every node (and the host) reaches 10.244.J.0/24 via node J's eth0 on the bridge.
ip route replace "$POD_SUBNET" via "$NODE_IP"
for d in "$ROOT"/*/; do
  other="$(basename "$d")"
  if [[ "$other" == "$NAME" || ! -f "$d/index" || ! -e "/run/netns/fro-$other" ]]; then
    continue
  fi
  j="$(cat "$d/index")"
  ip -n "$NS" route replace "10.244.$j.0/24" via "10.200.0.$((10 + j))"
  ip -n "fro-$other" route replace "$POD_SUBNET" via "$NODE_IP"
done
log "netns $NS: eth0 $NODE_IP, pods $POD_SUBNET, $KUBE_SVC_IP:443 -> $BR_IP:$API_PORT"

# --- node certificate (Node authorizer: CN system:node:NAME, O system:nodes) and kubeconfig ------------------
PKI="$NODE/pki"
openssl req -newkey rsa:2048 -nodes -keyout "$PKI/node.key" -out "$PKI/node.csr" \
  -subj "/O=system:nodes/CN=system:node:$NAME" 2>>"$NODE/logs/openssl.log"
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n' >"$PKI/node.ext"
openssl x509 -req -in "$PKI/node.csr" -CA "$CP/pki/ca.crt" -CAkey "$CP/pki/ca.key" -CAcreateserial \
  -CAserial "$PKI/ca.srl" -out "$PKI/node.crt" -days 365 -extfile "$PKI/node.ext" 2>>"$NODE/logs/openssl.log"
cp "$CP/pki/ca.crt" "$PKI/ca.crt"
chmod 600 "$PKI"/*.key
cat >"$NODE/kubeconfig" <<KCFG
apiVersion: v1
kind: Config
clusters:
- name: fro-local
  cluster:
    server: https://$BR_IP:$API_PORT
    tls-server-name: localhost
    certificate-authority: $PKI/ca.crt
users:
- name: system:node:$NAME
  user:
    client-certificate: $PKI/node.crt
    client-key: $PKI/node.key
contexts:
- name: fro-local
  context: {cluster: fro-local, user: "system:node:$NAME"}
current-context: fro-local
KCFG
chmod 600 "$NODE/kubeconfig"

# --- containerd -------------------------------------------------------------------------------------------
# Paths under $NODE, so that nodes never share state; /run is additionally shadowed by $NODE/run inside the
# node (containerd puts the pod network namespaces under /var/run/netns, kubelet and CNI use fixed paths too).
# restrict_oom_score_adj: this machine lacks CAP_SYS_RESOURCE, so containers may not get a lower
# oom_score_adj than containerd's own; kubelet asks for -998 for the pause container.
cat >"$NODE/containerd.toml" <<TOML
version = 2
root = "$NODE/containerd/root"
state = "$NODE/run/containerd"
[grpc]
  address = "$NODE/run/containerd/containerd.sock"
[ttrpc]
  address = "$NODE/run/containerd/containerd.sock.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$NODE/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  restrict_oom_score_adj = true
  disable_apparmor = true
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "$(command -v runc)"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$NODE/cni/net.d"
TOML

# CNI: a bridge cni0 inside the node's netns, host-local IPAM over this node's pod CIDR, no masquerade (pods
# only talk to pods and nodes). containerd adds the loopback interface itself.
cat >"$NODE/cni/net.d/10-fro-bridge.conflist" <<CNI
{
  "cniVersion": "0.4.0",
  "name": "fro-pods",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "cni0",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{"subnet": "$POD_SUBNET"}]],
        "routes": [{"dst": "0.0.0.0/0"}],
        "dataDir": "$NODE/cni/ipam"
      }
    }
  ]
}
CNI

# --- kubelet ----------------------------------------------------------------------------------------------
# cgroupsPerQOS/enforceNodeAllocatable off and makeIPTablesUtilChains off: this machine's hybrid cgroups and
# missing capabilities make the QOS cgroup hierarchy and iptables chains fail; neither is needed here.
# Authentication: x509 client certificates from the control plane CA + webhook; authorization: webhook
# (SubjectAccessReview). The API server must present a client certificate for logs/exec (see README:
# APISERVER_EXTRA_ARGS=--kubelet-client-certificate ...). Serving certificate: kubelet's self-signed one.
cat >"$NODE/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI/ca.crt}
authorization: {mode: Webhook}
cgroupDriver: cgroupfs
cgroupsPerQOS: false
enforceNodeAllocatable: []
makeIPTablesUtilChains: false
failSwapOn: false
protectKernelDefaults: false
clusterDomain: cluster.local
resolvConf: /etc/resolv.conf
nodeStatusUpdateFrequency: 10s
nodeLeaseDurationSeconds: 40
# never garbage-collect the imported images (they cannot be pulled again)
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {}
maxPods: 50
YAML

# kubelet sets these kernel sysctls on start (vm.overcommit_memory=1, kernel.panic=10, ...). They are not
# namespaced; to leave the host's values alone the node shadows them with files that already hold the values
# kubelet wants (kubelet then reads them and writes nothing).
while read -r key val; do
  printf '%s\n' "$val" >"$NODE/sysctl/${key//\//.}"
done <<'SYSCTL'
vm/overcommit_memory 1
vm/panic_on_oom 0
kernel/panic 10
kernel/panic_on_oops 1
kernel/keys/root_maxkeys 1000000
kernel/keys/root_maxbytes 25000000
SYSCTL

# Mount points (empty dirs) on the host for the node-private bind mounts made by node-init.sh.
mkdir -p /var/lib/kubelet /var/lib/containerd /var/lib/cni /var/log/pods /var/log/containers

cat >"$NODE/node.env" <<ENV
NAME=$NAME
NODE=$NODE
NODE_IP=$NODE_IP
BIN=$BIN
PAUSE_IMAGE=$PAUSE_IMAGE
IMAGES="${images[*]}"
ENV

# --- start: netns (nsenter) + new mount and PID namespaces (unshare) + catatonit as PID 1 -------------------
# catatonit reaps the orphaned containerd shims; when node-init.sh exits (or PID 1 is killed) the kernel kills
# every process in the PID namespace: kubelet, containerd, shims and all containers (nested PID namespaces).
# nsenter --net, not `ip netns exec`: the latter remounts /sys, which hides the cgroup mounts under it.
nsenter --net="/run/netns/$NS" -- unshare --mount --pid --fork --propagation private -- \
  "$(command -v catatonit)" -- "$HERE/node-init.sh" "$NODE" \
  </dev/null >>"$NODE/logs/init.log" 2>&1 &
UNSHARE_PID=$!
echo "$UNSHARE_PID" >"$NODE/pids/unshare.pid"
for _ in $(seq 1 50); do
  NODE_PID="$(awk "{print \$1}" "/proc/$UNSHARE_PID/task/$UNSHARE_PID/children" 2>/dev/null)"
  [[ -n "$NODE_PID" ]] && break
  sleep 0.1
done
[[ -n "$NODE_PID" ]] || { echo "node init process did not start" >&2; exit 1; }
echo "$NODE_PID" >"$NODE/pids/node.pid" # PID 1 of the node's PID namespace, as seen from the host
log "node started: PID namespace init pid $NODE_PID (unshare $UNSHARE_PID)"

# --- wait: Node Ready=True, not-ready taint gone, Lease renewed -------------------------------------------
# The Node (and Lease) may survive from an earlier run of this node that was killed, still saying Ready:
# only a Ready heartbeat and a Lease renewal from after this start count.
alive() { kill -0 "$NODE_PID" 2>/dev/null || { echo "node $NAME died during start" >&2; return 1; }; }
since() { [[ -n "$1" ]] && (($(date -d "$1" +%s) >= START_EPOCH)); } # since RFC3339: newer than this start?
timeout="${READY_TIMEOUT:-120}"
ready_jp='{.status.conditions[?(@.type=="Ready")].status} {.status.conditions[?(@.type=="Ready")].lastHeartbeatTime}'
until out="$(kubectl get node "$NAME" -o jsonpath="$ready_jp" 2>/dev/null)" && read -r ready beat <<<"$out" &&
  [[ "$ready" == True ]] && since "$beat"; do
  alive
  ((SECONDS - T0 < timeout)) || { echo "node $NAME not Ready after ${timeout}s" >&2; exit 1; }
  sleep 1
done
log "Node $NAME Ready (heartbeat $beat)"
until [[ -z "$(kubectl get node "$NAME" -o jsonpath='{.spec.taints[?(@.key=="node.kubernetes.io/not-ready")].key}{.spec.taints[?(@.key=="node.kubernetes.io/unreachable")].key}')" ]]; do
  alive
  ((SECONDS - T0 < timeout)) || { echo "not-ready/unreachable taint still on $NAME after ${timeout}s" >&2; exit 1; }
  sleep 1
done
log "no not-ready/unreachable taint"
# The Lease may not exist yet when the Node is already Ready (kubelet creates it after registering).
lease0="$(kubectl -n kube-node-lease get lease "$NAME" -o jsonpath='{.spec.renewTime}' 2>/dev/null || true)"
until lease="$(kubectl -n kube-node-lease get lease "$NAME" -o jsonpath='{.spec.renewTime}' 2>/dev/null)" &&
  [[ "$lease" != "$lease0" ]] && since "$lease"; do
  alive
  ((SECONDS - T0 < timeout + 30)) || { echo "Lease of $NAME not renewed" >&2; exit 1; }
  sleep 1
done
log "Lease renewed ($lease0 -> $lease)"
log "ready: node $NAME ($NODE_IP, pods $POD_SUBNET); stop with $HERE/stop-node.sh $NAME"
