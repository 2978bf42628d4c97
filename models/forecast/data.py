"""Training data for the AIDPE forecast models: loading of real series, synthetic generation, windowing.

Everything here follows CONTRACT.md (context L=512, horizon H=288, per-window median/MAD normalisation,
4 time features, 2 static covariates). All randomness comes from numpy Generators seeded by the caller.

Sources
  * NAB (/work/shared/data/nab/data/<category>/*.csv): ONLY data rows with index < n - 1800 (n = data rows,
    header excluded). The evaluation scores the last 1,728 rows of each file; they are never read past the cut.
  * Azure Functions 2019 (workloads/azure-functions-2019/100_inv.csv): per-function invocation counts per
    minute for one day (1,440 points at 60 s) and sums of random subsets of functions.
  * Simulator CSVs written by backend/scripts/export-sim-series.ts (optional; 60 s and 300 s steps).
  * Synthetic series (KernelSynth-style composition of seasonal / trend / shift / spike / noise parts).
"""
from __future__ import annotations

import csv
import datetime as _dt
import glob
import math
import os
from dataclasses import dataclass, field

import numpy as np

L = 512
H = 288
W = L + H
QUANTILES = (0.1, 0.5, 0.9)
NAB_HOLDOUT_ROWS = 1800  # rows at the end of each NAB file that are never used
STEPS = (60, 300, 600, 1800, 3600)
DATA_DIR = os.environ.get("AIDPE_DATA_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data"))


# ---------------------------------------------------------------------------------------------------
# Contract: preprocessing, time features, static covariates (vectorised over a batch of windows)
# ---------------------------------------------------------------------------------------------------

def normalise(ctx: np.ndarray):
    """ctx [B, L] raw values -> (z [B, L], loc [B], scale [B]) exactly as CONTRACT.md."""
    ctx = np.asarray(ctx, dtype=np.float64)
    loc = np.median(ctx, axis=1)  # numpy: mean of the two middle values for even L
    mad = np.mean(np.abs(ctx - loc[:, None]), axis=1)
    scale = np.maximum(np.maximum(mad, 1e-3 * np.abs(loc)), 1e-9)
    z = np.clip((ctx - loc[:, None]) / scale[:, None], -50.0, 50.0)
    return z, loc, scale


def time_features(t: np.ndarray) -> np.ndarray:
    """t unix seconds (any shape, float64) -> [..., 4] = sin/cos of day phase, sin/cos of week phase."""
    t = np.asarray(t, dtype=np.float64)
    d = np.mod(t, 86400.0) / 86400.0
    w = np.mod(t / 86400.0, 7.0) / 7.0
    return np.stack([np.sin(2 * np.pi * d), np.cos(2 * np.pi * d), np.sin(2 * np.pi * w), np.cos(2 * np.pi * w)], axis=-1)


def static_features(step: np.ndarray, loc: np.ndarray, scale: np.ndarray) -> np.ndarray:
    step = np.asarray(step, dtype=np.float64)
    return np.stack([np.log10(step) / 4.0, np.arcsinh(loc / scale) / 10.0], axis=-1)


def make_inputs(ctx: np.ndarray, t_last: np.ndarray, step: np.ndarray):
    """Builds the four ONNX inputs (float32) from raw contexts [B, L], last timestamps [B] and steps [B]."""
    z, loc, scale = normalise(ctx)
    t_last = np.asarray(t_last, dtype=np.float64)
    step = np.asarray(step, dtype=np.float64)
    k_past = np.arange(-(L - 1), 1, dtype=np.float64)
    k_fut = np.arange(1, H + 1, dtype=np.float64)
    past_t = t_last[:, None] + k_past[None, :] * step[:, None]
    fut_t = t_last[:, None] + k_fut[None, :] * step[:, None]
    return {
        "past_values": z.astype(np.float32),
        "past_time": time_features(past_t).astype(np.float32),
        "future_time": time_features(fut_t).astype(np.float32),
        "static": static_features(step, loc, scale).astype(np.float32),
    }, loc, scale


# ---------------------------------------------------------------------------------------------------
# Series containers
# ---------------------------------------------------------------------------------------------------

@dataclass
class Series:
    name: str
    source: str
    values: np.ndarray  # float64, regular grid, no NaN
    t0: float  # unix seconds of values[0]; None-like (nan) means "random date, fixed time of day"
    step: float
    # forecast-start ranges (index of the first future point) allowed for train / validation windows
    train_range: tuple[int, int] | None = None  # inclusive
    val_starts: list[int] = field(default_factory=list)
    meta: dict = field(default_factory=dict)


def _parse_ts(s: str) -> float:
    return _dt.datetime.strptime(s.strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=_dt.timezone.utc).timestamp()


def regularise(ts: np.ndarray, vals: np.ndarray, step: float, max_gap_steps: int = 12):
    """Sort, dedupe, put on a regular grid with linear interpolation; split at gaps > max_gap_steps."""
    order = np.argsort(ts, kind="stable")
    ts, vals = ts[order], vals[order]
    keep = np.concatenate([[True], np.diff(ts) > 0])
    ts, vals = ts[keep], vals[keep]
    cut = np.where(np.diff(ts) > max_gap_steps * step)[0]
    bounds = np.concatenate([[0], cut + 1, [len(ts)]])
    segs = []
    for a, b in zip(bounds[:-1], bounds[1:]):
        st, sv = ts[a:b], vals[a:b]
        if len(st) < 2:
            continue
        grid = st[0] + step * np.arange(int(round((st[-1] - st[0]) / step)) + 1)
        segs.append((float(grid[0]), np.interp(grid, st, sv)))
    return segs


def load_nab(data_dir: str = DATA_DIR, val_span: int = 192):
    """NAB series, rows [0, n-1800) only. Validation windows: forecast starts in the last
    (val_span + H) rows of the usable prefix; training windows: forecasts ending before them."""
    out, report = [], []
    files = sorted(glob.glob(os.path.join(data_dir, "nab", "data", "*", "*.csv")))
    for f in files:
        rel = os.path.relpath(f, os.path.join(data_dir, "nab", "data"))
        with open(f) as fh:
            rows = list(csv.reader(fh))[1:]
        n = len(rows)
        usable = max(0, n - NAB_HOLDOUT_ROWS)
        rows = rows[:usable]
        entry = {"file": rel, "rows": n, "usedRows": [0, usable], "windows": False}
        if usable < W:
            entry["skipped"] = f"usable prefix {usable} < L+H={W}"
            report.append(entry)
            continue
        ts = np.array([_parse_ts(r[0]) for r in rows])
        vals = np.array([float(r[1]) for r in rows])
        step = float(np.median(np.diff(ts)))
        segs = regularise(ts, vals, step)
        used_any = False
        for si, (t0, v) in enumerate(segs):
            # Aggregation factors (step x1, x2, x6) add coarser steps where the segment is long enough.
            for agg in (1, 2, 6):
                m = len(v) // agg
                if m < W + 64:
                    continue
                va = v[: m * agg].reshape(m, agg).mean(axis=1)
                s = Series(f"nab/{rel}#seg{si}x{agg}", "nab", va, t0, step * agg, meta={"agg": agg})
                if agg == 1:
                    split = m - H - val_span  # first forecast start reserved for validation
                    if split - H >= L:
                        s.train_range = (L, split - H)
                        s.val_starts = [int(x) for x in np.linspace(split, m - H, 4).round()]
                    else:
                        s.train_range = (L, m - H)
                else:
                    # coarser copies: only windows whose raw rows end before the validation region
                    lim = (len(v) - H - val_span) // agg - H
                    if lim < L:
                        continue
                    s.train_range = (L, lim)
                out.append(s)
                used_any = True
        entry["windows"] = used_any
        entry["step"] = step
        report.append(entry)
    return out, report


def load_azure(data_dir: str = DATA_DIR, val_every: int = 5):
    """Azure Functions 100_inv.csv: one series per function (60 s, 1,440 points); every `val_every`-th
    function is held out for validation. Aggregates are built at sampling time (random subsets)."""
    path = os.path.join(data_dir, "workloads", "azure-functions-2019", "100_inv.csv")
    with open(path) as fh:
        r = list(csv.reader(fh))
    header, rows = r[0], r[1:]
    first = next(i for i, h in enumerate(header) if h.startswith("minute_"))
    mat = np.array([[float(x) for x in row[first:]] for row in rows])  # [F, 1440]
    idx = np.arange(mat.shape[0])
    val_idx = idx[idx % val_every == 0]
    train_idx = idx[idx % val_every != 0]
    report = {"file": "workloads/azure-functions-2019/100_inv.csv", "functions": int(mat.shape[0]),
              "minutes": int(mat.shape[1]), "trainFunctions": train_idx.tolist(), "valFunctions": val_idx.tolist()}
    return mat, train_idx, val_idx, report


def load_sim(sim_dir: str | None, val_seeds=(6,)):
    out, report = [], {"dir": sim_dir, "files": 0, "trainFiles": 0, "valFiles": 0}
    if not sim_dir or not os.path.isdir(sim_dir):
        report["skipped"] = "no simulator export directory"
        return out, report
    for f in sorted(glob.glob(os.path.join(sim_dir, "sim_seed*_*.csv"))):
        base = os.path.basename(f)
        seed = int(base.split("_")[1].replace("seed", ""))
        with open(f) as fh:
            rows = list(csv.reader(fh))[1:]
        ts = np.array([_parse_ts(x[0]) for x in rows])
        v = np.array([float(x[1]) for x in rows])
        step = float(np.median(np.diff(ts)))
        if len(v) < W:
            continue
        s = Series(f"sim/{base}", "sim", v, float(ts[0]), step, meta={"seed": seed})
        if seed in val_seeds:
            s.val_starts = [int(x) for x in np.linspace(L, len(v) - H, 3).round()]
            report["valFiles"] += 1
        else:
            s.train_range = (L, len(v) - H)
            report["trainFiles"] += 1
        report["files"] += 1
        out.append(s)
    return out, report


# ---------------------------------------------------------------------------------------------------
# Synthetic series (KernelSynth-style random composition)
# ---------------------------------------------------------------------------------------------------

_T_MIN = _dt.datetime(2012, 1, 1, tzinfo=_dt.timezone.utc).timestamp()
_T_MAX = _dt.datetime(2026, 1, 1, tzinfo=_dt.timezone.utc).timestamp()


def _random_daily_profile(rng, d):
    kind = rng.integers(4)
    if kind == 0:  # random Fourier series
        k = rng.integers(1, 5)
        out = np.zeros_like(d)
        for j in range(1, k + 1):
            a = rng.normal() / j ** rng.uniform(0.5, 1.5)
            out += a * np.sin(2 * np.pi * j * d + rng.uniform(0, 2 * np.pi))
    elif kind == 1:  # business-hours bumps
        out = np.zeros_like(d)
        for _ in range(rng.integers(1, 4)):
            c, w = rng.uniform(0, 1), rng.uniform(0.02, 0.15)
            dist = np.minimum(np.abs(d - c), 1 - np.abs(d - c))
            out += rng.uniform(0.3, 1.0) * np.exp(-0.5 * (dist / w) ** 2)
    elif kind == 2:  # (smoothed) square wave: on/off hours
        on, off = sorted(rng.uniform(0, 1, 2))
        out = ((d >= on) & (d < off)).astype(float)
        if rng.random() < 0.5:
            out = np.convolve(out, np.ones(3) / 3, mode="same")
    else:  # sawtooth / ramp (e.g. daily batch accumulation)
        ph = rng.uniform(0, 1)
        out = np.mod(d - ph, 1.0)
        if rng.random() < 0.5:
            out = out ** rng.uniform(0.3, 3)
    out = out - out.mean()
    sd = out.std()
    return out / sd if sd > 1e-9 else out


def synth_series(rng: np.random.Generator, n: int = W, step: float | None = None):
    """One synthetic series of n points; returns (values, t0, step)."""
    if step is None:
        step = float(rng.choice(STEPS, p=[0.25, 0.3, 0.15, 0.15, 0.15]))
    t0 = math.floor(rng.uniform(_T_MIN, _T_MAX) / step) * step
    t = t0 + step * np.arange(n)
    d = np.mod(t, 86400.0) / 86400.0
    dow = np.floor(t / 86400.0 + 4) % 7  # 0 = Monday (epoch day 0 was a Thursday)
    x = np.zeros(n)
    # Seasonalities
    amp_d = rng.choice([0.0, rng.uniform(0.2, 3.0)], p=[0.2, 0.8])
    if amp_d > 0:
        x += amp_d * _random_daily_profile(rng, d)
    if rng.random() < 0.4:  # weekly: weekend factor or smooth weekly wave
        if rng.random() < 0.6:
            x += rng.uniform(0.2, 2.0) * np.where(dow >= 5, -1.0, 0.4)
        else:
            w = np.mod(t / 86400.0, 7.0) / 7.0
            x += rng.uniform(0.2, 1.5) * np.sin(2 * np.pi * w + rng.uniform(0, 2 * np.pi))
    if rng.random() < 0.2:  # periodic job (cron-like): bumps every P seconds
        P = float(rng.choice([300, 900, 1800, 3600, 4 * 3600, 6 * 3600]))
        if P >= 2 * step:
            ph = np.mod(t - rng.uniform(0, P), P) / P
            x += rng.uniform(0.5, 4.0) * (ph < max(step / P, rng.uniform(0.02, 0.2)))
    if rng.random() < 0.2:  # non-calendar sinusoid (GP periodic-kernel like)
        per = rng.uniform(8, 400) * step
        x += rng.uniform(0.2, 1.5) * np.sin(2 * np.pi * t / per + rng.uniform(0, 6.3))
    # Trend
    r = rng.random()
    u = np.arange(n) / n
    if r < 0.35:
        x += rng.normal(0, 1.5) * u
    elif r < 0.45:
        x += rng.normal(0, 1.5) * (np.exp(rng.uniform(1, 3) * u) - 1) / (np.exp(3) - 1)
    elif r < 0.55:  # piecewise linear
        k = rng.integers(1, 4)
        knots = np.sort(rng.uniform(0, 1, k))
        for kn in knots:
            x += rng.normal(0, 2.0) * np.maximum(u - kn, 0)
    # Random walk / AR(1) component
    if rng.random() < 0.3:
        rw = np.cumsum(rng.normal(0, rng.uniform(0.01, 0.1), n))
        x += rw
    # Level shifts
    for _ in range(rng.poisson(0.5)):
        pos = rng.integers(1, n)
        x[pos:] += rng.normal(0, 1.5)
    # Noise
    sigma = rng.choice([0.0, rng.uniform(0.02, 0.3), rng.uniform(0.3, 1.5)], p=[0.1, 0.6, 0.3])
    if rng.random() < 0.3:  # AR(1) noise
        phi = rng.uniform(0.3, 0.95)
        e = rng.normal(0, sigma, n)
        ar = np.zeros(n)
        for i in range(1, n):
            ar[i] = phi * ar[i - 1] + e[i]
        x += ar * math.sqrt(1 - phi ** 2)
    else:
        x += rng.normal(0, sigma, n) if rng.random() < 0.8 else rng.standard_t(3, n) * sigma * 0.6
    # Output transform: additive around a level, multiplicative (exp), or counts (Poisson)
    r = rng.random()
    level = 10 ** rng.uniform(-2, 6)
    if r < 0.45:
        y = level * (1 + 0.15 * rng.uniform(0.2, 2.0) * x)
    elif r < 0.75:
        y = level * np.exp(0.25 * rng.uniform(0.3, 1.5) * x)
    else:
        lam = 10 ** rng.uniform(-0.5, 3.5) * np.exp(0.3 * rng.uniform(0.3, 1.5) * x)
        y = rng.poisson(np.minimum(lam, 1e7)).astype(float)
    # Spikes
    if rng.random() < 0.3:
        ns = rng.poisson(rng.uniform(1, 8))
        pos = rng.integers(0, n, ns)
        y[pos] += np.abs(rng.normal(0, 5 * (np.std(y) + 1e-9 + 0.01 * abs(level)), ns)) * rng.choice([-1, 1], ns, p=[0.2, 0.8])
    # Post-processing typical of metrics
    r = rng.random()
    if r < 0.25:
        y = np.maximum(y, 0)  # non-negative (rates, bytes)
    elif r < 0.35:  # percentage bounded at 100
        y = np.clip(y / np.max(np.abs(y) + 1e-12) * rng.uniform(20, 120), 0, 100)
    if rng.random() < 0.1:
        y = np.round(y)
    if rng.random() < 0.03:
        y = np.full(n, y[0])  # flat line
    return y, float(t0), step


# ---------------------------------------------------------------------------------------------------
# Window sampling
# ---------------------------------------------------------------------------------------------------

class Sampler:
    """Draws training batches (raw context, raw target, t_last, step) from the mixed sources."""

    def __init__(self, nab, azure, sim, weights, seed: int):
        self.rng = np.random.default_rng(seed)
        self.nab = [s for s in nab if s.train_range]
        # per-series weight ~ sqrt(number of allowed forecast starts); coarser (aggregated) copies at half weight
        self.nab_w = np.array([math.sqrt(s.train_range[1] - s.train_range[0] + 1) * (0.5 if s.meta.get("agg", 1) > 1 else 1.0)
                               for s in self.nab])
        self.nab_w /= self.nab_w.sum()
        self.az_mat, self.az_train, _, _ = azure
        self.sim = [s for s in sim if s.train_range]
        w = dict(weights)
        if not self.sim:
            w["synthetic"] += w.pop("sim")
        self.sources = list(w.keys())
        p = np.array([w[k] for k in self.sources], dtype=float)
        self.p = p / p.sum()

    def _nab(self):
        s = self.nab[self.rng.choice(len(self.nab), p=self.nab_w)]
        f = int(self.rng.integers(s.train_range[0], s.train_range[1] + 1))
        return s.values[f - L:f + H], s.t0 + (f - 1) * s.step, s.step

    def _azure(self):
        rng = self.rng
        if rng.random() < 0.5:
            v = self.az_mat[rng.choice(self.az_train)]
        else:
            k = int(rng.integers(2, 40))
            v = self.az_mat[rng.choice(self.az_train, size=k, replace=False)].sum(axis=0)
        f = int(rng.integers(L, len(v) - H + 1))
        day0 = math.floor(rng.uniform(_T_MIN, _T_MAX) / 86400) * 86400.0  # random date, real time of day
        return v[f - L:f + H], day0 + (f - 1) * 60.0, 60.0

    def _sim(self):
        s = self.sim[self.rng.integers(len(self.sim))]
        f = int(self.rng.integers(s.train_range[0], s.train_range[1] + 1))
        return s.values[f - L:f + H], s.t0 + (f - 1) * s.step, s.step

    def _synthetic(self):
        y, t0, step = synth_series(self.rng)
        return y, t0 + (L - 1) * step, step

    def batch(self, bs: int):
        srcs = self.rng.choice(len(self.sources), size=bs, p=self.p)
        win, tl, st = [], [], []
        for si in srcs:
            w, t_last, step = getattr(self, "_" + self.sources[si])()
            win.append(w)
            tl.append(t_last)
            st.append(step)
        win = np.stack(win)
        return win[:, :L], win[:, L:], np.array(tl), np.array(st)


def validation_set(nab, azure, sim, seed: int, n_synth: int = 256, n_az_agg: int = 24):
    """Fixed validation windows: {source: (ctx [N,L], target [N,H], t_last [N], step [N], names)}."""
    rng = np.random.default_rng(seed + 7919)
    out = {}

    def add(src, ctx, tgt, tl, st, name):
        out.setdefault(src, ([], [], [], [], []))
        for lst, v in zip(out[src], (ctx, tgt, tl, st, name)):
            lst.append(v)

    for s in nab:
        for f in s.val_starts:
            add("nab", s.values[f - L:f], s.values[f:f + H], s.t0 + (f - 1) * s.step, s.step, f"{s.name}@{f}")
    mat, _, val_idx, _ = azure
    day0 = _dt.datetime(2019, 7, 15, tzinfo=_dt.timezone.utc).timestamp()
    series = [(f"azure/fn{i}", mat[i]) for i in val_idx]
    for j in range(n_az_agg):
        pick = rng.choice(val_idx, size=int(rng.integers(2, len(val_idx))), replace=False)
        series.append((f"azure/agg{j}", mat[pick].sum(axis=0)))
    for name, v in series:
        for f in (L, (L + len(v) - H) // 2, len(v) - H):
            add("azure", v[f - L:f], v[f:f + H], day0 + (f - 1) * 60.0, 60.0, f"{name}@{f}")
    for s in sim:
        for f in s.val_starts:
            add("sim", s.values[f - L:f], s.values[f:f + H], s.t0 + (f - 1) * s.step, s.step, f"{s.name}@{f}")
    for i in range(n_synth):
        y, t0, step = synth_series(rng)
        add("synthetic", y[:L], y[L:], t0 + (L - 1) * step, step, f"synthetic#{i}")
    return {k: tuple(np.array(x) if j < 4 else x for j, x in enumerate(v)) for k, v in out.items()}
