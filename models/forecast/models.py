"""The two AIDPE forecast networks. Both map the CONTRACT.md inputs
(past_values [B,512], past_time [B,512,4], future_time [B,288,4], static [B,2]) to quantiles [B,288,3]
(p10, p50, p90 in normalised units), non-crossing by construction (p50 head +/- softplus offsets)."""
from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

L, H, NQ = 512, 288, 3


def non_crossing(raw: torch.Tensor) -> torch.Tensor:
    """raw [..., 3] = (mid, lo_raw, hi_raw) -> (mid - softplus(lo_raw), mid, mid + softplus(hi_raw))."""
    mid = raw[..., 1:2]
    lo = mid - F.softplus(raw[..., 0:1])
    hi = mid + F.softplus(raw[..., 2:3])
    return torch.cat([lo, mid, hi], dim=-1)


# ---------------------------------------------------------------------------------------------------
# 1. aidpe-lstm-v1: LSTM encoder + MQ-RNN-style multi-horizon decoder + gated linear highway
# ---------------------------------------------------------------------------------------------------

class LSTMForecaster(nn.Module):
    """Encoder: 2-layer LSTM (hidden 64) over the context in steps of `patch` samples (128 steps of 4):
    each LSTM input is tanh(Linear([4 z values, their 4x4 time features, static])).
    Decoder (all 288 steps at once, MQ-RNN style): a global MLP maps the final states of both layers
    (+ static) to a shared context c_a and one small context c_k per horizon step; a local MLP maps
    [c_k, c_a, future time features_k, static] to (mid, lo, hi) for every step.
    Highway (LSTNet style): a softmax-gated mixture of K linear maps from the 512 context values to the
    288 medians, gated by the encoder state and the static covariates (lets the model copy seasonal
    patterns whose period in samples depends on the sampling step)."""

    def __init__(self, hidden: int = 64, layers: int = 2, emb: int = 32, ck: int = 4, ca: int = 32, n_highway: int = 3,
                 patch: int = 4):
        super().__init__()
        self.hidden, self.layers, self.ck, self.ca, self.nh, self.P = hidden, layers, ck, ca, n_highway, patch
        self.inp = nn.Linear(patch * (1 + 4) + 2, emb)
        self.lstm = nn.LSTM(emb, hidden, layers, batch_first=True)
        self.glob = nn.Sequential(nn.Linear(hidden * layers + 2, 128), nn.ReLU(), nn.Linear(128, H * ck + ca))
        self.local = nn.Sequential(nn.Linear(ck + ca + 4 + 2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, NQ))
        self.highway = nn.Linear(L, H * n_highway)
        self.gate = nn.Linear(hidden * layers + 2, n_highway)
        with torch.no_grad():
            self.highway.weight.mul_(0.1)
            self.highway.bias.zero_()

    def forward(self, past_values, past_time, future_time, static):
        T = L // self.P
        st_past = static.unsqueeze(1).expand(-1, T, -1)
        x = torch.cat([past_values.reshape(-1, T, self.P), past_time.reshape(-1, T, 4 * self.P), st_past], dim=-1)
        x = torch.tanh(self.inp(x))
        _, (h, _) = self.lstm(x)  # h [layers, B, hidden]
        hcat = torch.cat([h[i] for i in range(self.layers)] + [static], dim=-1)  # [B, hidden*layers+2]
        g = self.glob(hcat)
        c_k = g[:, : H * self.ck].reshape(-1, H, self.ck)
        c_a = g[:, H * self.ck:].unsqueeze(1).expand(-1, H, -1)
        st_fut = static.unsqueeze(1).expand(-1, H, -1)
        raw = self.local(torch.cat([c_k, c_a, future_time, st_fut], dim=-1))  # [B, H, 3]
        hw = self.highway(past_values).reshape(-1, self.nh, H)  # [B, K, H]
        gate = torch.softmax(self.gate(hcat), dim=-1).unsqueeze(-1)  # [B, K, 1]
        hw = (hw * gate).sum(dim=1)  # [B, H]
        raw = torch.cat([raw[..., 0:1], raw[..., 1:2] + hw.unsqueeze(-1), raw[..., 2:3]], dim=-1)
        return non_crossing(raw)


# ---------------------------------------------------------------------------------------------------
# 2. aidpe-tft-lite-v1: Temporal Fusion Transformer, lite (patched tokens)
# ---------------------------------------------------------------------------------------------------

class GRN(nn.Module):
    """Gated residual network (TFT eq. 2-4): LN(skip(a) + GLU(W1 ELU(W2 a + W3 c)))."""

    def __init__(self, d_in: int, d_hidden: int, d_out: int, d_ctx: int | None = None, dropout: float = 0.0):
        super().__init__()
        self.skip = nn.Linear(d_in, d_out) if d_in != d_out else None
        self.fc1 = nn.Linear(d_in, d_hidden)
        self.ctx = nn.Linear(d_ctx, d_hidden, bias=False) if d_ctx else None
        self.fc2 = nn.Linear(d_hidden, d_hidden)
        self.drop = nn.Dropout(dropout)
        self.glu = nn.Linear(d_hidden, 2 * d_out)
        self.norm = nn.LayerNorm(d_out)

    def forward(self, a, c=None):
        r = self.skip(a) if self.skip is not None else a
        h = self.fc1(a)
        if c is not None and self.ctx is not None:
            h = h + self.ctx(c)
        h = self.drop(self.fc2(F.elu(h)))
        x, gate = self.glu(h).chunk(2, dim=-1)
        return self.norm(r + x * torch.sigmoid(gate))


class GateAddNorm(nn.Module):
    def __init__(self, d: int, dropout: float = 0.0):
        super().__init__()
        self.glu = nn.Linear(d, 2 * d)
        self.drop = nn.Dropout(dropout)
        self.norm = nn.LayerNorm(d)

    def forward(self, x, residual):
        a, b = self.glu(self.drop(x)).chunk(2, dim=-1)
        return self.norm(residual + a * torch.sigmoid(b))


class VSN(nn.Module):
    """Variable selection network: per-variable linear embedding + GRN; softmax weights from a GRN over
    the flattened embeddings conditioned on the static selection context."""

    def __init__(self, in_sizes, d: int, dropout: float = 0.0):
        super().__init__()
        self.embed = nn.ModuleList([nn.Linear(s, d) for s in in_sizes])
        self.flat = GRN(d * len(in_sizes), d, len(in_sizes), d_ctx=d, dropout=dropout)
        self.var_grn = nn.ModuleList([GRN(d, d, d, dropout=dropout) for _ in in_sizes])

    def forward(self, xs, c):
        e = [emb(x) for emb, x in zip(self.embed, xs)]
        w = torch.softmax(self.flat(torch.cat(e, dim=-1), c), dim=-1)  # [B, T, V]
        v = torch.stack([g(x) for g, x in zip(self.var_grn, e)], dim=-1)  # [B, T, d, V]
        return (v * w.unsqueeze(-2)).sum(dim=-1), w


class InterpretableMHA(nn.Module):
    """TFT interpretable multi-head attention: per-head queries/keys, one value projection shared by all
    heads, head outputs averaged, then an output projection."""

    def __init__(self, d: int, n_heads: int, dropout: float = 0.0):
        super().__init__()
        self.n_heads, self.dk = n_heads, d // n_heads
        self.q = nn.Linear(d, self.dk * n_heads)
        self.k = nn.Linear(d, self.dk * n_heads)
        self.v = nn.Linear(d, self.dk)
        self.o = nn.Linear(self.dk, d)
        self.drop = nn.Dropout(dropout)

    def forward(self, q_in, kv_in, mask):
        # q_in [B, Tq, d], kv_in [B, Tk, d], mask [Tq, Tk] additive (0 or -1e9)
        Tq, Tk = q_in.shape[1], kv_in.shape[1]
        q = self.q(q_in).reshape(-1, Tq, self.n_heads, self.dk).transpose(1, 2)  # [B, h, Tq, dk]
        k = self.k(kv_in).reshape(-1, Tk, self.n_heads, self.dk).transpose(1, 2)  # [B, h, Tk, dk]
        v = self.v(kv_in)  # [B, Tk, dk]
        att = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.dk) + mask  # [B, h, Tq, Tk]
        att = self.drop(torch.softmax(att, dim=-1))
        att_mean = att.mean(dim=1)  # [B, Tq, Tk]
        return self.o(torch.matmul(att_mean, v)), att_mean


class TFTLite(nn.Module):
    """TFT in miniature on patched tokens (patch P=8: 64 past tokens, 36 future tokens).
    Past variables per token: value patch (8 z values), daily phase (8x2), weekly phase (8x2);
    future (known) variables: daily and weekly phase of the 8 future steps. Static covariates (2) go through
    a static covariate encoder giving four contexts: variable selection, enrichment, LSTM h0 and c0.
    LSTM encoder over past tokens, LSTM decoder over future tokens (state carried over), gated skip,
    static enrichment, interpretable multi-head attention from future tokens over past+future tokens
    (future part causally masked), gated skips, position-wise GRN, and a quantile head per token that
    emits 8 steps x 3 quantiles (non-crossing)."""

    def __init__(self, d: int = 64, n_heads: int = 4, patch: int = 8, dropout: float = 0.0):
        super().__init__()
        assert L % patch == 0 and H % patch == 0
        self.d, self.P = d, patch
        self.Tp, self.Tf = L // patch, H // patch
        P = patch
        self.static_embed = nn.Linear(2, d)
        self.static_grn = nn.ModuleList([GRN(d, d, d, dropout=dropout) for _ in range(4)])
        self.past_vsn = VSN([P, 2 * P, 2 * P], d, dropout)
        self.fut_vsn = VSN([2 * P, 2 * P], d, dropout)
        self.enc = nn.LSTM(d, d, 1, batch_first=True)
        self.dec = nn.LSTM(d, d, 1, batch_first=True)
        self.lstm_gate = GateAddNorm(d, dropout)
        self.enrich = GRN(d, d, d, d_ctx=d, dropout=dropout)
        self.attn = InterpretableMHA(d, n_heads, dropout)
        self.attn_gate = GateAddNorm(d, dropout)
        self.pos_grn = GRN(d, d, d, dropout=dropout)
        self.out_gate = GateAddNorm(d, dropout)
        self.head = nn.Linear(d, P * NQ)
        T = self.Tp + self.Tf
        mask = torch.zeros(self.Tf, T)
        for i in range(self.Tf):
            mask[i, self.Tp + i + 1:] = -1e9
        self.register_buffer("mask", mask, persistent=False)

    def forward(self, past_values, past_time, future_time, static):
        P, Tp, Tf = self.P, self.Tp, self.Tf
        s = self.static_embed(static)
        c_sel, c_enr, c_h, c_c = [g(s) for g in self.static_grn]
        pv = past_values.reshape(-1, Tp, P)
        pd = past_time[..., 0:2].reshape(-1, Tp, 2 * P)
        pw = past_time[..., 2:4].reshape(-1, Tp, 2 * P)
        fd = future_time[..., 0:2].reshape(-1, Tf, 2 * P)
        fw = future_time[..., 2:4].reshape(-1, Tf, 2 * P)
        xp, _ = self.past_vsn([pv, pd, pw], c_sel.unsqueeze(1))
        xf, _ = self.fut_vsn([fd, fw], c_sel.unsqueeze(1))
        hp, state = self.enc(xp, (c_h.unsqueeze(0), c_c.unsqueeze(0)))
        hf, _ = self.dec(xf, state)
        x = self.lstm_gate(torch.cat([hp, hf], dim=1), torch.cat([xp, xf], dim=1))  # [B, T, d]
        e = self.enrich(x, c_enr.unsqueeze(1))
        ef = e[:, Tp:]
        a, _ = self.attn(ef, e, self.mask)
        y = self.attn_gate(a, ef)
        y = self.pos_grn(y)
        y = self.out_gate(y, x[:, Tp:])
        raw = self.head(y).reshape(-1, Tf, P, NQ).reshape(-1, H, NQ)
        return non_crossing(raw)


def build(name: str) -> nn.Module:
    if name == "lstm":
        return LSTMForecaster()
    if name == "tft":
        return TFTLite()
    raise ValueError(name)


def count_params(m: nn.Module) -> int:
    return sum(p.numel() for p in m.parameters())
