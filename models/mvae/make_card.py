#!/usr/bin/env python3
"""Merges the `aidpe mv-eval` result into the model card (the sha256 is not touched)."""
import json
import sys

card_path, eval_path = sys.argv[1], sys.argv[2]
card = json.load(open(card_path))
ev = json.load(open(eval_path))
keep = ["faults", "detected", "detectionRate", "medianDelayMinutes", "falsePositiveRegions", "faultFreeServiceHours", "falsePositivesPerHour", "pointAucPr", "byType", "pointsPerSecond"]
card["evaluation"] = {
    "command": "cd backend && node bin/aidpe.mjs mv-eval --seeds 1,2,3 --out /tmp/mv-eval.json",
    "protocol": ev.get("protocol"),
    "runs": [{"seed": r["seed"], "workload": r["workload"], "faults": len(r["faults"])} for r in ev.get("runs", [])],
    "results": {name: {k: r.get(k) for k in keep} for name, r in ev.get("results", {}).items()},
}
json.dump(card, open(card_path, "w"), indent=2)
print(f"merged the evaluation into {card_path}")
