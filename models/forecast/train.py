#!/usr/bin/python3
"""Trains one AIDPE forecast model and ships it as ONNX + model card + golden vectors.

  /usr/bin/python3 models/forecast/train.py --model lstm|tft --seed N --out DIR [--minutes M] [--steps S]
                                            [--sim-dir DIR]

Deterministic given --seed as long as the --minutes cap is not what ends training (the card records
`stoppedBy`). See README.md and CONTRACT.md.
"""
from __future__ import annotations

import argparse
import copy
import datetime as _dt
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data as D  # noqa: E402
import models as M  # noqa: E402

NAMES = {"lstm": "aidpe-lstm-v1", "tft": "aidpe-tft-lite-v1"}
VERSION = "1.0.0"
INPUT_NAMES = ["past_values", "past_time", "future_time", "static"]
REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
NODE_CANDIDATES = [os.path.join(REPO, "node_modules", "node", "bin", "node"), shutil.which("node") or "node"]
WEIGHTS = {"synthetic": 0.45, "nab": 0.25, "azure": 0.18, "sim": 0.12}
Q = torch.tensor(D.QUANTILES)


def pinball(pred: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """pred [B,H,3], y [B,H] -> mean pinball loss over quantiles, steps and windows."""
    diff = y.unsqueeze(-1) - pred
    return torch.maximum(Q * diff, (Q - 1) * diff).mean()


def to_tensors(ctx, tgt, t_last, step):
    inp, loc, scale = D.make_inputs(ctx, t_last, step)
    y = np.clip((tgt - loc[:, None]) / scale[:, None], -50, 50).astype(np.float32)
    return [torch.from_numpy(inp[k]) for k in INPUT_NAMES], torch.from_numpy(y)


def baselines(ctx, tgt, step):
    """Normalised-space MAE of naive (last value) and seasonal-naive (one day back when it fits in L)."""
    z, loc, scale = D.normalise(ctx)
    y = np.clip((tgt - loc[:, None]) / scale[:, None], -50, 50)
    naive = np.repeat(z[:, -1:], D.H, axis=1)
    snaive = naive.copy()
    for i, s in enumerate(step):
        p = int(round(86400 / s))
        if p <= D.L and abs(p * s - 86400) < 1e-6:
            k = np.arange(D.H)
            snaive[i] = z[i, D.L - p + (k % p)]
    return float(np.abs(naive - y).mean()), float(np.abs(snaive - y).mean())


@torch.no_grad()
def evaluate(model, val_t, bs: int = 128):
    model.eval()
    out = {}
    for src, (xs, y) in val_t.items():
        preds = []
        for i in range(0, y.shape[0], bs):
            preds.append(model(*[x[i:i + bs] for x in xs]))
        p = torch.cat(preds)
        cover = ((y >= p[..., 0]) & (y <= p[..., 2])).float().mean().item()
        out[src] = {"windows": int(y.shape[0]), "pinball": pinball(p, y).item(),
                    "mae": (p[..., 1] - y).abs().mean().item(), "coverage80": cover}
    real = [s for s in ("nab", "azure", "sim") if s in out]
    out["realMean"] = {k: float(np.mean([out[s][k] for s in real])) for k in ("pinball", "mae", "coverage80")}
    out["allMean"] = {k: float(np.mean([out[s][k] for s in out if s not in ("realMean",)])) for k in ("pinball", "mae", "coverage80")}
    model.train()
    return out


def find_node():
    for n in NODE_CANDIDATES:
        try:
            v = subprocess.run([n, "--version"], capture_output=True, text=True, timeout=30)
            if v.returncode == 0 and int(v.stdout.strip().lstrip("v").split(".")[0]) >= 20:
                return n
        except Exception:
            pass
    return None


def tensor_json(t: torch.Tensor | np.ndarray):
    a = t.detach().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)
    return {"shape": list(a.shape), "data": [float(x) for x in a.astype(np.float32).reshape(-1)]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", choices=["lstm", "tft"], required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--minutes", type=float, default=25.0, help="wall-clock cap for the training loop")
    ap.add_argument("--steps", type=int, default=None, help="optimizer steps (default: lstm 8000, tft 7000)")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--eval-every", type=int, default=250)
    ap.add_argument("--patience", type=int, default=12, help="evaluations without improvement before stopping")
    ap.add_argument("--sim-dir", default=None, help="CSV folder from backend/scripts/export-sim-series.ts")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    steps = args.steps or {"lstm": 8000, "tft": 7000}[args.model]
    name = NAMES[args.model]
    os.makedirs(args.out, exist_ok=True)

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.use_deterministic_algorithms(True)

    t_start = time.time()
    nab, nab_report = D.load_nab()
    azure = D.load_azure()
    sim, sim_report = D.load_sim(args.sim_dir)
    sampler = D.Sampler(nab, azure, sim, WEIGHTS, seed=args.seed)
    val = D.validation_set(nab, azure, sim, seed=args.seed)
    val_t = {src: to_tensors(*v[:4]) for src, v in val.items()}
    print(f"[{name}] data loaded in {time.time() - t_start:.1f}s; val windows "
          + ", ".join(f"{k}={v[0].shape[0]}" for k, v in val.items()), flush=True)

    model = M.build(args.model)
    n_params = M.count_params(model)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    warm = 300
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * (0.05 + 0.95 * 0.5 * (1 + np.cos(np.pi * min(1.0, s / steps)))))

    best, best_state, best_step, bad, history = float("inf"), None, 0, 0, []
    t_train = time.time()
    stopped_by, run_loss, step = "steps", 0.0, 0
    for step in range(1, steps + 1):
        ctx, tgt, tl, st = sampler.batch(args.batch)
        xs, y = to_tensors(ctx, tgt, tl, st)
        loss = pinball(model(*xs), y)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        run_loss += loss.item()
        if step % args.eval_every == 0 or step == steps:
            ev = evaluate(model, val_t)
            score = ev["realMean"]["pinball"]
            el = time.time() - t_train
            history.append({"step": step, "seconds": round(el, 1), "trainLoss": round(run_loss / args.eval_every, 5),
                            "valRealPinball": round(score, 5), "valSyntheticPinball": round(ev.get("synthetic", {}).get("pinball", float("nan")), 5)})
            print(f"[{name}] step {step} {el:.0f}s train {run_loss / args.eval_every:.4f} val real {score:.4f} "
                  + " ".join(f"{k}={ev[k]['pinball']:.4f}" for k in ("nab", "azure", "sim", "synthetic") if k in ev), flush=True)
            run_loss = 0.0
            if score < best - 1e-5:
                best, best_state, best_step, bad = score, copy.deepcopy(model.state_dict()), step, 0
            else:
                bad += 1
                if bad >= args.patience:
                    stopped_by = "early-stopping"
                    break
            if el > args.minutes * 60:
                stopped_by = "minutes-cap"
                break
    train_seconds = time.time() - t_train
    model.load_state_dict(best_state)
    model.eval()
    final = evaluate(model, val_t)
    for src, v in val.items():
        final[src]["naiveMae"], final[src]["seasonalNaiveMae"] = baselines(v[0], v[1], v[3])
    print(f"[{name}] best step {best_step}, stopped by {stopped_by} after {step} steps, {train_seconds:.0f}s", flush=True)
    print(json.dumps(final, indent=1), flush=True)

    # ---- export -----------------------------------------------------------------------------------
    onnx_path = os.path.join(args.out, f"{name}.onnx")
    ex = [x[:2] for x in val_t["nab"][0]]
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, tuple(ex), onnx_path, input_names=INPUT_NAMES, output_names=["quantiles"],
                          dynamic_axes={k: {0: "batch"} for k in INPUT_NAMES + ["quantiles"]}, opset_version=17,
                          do_constant_folding=True)
    sha = hashlib.sha256(open(onnx_path, "rb").read()).hexdigest()

    # ---- golden vector: 2 realistic windows (a NAB one and an Azure aggregate) ----------------------
    nab_names = val["nab"][4]
    gi = next((i for i, n in enumerate(nab_names) if "nyc_taxi" in n), 0)
    gsrc = [("nab", gi), ("azure", len(val["azure"][0]) - 1)]
    g_ctx = np.stack([val[s][0][i] for s, i in gsrc])
    g_tl = np.array([val[s][2][i] for s, i in gsrc])
    g_st = np.array([val[s][3][i] for s, i in gsrc])
    g_inp, g_loc, g_scale = D.make_inputs(g_ctx, g_tl, g_st)
    with torch.no_grad():
        g_out = model(*[torch.from_numpy(g_inp[k]) for k in INPUT_NAMES])
    golden = {
        "model": name, "version": VERSION, "tolerance": 1e-4,
        "raw": {"windows": [val[s][4][i] for s, i in gsrc], "contextValues": {"shape": list(g_ctx.shape), "data": [float(x) for x in g_ctx.reshape(-1)]},
                "tLastSeconds": [float(x) for x in g_tl], "stepSeconds": [float(x) for x in g_st],
                "loc": [float(x) for x in g_loc], "scale": [float(x) for x in g_scale]},
        "inputs": {k: tensor_json(g_inp[k]) for k in INPUT_NAMES},
        "output": tensor_json(g_out),
    }
    golden_path = os.path.join(args.out, f"{name}.golden.json")
    with open(golden_path, "w") as fh:
        json.dump(golden, fh)

    # ---- ONNX vs PyTorch check for batch 1 and 8 (onnxruntime-node) --------------------------------
    rng = np.random.default_rng(args.seed + 1)
    cases = []
    pool = [(s, i) for s in val for i in range(len(val[s][0]))]
    pick = [pool[j] for j in rng.choice(len(pool), 8, replace=False)]
    c_inp, _, _ = D.make_inputs(np.stack([val[s][0][i] for s, i in pick]), np.array([val[s][2][i] for s, i in pick]),
                                np.array([val[s][3][i] for s, i in pick]))
    for b in (1, 8):
        xs = {k: c_inp[k][:b] for k in INPUT_NAMES}
        with torch.no_grad():
            o = model(*[torch.from_numpy(xs[k]) for k in INPUT_NAMES])
        cases.append({"name": f"batch{b}", "inputs": {k: tensor_json(v) for k, v in xs.items()}, "output": tensor_json(o)})
    cases.append({"name": "golden", "inputs": golden["inputs"], "output": golden["output"]})
    check_dir = os.path.join(args.out, ".check")
    os.makedirs(check_dir, exist_ok=True)
    vec_path = os.path.join(check_dir, f"{name}.vectors.json")
    res_path = os.path.join(check_dir, f"{name}.check.json")
    with open(vec_path, "w") as fh:
        json.dump({"cases": cases}, fh)
    node = find_node()
    onnx_check = {"skipped": "node >= 20 not found"}
    if node:
        p = subprocess.run([node, os.path.join(os.path.dirname(os.path.abspath(__file__)), "check_onnx.mjs"), onnx_path, vec_path, res_path],
                           capture_output=True, text=True, cwd=REPO)
        print(p.stdout.strip(), p.stderr.strip()[-2000:], flush=True)
        if os.path.exists(res_path):
            r = json.load(open(res_path))
            onnx_check = {"runtime": f"onnxruntime-node {r['ortVersion']}", "maxAbsDiff": {c["name"]: c["maxAbsDiff"] for c in r["cases"]},
                          "maxRelDiff": {c["name"]: c["maxRelDiff"] for c in r["cases"]}, "criterion": "|onnx - torch| <= 1e-4 * max(1, |torch|)",
                          "ok": r["ok"], "inferenceMsBatch8": r.get("inferenceMsBatch8")}
        else:
            onnx_check = {"error": p.stderr.strip()[-500:]}
    shutil.rmtree(check_dir, ignore_errors=True)

    # ---- card -------------------------------------------------------------------------------------
    sim_used = [s for s in sim]
    card = {
        "name": name,
        "version": VERSION,
        "task": "zero-shot probabilistic multi-horizon forecasting of univariate operational metrics (quantiles p10/p50/p90)",
        "architecture": describe(args.model),
        "parameters": n_params,
        "inputs": [
            {"name": "past_values", "dtype": "float32", "shape": ["batch", D.L], "meaning": "normalised context z"},
            {"name": "past_time", "dtype": "float32", "shape": ["batch", D.L, 4], "meaning": "time features of the context timestamps"},
            {"name": "future_time", "dtype": "float32", "shape": ["batch", D.H, 4], "meaning": "time features of t_last + k*step, k=1..288"},
            {"name": "static", "dtype": "float32", "shape": ["batch", 2], "meaning": "[log10(stepSeconds)/4, asinh(loc/scale)/10]"},
        ],
        "outputs": [{"name": "quantiles", "dtype": "float32", "shape": ["batch", D.H, 3],
                     "meaning": "p10, p50, p90 in normalised units; value = loc + scale * q; non-crossing by construction"}],
        "context": D.L,
        "horizon": D.H,
        "quantiles": list(D.QUANTILES),
        "preprocessing": "CONTRACT.md (median/mean-absolute-deviation scaling, clip ±50; 4 time features; 2 static covariates)",
        "onnx": {"file": f"{name}.onnx", "opset": 17, "bytes": os.path.getsize(onnx_path), "sha256": sha, "dynamicAxes": "batch on every input and output"},
        "sha256": sha,
        "trainingData": {
            "mixture": WEIGHTS if sim_used else {**{k: v for k, v in WEIGHTS.items() if k != "sim"}, "synthetic": WEIGHTS["synthetic"] + WEIGHTS["sim"]},
            "nab": {
                "rule": "only data rows with index < n - 1800 (n = data rows, header excluded); the last 1,728 rows that the evaluation scores are never read",
                "validation": "per file, forecast starts in the last 480 usable rows (4 windows); training windows' targets end before them",
                "files": nab_report,
            },
            "azureFunctions2019": {**azure[3], "series": "per-function (60 s, 1,440 points) and sums of 2-39 random training functions",
                                   "timestamps": "minute index = time of day (UTC); random calendar date per training window, 2019-07-15 for validation"},
            "simulator": {**sim_report, "generator": "backend/scripts/export-sim-series.ts --seeds 1,2,3,4,5,6 --days 4",
                          "validationSeeds": [6]},
            "synthetic": {"generator": "data.py synth_series (KernelSynth-style composition)", "trainWindows": f"{step * args.batch * WEIGHTS['synthetic']:.0f} (approx., generated on the fly)",
                          "validationWindows": int(val["synthetic"][0].shape[0]), "steps": list(D.STEPS)},
            "trainingWindowsSeen": step * args.batch,
        },
        "loss": "pinball (quantile) loss over (0.1, 0.5, 0.9) in normalised units, targets clipped to ±50",
        "validation": {"selection": "mean pinball over real-data sources (nab, azure, sim), best of evaluations every "
                                    f"{args.eval_every} steps", "metrics": final},
        "training": {"seed": args.seed, "steps": step, "bestStep": best_step, "stoppedBy": stopped_by, "batch": args.batch,
                     "optimizer": f"AdamW lr {args.lr} (warmup 300, cosine to 5%), weight decay 1e-4, grad clip 1.0",
                     "threads": args.threads, "evalHistory": history},
        "seed": args.seed,
        "torchVersion": torch.__version__,
        "numpyVersion": np.__version__,
        "python": platform.python_version(),
        "trainedAt": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "trainingSeconds": round(train_seconds, 1),
        "onnxCheck": onnx_check,
        "golden": f"{name}.golden.json",
        "license": "Apache-2.0 (model weights and code, same as the project); training data under their own licences (NAB MIT, Azure Functions trace CC-BY 4.0)",
    }
    with open(os.path.join(args.out, f"{name}.card.json"), "w") as fh:
        json.dump(card, fh, indent=2)
    import make_card
    make_card.main([os.path.join(args.out, f"{name}.card.json")])
    print(f"[{name}] wrote {onnx_path} ({os.path.getsize(onnx_path)} bytes, sha256 {sha})", flush=True)
    if isinstance(onnx_check, dict) and onnx_check.get("ok") is False:
        sys.exit(1)


def describe(kind: str) -> str:
    if kind == "lstm":
        return ("2-layer LSTM encoder (hidden 64) over the context in 128 steps of 4 samples (inputs: z, time features, static); "
                "MQ-RNN-style decoder: global MLP on the final states -> shared + per-horizon contexts, local MLP with future "
                "time features emits all 288 steps at once; softmax-gated mixture of 3 linear highway maps (context -> median); "
                "non-crossing quantiles (p50 +/- softplus offsets)")
    return ("Temporal Fusion Transformer (lite) on patched tokens (8 samples per token: 64 past, 36 future): static covariate "
            "encoder (4 GRN contexts), variable selection networks (past: value, daily, weekly; future: daily, weekly), LSTM "
            "encoder/decoder (d=64) initialised from static contexts, gated skip, static enrichment GRN, interpretable "
            "multi-head attention (4 heads, shared value projection) from future tokens over past+future tokens with causal "
            "mask on the future part, position-wise GRN, gated skips, quantile head (8 steps x 3 per token), non-crossing")


if __name__ == "__main__":
    main()
