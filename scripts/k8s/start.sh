#!/usr/bin/env bash
# Starts a throwaway Kubernetes control plane on loopback for tests: etcd (Debian's etcd-server) in a temp
# dir, kube-apiserver (generated certificates and service-account keys, a static token file, the RBAC
# authorizer) and kube-controller-manager (deployment, replicaset, HPA and service-account controllers),
# waits until each is ready and writes what the tests need into STATE_DIR:
#   admin.kubeconfig         a cluster-admin (system:masters) user
#   env                      KUBE_APISERVER_URL, KUBE_CA_FILE, KUBE_TOKEN_ADMIN, ETCD_URL
# Tests act as ServiceAccounts bound to the shipped RBAC (deploy/rbac), with tokens from the TokenRequest API.
# scripts/k8s/stop.sh STATE_DIR stops what this started.
#
#   scripts/k8s/start.sh STATE_DIR [--no-controller-manager]
#   AIDPE_K8S_OWNER_PID=<pid>: stop the control plane when that process ends (tests set it)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
state="${1:?usage: start.sh STATE_DIR [--no-controller-manager]}"
with_kcm=1
[ "${2:-}" = "--no-controller-manager" ] && with_kcm=0
bin="$(bash "$here/build.sh" --check)" || {
  echo "k8s start: the control-plane binaries are not built; run scripts/k8s/build.sh" >&2
  exit 3
}
etcd_bin="${ETCD_BIN:-$(command -v etcd || true)}"
[ -n "$etcd_bin" ] || { echo "k8s start: etcd is missing; install it with: apt-get install etcd-server" >&2; exit 3; }
command -v openssl >/dev/null || { echo "k8s start: openssl is missing" >&2; exit 3; }
command -v python3 >/dev/null || { echo "k8s start: python3 is missing (it picks free loopback ports)" >&2; exit 3; }

mkdir -p "$state"
state="$(cd "$state" && pwd)"
pki="$state/pki"
mkdir -p "$pki" "$state/etcd" "$state/logs"
chmod 700 "$state/etcd"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
etcd_port=$(free_port); etcd_peer=$(free_port); api_port=$(free_port); kcm_port=$(free_port)

# ---- certificates and keys (openssl): a CA, the API server's serving certificate, service-account keys
openssl_quiet() { openssl "$@" 2>/dev/null; }
openssl_quiet req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=aidpe-test-ca" \
  -keyout "$pki/ca.key" -out "$pki/ca.crt"
openssl_quiet req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" -keyout "$pki/apiserver.key" -out "$pki/apiserver.csr"
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n' >"$pki/apiserver.ext"
openssl_quiet x509 -req -in "$pki/apiserver.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial -days 2 \
  -extfile "$pki/apiserver.ext" -out "$pki/apiserver.crt"
openssl_quiet genrsa -out "$pki/sa.key" 2048
openssl_quiet rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub"

# ---- users with static bearer tokens: the test's admin and the controller manager, both system:masters.
USERS=(admin kube-controller-manager)
: >"$state/tokens.csv"
declare -A token
for u in "${USERS[@]}"; do
  token[$u]="$(openssl rand -hex 24)"
  echo "${token[$u]},$u,uid-$u,\"system:masters\"" >>"$state/tokens.csv"
done
chmod 600 "$state/tokens.csv"
api_url="https://127.0.0.1:$api_port"
kubeconfig() { # user file
  cat >"$2" <<KC
apiVersion: v1
kind: Config
clusters:
- name: aidpe-test
  cluster:
    server: $api_url
    certificate-authority: $pki/ca.crt
users:
- name: $1
  user:
    token: ${token[$1]}
contexts:
- name: $1@aidpe-test
  context:
    cluster: aidpe-test
    user: $1
    namespace: default
current-context: $1@aidpe-test
KC
  chmod 600 "$2"
}
kubeconfig admin "$state/admin.kubeconfig"
kubeconfig kube-controller-manager "$state/kube-controller-manager.kubeconfig"

start_daemon() { # name cmd...
  local name="$1"; shift
  setsid "$@" >"$state/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$state/$name.pid"
}
wait_for() { # what seconds pidfile cmd...
  local what="$1" seconds="$2" pidfile="$3"; shift 3
  local deadline=$(($(date +%s) + seconds))
  until "$@" >/dev/null 2>&1; do
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      echo "k8s start: $what exited; the end of its log:" >&2; tail -n 30 "$state/logs/$what.log" >&2; exit 4
    fi
    if [ "$(date +%s)" -gt "$deadline" ]; then
      echo "k8s start: $what not ready within ${seconds}s; the end of its log:" >&2; tail -n 30 "$state/logs/$what.log" >&2; exit 4
    fi
    sleep 0.5
  done
}
# Whatever happens before the end, stop what was started (the logs stay in STATE_DIR/logs).
ready=0
trap '[ "$ready" = 1 ] || bash "$here/stop.sh" "$state" --keep >/dev/null 2>&1' EXIT

# ---- etcd (loopback only, throwaway data, no fsync: test data)
start_daemon etcd "$etcd_bin" --name aidpe-test --data-dir "$state/etcd" \
  --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
  --listen-peer-urls "http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
  --initial-cluster "aidpe-test=http://127.0.0.1:$etcd_peer" --unsafe-no-fsync --logger zap --log-level warn
wait_for etcd 60 "$state/etcd.pid" curl -fsS "http://127.0.0.1:$etcd_port/health"

# ---- kube-apiserver
start_daemon kube-apiserver "$bin/kube-apiserver" \
  --etcd-servers "http://127.0.0.1:$etcd_port" \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api_port" \
  --endpoint-reconciler-type none \
  --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" --client-ca-file "$pki/ca.crt" \
  --token-auth-file "$state/tokens.csv" --anonymous-auth=false \
  --authorization-mode RBAC \
  --service-account-issuer "$api_url" --service-account-key-file "$pki/sa.pub" \
  --service-account-signing-key-file "$pki/sa.key" \
  --service-cluster-ip-range 10.0.0.0/24 \
  --enable-priority-and-fairness=false --watch-cache=true \
  --profiling=false --v=1
wait_for kube-apiserver 180 "$state/kube-apiserver.pid" \
  curl -fsS --cacert "$pki/ca.crt" -H "Authorization: Bearer ${token[admin]}" "$api_url/readyz"

# ---- kube-controller-manager: only the controllers the tests exercise (the machine is small)
if [ "$with_kcm" = 1 ]; then
  start_daemon kube-controller-manager "$bin/kube-controller-manager" \
    --kubeconfig "$state/kube-controller-manager.kubeconfig" \
    --authentication-kubeconfig "$state/kube-controller-manager.kubeconfig" \
    --authorization-kubeconfig "$state/kube-controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$kcm_port" \
    --leader-elect=false --use-service-account-credentials=false \
    --controllers deployment-controller,replicaset-controller,horizontal-pod-autoscaler-controller,serviceaccount-controller \
    --horizontal-pod-autoscaler-sync-period 1s \
    --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
    --profiling=false --v=1
  wait_for kube-controller-manager 120 "$state/kube-controller-manager.pid" \
    curl -fsSk "https://127.0.0.1:$kcm_port/healthz"
fi

{
  echo "KUBE_APISERVER_URL=$api_url"
  echo "KUBE_CA_FILE=$pki/ca.crt"
  for u in "${USERS[@]}"; do echo "KUBE_TOKEN_$(echo "${u//-/_}" | tr '[:lower:]' '[:upper:]')=${token[$u]}"; done
  echo "ETCD_URL=http://127.0.0.1:$etcd_port"
  [ "$with_kcm" = 1 ] && echo "KUBE_CONTROLLER_MANAGER_URL=https://127.0.0.1:$kcm_port"
} >"$state/env"
# With AIDPE_K8S_OWNER_PID (the test process), a watchdog stops everything once that process is gone, even
# when it was killed outright (a timed-out test file), so no control plane outlives its tests.
if [ -n "${AIDPE_K8S_OWNER_PID:-}" ]; then
  setsid bash -c 'while [ -d "$2" ] && kill -0 "$1" 2>/dev/null; do sleep 2; done; bash "$3" "$2"' \
    watchdog "$AIDPE_K8S_OWNER_PID" "$state" "$here/stop.sh" >/dev/null 2>&1 </dev/null &
fi
ready=1
echo "k8s start: control plane ready at $api_url (state in $state)" >&2
