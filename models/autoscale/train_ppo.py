#!/usr/bin/python3
"""Trains the AIDPE RL autoscaling policy (PPO actor-critic, constrained: Lagrangian multipliers on the SLO,
the replica-hours and the scaling actions) against the TypeScript simulator, driven over stdio through
`aidpe rl-env` (protocol 2: PROTOCOL.md), and ships the actor as ONNX (opset 17) with a model card and golden
vectors.

  PATH=$PWD/node_modules/.bin:$PATH nice -n 10 /usr/bin/python3 models/autoscale/train_ppo.py --out models/autoscale --export

Every env is one simulated cluster with an HPA twin (the same cluster, seed and load under the HPA alone); every
managed service in it is one agent of a shared actor (per-service observation, one discrete parametric action).
- Reward per agent: -(mean replicas / hard max) - action penalty (dense: cheaper is better).
- Constrained costs, each with its own multiplier (dual ascent after every iteration):
  SLO: the env's violation share (partly attributed to the services that ran hot), budget: half the HPA twin's
  share (the issue's "50% fewer violation minutes") plus a small floor;
  replica-hours: the agent's replicas minus the twin's (per service, / hard max), budget 0;
  scaling actions: the agent's scale events minus the twin's (per service), budget 0.
  PPO advantage = (A_reward - sum_k lambda_k A_cost_k) / (1 + sum_k lambda_k) with one value head per term.
- Curriculum over trace families (azure: Azure Functions 2019 rows and row sums; nab: NAB request-count-like
  series; synthetic: diurnal, bursty, flash crowds, level shifts, diurnal mixes): smooth shapes first, bursty ones
  weighted up as training goes on; a random window of each trace per episode.
- Leave-one-trace-family-out selection (`--holdout FAMILY --validate-every K`): the family is never trained on;
  every K iterations the greedy actor is replayed on fixed validation windows of it and scored with the criterion
  `aidpe autoscale-eval` uses (violation change vs the HPA twin + 10 x any excess of replica-hours or scaling
  actions). `select_loto.py` picks the iteration count with the best mean held-out score over the folds; the
  shipped model is trained on all families for that many iterations (`--export`). Never the evaluation traces.
Deterministic given --seed (simulator, trace sampling, network init, action sampling) on one machine.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import time

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
DATA = os.path.join(REPO, "..", "shared", "data")
NAME = "aidpe-ppo-v2"
VERSION = "2.0.0"
COSTS = ("slo", "replicas", "actions")
FAMILIES = ("azure", "nab", "synthetic")
# NAB series whose values behave like a request rate (counts, demand, or daily-shaped load).
NAB_FILES = [
    ("realAWSCloudwatch/elb_request_count_8c0756.csv", 300),
    ("realKnownCause/nyc_taxi.csv", 1800),
    ("artificialNoAnomaly/art_daily_small_noise.csv", 300),
    ("artificialWithAnomaly/art_daily_jumpsup.csv", 300),
    ("artificialWithAnomaly/art_load_balancer_spikes.csv", 300),
    ("artificialWithAnomaly/art_increase_spike_density.csv", 300),
]
SMOOTH = {"diurnal", "mix", "nyc_taxi", "art_daily_small_noise", "sum"}


class EnvClient:
    """`aidpe rl-env` subprocesses: one JSON line out, one JSON line back. With several processes the envs of a
    reset/step are split among them in order and the answers joined, so the simulator runs on several cores."""

    def __init__(self, node: str, processes: int = 1):
        self.procs = [subprocess.Popen([node, os.path.join(REPO, "backend", "bin", "aidpe.mjs"), "rl-env"], stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, text=True, bufsize=1, cwd=REPO) for _ in range(processes)]
        self.split = [1] + [0] * (processes - 1)

    def _send(self, proc, msg):
        proc.stdin.write(json.dumps(msg) + "\n")
        proc.stdin.flush()

    def _recv(self, proc):
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError("aidpe rl-env exited")
        ans = json.loads(line)
        if not ans.get("ok"):
            raise RuntimeError(f"aidpe rl-env: {ans.get('error')}")
        return ans

    def call(self, msg: dict) -> dict:
        cmd = msg["cmd"]
        if cmd in ("spec", "close"):
            for p in self.procs[: 1 if cmd == "spec" else None]:
                self._send(p, msg)
            return [self._recv(p) for p in self.procs[: 1 if cmd == "spec" else None]][0]
        if cmd == "reset":
            n = len(msg["seeds"])
            k = min(len(self.procs), n)
            self.split = [n // k + (1 if i < n % k else 0) for i in range(k)] + [0] * (len(self.procs) - k)
        parts, start = [], 0
        for p, m in zip(self.procs, self.split):
            if m == 0:
                continue
            sub = dict(msg)
            for key in ("seeds", "traces", "actions"):
                if key in msg:
                    sub[key] = msg[key][start:start + m]
            if isinstance(msg.get("options"), list):
                sub["options"] = msg["options"][start:start + m]
            self._send(p, sub)
            parts.append(p)
            start += m
        answers = [self._recv(p) for p in parts]
        out = {"ok": True}
        for key in answers[0]:
            if isinstance(answers[0][key], list):
                out[key] = [x for a in answers for x in a[key]]
        return out

    def close(self):
        try:
            self.call({"cmd": "close"})
        finally:
            for p in self.procs:
                p.wait(timeout=30)


class ActorCritic(nn.Module):
    def __init__(self, obs_dim: int, act_dim: int, hidden: int):
        super().__init__()
        self.actor = nn.Sequential(nn.Linear(obs_dim, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh(), nn.Linear(hidden, act_dim))
        # One value head for the reward and one per constrained cost.
        self.critic = nn.Sequential(nn.Linear(obs_dim, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh(), nn.Linear(hidden, 1 + len(COSTS)))
        with torch.no_grad():
            self.actor[-1].weight.mul_(0.01)
            self.actor[-1].bias.zero_()
            # Start near "leave the HPA alone" (p(noop) ~ 0.5): the HPA twin's own costs, a feasible start for two constraints.
            self.actor[-1].bias[0] = 2.0


class Actor(nn.Module):
    def __init__(self, ac: ActorCritic):
        super().__init__()
        self.net = ac.actor

    def forward(self, obs):
        return self.net(obs)


def azure_row_volumes(path: str):
    vols = []
    with open(path) as fh:
        header = fh.readline().split(",")
        first = next(i for i, h in enumerate(header) if h.strip().startswith("minute_"))
        for i, line in enumerate(fh):
            cells = line.strip().split(",")
            vols.append((sum(float(c) for c in cells[first:] if c), i))
    return [i for v, i in sorted(vols, reverse=True) if v > 0]


def nab_minutes(rel: str, step: int) -> int:
    with open(os.path.join(DATA, "nab", "data", rel)) as fh:
        return (sum(1 for _ in fh) - 1) * step // 60


def sample_spec(rng: random.Random, family: str, rows: list[int], nab: list[tuple[str, int, int]], progress: float):
    """One trace spec of the family and its length in minutes; smooth shapes early, bursty ones later."""
    w_smooth, w_bursty = 1.5 - progress, 0.5 + progress

    def pick(options):
        weights = [w_smooth if o[0] in SMOOTH else w_bursty for o in options]
        return rng.choices(options, weights=weights)[0]

    if family == "azure":
        kind = pick([("single", None), ("sum", None)])[0]
        if kind == "single":
            return {"azure": "100_inv.csv", "rows": [rng.choice(rows[:30])]}, 1440, kind
        return {"azure": "100_inv.csv", "rows": sorted(rng.sample(rows[:40], rng.randint(2, 4)))}, 1440, kind
    if family == "nab":
        name, rel, minutes = pick([(os.path.basename(r).removesuffix(".csv"), r, m) for r, _s, m in nab])
        return {"file": os.path.join(DATA, "nab", "data", rel)}, minutes, name
    kind = pick([(k, None) for k in ("diurnal", "mix", "bursty", "flash", "regime")])[0]
    minutes = 1440 if kind in ("diurnal", "bursty") else 3 * 1440
    return {"synthetic": kind, "seed": rng.randrange(1 << 30), "minutes": minutes}, minutes, kind


def episode(rng: random.Random, families: list[str], rows, nab, progress: float, episode_min: int, warmup_min: int, penalty: float):
    family = rng.choice(families)
    spec, minutes, kind = sample_spec(rng, family, rows, nab, progress)
    offset = rng.randrange(0, max(1, minutes - episode_min - warmup_min))
    opts = {"offsetMinutes": offset, "episodeMinutes": episode_min, "warmupMinutes": warmup_min, "actionPenalty": penalty, "hpaTwin": True}
    return spec, opts, f"{family}/{kind}"


def gae(rew, val, gamma, lam):
    """rew, val: [T, A]; bootstrap 0 after the last step (episodes end together)."""
    T = rew.shape[0]
    adv = np.zeros_like(rew)
    last = np.zeros(rew.shape[1], dtype=np.float64)
    for t in reversed(range(T)):
        nxt = val[t + 1] if t + 1 < T else 0.0
        delta = rew[t] + gamma * nxt - val[t]
        last = delta + gamma * lam * last
        adv[t] = last
    return adv, adv + val


def target_score(viol, hpa_viol, rep, hpa_rep, act, hpa_act):
    """autoscale-eval's selection criterion on one episode (lower is better)."""
    rel = lambda a, b: (a - b) / b if b > 0 else (0.0 if a == 0 else float(a))
    return rel(viol, hpa_viol) + 10 * max(0.0, rel(rep, hpa_rep)) + 10 * max(0.0, rel(act, hpa_act))


def validate(env: EnvClient, ac: ActorCritic, specs, seeds, opts, agents, obs_dim):
    """Greedy replay of fixed validation windows; per episode the totals against the HPA twin and the score."""
    ans = env.call({"cmd": "reset", "seeds": seeds, "traces": specs, "options": opts})
    n = len(seeds)
    obs = np.asarray(ans["obs"], dtype=np.float32).reshape(n * agents, obs_dim)
    tot = {k: np.zeros(n) for k in ("viol", "hviol", "rep", "hrep", "act", "hact", "steps")}
    done = np.zeros(n, dtype=bool)
    while True:
        with torch.no_grad():
            act = ac.actor(torch.from_numpy(obs)).argmax(-1).numpy()
        ans = env.call({"cmd": "step", "actions": act.reshape(n, agents).tolist()})
        for i in range(n):
            if done[i]:
                continue
            tot["viol"][i] += ans["costs"][i]
            tot["hviol"][i] += ans["hpaViolationShares"][i]
            hrep = np.asarray(ans["hpaReplicas"][i])
            tot["hrep"][i] += hrep.sum()
            tot["rep"][i] += hrep.sum() + np.asarray(ans["replicaExcess"][i]).sum()
            hact = np.asarray(ans["hpaActions"][i])
            tot["hact"][i] += hact.sum()
            tot["act"][i] += hact.sum() + np.asarray(ans["actionExcess"][i]).sum()
            tot["steps"][i] += 1
            done[i] = ans["dones"][i]
        obs = np.asarray(ans["obs"], dtype=np.float32).reshape(n * agents, obs_dim)
        if done.all():
            break
    scores = [target_score(tot["viol"][i], tot["hviol"][i], tot["rep"][i], tot["hrep"][i], tot["act"][i], tot["hact"][i]) for i in range(n)]
    rel = lambda a, b: float((a.sum() - b.sum()) / b.sum()) if b.sum() > 0 else 0.0
    return {"score": float(np.mean(scores)), "scores": [round(s, 4) for s in scores],
            "violationChange": rel(tot["viol"], tot["hviol"]), "replicaChange": rel(tot["rep"], tot["hrep"]),
            "actionChange": rel(tot["act"], tot["hact"])}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=HERE)
    ap.add_argument("--seed", type=int, default=20251206)
    ap.add_argument("--envs", type=int, default=6)
    ap.add_argument("--iterations", type=int, default=40)
    ap.add_argument("--minutes", type=float, default=20.0, help="wall-clock cap on this run (safety net)")
    ap.add_argument("--episode-minutes", type=int, default=180)
    ap.add_argument("--warmup-minutes", type=int, default=30)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--lr", type=float, default=3e-4)
    ap.add_argument("--gamma", type=float, default=0.99)
    ap.add_argument("--gae-lambda", type=float, default=0.95)
    ap.add_argument("--clip", type=float, default=0.2)
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--minibatch", type=int, default=4096)
    ap.add_argument("--entropy", type=float, default=0.003)
    ap.add_argument("--action-penalty", type=float, default=0.01, help="reward charge per applied action (env option)")
    ap.add_argument("--blame", type=float, default=0.5, help="weight of the per-service attributed SLO cost (rest: the env's)")
    ap.add_argument("--slo-budget-ratio", type=float, default=0.5, help="SLO budget: this share of the HPA twin's violation share")
    ap.add_argument("--slo-budget-floor", type=float, default=0.002, help="... plus this share of the time")
    ap.add_argument("--lambda-init", type=float, nargs=3, default=[1.0, 1.0, 0.5], metavar=("SLO", "REPLICAS", "ACTIONS"))
    ap.add_argument("--lambda-lr", type=float, nargs=3, default=[20.0, 20.0, 2.0], metavar=("SLO", "REPLICAS", "ACTIONS"))
    ap.add_argument("--lambda-max", type=float, default=50.0)
    ap.add_argument("--holdout", choices=FAMILIES, help="a trace family never trained on (leave-one-family-out fold)")
    ap.add_argument("--validate-every", type=int, default=0, help="with --holdout: score the greedy actor on it every K iterations")
    ap.add_argument("--validation-episodes", type=int, default=4)
    ap.add_argument("--export", action="store_true", help="write the ONNX model, golden vectors and card to --out")
    ap.add_argument("--log", help="write the run's history (and validations) to this JSON file")
    ap.add_argument("--selection", help="the select_loto.py result the iteration count came from (recorded in the card)")
    ap.add_argument("--node", default=os.environ.get("NODE", "node"))
    ap.add_argument("--processes", type=int, default=3, help="simulator processes the envs are split among")
    args = ap.parse_args()

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(1)
    rng = random.Random(args.seed)
    rows = azure_row_volumes(os.path.join(DATA, "workloads", "azure-functions-2019", "100_inv.csv"))
    nab = [(rel, step, nab_minutes(rel, step)) for rel, step in NAB_FILES]
    families = [f for f in FAMILIES if f != args.holdout]

    env = EnvClient(args.node, args.processes)
    spec = env.call({"cmd": "spec"})["spec"]
    if spec["protocol"] < 2:
        raise SystemExit("aidpe rl-env speaks protocol < 2 (no HPA twin); update the repository")
    obs_dim, act_dim, agents = spec["obsDim"], spec["actionDim"], spec["agentsPerEnv"]
    ac = ActorCritic(obs_dim, act_dim, args.hidden)
    opt = torch.optim.Adam(ac.parameters(), lr=args.lr)
    lam = list(args.lambda_init)
    history, validations, trace_log = [], [], []
    started = time.time()
    gen = torch.Generator().manual_seed(args.seed)

    # Fixed validation windows of the held-out family (their own seeded generator).
    vspecs = vseeds = vopts = None
    if args.holdout and args.validate_every > 0:
        vrng = random.Random(args.seed + 1)
        vs = [episode(vrng, [args.holdout], rows, nab, 0.5, args.episode_minutes, args.warmup_minutes, args.action_penalty)
              for _ in range(args.validation_episodes)]
        vspecs, vopts = [s for s, _, _ in vs], [o for _, o, _ in vs]
        vseeds = [vrng.randrange(1 << 30) for _ in vs]

    def run_validation(it):
        if vspecs is None:
            return
        t0 = time.time()
        v = validate(env, ac, vspecs, vseeds, vopts, agents, obs_dim)
        v.update({"iteration": it, "seconds": round(time.time() - t0, 1)})
        validations.append(v)
        print(json.dumps({"validation": v}), flush=True)

    it = 0
    for it in range(args.iterations):
        if (time.time() - started) / 60 > args.minutes:
            print(f"wall-clock cap reached after {it} iterations", flush=True)
            break
        if args.validate_every > 0 and it > 0 and it % args.validate_every == 0:
            run_validation(it)
        t0 = time.time()
        progress = it / max(1, args.iterations - 1)
        eps = [episode(rng, families, rows, nab, progress, args.episode_minutes, args.warmup_minutes, args.action_penalty) for _ in range(args.envs)]
        specs, opts, kinds = zip(*eps)
        seeds = [rng.randrange(1 << 30) for _ in range(args.envs)]
        trace_log.append([json.dumps(s, sort_keys=True) for s in specs])
        ans = env.call({"cmd": "reset", "seeds": seeds, "traces": list(specs), "options": list(opts)})
        obs = np.asarray(ans["obs"], dtype=np.float32).reshape(args.envs * agents, obs_dim)
        O, A, LP, R, V = [], [], [], [], []
        C = {k: [] for k in COSTS}
        env_viol, twin_viol = [], []
        applied = rejected = guard = 0
        while True:
            with torch.no_grad():
                ot = torch.from_numpy(obs)
                logits = ac.actor(ot)
                dist = torch.distributions.Categorical(logits=logits)
                # Sampling from our own generator keeps the run deterministic given the seed.
                act = torch.multinomial(torch.softmax(logits, -1), 1, generator=gen).squeeze(-1)
                lp = dist.log_prob(act)
                v = ac.critic(ot)
            ans = env.call({"cmd": "step", "actions": act.numpy().reshape(args.envs, agents).tolist()})
            O.append(obs)
            A.append(act.numpy())
            LP.append(lp.numpy())
            V.append(v.numpy())
            R.append(np.asarray(ans["rewards"], dtype=np.float64).reshape(-1))
            ev = np.repeat(np.asarray(ans["costs"], dtype=np.float64), agents)
            env_viol.append(np.asarray(ans["costs"], dtype=np.float64))
            twin_viol.append(np.asarray(ans["hpaViolationShares"], dtype=np.float64))
            # The SLO cost: the env's violation share, partly attributed to the services that ran hot.
            C["slo"].append((1 - args.blame) * ev + args.blame * np.asarray(ans["serviceCosts"], dtype=np.float64).reshape(-1))
            C["replicas"].append(np.asarray(ans["replicaExcess"], dtype=np.float64).reshape(-1))
            C["actions"].append(np.asarray(ans["actionExcess"], dtype=np.float64).reshape(-1))
            for info in ans["infos"]:
                applied += info.get("applied", 0)
                rejected += info.get("rejected", 0)
            guard = max(guard, max(i.get("guardViolations", 0) for i in ans["infos"]))
            obs = np.asarray(ans["obs"], dtype=np.float32).reshape(args.envs * agents, obs_dim)
            if all(ans["dones"]):
                break
        sim_s = time.time() - t0
        R, V = np.stack(R), np.stack(V).astype(np.float64)
        scale = 1.0 - args.gamma  # critic targets in per-step units keep the heads near 1
        adv_r, ret_r = gae(R, V[:, :, 0] / scale, args.gamma, args.gae_lambda)
        adv = adv_r.copy()
        rets = [ret_r]
        for j, k in enumerate(COSTS):
            a_k, r_k = gae(np.stack(C[k]), V[:, :, 1 + j] / scale, args.gamma, args.gae_lambda)
            adv -= lam[j] * a_k
            rets.append(r_k)
        adv /= 1.0 + sum(lam)
        adv = (adv - adv.mean()) / (adv.std() + 1e-8)
        bo = torch.from_numpy(np.concatenate(O))
        ba = torch.from_numpy(np.concatenate(A))
        blp = torch.from_numpy(np.concatenate(LP))
        badv = torch.from_numpy(adv.reshape(-1).astype(np.float32))
        bret = torch.from_numpy(np.stack([r.reshape(-1) for r in rets], -1).astype(np.float32) * scale)
        n = bo.shape[0]
        ent_sum = kl_sum = 0.0
        steps = 0
        for _ in range(args.epochs):
            perm = torch.randperm(n, generator=gen)
            for s in range(0, n, args.minibatch):
                idx = perm[s:s + args.minibatch]
                logits = ac.actor(bo[idx])
                dist = torch.distributions.Categorical(logits=logits)
                nlp = dist.log_prob(ba[idx])
                ratio = torch.exp(nlp - blp[idx])
                pg = -torch.min(ratio * badv[idx], torch.clamp(ratio, 1 - args.clip, 1 + args.clip) * badv[idx]).mean()
                vloss = ((ac.critic(bo[idx]) - bret[idx]) ** 2).mean()
                ent = dist.entropy().mean()
                loss = pg + 0.5 * vloss - args.entropy * ent
                opt.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(ac.parameters(), 0.5)
                opt.step()
                ent_sum += float(ent)
                kl_sum += float((blp[idx] - nlp).mean())
                steps += 1
        # Dual ascent: each multiplier grows while its constraint is violated on this iteration's rollouts.
        viol, tviol = float(np.stack(env_viol).mean()), float(np.stack(twin_viol).mean())
        g = [viol - (args.slo_budget_ratio * tviol + args.slo_budget_floor),
             float(np.stack(C["replicas"]).mean()), float(np.stack(C["actions"]).mean())]
        lam_before = list(lam)
        lam = [float(min(args.lambda_max, max(0.0, lam[j] + args.lambda_lr[j] * g[j]))) for j in range(len(COSTS))]
        rec = {"iteration": it, "meanReward": round(float(R.mean()), 5), "violationShare": round(viol, 5), "hpaViolationShare": round(tviol, 5),
               "replicaExcess": round(g[1], 5), "actionExcess": round(g[2], 5), "lambda": [round(x, 4) for x in lam_before],
               "entropy": round(ent_sum / steps, 4), "approxKl": round(kl_sum / steps, 5),
               "appliedPerEnvStep": round(applied / (len(R) * args.envs), 3), "rejected": rejected, "guardViolations": guard,
               "traces": list(kinds), "samples": int(n), "simSeconds": round(sim_s, 1), "seconds": round(time.time() - t0, 1)}
        history.append(rec)
        print(json.dumps(rec), flush=True)
    if args.validate_every > 0:
        run_validation(len(history))
    env.close()
    train_minutes = (time.time() - started) / 60
    run = {"seed": args.seed, "holdout": args.holdout, "families": families, "iterations": len(history), "wallMinutes": round(train_minutes, 1),
           "history": history, "validations": validations, "lambdaFinal": lam}
    if args.log:
        with open(args.log, "w") as fh:
            json.dump(run, fh, indent=1)
    if args.export:
        export(args, ac, spec, obs_dim, act_dim, agents, O, history, trace_log, lam, train_minutes)


def export(args, ac, spec, obs_dim, act_dim, agents, O, history, trace_log, lam, train_minutes):
    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, f"{NAME}.onnx")
    actor = Actor(ac).eval()
    ex = torch.zeros(2, obs_dim)
    torch.onnx.export(actor, (ex,), onnx_path, input_names=["obs"], output_names=["logits"], opset_version=17,
                      dynamic_axes={"obs": {0: "batch"}, "logits": {0: "batch"}})
    sha = hashlib.sha256(open(onnx_path, "rb").read()).hexdigest()
    # Golden vectors: a few observations of the last rollout plus edge cases.
    allobs = np.concatenate(O)
    grng = np.random.default_rng(args.seed)
    gobs = np.concatenate([allobs[grng.choice(allobs.shape[0], 6, replace=False)], np.zeros((1, obs_dim), np.float32),
                           np.clip(grng.uniform(0, 2, (1, obs_dim)), 0, 1).astype(np.float32)])
    with torch.no_grad():
        glog = actor(torch.from_numpy(gobs)).numpy()
    golden = {"model": f"{NAME}.onnx", "sha256": sha, "tolerance": 1e-4,
              "obs": {"shape": list(gobs.shape), "data": [float(x) for x in gobs.reshape(-1)]},
              "logits": {"shape": list(glog.shape), "data": [float(x) for x in glog.reshape(-1)]},
              "argmax": [int(i) for i in glog.argmax(-1)]}
    with open(os.path.join(args.out, f"{NAME}.golden.json"), "w") as fh:
        json.dump(golden, fh)
    selection = json.load(open(args.selection)) if args.selection else None
    card = {
        "name": NAME,
        "version": VERSION,
        "task": "autoscaling policy: one discrete parametric HPA action per managed service every 30 s (PPO actor, greedy argmax at inference)",
        "architecture": f"MLP actor {obs_dim}->{args.hidden}->{args.hidden}->{act_dim} (tanh); training critic with the same trunk shape and {1 + len(COSTS)} heads (reward value and one per constrained cost), not exported",
        "parameters": sum(p.numel() for p in ac.actor.parameters()),
        "inputs": [{"name": "obs", "dtype": "float32", "shape": ["batch", obs_dim], "features": spec["obsFeatures"]}],
        "outputs": [{"name": "logits", "dtype": "float32", "shape": ["batch", act_dim], "actions": spec["actions"]}],
        "onnx": {"file": f"{NAME}.onnx", "opset": 17, "bytes": os.path.getsize(onnx_path), "sha256": sha, "dynamicAxes": "batch"},
        "sha256": sha,
        "golden": f"{NAME}.golden.json",
        "trainedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "environment": {"command": "aidpe rl-env", "protocol": spec["protocol"], "agentsPerEnv": agents, "services": spec["services"],
                        "defaults": spec["defaults"], "reward": spec["reward"], "cost": spec["cost"], "replicaExcess": spec.get("replicaExcess"),
                        "actionExcess": spec.get("actionExcess")},
        "trainingData": {
            "description": "per env and iteration, one random window (after a 30-minute HPA-only warm-up, with an HPA twin) of a trace "
                           "from one of the families: azure (a single function row of Azure Functions 2019 100_inv.csv among the 30 busiest, "
                           "or the sum of 2-4 rows among the 40 busiest), nab (" + ", ".join(r for r, _ in NAB_FILES) + "), synthetic "
                           "(diurnal, diurnal mix, bursty, flash crowds, level shifts); smooth shapes weighted 1.5 -> 0.5 and bursty ones "
                           "0.5 -> 1.5 over the run (curriculum). Each trace is rescaled by the simulator so its peak is the cluster's peak load.",
            "episodes": [{"iteration": i, "traces": t} for i, t in enumerate(trace_log)],
        },
        "training": {"algorithm": "PPO (clipped), GAE, Lagrangian multipliers on the SLO, replica-hours and scaling-action costs (dual ascent)",
                     "seed": args.seed, "envs": args.envs, "iterations": len(history), "episodeMinutes": args.episode_minutes,
                     "warmupMinutes": args.warmup_minutes, "hidden": args.hidden, "lr": args.lr, "gamma": args.gamma,
                     "gaeLambda": args.gae_lambda, "clip": args.clip, "epochs": args.epochs, "minibatch": args.minibatch,
                     "entropy": args.entropy, "actionPenalty": args.action_penalty, "blame": args.blame,
                     "sloBudget": f"{args.slo_budget_ratio} x the HPA twin's violation share + {args.slo_budget_floor}",
                     "lambdaInit": dict(zip(COSTS, args.lambda_init)), "lambdaLr": dict(zip(COSTS, args.lambda_lr)),
                     "lambdaMax": args.lambda_max, "wallMinutes": round(train_minutes, 1), "threads": 1, "torch": torch.__version__,
                     "lambdaTrajectory": [h["lambda"] for h in history] + [lam], "history": history},
        "selection": selection,
        "evaluation": None,
    }
    with open(os.path.join(args.out, f"{NAME}.card.json"), "w") as fh:
        json.dump(card, fh, indent=2)
    print(f"wrote {onnx_path} ({os.path.getsize(onnx_path)} bytes, sha256 {sha}) after {train_minutes:.1f} min", flush=True)


if __name__ == "__main__":
    sys.exit(main())
