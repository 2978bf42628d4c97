#!/usr/bin/env bash
# Reproduces the shipped RL autoscaling policy (aidpe-ppo-v1) into models/autoscale/.
# Needs: Debian python3-torch (1.13) + python3-numpy for /usr/bin/python3, Node >= 22 with the repo's
# node_modules (the trainer drives `aidpe rl-env` as a subprocess), and the shared data folder
# (../shared/data/workloads/azure-functions-2019/100_inv.csv). One thread for torch, one for the simulator
# (~15 min wall on a shared 2-core machine). Then renders the card and checks the ONNX file with onnxruntime-node.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
PY="${PYTHON:-/usr/bin/python3}"
NODE="${NODE:-$REPO/node_modules/node/bin/node}"
[ -x "$NODE" ] || NODE=node
SEED="${SEED:-20251123}"
export PATH="$(dirname "$NODE"):$PATH"
"$PY" "$HERE/train_ppo.py" --seed "$SEED" --out "$HERE" --node "$NODE" "$@"
CHECK="$(mktemp -t aidpe-ppo-check-XXXXXX.json)"
"$NODE" "$HERE/check_onnx.mjs" "$HERE/aidpe-ppo-v1.onnx" "$HERE/aidpe-ppo-v1.golden.json" | tee "$CHECK"
"$PY" "$HERE/make_card.py" "$HERE/aidpe-ppo-v1.card.json" --onnx-check "$CHECK"
# The evaluation table of the card: run the three `aidpe autoscale-eval` commands of the card's "Evaluation" section
# and fold them in with: make_card.py aidpe-ppo-v1.card.json --eval "Azure 10_inv=R10.json" --eval ...
