#!/usr/bin/python3
"""Leave-one-trace-family-out selection of the RL training length from the fold runs of train_ppo.py.

  /usr/bin/python3 models/autoscale/select_loto.py FOLD_azure.json FOLD_nab.json FOLD_synthetic.json --out SELECTION.json

Each fold trained on two trace families and scored its greedy actor on fixed windows of the third (never
trained on) every K iterations. For each checkpoint iteration that every fold has, the mean held-out score
over the folds is computed (autoscale-eval's criterion: violation change vs the HPA twin + 10 x any excess of
replica-hours or scaling actions; lower is better); the iteration count with the lowest mean is selected, and
the shipped model is trained on all families for that many iterations. The per-fold figures at the selected
count are the RL policy's leave-one-family-out figures.
"""
from __future__ import annotations

import argparse
import json


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("folds", nargs="+")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    folds = [json.load(open(f)) for f in args.folds]
    by_fold = [{v["iteration"]: v for v in f["validations"]} for f in folds]
    common = sorted(set.intersection(*[set(b) for b in by_fold]))
    if not common:
        raise SystemExit("the folds share no validated iteration")
    table = []
    for it in common:
        scores = [b[it]["score"] for b in by_fold]
        table.append({"iteration": it, "meanScore": sum(scores) / len(scores),
                      "perFold": {f["holdout"]: {k: round(b[it][k], 4) for k in ("score", "violationChange", "replicaChange", "actionChange")}
                                  for f, b in zip(folds, by_fold)}})
    best = min(table, key=lambda r: (r["meanScore"], r["iteration"]))
    out = {"criterion": "mean over the held-out trace families of (violation change vs the HPA twin + 10 x excess replica change + 10 x excess action change)",
           "selectedIterations": best["iteration"], "selected": best, "table": table,
           "folds": [{"holdout": f["holdout"], "wallMinutes": f["wallMinutes"], "iterations": f["iterations"]} for f in folds]}
    with open(args.out, "w") as fh:
        json.dump(out, fh, indent=1)
    print(json.dumps({"selectedIterations": best["iteration"], "meanScore": round(best["meanScore"], 4), "perFold": best["perFold"]}))


if __name__ == "__main__":
    main()
