#!/usr/bin/python3
"""Trains the AIDPE global N-HiTS-style forecaster (contract v2) with leave-one-source-out folds.

  /usr/bin/python3 models/forecast/train_global.py --out models/forecast --sim-dir DIR [--seed N]
        [--held-out SOURCE|none|all] [--max-steps S] [--threads T]

One model is trained per held-out source (a NAB category, azure-functions, simulator) and written to
OUT/loso/aidpe-nhits-v2-<source>.{onnx,card.json}; the shipped model (`--held-out none`) trains on every
source and goes to OUT/aidpe-nhits-v2.{onnx,card.json,golden.json}. In every run early stopping watches
series the model does not train on (one in five series of each training source, chosen by name), and the
held-out source is never read at all. Synthetic series (data.synth_series) are mixed into every fold.
CPU only, deterministic given the seed (torch deterministic algorithms, seeded numpy Generators).
"""
from __future__ import annotations

import argparse
import copy
import csv
import datetime as _dt
import glob
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
import nhits as N  # noqa: E402

L, H = N.L, N.H
W = L + H
NAME = "aidpe-nhits-v2"
VERSION = "2.0.0"
REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
NODE_CANDIDATES = [os.path.join(REPO, "node_modules", "node", "bin", "node"), shutil.which("node") or "node"]
Q = torch.tensor([0.1, 0.5, 0.9])
AZURE = "azure-functions"
SIM = "simulator"
SYNTHETIC_SHARE = 0.35
AGGREGATIONS = (1, 2, 4)


def pinball(pred: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    diff = y.unsqueeze(-1) - pred
    return torch.maximum(Q * diff, (Q - 1) * diff).mean()


# ---------------------------------------------------------------------------------------------------
# Real sources: name -> list of (series name, values on a regular grid)
# ---------------------------------------------------------------------------------------------------

def load_nab(data_dir: str) -> dict[str, list[tuple[str, np.ndarray]]]:
    out: dict[str, list[tuple[str, np.ndarray]]] = {}
    for f in sorted(glob.glob(os.path.join(data_dir, "nab", "data", "*", "*.csv"))):
        category = os.path.basename(os.path.dirname(f))
        with open(f) as fh:
            rows = list(csv.reader(fh))[1:]
        ts = np.array([D._parse_ts(r[0]) for r in rows])
        vals = np.array([float(r[1]) for r in rows])
        step = float(np.median(np.diff(ts)))
        for i, (_, v) in enumerate(D.regularise(ts, vals, step)):
            if len(v) >= W:
                out.setdefault(category, []).append((f"{category}/{os.path.basename(f)}#{i}", v))
    return out


def load_azure(data_dir: str) -> list[tuple[str, np.ndarray]]:
    path = os.path.join(data_dir, "workloads", "azure-functions-2019", "100_inv.csv")
    with open(path) as fh:
        r = list(csv.reader(fh))
    first = next(i for i, h in enumerate(r[0]) if h.startswith("minute_"))
    return [(f"azure/100_inv#{i}", np.array([float(x) for x in row[first:]])) for i, row in enumerate(r[1:])]


def load_sim(sim_dir: str) -> list[tuple[str, np.ndarray]]:
    out = []
    for f in sorted(glob.glob(os.path.join(sim_dir, "sim_seed*_60s.csv"))):
        with open(f) as fh:
            rows = list(csv.reader(fh))[1:]
        v = np.array([float(x[1]) for x in rows])
        if len(v) >= W:
            out.append((f"sim/{os.path.basename(f)}", v))
    return out


def split(series: list[tuple[str, np.ndarray]]):
    """One in five series (by sorted name) for early stopping; at least one when there are two or more."""
    ordered = sorted(series, key=lambda s: s[0])
    val_idx = {i for i in range(len(ordered)) if i % 5 == 2 or (2 <= len(ordered) < 5 and i == 0)}
    val = [s for i, s in enumerate(ordered) if i in val_idx]
    train = [s for i, s in enumerate(ordered) if i not in val_idx]
    return train, val


def aggregate(v: np.ndarray, f: int) -> np.ndarray:
    n = len(v) // f
    return v[: n * f].reshape(n, f).mean(axis=1) if f > 1 else v


# ---------------------------------------------------------------------------------------------------
# Windows
# ---------------------------------------------------------------------------------------------------

def normalise(ctx: np.ndarray, tgt: np.ndarray):
    z, loc, scale = D.normalise(ctx)
    y = np.clip((tgt - loc[:, None]) / scale[:, None], -50, 50)
    return z.astype(np.float32), y.astype(np.float32), loc, scale


class Sampler:
    def __init__(self, sources: dict[str, list[tuple[str, np.ndarray]]], rng: np.random.Generator):
        self.rng = rng
        self.sources = {k: v for k, v in sources.items() if v}
        self.names = sorted(self.sources)

    def window(self):
        rng = self.rng
        if not self.names or rng.random() < SYNTHETIC_SHARE:
            v, _, _ = D.synth_series(rng, W)
            return v
        series = self.sources[self.names[rng.integers(len(self.names))]]
        _, v = series[rng.integers(len(series))]
        options = [f for f in AGGREGATIONS if len(v) // f >= W]
        v = aggregate(v, options[rng.integers(len(options))])
        start = rng.integers(0, len(v) - W + 1)
        return v[start : start + W]

    def batch(self, size: int):
        w = np.stack([self.window() for _ in range(size)])
        return normalise(w[:, :L], w[:, L:])


def fixed_windows(series: list[tuple[str, np.ndarray]], per_series: int = 8):
    out = []
    for _, v in series:
        for f in AGGREGATIONS[:2]:
            a = aggregate(v, f)
            if len(a) < W:
                continue
            for s in np.linspace(0, len(a) - W, per_series).round().astype(int):
                out.append(a[s : s + W])
    return np.stack(out) if out else np.zeros((0, W))


def evaluate(model, windows: np.ndarray) -> dict:
    if len(windows) == 0:
        return {"windows": 0}
    z, y, loc, scale = normalise(windows[:, :L], windows[:, L:])
    with torch.no_grad():
        pred = model(torch.from_numpy(z)).numpy()
    yt = torch.from_numpy(y)
    pb = float(pinball(torch.from_numpy(pred), yt))
    mae = float(np.mean(np.abs(pred[:, :, 1] - y)))
    naive = float(np.mean(np.abs(z[:, -1:] - y)))
    cov = float(np.mean((y >= pred[:, :, 0]) & (y <= pred[:, :, 2])))
    return {"windows": int(len(windows)), "pinball": pb, "mae": mae, "naiveMae": naive, "coverage80": cov}


# ---------------------------------------------------------------------------------------------------
# Training, export, card
# ---------------------------------------------------------------------------------------------------

def train(sources_train, val_windows, seed: int, max_steps: int, batch: int, lr: float, eval_every: int, patience: int):
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    model = N.NHiTS()
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max_steps, eta_min=lr / 20)
    sampler = Sampler(sources_train, rng)
    best, best_step, best_state, bad, history = float("inf"), 0, copy.deepcopy(model.state_dict()), 0, []
    stopped_by = "max_steps"
    t0 = time.time()
    for step in range(1, max_steps + 1):
        z, y, _, _ = sampler.batch(batch)
        model.train()
        loss = pinball(model(torch.from_numpy(z)), torch.from_numpy(y))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        if step % eval_every == 0:
            model.eval()
            val = evaluate(model, val_windows)["pinball"]
            history.append({"step": step, "trainLoss": float(loss), "valPinball": val})
            print(f"step {step} train {float(loss):.4f} val {val:.4f} ({time.time() - t0:.0f}s)", flush=True)
            if val < best - 1e-5:
                best, best_step, best_state, bad = val, step, copy.deepcopy(model.state_dict()), 0
            else:
                bad += 1
                if bad >= patience:
                    stopped_by = "early_stopping"
                    break
    model.load_state_dict(best_state)
    model.eval()
    return model, {"bestStep": best_step, "bestValPinball": best, "stoppedBy": stopped_by, "history": history,
                   "seconds": round(time.time() - t0, 1)}


def export(model, path: str):
    dummy = torch.zeros(2, L)
    torch.onnx.export(model, (dummy,), path, input_names=["past_values"], output_names=["quantiles"],
                      dynamic_axes={"past_values": {0: "batch"}, "quantiles": {0: "batch"}}, opset_version=17)


def golden(model, windows: np.ndarray, path: str):
    z, _, loc, scale = normalise(windows[:, :L], windows[:, L:])
    with torch.no_grad():
        out = model(torch.from_numpy(z)).numpy()
    doc = {
        "contract": "v2",
        "tolerance": 1e-4,
        "raw": {"contextValues": {"shape": [len(windows), L], "data": windows[:, :L].reshape(-1).tolist()},
                "tLastSeconds": [1_700_000_000.0] * len(windows), "stepSeconds": [300.0] * len(windows),
                "loc": loc.tolist(), "scale": scale.tolist()},
        "inputs": {"past_values": {"shape": list(z.shape), "data": z.reshape(-1).tolist()}},
        "output": {"shape": list(out.shape), "data": out.reshape(-1).astype(float).tolist()},
    }
    with open(path, "w") as fh:
        json.dump(doc, fh)


def check_onnx(onnx_path: str, golden_path: str) -> dict:
    for node in NODE_CANDIDATES:
        try:
            r = subprocess.run([node, os.path.join(os.path.dirname(os.path.abspath(__file__)), "check_onnx.mjs"),
                                onnx_path, golden_path], capture_output=True, text=True, cwd=REPO, timeout=300)
            if r.returncode == 0 and r.stdout.strip():
                return json.loads(r.stdout.strip().splitlines()[-1])
        except (OSError, subprocess.TimeoutExpired):
            continue
    return {"ok": False, "error": "node/onnxruntime-node not available"}


def card_markdown(card: dict) -> str:
    rows = "\n".join(
        f"| {src} | {m['windows']} | {m['pinball']:.3f} | {m['mae']:.3f} | {m['naiveMae']:.3f} | {m['coverage80']:.3f} |"
        for src, m in card["validation"]["metrics"].items() if m.get("windows")
    )
    t = card["training"]
    return f"""# Model card: {card['name']} (version {card['version']})

Global N-HiTS-style quantile forecaster for the AIDPE forecast ensemble (candidate `{card['candidate']}`,
contract {card['contract']}: the 512-sample context normalised as in CONTRACT.md, p10/p50/p90 for 288 steps).
Training code: `train_global.py` (`train_global.sh` reproduces this model and its leave-one-source-out folds).

- Architecture: {card['architecture']}; {card['parameters']:,} parameters.
- Data: NAB categories, Azure Functions 2019 (100 functions), simulator series (seeds 1-6), synthetic series
  ({int(card['data']['synthetic share'] * 100)}% of windows); aggregation x{card['data']['aggregations']}.
  {'Held out entirely: ' + card['heldOutSource'] + '.' if card.get('heldOutSource') else 'Every source.'}
- Early stopping on series it does not train on (one in five per source): best step {t['bestStep']} of
  {t['maxSteps']} ({t['stoppedBy']}), {t['seconds']} s on {t['threads']} CPU thread(s), seed {card['seed']}.
- ONNX check (onnxruntime-node vs PyTorch on the golden windows): ok={card['onnxCheck'].get('ok')},
  max relative difference {card['onnxCheck'].get('maxRelDiff')}.

Validation on the held-back series of each training source (normalised units):

| source | windows | pinball | MAE p50 | MAE naive | 80% coverage |
| --- | --- | --- | --- | --- | --- |
{rows}

Out-of-sample value inside the ensemble: see the leave-one-source-out figures of `aidpe forecast-eval` in the
README (models/forecast/README.md), which decide whether the model is in the default ensemble.
"""


def sha256(path: str) -> str:
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def run_fold(held_out: str, all_sources: dict, args) -> None:
    train_sources, val_series, report = {}, [], {}
    for name, series in all_sources.items():
        if name == held_out:
            report[name] = {"series": len(series), "role": "held out (never read)"}
            continue
        tr, va = split(series)
        train_sources[name] = tr
        val_series.extend(va)
        report[name] = {"series": len(series), "train": [s[0] for s in tr], "validation": [s[0] for s in va]}
    val_windows = fixed_windows(val_series)
    print(f"fold {held_out}: {sum(len(v) for v in train_sources.values())} train series, {len(val_series)} "
          f"validation series, {len(val_windows)} validation windows", flush=True)
    model, training = train(train_sources, val_windows, args.seed, args.max_steps, args.batch, args.lr,
                            args.eval_every, args.patience)
    final = held_out == "none"
    out_dir = args.out if final else os.path.join(args.out, "loso")
    os.makedirs(out_dir, exist_ok=True)
    base = NAME if final else f"{NAME}-{held_out}"
    onnx_path = os.path.join(out_dir, base + ".onnx")
    export(model, onnx_path)
    metrics = {}
    for name, series in all_sources.items():
        if name == held_out:
            continue
        _, va = split(series)
        metrics[name] = evaluate(model, fixed_windows(va))
    gold_src = [v for _, v in (all_sources.get("realKnownCause", []) + all_sources.get(AZURE, []))][:2]
    gold_windows = np.stack([v[-W:] for v in gold_src]) if len(gold_src) == 2 else np.stack(
        [D.synth_series(np.random.default_rng(1), W)[0], D.synth_series(np.random.default_rng(2), W)[0]])
    golden_path = os.path.join(out_dir, base + ".golden.json")
    golden(model, gold_windows, golden_path)
    check = check_onnx(onnx_path, golden_path)
    if not final:
        os.remove(golden_path)  # fold models are checked the same way; only the shipped one keeps its vector
    card = {
        "name": base,
        "candidate": "nhits",
        "contract": "v2",
        "version": VERSION,
        "architecture": "N-HiTS-style MLP stacks (max-pool 16/4/2, 8/24/48 interpolated coefficients, hidden 128), p10/p50/p90 heads",
        "parameters": N.parameters(model),
        "heldOutSource": None if final else held_out,
        "trainedAt": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "seed": args.seed,
        "interface": {"context": L, "horizon": H, "quantiles": [0.1, 0.5, 0.9], "inputs": ["past_values [B,512]"],
                      "output": "quantiles [B,288,3] in normalised units", "normalisation": "CONTRACT.md (median / mean absolute deviation)"},
        "data": {"sources": report, "synthetic share": SYNTHETIC_SHARE, "aggregations": list(AGGREGATIONS)},
        "training": {**training, "maxSteps": args.max_steps, "batch": args.batch, "lr": args.lr,
                     "evalEvery": args.eval_every, "patience": args.patience, "threads": args.threads,
                     "torch": torch.__version__, "numpy": np.__version__, "python": platform.python_version()},
        "validation": {"note": "series the model did not train on (one in five per training source); normalised units",
                       "metrics": metrics},
        "onnxCheck": check,
        "sha256": sha256(onnx_path),
    }
    if card["heldOutSource"] is None:
        del card["heldOutSource"]
    with open(os.path.join(out_dir, base + ".card.json"), "w") as fh:
        json.dump(card, fh, indent=2)
    if final:
        with open(os.path.join(out_dir, base + ".md"), "w") as fh:
            fh.write(card_markdown(card))
    print(f"wrote {onnx_path} (check ok={check.get('ok')})", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--sim-dir", required=True)
    ap.add_argument("--data-dir", default=D.DATA_DIR)
    ap.add_argument("--seed", type=int, default=20251201)
    ap.add_argument("--held-out", default="all", help="a source, none (the shipped model) or all (every fold, then none)")
    ap.add_argument("--max-steps", type=int, default=3000)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--eval-every", type=int, default=150)
    ap.add_argument("--patience", type=int, default=6)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    sources = load_nab(args.data_dir)
    sources[AZURE] = load_azure(args.data_dir)
    sources[SIM] = load_sim(args.sim_dir)
    if not sources[SIM]:
        sys.exit(f"no simulator series in {args.sim_dir} (backend/scripts/export-sim-series.ts)")
    folds = sorted(sources) + ["none"] if args.held_out == "all" else [args.held_out]
    for f in folds:
        if f != "none" and f not in sources:
            sys.exit(f"unknown source {f}; known: {', '.join(sorted(sources))}")
        run_fold(f, sources, args)


if __name__ == "__main__":
    main()
