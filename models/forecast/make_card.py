#!/usr/bin/python3
"""Renders the human-readable model card <name>.md from <name>.card.json.

  /usr/bin/python3 models/forecast/make_card.py models/forecast/aidpe-lstm-v1.card.json [...]
"""
from __future__ import annotations

import json
import os
import sys

INTENDED = {
    "aidpe-lstm-v1": "the default fast deep forecaster of the AIDPE sidecar: many series, low latency",
    "aidpe-tft-lite-v1": "the attention-based deep forecaster of the AIDPE sidecar: fewer series, richer seasonal structure",
}


def fmt(x, nd=3):
    return "—" if x is None else f"{x:.{nd}f}"


def render(card: dict) -> str:
    name = card["name"]
    m = card["validation"]["metrics"]
    rows = []
    for src in ("nab", "azure", "sim", "synthetic"):
        if src in m:
            r = m[src]
            rows.append(f"| {src} | {r['windows']} | {fmt(r['pinball'])} | {fmt(r['mae'])} | {fmt(r['coverage80'])} | "
                        f"{fmt(r.get('naiveMae'))} | {fmt(r.get('seasonalNaiveMae'))} |")
    rm = m["realMean"]
    rows.append(f"| mean of real sources | | {fmt(rm['pinball'])} | {fmt(rm['mae'])} | {fmt(rm['coverage80'])} | | |")
    td = card["trainingData"]
    nab_used = [f for f in td["nab"]["files"] if f.get("windows")]
    nab_skipped = [f for f in td["nab"]["files"] if not f.get("windows")]
    oc = card.get("onnxCheck", {})
    lat = oc.get("inferenceMsBatch8") or {}
    tr = card["training"]
    return f"""# Model card: {name} (version {card['version']})

## Summary
- **Task**: {card['task']}.
- **Architecture**: {card['architecture']}.
- **Parameters**: {card['parameters']:,}.
- **Interface**: context {card['context']} samples → horizon {card['horizon']} samples, quantiles {', '.join(str(q) for q in card['quantiles'])};
  inputs `past_values [B,512]`, `past_time [B,512,4]`, `future_time [B,288,4]`, `static [B,2]`; output `quantiles [B,288,3]`
  in normalised units (value = loc + scale·q). Preprocessing: [CONTRACT.md](CONTRACT.md).
- **File**: `{card['onnx']['file']}` ({card['onnx']['bytes']:,} bytes, ONNX opset 17, dynamic batch),
  sha256 `{card['sha256']}`.
- **Golden vectors**: `{card['golden']}` (batch of 2; onnxruntime must match to 1e-4).

## Intended use
Zero-shot forecasting of a single operational metric (request rate, CPU, latency, memory, counts, business
demand) sampled on a regular grid, as {INTENDED.get(name, 'a forecaster of the AIDPE sidecar')}: capacity
planning, autoscaling look-ahead, and anomaly baselines (the p10–p90 band). The model is step-agnostic
(trained on 60 s … 3600 s steps) and needs exactly 512 past samples; the caller imputes gaps, normalises,
builds the time features and maps the quantiles back.

Not intended for: series with fewer than 512 samples (pad or use a statistical model), forecasts beyond 288
steps (roll forward at your own risk: errors compound), multivariate or causal what-if questions, or
safety-critical decisions without a fallback.

## Training data
Mixture per batch: {', '.join(f'{k} {v:.0%}' for k, v in td['mixture'].items())}; every window normalised as in
CONTRACT.md; loss {card['loss']}.
- **NAB** (MIT): {len(nab_used)} files used; {td['nab']['rule']}. Skipped (usable prefix shorter than 800 rows):
  {', '.join(f['file'] for f in nab_skipped) or 'none'}. Coarser copies (mean of 2 or 6 rows) add 600 s / 1800 s /
  3 h steps where long enough. Validation: {td['nab']['validation']}.
- **Azure Functions 2019** (CC-BY 4.0): `{td['azureFunctions2019']['file']}`, {td['azureFunctions2019']['functions']}
  functions × {td['azureFunctions2019']['minutes']} minutes; {len(td['azureFunctions2019']['trainFunctions'])} functions for
  training, {len(td['azureFunctions2019']['valFunctions'])} held out (every 5th) for validation; {td['azureFunctions2019']['series']}.
- **Simulator** (AIDPE's simulated 16-service cluster replaying the Azure trace with random faults):
  {td['simulator'].get('files', 0)} CSVs from `{td['simulator']['generator']}`; seed 6 held out for validation.
- **Synthetic**: {td['synthetic']['generator']}: daily/weekly seasonality with random shapes, cron-like periodic jobs,
  trends, random walks, level shifts, spikes, additive / multiplicative / Poisson noise, clipping and rounding;
  steps {', '.join(map(str, td['synthetic']['steps']))} s; generated on the fly.
- Windows seen in training: {td['trainingWindowsSeen']:,}.

## Metrics (validation windows, normalised units)
Pinball = mean quantile loss over (0.1, 0.5, 0.9); MAE of p50; coverage of the p10–p90 interval (target 0.80).
Naive = last value repeated; seasonal naive = the value one day earlier when a day fits in the context (else naive).

| source | windows | pinball | MAE | 80% coverage | naive MAE | seasonal-naive MAE |
| --- | --- | --- | --- | --- | --- | --- |
{chr(10).join(rows)}

Model selection: {card['validation']['selection']} (best step {tr['bestStep']} of {tr['steps']}, stopped by {tr['stoppedBy']}).

## Runtime
- ONNX vs PyTorch ({oc.get('runtime', 'not checked')}): max |diff| {json.dumps(oc.get('maxAbsDiff'))}; {('passes' if oc.get('ok') else 'FAILS') if 'ok' in oc else 'not run'} `{oc.get('criterion', '')}`.
- Inference, batch of 8, onnxruntime-node, 1 thread: median {fmt(lat.get('median'), 2)} ms (p90 {fmt(lat.get('p90'), 2)} ms).

## Limitations
- Trained on few real series (NAB prefixes, one day of Azure Functions, simulator output): real generalisation
  rests largely on the synthetic mixture. Expect weaker results on regimes absent from it (e.g. multi-week
  seasonality, very bursty sparse counts).
- Context 512: at 60 s steps the context covers 8.5 h, so the daily shape is inferred from time features and
  the partial day only; at ≥ 300 s the context covers ≥ 1.8 days.
- Normalisation: a constant context gives scale = max(1e-3·|loc|, 1e-9); any change after it is out of scale and
  clipped to ±50 in training. Outputs are in normalised units and can exceed the physical range (negative
  counts, > 100 %): clip after mapping back if the metric is bounded.
- Interval calibration is only as good as the validation coverage above; level shifts and spikes in the horizon
  are not predictable from the context.
- Validation is on held-out windows of the same sources, not on the project's scored evaluation data (kept out
  entirely).

## Version and provenance
- Version {card['version']}, trained {card['trainedAt']} in {card['trainingSeconds']:.0f} s (CPU, {tr['threads']} thread),
  seed {card['seed']}, torch {card['torchVersion']}, numpy {card['numpyVersion']}, Python {card['python']}.
- Optimiser: {tr['optimizer']}, batch {tr['batch']}.
- Reproduce: `bash models/forecast/train.sh` (see README.md).
- Checksum (sha256 of `{card['onnx']['file']}`): `{card['sha256']}`.
"""


def main(paths):
    for p in paths:
        card = json.load(open(p))
        out = os.path.join(os.path.dirname(p), f"{card['name']}.md")
        with open(out, "w") as fh:
            fh.write(render(card))
        print(f"wrote {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
