#!/usr/bin/env bash
# Installs what a fresh machine lacks, then nothing more:
#   bootstrap.sh demo  -> npm packages (the project's own Node 22 comes with them)
#   bootstrap.sh test  -> also Debian's prometheus (connector tests run a real one), postgresql (the shared
#                         store's tests run a real server), chromium (browser tests), etcd-server and the
#                         test Kubernetes control plane (kube-apiserver, kube-controller-manager) built from
#                         the k8s.io/kubernetes Go module by scripts/k8s/build.sh, cached per version in
#                         ~/.cache/aidpe/k8s (a fresh machine pays the build once; see README, Kubernetes),
#                         and, in a Python venv under .cache/schemathesis, PyPI's schemathesis (the OpenAPI
#                         suite; about 40 s, once)
set -euo pipefail
cd "$(dirname "$0")/.."
purpose="${1:-demo}"

need=()
if [ "$purpose" = "test" ]; then
  command -v prometheus >/dev/null 2>&1 || need+=(prometheus)
  command -v promtool >/dev/null 2>&1 || need+=(prometheus)
  [ -x /usr/bin/chromium ] || need+=(chromium)
  compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null || need+=(postgresql)
  command -v etcd >/dev/null 2>&1 || need+=(etcd-server)
  command -v openssl >/dev/null 2>&1 || need+=(openssl)
  python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || need+=(python3-venv)
fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bootstrap: installing Debian packages: ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(printf '%s\n' "${need[@]}" | sort -u) >/dev/null
  else
    echo "bootstrap: missing ${need[*]}; install them with: sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
fi

# onnxruntime-node would download CUDA libraries at install time; its CPU build is inside the package.
export ONNXRUNTIME_NODE_INSTALL=skip
if [ ! -x node_modules/.bin/node ] || [ ! -e node_modules/.bin/aidpe ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "bootstrap: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ "$purpose" = "test" ] && ! bash scripts/k8s/build.sh --check >/dev/null; then
  echo "bootstrap: building the test Kubernetes control plane (once per version; cached in ~/.cache/aidpe/k8s)"
  started=$(date +%s)
  log="$(mktemp -t aidpe-k8s-build.XXXXXX.log)"
  bash scripts/k8s/build.sh >"$log" 2>&1 || { tail -n 40 "$log" >&2; echo "bootstrap: the control-plane build failed (log: $log)" >&2; exit 1; }
  echo "bootstrap: control plane built in $(($(date +%s) - started)) s"
fi

# Schemathesis (Python, from PyPI) for backend/test/security/schemathesis.real.test.ts, pinned, in its own venv so
# nothing touches the system Python; the test says it is skipped, and why, when this did not run.
SCHEMATHESIS_VERSION=4.32.5
if [ "$purpose" = "test" ] && ! .cache/schemathesis/bin/schemathesis --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  echo "bootstrap: schemathesis $SCHEMATHESIS_VERSION into .cache/schemathesis"
  rm -rf .cache/schemathesis
  # Not fatal: without it that one suite is skipped, saying so; everything else still runs.
  { python3 -m venv .cache/schemathesis &&
    .cache/schemathesis/bin/pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"; } ||
    { rm -rf .cache/schemathesis; echo "bootstrap: WARNING: schemathesis not installed; its suite will be skipped" >&2; }
fi
