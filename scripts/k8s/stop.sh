#!/usr/bin/env bash
# Stops what scripts/k8s/start.sh STATE_DIR started (by the pids it recorded) and removes STATE_DIR.
#   scripts/k8s/stop.sh STATE_DIR [--keep]     --keep leaves the directory (logs) in place
set -uo pipefail
state="${1:?usage: stop.sh STATE_DIR [--keep]}"
[ -d "$state" ] || exit 0
pids=()
for name in kube-controller-manager kube-apiserver etcd; do
  f="$state/$name.pid"
  [ -f "$f" ] || continue
  pid="$(cat "$f")"
  kill -TERM "$pid" 2>/dev/null && pids+=("$pid")
  rm -f "$f"
done
# Up to 10 s for a clean exit, then SIGKILL.
for _ in $(seq 1 40); do
  alive=0
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
  [ "$alive" = 0 ] && break
  sleep 0.25
done
for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null; done
[ "${2:-}" = "--keep" ] || rm -rf "$state"
exit 0
