"""The small numeric pieces our JSON files are made of, evaluated in numpy exactly as the TypeScript does.

* MLP (``{"kind": "mlp", "activation": "tanh", "sizes": [in, h1, ..., out], "params": [...]}``): one flat
  parameter vector, layer by layer, each layer its weight W [out, in] row-major (PyTorch's layout) then its
  bias b [out]; y = x·Wᵀ + b with tanh after every layer but the last (src/nn/mlp.ts, src/nn/linear.ts).
* Fixed observation normalisation: clip((x − mean) · 1/√(var + 1e-8), ±clip) (src/nn/running-mean-std.ts).
* Diagonal Gaussian with state-independent log-stds:
  ln N(a; μ, σ²) = −½ Σ_j ((a_j − μ_j)/σ_j)² − Σ_j (ln σ_j + ½ ln 2π) (src/nn/gaussian.ts).
"""
from __future__ import annotations

import math

import numpy as np

OBS_NORM_EPS = 1e-8
HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


class FormatError(ValueError):
    """A file that is not a valid lfl reward, policy or history file; the message names the file and field."""


def _fail(where: str, msg: str) -> "None":
    raise FormatError(f"{where}: {msg}")


def finite_list(where: str, name: str, value, length: int, nonnegative: bool = False) -> np.ndarray:
    """A JSON list of `length` finite numbers (non-negative if asked) as float64."""
    if not isinstance(value, list) or len(value) != length:
        _fail(where, f"{name} must be an array of {length} numbers")
    for i, x in enumerate(value):
        if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x) or (nonnegative and x < 0):
            _fail(where, f"{name}[{i}] is {x!r}, not a finite{' non-negative' if nonnegative else ''} number")
    return np.asarray(value, dtype=np.float64)


class Mlp:
    """A tanh MLP read from its JSON form (``MLP.toJSON`` in src/nn/mlp.ts)."""

    def __init__(self, json_value, where: str = "mlp"):
        if not isinstance(json_value, dict):
            _fail(where, "not an object")
        if json_value.get("kind") != "mlp":
            _fail(where, f"kind must be \"mlp\", got {json_value.get('kind')!r}")
        if json_value.get("activation") != "tanh":
            _fail(where, f"activation must be \"tanh\", got {json_value.get('activation')!r}")
        sizes = json_value.get("sizes")
        if not isinstance(sizes, list) or len(sizes) < 2 or not all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in sizes):
            _fail(where, "sizes must be an array of >= 2 positive integers")
        count = sum(sizes[l + 1] * sizes[l] + sizes[l + 1] for l in range(len(sizes) - 1))
        params = json_value.get("params")
        if not isinstance(params, list):
            _fail(where, "params must be an array of numbers")
        if len(params) != count:
            _fail(where, f"params has {len(params)} values, sizes {sizes} need {count}")
        flat = finite_list(where, "params", params, count)
        self.sizes = list(sizes)
        self.layers = []
        off = 0
        for l in range(len(sizes) - 1):
            n_in, n_out = sizes[l], sizes[l + 1]
            w = flat[off:off + n_out * n_in].reshape(n_out, n_in)
            off += n_out * n_in
            b = flat[off:off + n_out]
            off += n_out
            self.layers.append((w, b))

    @property
    def in_dim(self) -> int:
        return self.sizes[0]

    @property
    def out_dim(self) -> int:
        return self.sizes[-1]

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """y [n, out] for x [n, in] (float64)."""
        h = np.asarray(x, dtype=np.float64)
        last = len(self.layers) - 1
        for l, (w, b) in enumerate(self.layers):
            h = h @ w.T + b
            if l < last:
                h = np.tanh(h)
        return h


class ObsNorm:
    """clip((x − mean)/√(var + ε), ±clip) with fixed statistics ({mean, var, count} and a clip)."""

    def __init__(self, stats, clip, dim: int, where: str, name: str = "obsNorm", clip_name: str = "clipObs"):
        if not isinstance(stats, dict):
            _fail(where, f"{name} must be an object {{mean, var, count}}")
        self.mean = finite_list(where, f"{name}.mean", stats.get("mean"), dim)
        self.var = finite_list(where, f"{name}.var", stats.get("var"), dim, nonnegative=True)
        count = stats.get("count")
        if isinstance(count, bool) or not isinstance(count, (int, float)) or not count > 0:
            _fail(where, f"{name}.count must be a positive number")
        if isinstance(clip, bool) or not isinstance(clip, (int, float)) or not clip > 0:
            _fail(where, f"{clip_name} must be a positive number, got {clip!r}")
        self.clip = float(clip)
        self.inv_std = 1.0 / np.sqrt(self.var + OBS_NORM_EPS)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return np.clip((np.asarray(x, dtype=np.float64) - self.mean) * self.inv_std, -self.clip, self.clip)


def gaussian_log_prob(mean: np.ndarray, log_std: np.ndarray, actions: np.ndarray) -> np.ndarray:
    """ln N(a; μ, diag σ²) per row, σ = exp(log_std)."""
    z = (np.asarray(actions, dtype=np.float64) - mean) * np.exp(-log_std)
    return -0.5 * np.sum(z * z, axis=-1) - float(np.sum(log_std + HALF_LOG_2PI))


def batch_rows(x, dim: int, name: str) -> "tuple[np.ndarray, tuple]":
    """x [..., dim] → ([n, dim] float64, leading shape) so results can be reshaped back."""
    a = np.asarray(x, dtype=np.float64)
    if a.ndim == 0 or a.shape[-1] != dim:
        raise ValueError(f"{name} must have shape [..., {dim}], got {a.shape}")
    lead = a.shape[:-1]
    return a.reshape(-1, dim), lead
