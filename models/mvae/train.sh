#!/usr/bin/env bash
# Reproduces aidpe-mvae-v1 (the multivariate autoencoder) into models/mvae/, then evaluates it with
# `aidpe mv-eval` on held-out seeds and merges the numbers into the card.
# Needs: Debian python3-torch (1.13) + python3-numpy for /usr/bin/python3, Node >= 22 with the repo's
# node_modules, and the public Azure Functions 2019 traces in shared/data/workloads/azure-functions-2019.
# A few minutes on a shared 2-core machine (mostly the simulator).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
PY="${PYTHON:-/usr/bin/python3}"
NODE="${NODE:-$REPO/node_modules/node/bin/node}"
[ -x "$NODE" ] || NODE=node
SEED="${SEED:-20251123}"
WORK="${WORK:-$(mktemp -d -t aidpe-mvae-XXXXXX)}"
echo "work dir: $WORK"

# 1. Fault-free simulator runs (training seeds 1001-1006, validation seeds 2001-2003; mv-eval uses 1,2,3),
#    normalised by the detector's own MvWindower and cut into windows.
[ -f "$WORK/meta.json" ] || (cd "$REPO/backend" && "$NODE" --import tsx scripts/export-mv.ts --out "$WORK")

# 2. The model, golden vectors and the card (deterministic given the seed; one thread).
"$PY" "$HERE/train.py" --data "$WORK" --out "$HERE" --seed "$SEED" 2>&1 | grep -v Warning | tee "$WORK/train.log"

# 3. Detection on held-out seeds with injected faults of every type, merged into the card.
(cd "$REPO/backend" && "$NODE" bin/aidpe.mjs mv-eval --seeds 1,2,3 --models "$REPO/models" --out "$WORK/eval.json")
"$PY" "$HERE/make_card.py" "$HERE/aidpe-mvae-v1.card.json" "$WORK/eval.json"
echo "eval: $WORK/eval.json"
