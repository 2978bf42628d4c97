#!/usr/bin/env bash
# Runs one tier of the sidecar's node:test suite.
#   unit: pure engines, use cases and routes through `inject`, test doubles — no real servers or child processes
#         (files named *.real.test.ts and everything under test/integration/ are left out); under 2 minutes.
#   all:  everything, including the real Prometheus / PostgreSQL / control-plane / CLI suites.
set -euo pipefail
cd "$(dirname "$0")/.."
tier="${1:-all}"
if [ "$tier" = unit ]; then
  mapfile -t files < <(find test -name '*.test.ts' ! -name '*.real.test.ts' ! -path 'test/integration/*' | sort)
  timeout=120000
else
  mapfile -t files < <(find test -name '*.test.ts' | sort)
  # A file that boots a Kubernetes control plane (test/kube) needs more than 2 minutes on 2 loaded cores.
  timeout=300000
fi
exec node --import tsx --test --test-concurrency=2 --test-timeout="$timeout" "${files[@]}"
