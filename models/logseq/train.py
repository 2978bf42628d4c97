#!/usr/bin/env python3
"""Trains aidpe-logseq-v1: a DeepLog-style next-template LSTM over windows of h template ids.

Input: the training export of backend/scripts/export-logseq.ts (normal-only id sequences; PAD=0, UNK=1,
templates from 2). Output into --out: aidpe-logseq-v1.onnx (opset 17; input `window` int64 [batch, h],
output `probabilities` float32 [batch, V], softmax in the graph), .golden.json, .card.json (without the
evaluation, which train.sh merges in after `aidpe loganomaly-eval`).

Held out: the last 20% of every sequence (time order). top-g is chosen on it, normal data only: the
smallest g whose miss rate on the held-out normal events of each source is at most --target-miss.
CPU, one thread, deterministic given --seed.
"""
import argparse
import hashlib
import json
import os
import time

import numpy as np
import torch
from torch import nn

NAME = "aidpe-logseq-v1"
VERSION = "1.0.0"


class NextTemplate(nn.Module):
    def __init__(self, vocab: int, emb: int, hidden: int):
        super().__init__()
        self.embed = nn.Embedding(vocab, emb)
        self.lstm = nn.LSTM(emb, hidden, num_layers=1, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def logits(self, window):
        out, _ = self.lstm(self.embed(window))
        return self.head(out[:, -1, :])

    def forward(self, window):
        return torch.softmax(self.logits(window), dim=-1)


def windows(seq, h, pad):
    padded = [pad] * h + list(seq)
    xs = [padded[i : i + h] for i in range(len(seq))]
    return xs, list(seq)


def split(seqs, frac):
    train, val = [], []
    for s in seqs:
        cut = int(round(len(s) * (1 - frac)))
        train.append(s[:cut])
        # The held-out part keeps its real history (the h events before it).
        val.append((s[max(0, cut - 64) : cut], s[cut:]))
    return train, val


def build(seqs, h, pad):
    X, Y = [], []
    for s in seqs:
        x, y = windows(s, h, pad)
        X += x
        Y += y
    return X, Y


def build_val(pairs, h, pad):
    X, Y = [], []
    for hist, s in pairs:
        full = list(hist) + list(s)
        x, y = windows(full, h, pad)
        X += x[len(hist) :]
        Y += y[len(hist) :]
    return X, Y


def miss_rates(model, X, Y, pad, unk, gs):
    if not X:
        return {g: None for g in gs}
    with torch.no_grad():
        p = model(torch.tensor(X, dtype=torch.long)).numpy()
    y = np.array(Y)
    p[:, pad] = -1
    p[:, unk] = -1
    actual = p[np.arange(len(y)), y]
    # rank = 1 + number of other templates at least as probable (ties count against the actual one)
    rank = (p >= actual[:, None]).sum(axis=1)
    unseen = y == unk
    return {g: float(((rank > g) | unseen).mean()) for g in gs}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=20251123)
    ap.add_argument("--h", type=int, default=10)
    ap.add_argument("--emb", type=int, default=32)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--bgl-weight", type=int, default=5, help="repeat BGL windows (904 events vs ~25k Nezha)")
    ap.add_argument("--target-miss", type=float, default=0.05)
    ap.add_argument("--minutes", type=float, default=12, help="safety cap on training time")
    a = ap.parse_args()

    torch.manual_seed(a.seed)
    np.random.seed(a.seed)
    torch.set_num_threads(1)
    started = time.time()
    data = json.load(open(a.data))
    vocab = data["vocabulary"]
    pad, unk = vocab["padId"], vocab["unkId"]
    V = max([pad, unk] + list(vocab["templates"].values())) + 1
    bgl_train, bgl_val = split(data["sequences"]["bgl"], 0.2)
    nez_train, nez_val = split(data["sequences"]["nezha"], 0.2)
    Xb, Yb = build(bgl_train, a.h, pad)
    Xn, Yn = build(nez_train, a.h, pad)
    X = torch.tensor(Xb * a.bgl_weight + Xn, dtype=torch.long)
    Y = torch.tensor(Yb * a.bgl_weight + Yn, dtype=torch.long)
    val = {"bgl": build_val(bgl_val, a.h, pad), "nezha": build_val(nez_val, a.h, pad)}
    Xv = torch.tensor(val["bgl"][0] + val["nezha"][0], dtype=torch.long)
    Yv = torch.tensor(val["bgl"][1] + val["nezha"][1], dtype=torch.long)

    model = NextTemplate(V, a.emb, a.hidden)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(a.seed)
    best, best_state, history = float("inf"), None, []
    for epoch in range(a.epochs):
        model.train()
        order = torch.randperm(len(X), generator=gen)
        total = 0.0
        for i in range(0, len(X), 256):
            idx = order[i : i + 256]
            opt.zero_grad()
            loss = loss_fn(model.logits(X[idx]), Y[idx])
            loss.backward()
            opt.step()
            total += float(loss) * len(idx)
        model.eval()
        with torch.no_grad():
            vloss = float(loss_fn(model.logits(Xv), Yv)) if len(Xv) else float("nan")
        history.append({"epoch": epoch + 1, "train_loss": total / len(X), "val_loss": vloss})
        print(f"epoch {epoch + 1}: train {total / len(X):.4f} val {vloss:.4f}", flush=True)
        if vloss < best:
            best, best_state = vloss, {k: v.clone() for k, v in model.state_dict().items()}
        if time.time() - started > a.minutes * 60:
            print("time cap reached", flush=True)
            break
    model.load_state_dict(best_state)
    model.eval()

    gs = list(range(1, 21))
    rates = {src: miss_rates(model, val[src][0], val[src][1], pad, unk, gs) for src in val}
    top_g = next((g for g in gs if all(rates[s][g] is None or rates[s][g] <= a.target_miss for s in rates)), gs[-1])
    print(f"top-g {top_g}: held-out normal miss rate bgl {rates['bgl'][top_g]} nezha {rates['nezha'][top_g]}", flush=True)

    os.makedirs(a.out, exist_ok=True)
    onnx_path = os.path.join(a.out, f"{NAME}.onnx")
    example = torch.full((1, a.h), pad, dtype=torch.long)
    torch.onnx.export(
        model,
        (example,),
        onnx_path,
        input_names=["window"],
        output_names=["probabilities"],
        dynamic_axes={"window": {0: "batch"}, "probabilities": {0: "batch"}},
        opset_version=17,
        do_constant_folding=True,
    )
    sha = hashlib.sha256(open(onnx_path, "rb").read()).hexdigest()

    # Golden vectors: a few held-out windows (and an all-PAD one) with PyTorch's probabilities.
    gold_windows = [[pad] * a.h] + val["nezha"][0][:2] + val["bgl"][0][:1]
    with torch.no_grad():
        gold_out = model(torch.tensor(gold_windows, dtype=torch.long)).numpy()
    json.dump(
        {"inputs": {"window": {"shape": [len(gold_windows), a.h], "data": [int(v) for w in gold_windows for v in w]}},
         "output": {"shape": list(gold_out.shape), "data": [float(v) for v in gold_out.reshape(-1)]},
         "tolerance": 1e-5},
        open(os.path.join(a.out, f"{NAME}.golden.json"), "w"),
    )

    vocab_path = os.path.join(a.out, f"{NAME}.vocab.json")
    vocab_sha = hashlib.sha256(open(vocab_path, "rb").read()).hexdigest() if os.path.exists(vocab_path) else None
    params = sum(p.numel() for p in model.parameters())
    card = {
        "name": NAME,
        "version": VERSION,
        "task": "next log-template prediction over a window of template ids (DeepLog rule: an event is anomalous when its template is not among the top-g predicted, or outside the vocabulary)",
        "architecture": f"embedding {a.emb} -> 1-layer LSTM (hidden {a.hidden}) -> linear -> softmax over {V} ids",
        "parameters": int(params),
        "window": a.h,
        "topG": top_g,
        "vocabulary": {
            "file": f"{NAME}.vocab.json",
            "sha256": vocab_sha,
            "size": V,
            "padId": pad,
            "unkId": unk,
            "templates": len(vocab["templates"]),
            "built": "AIDPE's parser (Drain.aidpe: Drain3 tree, sim_th 0.5, AIDPE masks, loghub template text) mining the normal training lines in time order; ids from 2 in order of first appearance; PAD=0 in front of a stream's first events, UNK=1 for any template the parser's match() does not find (fallback full search, no learning)",
        },
        "inputs": [{"name": "window", "dtype": "int64", "shape": ["batch", a.h], "meaning": "the previous h template ids, oldest first"}],
        "outputs": [{"name": "probabilities", "dtype": "float32", "shape": ["batch", V], "meaning": "probability of each id being next"}],
        "data": {
            "bgl": dict(data["sources"]["bgl"], protocol="DeepLog: the first 50% of BGL_2k in time order, normal lines (label '-') only; the rest is the test part"),
            "nezha": data["sources"]["nezha"],
            "nezhaProtocol": "per-service streams in time order: the fault-free construct_data minute and each injection minute before its injection time; fault windows are never trained on",
            "heldOut": "last 20% of every sequence (normal), for early stopping and the choice of top-g",
        },
        "training": {"seed": a.seed, "epochs": len(history), "bestValLoss": best, "bglWeight": a.bgl_weight, "optimizer": "Adam 3e-3, batch 256", "seconds": round(time.time() - started, 1), "torch": torch.__version__, "history": history},
        "validation": {"targetMissRate": a.target_miss, "heldOutMissRateByG": {s: {str(g): r for g, r in rates[s].items()} for s in rates}, "heldOutEvents": {s: len(val[s][1]) for s in val}},
        "opset": 17,
        "sha256": sha,
        "trainedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "reproduce": "models/logseq/train.sh",
    }
    json.dump(card, open(os.path.join(a.out, f"{NAME}.card.json"), "w"), indent=2)
    print(f"wrote {onnx_path} ({params} parameters, sha256 {sha[:12]}...)", flush=True)


if __name__ == "__main__":
    main()
