"""AIDPE global N-HiTS-style forecaster (contract v2: normalised context in, p10/p50/p90 out).

N-HiTS (Challu et al., AAAI 2023): stacks of MLP blocks, each reading the residual context at a coarser
resolution (max-pooling) and emitting a few forecast coefficients that are linearly interpolated to the
horizon, so coarse stacks model the long-range shape and fine ones the detail. Here each block also emits
two spread coefficient sets for p10 and p90 (kept on either side of the median with softplus).
"""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

L = 512
H = 288


class Block(nn.Module):
    def __init__(self, pool: int, n_coef: int, hidden: int):
        super().__init__()
        self.pool = pool
        self.n_coef = n_coef
        inp = L // pool
        self.mlp = nn.Sequential(nn.Linear(inp, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU())
        self.backcast = nn.Linear(hidden, inp)
        self.forecast = nn.Linear(hidden, 3 * n_coef)

    @staticmethod
    def upsample(x: torch.Tensor, size: int) -> torch.Tensor:
        # [B, C, n] -> [B, C, size], linear interpolation (exported as ONNX Resize).
        return F.interpolate(x, size=size, mode="linear", align_corners=True)

    def forward(self, x: torch.Tensor):
        pooled = F.max_pool1d(x.unsqueeze(1), kernel_size=self.pool, stride=self.pool).squeeze(1) if self.pool > 1 else x
        h = self.mlp(pooled)
        back = self.backcast(h)
        if self.pool > 1:
            back = self.upsample(back.unsqueeze(1), L).squeeze(1)
        coef = self.forecast(h).view(-1, 3, self.n_coef)
        fc = self.upsample(coef, H)  # [B, 3, H]
        return back, fc


class NHiTS(nn.Module):
    def __init__(self, hidden: int = 128, pools=(16, 4, 2), coefs=(8, 24, 48)):
        super().__init__()
        self.blocks = nn.ModuleList([Block(p, c, hidden) for p, c in zip(pools, coefs)])

    def forward(self, past_values: torch.Tensor) -> torch.Tensor:
        x = past_values
        level = x[:, -8:].mean(dim=1, keepdim=True)  # forecasts are residuals around the recent level
        x = x - level
        total = torch.zeros(x.shape[0], 3, H, dtype=x.dtype, device=x.device)
        for b in self.blocks:
            back, fc = b(x)
            x = x - back
            total = total + fc
        p50 = total[:, 0, :] + level
        p10 = p50 - F.softplus(total[:, 1, :])
        p90 = p50 + F.softplus(total[:, 2, :])
        return torch.stack([p10, p50, p90], dim=-1)  # [B, H, 3]


def parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
