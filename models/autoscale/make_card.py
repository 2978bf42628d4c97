#!/usr/bin/python3
"""Renders the human-readable model card <name>.md from <name>.card.json, optionally folding in the ONNX
check and `aidpe autoscale-eval` results first.

  /usr/bin/python3 models/autoscale/make_card.py models/autoscale/aidpe-ppo-v1.card.json \
      [--onnx-check CHECK.json] [--eval LABEL=RESULT.json ...]
"""
from __future__ import annotations

import argparse
import json
import os
from decimal import ROUND_HALF_UP, Decimal


def fmt(x, nd=1):
    # Half away from zero, as the CLI's toFixed prints the same numbers.
    return "—" if x is None else str(Decimal(repr(x)).quantize(Decimal(1).scaleb(-nd), rounding=ROUND_HALF_UP))


def pct(x):
    return "—" if x is None else f"{x * 100:+.1f}%"


def eval_summary(label: str, path: str) -> dict:
    r = json.load(open(path))
    rows = []
    for p in r["policies"]:
        row = {"policy": p["policy"] + (f" ({p['mode']})" if p.get("mode") else ""), "available": p["available"]}
        if p["available"]:
            row.update({k: p.get(k) for k in ("sloViolationMinutes", "replicaHours", "scalingActions", "largestStep", "guardViolations", "latencyMs", "policyActions", "proposals")})
        else:
            row["message"] = p.get("message")
        rows.append(row)
    trace = os.path.relpath(r["trace"], os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
    cmd = f"npx aidpe autoscale-eval --trace {trace} --policies {','.join(p['policy'] for p in r['policies'])} --slo-ms {r['sloMs']} --seed {r['seed']} --out RESULT.json"
    return {"label": label, "trace": r["traceName"], "simulatedHours": r["simulatedHours"], "sloMs": r["sloMs"], "seed": r["seed"], "command": cmd,
            "policies": rows, "comparison": r["comparison"]}


def render(card: dict) -> str:
    tr = card["training"]
    hist = tr["history"]
    env = card["environment"]
    lam = tr["lambdaTrajectory"]
    lam_s = ", ".join(f"{x:.2f}" for x in lam[:: max(1, len(lam) // 12)])
    first, last = hist[0], hist[-1]
    k = min(5, len(hist))
    mean = lambda key, h: sum(x[key] for x in h) / len(h)
    oc = card.get("onnxCheck") or {}
    ev = card.get("evaluation") or []
    ev_rows = []
    for e in ev:
        for p in e["policies"]:
            if not p["available"]:
                ev_rows.append(f"| {e['label']} | {p['policy']} | {p.get('message')} | | | | | |")
                continue
            lat = p.get("latencyMs") or {}
            ev_rows.append(f"| {e['label']} | {p['policy']} | {fmt(p['sloViolationMinutes'])} | {fmt(p['replicaHours'])} | {p['scalingActions']} | "
                           f"{p['largestStep']} | {p['guardViolations']} | {fmt(lat.get('p50'), 0)} / {fmt(lat.get('p95'), 0)} / {fmt(lat.get('p99'), 0)} |")
    cmp_lines = []
    for e in ev:
        for c in e["comparison"]:
            cmp_lines.append(f"- {e['label']}, {c['policy']} vs hpa: violation minutes {pct(c['sloViolationMinutesChange'])}, replica-hours {pct(c['replicaHoursChange'])}, "
                             f"scaling actions {pct(c['scalingActionsChange'])}; ≥50% fewer violations at ≤ cost: {'met' if c['fewerViolationsAtSameCost'] else 'not met'}; "
                             f"≥15% cheaper at ≤ violations: {'met' if c['cheaperAtSameSlo'] else 'not met'}; 0 guard violations: {'met' if c['zeroGuardViolations'] else 'NOT met'}; "
                             f"no more actions: {'met' if c['noMoreActions'] else 'not met'}")
    cmds = "\n".join(e["command"] for e in ev)
    return f"""# Model card: {card['name']} (version {card['version']})

## Summary
- **Task**: {card['task']}.
- **Architecture**: {card['architecture']}; {card['parameters']:,} parameters in the exported actor.
- **Interface**: input `obs [batch, {card['inputs'][0]['shape'][1]}]` (float32, features in order:
  {', '.join(f'`{f}`' for f in card['inputs'][0]['features'])}); output `logits [batch, {card['outputs'][0]['shape'][1]}]` over the actions
  {', '.join(f'`{a}`' for a in card['outputs'][0]['actions'])}. Greedy argmax at inference.
  Observation, forecast and actions are defined once in `backend/src/engines/optimiser/rl.ts` and shared by training and inference.
- **File**: `{card['onnx']['file']}` ({card['onnx']['bytes']:,} bytes, ONNX opset 17, dynamic batch), sha256 `{card['sha256']}`.
  The loader (`backend/src/models/rlPolicyModel.ts`) refuses a file whose sha256 differs from this card.
- **Golden vectors**: `{card['golden']}` ({oc.get('argmaxAgree', '?')} greedy actions agree; onnxruntime-node {oc.get('ortVersion', '?')} max |Δ logit| {oc.get('maxAbsDiff', '?')};
  {fmt((oc.get('inferenceMsBatch1') or {}).get('median'), 3)} ms per single-observation call, 1 thread).

## Intended use
The `rl` policy of `aidpe autoscale-eval` and the optimiser: every 30 s, for each HPA-managed service, one parametric change
(set the HPA's minReplicas relative to the replicas now, release the floor, or move the CPU target by 5 points within 50–90%)
that then passes the safety layer (hard bounds, step limits, cooldowns, SLO and forecast-capacity guards, circuit breaker)
before it reaches the cluster; the HPA stays in charge above the floor. Trained only on the AIDPE simulator's 12-service
topology at 5× load; not intended for direct replica control, other topologies without retraining, or use without the
safety layer.

## Environment and reward
`aidpe rl-env` (stdio JSON lines, [PROTOCOL.md](PROTOCOL.md)) serves the same TypeScript simulator the evaluation replays:
{env['agentsPerEnv']} managed services per env, each an agent of the shared actor (one decision per service from its own observation).
- Reward per service and decision: {env['reward']}.
- Constraint cost per env and decision: {env['cost']}.
- Credit assignment: each agent's cost = {1 - tr.get('blame', 0):.2f} × the env's violation share + {tr.get('blame', 0):.2f} × the share attributed
  to its service (violation ticks while its CPU was ≥ 85%: `serviceCosts`). Action penalty {tr.get('actionPenalty', env['defaults']['actionPenalty'])} per applied action.
- Lagrangian: PPO advantage = (A_reward − λ·A_cost)/(1+λ) with two value heads; λ ← max(0, λ + {tr['lambdaLr']}·(mean violation share − {tr['violationBudget']}))
  after each iteration (dual ascent towards a violation budget of {tr['violationBudget'] * 100:.0f}% of the time).
- Forecast in the observation: a cheap periodic-median / phase-90%-quantile forecast of the gateway rate (`rlRateForecast`),
  scaled by each service's fan-out; the forecast engine's ensemble was too slow per simulated minute for training, so the
  same cheap forecast is used at inference.

## Training data
{card['trainingData']['description']}
The exact trace of every env in every iteration is listed in the card JSON (`trainingData.episodes`).

## Training
{tr['algorithm']}; seed {tr['seed']}; {tr['envs']} envs × {tr['iterations']} iterations of {tr['episodeMinutes']}-minute episodes
(after a {tr['warmupMinutes']}-minute HPA-only warm-up) at 30-s decisions; MLP hidden {tr['hidden']}, Adam lr {tr['lr']}, γ {tr['gamma']},
GAE λ {tr['gaeLambda']}, clip {tr['clip']}, {tr['epochs']} epochs, minibatch {tr['minibatch']}, entropy {tr['entropy']};
{tr['wallMinutes']} min wall on {tr['threads']} torch thread + the simulator process (torch {tr['torch']}), on a shared 2-core machine.
{card.get('trainingNotes', '')}

| iterations | mean reward / agent-step | violation share | applied actions / env-step | entropy |
| --- | --- | --- | --- | --- |
| first {k} | {mean('meanReward', hist[:k]):.3f} | {mean('meanViolationShare', hist[:k]):.4f} | {mean('appliedPerEnvStep', hist[:k]):.2f} | {mean('entropy', hist[:k]):.3f} |
| last {k} | {mean('meanReward', hist[-k:]):.3f} | {mean('meanViolationShare', hist[-k:]):.4f} | {mean('appliedPerEnvStep', hist[-k:]):.2f} | {mean('entropy', hist[-k:]):.3f} |

λ trajectory (every {max(1, len(lam) // 12)}th iteration): {lam_s}. Guard violations reported by the env during training: {max(h['guardViolations'] for h in hist)}.
Reproduce: `models/autoscale/train.sh` (deterministic given the seed on one machine).

## Evaluation (`aidpe autoscale-eval`, SLO {ev[0]['sloMs'] if ev else 250} ms, seed {ev[0]['seed'] if ev else 42}; held-out traces as a whole)
| trace | policy | SLO-viol. min | replica-h | scaling actions | largest step | guard viol. | p50 / p95 / p99 ms |
| --- | --- | --- | --- | --- | --- | --- | --- |
{chr(10).join(ev_rows) if ev_rows else '| (not evaluated yet) | | | | | | | |'}

{chr(10).join(cmp_lines)}

{card.get('evaluationNotes', '')}

```bash
{cmds}
```

## Limitations
- Trained briefly ({tr['wallMinutes']} min, small MLP) on one simulated topology; the numbers above are what it is, not tuned.
- Credit assignment is approximate: the SLO is the gateway's, and the attributed cost blames whichever services ran hot during a
  violation; the critic sees only each service's own features. The reward counts replicas, not scaling actions (only a small penalty per applied action).
- Single-function Azure rows used for training may include functions of the 10_inv evaluation trace (not its sum).
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("card")
    ap.add_argument("--onnx-check")
    ap.add_argument("--eval", action="append", default=[], help="LABEL=RESULT.json")
    args = ap.parse_args()
    card = json.load(open(args.card))
    if args.onnx_check:
        card["onnxCheck"] = json.load(open(args.onnx_check))
    if args.eval:
        card["evaluation"] = [eval_summary(*e.split("=", 1)) for e in args.eval]
    with open(args.card, "w") as fh:
        json.dump(card, fh, indent=2)
    md = args.card[: -len(".card.json")] + ".md" if args.card.endswith(".card.json") else args.card + ".md"
    with open(md, "w") as fh:
        fh.write(render(card))
    print(f"wrote {md}")


if __name__ == "__main__":
    main()
