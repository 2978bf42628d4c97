#!/usr/bin/env bash
# Every check CI runs: types, lint, the plugin build, the plugin's jest suite, the sidecar's suite.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n=== %s ===\n' "$1"; }
step "typecheck (plugin + sidecar)"; npm run -s typecheck
step "lint"; npm run -s lint
step "plugin build"; npm run -s build >/tmp/aidpe-build.log 2>&1 || { tail -50 /tmp/aidpe-build.log; exit 1; }
step "plugin tests (jest)"; npm run -s test:frontend
step "sidecar tests (node:test)"; npm run -s test:backend
