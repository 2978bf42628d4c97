#!/usr/bin/env bash
# Reproduces aidpe-logseq-v1 (the DeepLog-style next-template LSTM) into models/logseq/, then evaluates it
# with `aidpe loganomaly-eval` and merges the numbers into the card.
# Needs: Debian python3-torch (1.13) + python3-numpy for /usr/bin/python3, Node >= 22 with the repo's
# node_modules, and the public data in shared/data: loghub-2k/BGL and the Nezha TrainTicket archive
# (extracted to $NEZHA, default /tmp/nezha). About a minute on one core.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
PY="${PYTHON:-/usr/bin/python3}"
NODE="${NODE:-$REPO/node_modules/node/bin/node}"
[ -x "$NODE" ] || NODE=node
SEED="${SEED:-20251123}"
DATA="${DATA:-$REPO/../shared/data}"
NEZHA="${NEZHA:-/tmp/nezha}"
if [ ! -d "$NEZHA/rca_data" ]; then
  mkdir -p "$NEZHA" && tar -xzf "$DATA/rca/nezha-trainticket-2023-01-30.tgz" -C "$NEZHA"
fi
WORK="$(mktemp -d -t aidpe-logseq-XXXXXX)"
echo "work dir: $WORK"

# 1. Templates (AIDPE's parser) and normal-only id sequences; the vocabulary ships next to the model.
(cd "$REPO/backend" && "$NODE" --import tsx scripts/export-logseq.ts --bgl "$DATA/loghub-2k/BGL" --nezha "$NEZHA" \
  --out "$WORK/training.json" --vocab "$HERE/aidpe-logseq-v1.vocab.json")

# 2. The model, golden vectors and the card (deterministic given the seed; one thread).
"$PY" "$HERE/train.py" --data "$WORK/training.json" --out "$HERE" --seed "$SEED" 2>&1 | grep -v Warning | tee "$WORK/train.log"

# 3. The evaluation on the held-out BGL part and the Nezha fault windows, merged into the card.
(cd "$REPO/backend" && "$NODE" bin/aidpe.mjs loganomaly-eval --bgl "$DATA/loghub-2k/BGL" --nezha "$NEZHA" \
  --models "$REPO/models" --out "$WORK/eval.json")
"$PY" "$HERE/make_card.py" "$HERE/aidpe-logseq-v1.card.json" "$WORK/eval.json"
echo "eval: $WORK/eval.json"
