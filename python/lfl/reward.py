"""``load_reward(path)``: a reward file written by ``lfl infer`` as a numpy function of
``(obs, actions, next_obs, terminated)``, computing what our TypeScript computes (docs/file-formats.md).

Two kinds of file:

* ``"kind": "lfl-gaussian-log-density-reward"`` (continuous, Algorithm 1; src/rewards/neural-reward.ts):
  r(s, a) = scale · (ln N(a; μ_φ(s̃), σ²) + g(s̃) − shift), s̃ = clip((s − mean)/√(var + 1e-8), ±clipObs),
  with g = 0 when there is no ``state`` network and shift 0, scale 1 by default (version 1 has none of them).
* ``"format": "lfl-tabular-reward"`` (tabular, Theorem 2; src/rewards/tabular-reward-file.ts): r(s, a) =
  reward[s][a] for integer states and actions.

Both ignore ``next_obs`` and ``terminated`` (they are in the signature so every reward has the same one).
"""
from __future__ import annotations

import json
import math
import os

import numpy as np

from ._nn import FormatError, Mlp, ObsNorm, batch_rows, finite_list, gaussian_log_prob

NEURAL_REWARD_KIND = "lfl-gaussian-log-density-reward"
TABULAR_REWARD_FORMAT = "lfl-tabular-reward"


def _read_json(path_or_json, what: str):
    if isinstance(path_or_json, dict):
        return path_or_json, what
    where = os.fspath(path_or_json)
    try:
        with open(where, "r", encoding="utf-8") as f:
            return json.load(f), where
    except (OSError, ValueError) as e:
        raise FormatError(f"{where}: cannot read a {what} JSON ({e})") from e


class GaussianLogDensityReward:
    """The continuous reward of ``lfl infer`` (call it like a function: ``r(obs, actions, next_obs, terminated)``)."""

    kind = NEURAL_REWARD_KIND

    def __init__(self, o: dict, where: str = "reward JSON"):
        def fail(msg):
            raise FormatError(f"{where}: {msg}")

        if o.get("kind") != NEURAL_REWARD_KIND:
            fail(f"kind must be \"{NEURAL_REWARD_KIND}\", got {o.get('kind')!r}")
        version = o.get("version")
        if version not in (1, 2) or isinstance(version, bool):
            fail(f"version must be 1 or 2, got {version!r}")
        if version == 1:
            for f in ("state", "shift", "scale"):
                if f in o:
                    fail(f"{f} needs version 2")
        self.version = version
        self.mean_net = Mlp(o.get("mean"), f"{where} mean")
        self.obs_dim, self.act_dim = self.mean_net.in_dim, self.mean_net.out_dim
        if o.get("obsDim") != self.obs_dim or o.get("actDim") != self.act_dim:
            fail(f"obsDim/actDim ({o.get('obsDim')}, {o.get('actDim')}) do not match the mean network {self.obs_dim}->{self.act_dim}")
        self.log_std = finite_list(where, "logStd", o.get("logStd"), self.act_dim)
        self.obs_norm = ObsNorm(o.get("obsNorm"), o.get("clipObs"), self.obs_dim, where)
        self.state_net = None
        if "state" in o:
            self.state_net = Mlp(o["state"], f"{where} state")
            if self.state_net.in_dim != self.obs_dim or self.state_net.out_dim != 1:
                fail(f"state must be a network {self.obs_dim}->1, got {self.state_net.in_dim}->{self.state_net.out_dim}")

        def num(name, default, positive):
            v = o.get(name, default)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or (positive and not v > 0):
                fail(f"{name} must be a finite{' positive' if positive else ''} number, got {v!r}")
            return float(v)

        self.shift = num("shift", 0, False)
        self.scale = num("scale", 1, True)
        self.info = o.get("info")

    def __call__(self, obs, actions, next_obs=None, terminated=None) -> np.ndarray:
        """One reward per transition: obs [..., obsDim], actions [..., actDim] → rewards [...] (float64)."""
        x, lead = batch_rows(obs, self.obs_dim, "obs")
        a, lead_a = batch_rows(actions, self.act_dim, "actions")
        if lead != lead_a:
            raise ValueError(f"obs has {lead} rows but actions has {lead_a}")
        s = self.obs_norm(x)
        r = gaussian_log_prob(self.mean_net(s), self.log_std, a)
        if self.state_net is not None or self.shift != 0 or self.scale != 1:
            g = self.state_net(s)[:, 0] if self.state_net is not None else 0.0
            r = self.scale * (r + g - self.shift)
        return r.reshape(lead)

    def bc_policy(self):
        """The behavioural clone π̂ stored with the reward (``info.bcPolicy``), as a ``PpoActor``."""
        from .policy import PpoActor

        if not isinstance(self.info, dict) or "bcPolicy" not in self.info:
            raise FormatError("reward JSON: info.bcPolicy is missing (expected the clone written by 'lfl infer')")
        return PpoActor(self.info["bcPolicy"], "reward JSON info.bcPolicy")


class TabularReward:
    """The tabular reward of ``lfl infer``: ``r(obs, actions, ...) = reward[obs, actions]`` for integer arrays."""

    kind = TABULAR_REWARD_FORMAT

    def __init__(self, o: dict, where: str = "reward JSON"):
        def fail(msg):
            raise FormatError(f"{where}: {msg}")

        n_s, n_a, gamma = o.get("nS"), o.get("nA"), o.get("gamma")
        if not isinstance(n_s, int) or isinstance(n_s, bool) or n_s <= 0:
            fail(f"nS must be a positive integer, got {n_s!r}")
        if not isinstance(n_a, int) or isinstance(n_a, bool) or n_a <= 0:
            fail(f"nA must be a positive integer, got {n_a!r}")
        if isinstance(gamma, bool) or not isinstance(gamma, (int, float)) or not 0 <= gamma < 1:
            fail(f"gamma must be in [0, 1), got {gamma!r}")
        rows = o.get("reward")
        if not isinstance(rows, list) or len(rows) != n_s:
            fail(f"reward must be an array of nS = {n_s} rows")
        table = np.empty((n_s, n_a))
        for s, row in enumerate(rows):
            if not isinstance(row, list) or len(row) != n_a:
                fail(f"reward[{s}] must be an array of nA = {n_a} numbers")
            table[s] = finite_list(where, f"reward[{s}]", row, n_a)
        self.n_states, self.n_actions, self.gamma = n_s, n_a, float(gamma)
        self.table = table
        self.info = o.get("info") if isinstance(o.get("info"), dict) else {}

    def __call__(self, obs, actions, next_obs=None, terminated=None) -> np.ndarray:
        s = _indices(obs, self.n_states, "obs")
        a = _indices(actions, self.n_actions, "actions")
        s, a = np.broadcast_arrays(s, a)
        return self.table[s, a]


def _indices(x, n: int, name: str) -> np.ndarray:
    """Integer-valued array with values in 0..n−1, as int64."""
    v = np.asarray(x)
    if v.dtype.kind == "f" and not np.all(v == np.floor(v)) or v.dtype.kind not in "iuf":
        raise ValueError(f"{name} must hold integers (a discrete space), got dtype {v.dtype}")
    if v.size and (v.min() < 0 or v.max() >= n):
        raise ValueError(f"{name} must be in 0..{n - 1}, got values in {v.min()}..{v.max()}")
    return v.astype(np.int64)


def load_reward(path):
    """Reads a reward JSON written by ``lfl infer`` (a path, or the parsed JSON object) and returns a callable
    ``reward(obs, actions, next_obs, terminated) -> np.ndarray`` of float64 rewards, one per transition."""
    o, where = _read_json(path, "reward")
    if not isinstance(o, dict):
        raise FormatError(f"{where}: not a JSON object")
    if o.get("format") == TABULAR_REWARD_FORMAT:
        return TabularReward(o, where)
    if o.get("kind") == NEURAL_REWARD_KIND:
        return GaussianLogDensityReward(o, where)
    raise FormatError(f"{where}: not an lfl reward file (expected \"kind\": \"{NEURAL_REWARD_KIND}\" or \"format\": \"{TABULAR_REWARD_FORMAT}\")")
