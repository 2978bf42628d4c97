#!/usr/bin/env python3
"""Merges the `aidpe loganomaly-eval` result into the model card (the sha256s are not touched)."""
import json
import sys

card_path, eval_path = sys.argv[1], sys.argv[2]
card = json.load(open(card_path))
ev = json.load(open(eval_path))
card["evaluation"] = {
    "command": "cd backend && node bin/aidpe.mjs loganomaly-eval --bgl ../../shared/data/loghub-2k/BGL --nezha /tmp/nezha --out /tmp/loganomaly.json",
    "bgl": ev.get("bgl", {}).get("methods"),
    "bglTestLines": ev.get("bgl", {}).get("testLines"),
    "bglTestAnomalies": ev.get("bgl", {}).get("testAnomalies"),
    "bglUnseenTemplateLines": ev.get("bgl", {}).get("unseenTemplates"),
    "nezha": ev.get("nezha", {}).get("summary") if ev.get("nezha") else None,
}
json.dump(card, open(card_path, "w"), indent=2)
print(f"merged the evaluation into {card_path}")
