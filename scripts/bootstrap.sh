#!/usr/bin/env bash
# Installs what a fresh machine lacks, then nothing more:
#   bootstrap.sh demo  -> npm packages (the project's own Node 22 comes with them)
#   bootstrap.sh test  -> also Debian's prometheus (connector tests run a real one), postgresql (the shared
#                         store's tests run a real server), chromium (browser tests) and, in a Python venv under
#                         .cache/schemathesis, PyPI's schemathesis (the OpenAPI suite; about a minute, once)
set -euo pipefail
cd "$(dirname "$0")/.."
purpose="${1:-demo}"

need=()
if [ "$purpose" = "test" ]; then
  command -v prometheus >/dev/null 2>&1 || need+=(prometheus)
  command -v promtool >/dev/null 2>&1 || need+=(prometheus)
  [ -x /usr/bin/chromium ] || need+=(chromium)
  compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null || need+=(postgresql)
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

# Schemathesis (Python, from PyPI) for backend/test/security/schemathesis.real.test.ts, pinned, in its own venv so
# nothing touches the system Python; the test says it is skipped, and why, when this did not run.
SCHEMATHESIS_VERSION=4.32.5
if [ "$purpose" = "test" ] && ! .cache/schemathesis/bin/schemathesis --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  echo "bootstrap: schemathesis $SCHEMATHESIS_VERSION into .cache/schemathesis"
  rm -rf .cache/schemathesis
  python3 -m venv .cache/schemathesis
  .cache/schemathesis/bin/pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
