#!/usr/bin/env python3
"""Trains aidpe-mvae-v1: a small dense autoencoder over windows of normalised per-service metric vectors.

Input: the export of backend/scripts/export-mv.ts (fault-free simulator runs; train.f32 / val.f32 rows of
window x features, already normalised online by the detector's MvWindower; meta.json). Output into --out:
aidpe-mvae-v1.onnx (opset 17; input `window` float32 [batch, window*features], output `reconstruction`
float32 of the same shape, dynamic batch axis), .golden.json, .card.json (without the detection
evaluation, which train.sh merges in after `aidpe mv-eval`).

Validation: reconstruction-error quantiles on held-out fault-free runs (other seeds), for early stopping
and the card. CPU, one thread, deterministic given --seed.
"""
import argparse
import hashlib
import json
import os
import time

import numpy as np
import torch
from torch import nn

NAME = "aidpe-mvae-v1"
VERSION = "1.0.0"


class Autoencoder(nn.Module):
    def __init__(self, width: int, hidden: int, bottleneck: int):
        super().__init__()
        # Leaky ReLU, not tanh: piecewise linear, so a large but consistent swing (a traffic burst with CPU and
        # latency following) is still reconstructed instead of saturating into a false alarm.
        act = lambda: nn.LeakyReLU(0.1)
        self.encoder = nn.Sequential(nn.Linear(width, hidden), act(), nn.Linear(hidden, hidden // 2), act(), nn.Linear(hidden // 2, bottleneck))
        self.decoder = nn.Sequential(nn.Linear(bottleneck, hidden // 2), act(), nn.Linear(hidden // 2, hidden), act(), nn.Linear(hidden, width))

    def forward(self, window):
        return self.decoder(self.encoder(window))


def quantiles(errors):
    qs = [0.5, 0.9, 0.99, 0.999]
    return {f"p{str(q * 100).rstrip('0').rstrip('.')}": float(np.quantile(errors, q)) for q in qs}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=20251123)
    p.add_argument("--epochs", type=int, default=12)
    p.add_argument("--hidden", type=int, default=32)
    p.add_argument("--bottleneck", type=int, default=4)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--newest-weight", type=float, default=6.0, help="the detector's weight of the newest window step in the error (card: scoring)")
    p.add_argument("--augment", type=float, default=0.3, help="share of each batch scaled by U(1, 3): large consistent swings are rare in the runs")
    a = p.parse_args()
    torch.manual_seed(a.seed)
    np.random.seed(a.seed)
    torch.set_num_threads(1)
    meta = json.load(open(os.path.join(a.data, "meta.json")))
    width = meta["window"] * len(meta["features"])
    train = np.fromfile(os.path.join(a.data, "train.f32"), dtype="<f4").reshape(-1, width)
    val = np.fromfile(os.path.join(a.data, "val.f32"), dtype="<f4").reshape(-1, width)
    print(f"train {train.shape}, val {val.shape}", flush=True)
    model = Autoencoder(width, a.hidden, a.bottleneck)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    xt = torch.from_numpy(train)
    xv = torch.from_numpy(val)
    best, best_state, t0 = float("inf"), None, time.time()
    history = []
    for epoch in range(a.epochs):
        model.train()
        perm = torch.randperm(len(xt))
        total = 0.0
        for i in range(0, len(xt), a.batch):
            b = xt[perm[i : i + a.batch]]
            if a.augment > 0:
                scale = torch.where(torch.rand(len(b), 1) < a.augment, 1 + 2 * torch.rand(len(b), 1), torch.ones(len(b), 1))
                b = torch.clamp(b * scale, -meta["normalisation"]["clip"], meta["normalisation"]["clip"])
            loss = ((model(b) - b) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(b)
        model.eval()
        with torch.no_grad():
            vl = ((model(xv) - xv) ** 2).mean().item()
        history.append({"epoch": epoch + 1, "train": total / len(xt), "val": vl})
        print(f"epoch {epoch + 1}: train {total / len(xt):.4f} val {vl:.4f} ({time.time() - t0:.0f} s)", flush=True)
        if vl < best:
            best, best_state = vl, {k: v.clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)
    model.eval()
    with torch.no_grad():
        val_err = ((model(xv) - xv) ** 2).mean(dim=1).numpy()
        identity_err = (xv**2).mean(dim=1).numpy()

    onnx_path = os.path.join(a.out, f"{NAME}.onnx")
    torch.onnx.export(
        model,
        torch.zeros(1, width),
        onnx_path,
        opset_version=17,
        input_names=["window"],
        output_names=["reconstruction"],
        dynamic_axes={"window": {0: "batch"}, "reconstruction": {0: "batch"}},
    )
    sha = hashlib.sha256(open(onnx_path, "rb").read()).hexdigest()
    rng = np.random.default_rng(a.seed)
    golden_in = np.concatenate([val[rng.choice(len(val), 3, replace=False)], np.full((1, width), 3.0, dtype=np.float32)])
    with torch.no_grad():
        golden_out = model(torch.from_numpy(golden_in)).numpy()
    json.dump(
        {"inputs": {"window": {"shape": list(golden_in.shape), "data": golden_in.ravel().tolist()}}, "output": {"shape": list(golden_out.shape), "data": golden_out.ravel().tolist()}, "tolerance": 1e-4},
        open(os.path.join(a.out, f"{NAME}.golden.json"), "w"),
    )
    params = sum(p.numel() for p in model.parameters())
    card = {
        "name": NAME,
        "version": VERSION,
        "task": "reconstruct a window of one service's normalised metric vectors; the detector scores the reconstruction error (backend/src/engines/anomaly/detectors/autoencoder.ts)",
        "architecture": f"dense autoencoder {width} -> {a.hidden} -> {a.hidden // 2} -> {a.bottleneck} -> {a.hidden // 2} -> {a.hidden} -> {width}, leaky ReLU (0.1)",
        "parameters": params,
        "window": meta["window"],
        "features": meta["features"],
        "inputs": [{"name": "window", "dtype": "float32", "shape": ["batch", width], "meaning": "the last `window` normalised vectors, oldest first, features fastest"}],
        "outputs": [{"name": "reconstruction", "dtype": "float32", "shape": ["batch", width], "meaning": "the reconstructed input"}],
        "normalisation": {
            "code": "MvWindower in backend/src/engines/anomaly/detectors/autoencoder.ts (training export and inference run the same code)",
            "rule": "y = sign(x)*log1p(|x|); z = clip((y - mean) / max(sdFloor, sd), -clip, clip) with the EWMA mean/variance of the metric's own past (before the point); cumulative mean for the first normWarmUp points; a missing value is z = 0",
            **meta["normalisation"],
            "warmUp": meta["warmUp"],
        },
        "data": {
            "source": "fault-free runs of the AIDPE simulator (backend/src/sim), every service, per-minute means of 5 s ticks; workloads: Azure Functions 2019 100_inv.csv and 10_inv.csv (seeded row subsets; /work/shared/data/workloads/azure-functions-2019) and the synthetic diurnal trace",
            "export": "backend/scripts/export-mv.ts",
            "minutesPerRun": meta["minutesPerRun"],
            "train": meta["train"],
            "validation": meta["val"],
        },
        "training": {"seed": a.seed, "epochs": a.epochs, "batch": a.batch, "optimizer": "Adam lr 2e-3", "augmentation": f"{a.augment:.0%} of each batch scaled by U(1, 3), then clipped like the normalisation", "loss": "mean squared error", "bestValMse": best, "history": history, "seconds": round(time.time() - t0, 1)},
        "validation": {
            "what": "per-window mean squared reconstruction error on the held-out fault-free runs (seeds not trained on)",
            "windows": int(len(val)),
            "reconstructionError": quantiles(val_err),
            "identityBaseline": {"what": "the same with a model answering 0 (the normalised mean)", **quantiles(identity_err)},
        },
        "scoring": {
            "newestStepWeight": a.newest_weight,
            "why": "the detector weighs the newest step's squared error this much against 1 for each older step: a window still full of normal steps otherwise dilutes a new fault",
            "chosenOn": "aidpe mv-eval --seeds 11,12,13 (a development set: held out from training, not the reported seeds 1,2,3): weight 6 vs 1 gave FP regions 0.016 vs 0.035 per fault-free service-hour, point AUC-PR 0.52 vs 0.36, the same detections and median delay",
        },
        "sha256": sha,
    }
    json.dump(card, open(os.path.join(a.out, f"{NAME}.card.json"), "w"), indent=2)
    print(f"wrote {onnx_path} ({params} parameters, sha256 {sha[:12]}...)", flush=True)


if __name__ == "__main__":
    main()
