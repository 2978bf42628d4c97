#!/usr/bin/env bash
# Reproduces the global N-HiTS-style model (aidpe-nhits-v2) and its leave-one-source-out folds
# (loso/aidpe-nhits-v2-<source>) into models/forecast/. CPU only, one thread; about 15 min per model on a
# quiet core (7 models). Needs Debian python3-torch + python3-numpy for /usr/bin/python3 and the repo's
# node_modules (simulator export, ONNX check with onnxruntime-node).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
PY="${PYTHON:-/usr/bin/python3}"
NODE="${NODE:-$REPO/node_modules/node/bin/node}"
[ -x "$NODE" ] || NODE=node
SEED="${SEED:-20251201}"
WORK="$(mktemp -d -t aidpe-nhits-XXXXXX)"
echo "work dir: $WORK"

# 1. Simulator series (not committed): training seeds 1-6 x 4 simulated days (the evaluation uses 101, 102).
(cd "$REPO/backend" && "$NODE" --import tsx scripts/export-sim-series.ts "$WORK/sim" --seeds 1,2,3,4,5,6 --days 4)

# 2. Every fold (each source left out), then the shipped model on every source.
"$PY" "$HERE/train_global.py" --out "$HERE" --sim-dir "$WORK/sim" --seed "$SEED" --held-out all \
  --max-steps 2400 --eval-every 150 --patience 5 | tee "$WORK/train.log"
echo "log: $WORK/train.log"
