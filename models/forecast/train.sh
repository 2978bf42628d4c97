#!/usr/bin/env bash
# Reproduces the two shipped forecast models (aidpe-lstm-v1, aidpe-tft-lite-v1) into models/forecast/.
# Needs: Debian python3-torch (1.13) + python3-numpy for /usr/bin/python3 (libopenblas0-openmp makes it ~15x
# faster than the reference BLAS), Node >= 22 with the repo's node_modules (simulator export, ONNX check).
# Both models train in parallel, one thread each (~20 min wall on 2 cores).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
PY="${PYTHON:-/usr/bin/python3}"
NODE="${NODE:-$REPO/node_modules/node/bin/node}"
[ -x "$NODE" ] || NODE=node
SEED="${SEED:-20251123}"
WORK="$(mktemp -d -t aidpe-forecast-XXXXXX)"
echo "work dir: $WORK"

# 1. Simulator series (not committed): 6 seeds x 4 simulated days, 60 s and 300 s steps.
(cd "$REPO/backend" && "$NODE" --import tsx scripts/export-sim-series.ts "$WORK/sim" --seeds 1,2,3,4,5,6 --days 4)

# 2. Both models in parallel (deterministic given the seed; --minutes is only a safety cap).
"$PY" "$HERE/train.py" --model lstm --seed "$SEED" --out "$HERE" --sim-dir "$WORK/sim" --minutes 25 > "$WORK/lstm.log" 2>&1 &
P1=$!
"$PY" "$HERE/train.py" --model tft --seed "$SEED" --out "$HERE" --sim-dir "$WORK/sim" --minutes 25 > "$WORK/tft.log" 2>&1 &
P2=$!
rc=0
wait $P1 || rc=1
wait $P2 || rc=1
tail -n 3 "$WORK/lstm.log" "$WORK/tft.log"
echo "logs: $WORK/lstm.log $WORK/tft.log"
exit $rc
