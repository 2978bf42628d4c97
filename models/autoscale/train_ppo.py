#!/usr/bin/python3
"""Trains the AIDPE RL autoscaling policy (PPO actor-critic with a Lagrangian SLO constraint) against the
TypeScript simulator, driven over stdio through `aidpe rl-env` (protocol: PROTOCOL.md), and ships the actor
as ONNX (opset 17) with a model card and golden vectors.

  PATH=/work/main/node_modules/node/bin:$PATH /usr/bin/python3 models/autoscale/train_ppo.py --out models/autoscale

Every env is one simulated cluster; every managed service in it is one agent of a shared actor (per-service
observation, one discrete parametric action each). Reward per agent: -(mean replicas / hard max) - action
penalty; constraint cost per env: the share of the decision interval with the gateway p95 above the SLO.
Each agent's cost is (1 - blame) x the env's violation share + blame x the share attributed to its service
(violation ticks while the service ran hot; `serviceCosts`), for credit assignment. The PPO advantage is
(A_reward - lambda * A_cost) / (1 + lambda) (two value heads), and lambda follows dual ascent on the env's
violation share towards the budget: lambda <- max(0, lambda + lr_lambda * (mean violation share - budget)).

Training data (never the evaluation traces as a whole): single function rows and sums of 2-4 rows of the
Azure Functions 2019 100_inv.csv, each rescaled by the simulator so its peak is the cluster's peak load, and
synthetic diurnal / bursty traces; a random 4-hour window of each. Deterministic given --seed (simulator,
trace sampling, network init and action sampling), up to floating-point nondeterminism across machines.
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
NAME = "aidpe-ppo-v1"
VERSION = "1.0.0"


class EnvClient:
    """The `aidpe rl-env` subprocess: one JSON line out, one JSON line back."""

    def __init__(self, node: str):
        self.proc = subprocess.Popen([node, os.path.join(REPO, "backend", "bin", "aidpe.mjs"), "rl-env"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, bufsize=1, cwd=REPO)

    def call(self, msg: dict) -> dict:
        self.proc.stdin.write(json.dumps(msg) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("aidpe rl-env exited")
        ans = json.loads(line)
        if not ans.get("ok"):
            raise RuntimeError(f"aidpe rl-env: {ans.get('error')}")
        return ans

    def close(self):
        try:
            self.call({"cmd": "close"})
        finally:
            self.proc.wait(timeout=30)


class ActorCritic(nn.Module):
    def __init__(self, obs_dim: int, act_dim: int, hidden: int):
        super().__init__()
        self.actor = nn.Sequential(nn.Linear(obs_dim, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh(), nn.Linear(hidden, act_dim))
        # Two heads: the reward's value and the constraint cost's value.
        self.critic = nn.Sequential(nn.Linear(obs_dim, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh(), nn.Linear(hidden, 2))
        with torch.no_grad():
            self.actor[-1].weight.mul_(0.01)
            self.actor[-1].bias.zero_()
            # Start near "leave the HPA alone" (p(noop) ~ 0.5) rather than uniform churn.
            self.actor[-1].bias[0] = 2.0

    def forward(self, obs):  # the exported actor: logits
        return self.actor(obs)


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


def sample_trace(rng: random.Random, rows: list[int], episode_min: int, warmup_min: int, action_penalty: float):
    u = rng.random()
    if u < 0.4:
        spec = {"azure": "100_inv.csv", "rows": [rng.choice(rows[:30])]}
    elif u < 0.6:
        spec = {"azure": "100_inv.csv", "rows": sorted(rng.sample(rows[:40], rng.randint(2, 4)))}
    elif u < 0.8:
        spec = {"synthetic": "diurnal", "seed": rng.randrange(1 << 30)}
    else:
        spec = {"synthetic": "bursty", "seed": rng.randrange(1 << 30)}
    offset = rng.randrange(0, max(1, 1440 - episode_min - warmup_min))
    return spec, {"offsetMinutes": offset, "episodeMinutes": episode_min, "warmupMinutes": warmup_min, "actionPenalty": action_penalty}


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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=HERE)
    ap.add_argument("--seed", type=int, default=20251123)
    ap.add_argument("--envs", type=int, default=8)
    ap.add_argument("--iterations", type=int, default=70)
    ap.add_argument("--minutes", type=float, default=28.0, help="wall-clock cap on training (safety net)")
    ap.add_argument("--episode-minutes", type=int, default=240)
    ap.add_argument("--warmup-minutes", type=int, default=30)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--lr", type=float, default=3e-4)
    ap.add_argument("--gamma", type=float, default=0.99)
    ap.add_argument("--gae-lambda", type=float, default=0.95)
    ap.add_argument("--clip", type=float, default=0.2)
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--minibatch", type=int, default=4096)
    ap.add_argument("--entropy", type=float, default=0.003)
    ap.add_argument("--action-penalty", type=float, default=0.05, help="reward charge per applied action (env option)")
    ap.add_argument("--blame", type=float, default=0.5, help="weight of the per-service attributed cost in each agent's cost (rest: the env's)")
    ap.add_argument("--budget", type=float, default=0.01, help="violation budget: share of time with p95 above the SLO")
    ap.add_argument("--lambda-init", type=float, default=2.0)
    ap.add_argument("--lambda-lr", type=float, default=10.0)
    ap.add_argument("--lambda-max", type=float, default=50.0)
    ap.add_argument("--node", default=os.environ.get("NODE", "node"))
    args = ap.parse_args()

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(1)
    rng = random.Random(args.seed)
    rows = azure_row_volumes(os.path.join(REPO, "..", "shared", "data", "workloads", "azure-functions-2019", "100_inv.csv"))

    env = EnvClient(args.node)
    spec = env.call({"cmd": "spec"})["spec"]
    obs_dim, act_dim, agents = spec["obsDim"], spec["actionDim"], spec["agentsPerEnv"]
    ac = ActorCritic(obs_dim, act_dim, args.hidden)
    opt = torch.optim.Adam(ac.parameters(), lr=args.lr)
    lam = args.lambda_init
    history = []
    started = time.time()
    gen = torch.Generator().manual_seed(args.seed)
    trace_log = []

    for it in range(args.iterations):
        if (time.time() - started) / 60 > args.minutes:
            print(f"wall-clock cap reached after {it} iterations", flush=True)
            break
        t0 = time.time()
        specs, opts = zip(*[sample_trace(rng, rows, args.episode_minutes, args.warmup_minutes, args.action_penalty) for _ in range(args.envs)])
        seeds = [rng.randrange(1 << 30) for _ in range(args.envs)]
        trace_log.append([json.dumps(s, sort_keys=True) for s in specs])
        ans = env.call({"cmd": "reset", "seeds": seeds, "traces": list(specs), "options": list(opts)})
        obs = np.asarray(ans["obs"], dtype=np.float32).reshape(args.envs * agents, obs_dim)
        O, A, LP, R, C, CE, V = [], [], [], [], [], [], []
        applied = rejected = guard = 0
        while True:
            with torch.no_grad():
                ot = torch.from_numpy(obs)
                logits = ac.actor(ot)
                dist = torch.distributions.Categorical(logits=logits)
                # Sampling from our own generator keeps the run deterministic given the seed.
                probs = torch.softmax(logits, -1)
                act = torch.multinomial(probs, 1, generator=gen).squeeze(-1)
                lp = dist.log_prob(act)
                v = ac.critic(ot)
            ans = env.call({"cmd": "step", "actions": act.numpy().reshape(args.envs, agents).tolist()})
            O.append(obs)
            A.append(act.numpy())
            LP.append(lp.numpy())
            V.append(v.numpy())
            R.append(np.asarray(ans["rewards"], dtype=np.float64).reshape(-1))
            env_cost = np.repeat(np.asarray(ans["costs"], dtype=np.float64), agents)
            CE.append(env_cost)
            # Each agent's constraint cost: the env's violation share, partly attributed to the services that ran hot.
            C.append((1 - args.blame) * env_cost + args.blame * np.asarray(ans["serviceCosts"], dtype=np.float64).reshape(-1))
            for info in ans["infos"]:
                applied += info.get("applied", 0)
                rejected += info.get("rejected", 0)
            guard = max(guard, max(i.get("guardViolations", 0) for i in ans["infos"]))
            obs = np.asarray(ans["obs"], dtype=np.float32).reshape(args.envs * agents, obs_dim)
            if all(ans["dones"]):
                break
        sim_s = time.time() - t0
        R, C, V = np.stack(R), np.stack(C), np.stack(V).astype(np.float64)
        # Critic targets in per-step units (returns x (1 - gamma)) keep both heads near 1.
        scale = 1.0 - args.gamma
        adv_r, ret_r = gae(R * 1.0, V[:, :, 0] / scale, args.gamma, args.gae_lambda)
        adv_c, ret_c = gae(C, V[:, :, 1] / scale, args.gamma, args.gae_lambda)
        adv = (adv_r - lam * adv_c) / (1.0 + lam)
        adv = (adv - adv.mean()) / (adv.std() + 1e-8)
        bo = torch.from_numpy(np.concatenate(O))
        ba = torch.from_numpy(np.concatenate(A))
        blp = torch.from_numpy(np.concatenate(LP))
        badv = torch.from_numpy(adv.reshape(-1).astype(np.float32))
        bret = torch.from_numpy(np.stack([ret_r.reshape(-1), ret_c.reshape(-1)], -1).astype(np.float32) * scale)
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
        mean_cost = float(np.stack(CE).mean())
        mean_rew = float(R.mean())
        lam_before = lam
        lam = float(min(args.lambda_max, max(0.0, lam + args.lambda_lr * (mean_cost - args.budget))))
        rec = {"iteration": it, "meanReward": round(mean_rew, 5), "meanViolationShare": round(mean_cost, 5), "lambda": round(lam_before, 4),
               "lambdaNext": round(lam, 4), "entropy": round(ent_sum / steps, 4), "approxKl": round(kl_sum / steps, 5),
               "appliedPerEnvStep": round(applied / (len(R) * args.envs), 3), "rejected": rejected, "guardViolations": guard,
               "samples": int(n), "simSeconds": round(sim_s, 1), "seconds": round(time.time() - t0, 1)}
        history.append(rec)
        print(json.dumps(rec), flush=True)
    env.close()
    train_minutes = (time.time() - started) / 60

    # ---- export ----------------------------------------------------------------------------------------
    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, f"{NAME}.onnx")
    actor = Actor(ac).eval()
    ex = torch.zeros(2, obs_dim)
    torch.onnx.export(actor, (ex,), onnx_path, input_names=["obs"], output_names=["logits"], opset_version=17,
                      dynamic_axes={"obs": {0: "batch"}, "logits": {0: "batch"}})
    sha = hashlib.sha256(open(onnx_path, "rb").read()).hexdigest()
    # Golden vectors: the last rollout's first observations of a few agents plus edge cases.
    grng = np.random.default_rng(args.seed)
    gobs = np.concatenate([np.concatenate(O)[grng.choice(n, 6, replace=False)], np.zeros((1, obs_dim), np.float32),
                           np.clip(grng.uniform(0, 2, (1, obs_dim)), 0, 1).astype(np.float32)])
    with torch.no_grad():
        glog = actor(torch.from_numpy(gobs)).numpy()
    golden = {"model": f"{NAME}.onnx", "sha256": sha, "tolerance": 1e-4,
              "obs": {"shape": list(gobs.shape), "data": [float(x) for x in gobs.reshape(-1)]},
              "logits": {"shape": list(glog.shape), "data": [float(x) for x in glog.reshape(-1)]},
              "argmax": [int(i) for i in glog.argmax(-1)]}
    with open(os.path.join(args.out, f"{NAME}.golden.json"), "w") as fh:
        json.dump(golden, fh)
    params = sum(p.numel() for p in ac.actor.parameters())
    card = {
        "name": NAME,
        "version": VERSION,
        "task": "autoscaling policy: one discrete parametric HPA action per managed service every 30 s (PPO actor, greedy argmax at inference)",
        "architecture": f"MLP actor {obs_dim}->{args.hidden}->{args.hidden}->{act_dim} (tanh); training critic with the same trunk shape and 2 heads (reward value, constraint-cost value), not exported",
        "parameters": params,
        "inputs": [{"name": "obs", "dtype": "float32", "shape": ["batch", obs_dim], "features": spec["obsFeatures"]}],
        "outputs": [{"name": "logits", "dtype": "float32", "shape": ["batch", act_dim], "actions": spec["actions"]}],
        "onnx": {"file": f"{NAME}.onnx", "opset": 17, "bytes": os.path.getsize(onnx_path), "sha256": sha, "dynamicAxes": "batch"},
        "sha256": sha,
        "golden": f"{NAME}.golden.json",
        "trainedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "environment": {"command": "aidpe rl-env", "protocol": spec["protocol"], "agentsPerEnv": agents, "services": spec["services"],
                        "defaults": spec["defaults"], "reward": spec["reward"], "cost": spec["cost"]},
        "trainingData": {
            "description": "per env and iteration, one random 4-hour window (after a 30-minute HPA-only warm-up) of: a single function row of "
                           "Azure Functions 2019 100_inv.csv among the 30 busiest (40%), the sum of 2-4 rows among the 40 busiest (20%), a synthetic "
                           "diurnal trace (20%) or a synthetic bursty trace (20%); each rescaled by the simulator so the window's trace peaks at the "
                           "cluster's peak load. The evaluation traces as a whole (sum of all functions of 10_inv / 100_inv, NAB ELB) are never "
                           "trained on; individual 100_inv rows are, and 10_inv's functions may be among them.",
            "episodes": [{"iteration": i, "traces": t} for i, t in enumerate(trace_log)],
        },
        "training": {"algorithm": "PPO (clipped), GAE, Lagrangian multiplier on the violation cost (dual ascent)", "seed": args.seed,
                     "envs": args.envs, "iterations": len(history), "episodeMinutes": args.episode_minutes, "warmupMinutes": args.warmup_minutes,
                     "hidden": args.hidden, "lr": args.lr, "gamma": args.gamma, "gaeLambda": args.gae_lambda, "clip": args.clip, "epochs": args.epochs,
                     "minibatch": args.minibatch, "entropy": args.entropy, "actionPenalty": args.action_penalty, "blame": args.blame,
                     "violationBudget": args.budget, "lambdaInit": args.lambda_init,
                     "lambdaLr": args.lambda_lr, "lambdaMax": args.lambda_max, "wallMinutes": round(train_minutes, 1), "threads": 1,
                     "torch": torch.__version__, "lambdaTrajectory": [h["lambda"] for h in history] + [lam], "history": history},
        "evaluation": None,
    }
    with open(os.path.join(args.out, f"{NAME}.card.json"), "w") as fh:
        json.dump(card, fh, indent=2)
    print(f"wrote {onnx_path} ({os.path.getsize(onnx_path)} bytes, sha256 {sha}) after {train_minutes:.1f} min", flush=True)


if __name__ == "__main__":
    sys.exit(main())
