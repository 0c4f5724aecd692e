"""``load_policy(path)``: a PPO actor written by lfl (docs/file-formats.md) as a numpy policy.

The actor JSON (``PpoActorJson`` in src/learners/ppo-config.ts) is
``{"policy": MLP, "logStd": [...], "obsNorm": {mean, var, count} | null, "clipObs": 10}``:
π(a | s) = N(a; μ(s̃), diag σ²), μ the tanh MLP, σ = exp(logStd), s̃ = clip((s − mean)/√(var + 1e-8), ±clipObs)
or s̃ = s when ``obsNorm`` is null. Files that hold one:

* ``lfl observe --out FILE`` (the observer's final policy): the actor itself;
* ``lfl learn --model FILE``: the actor plus ``kind: "ppo"``, ``value``, ``actionLow``/``actionHigh``;
* a continuous reward file of ``lfl infer``: the behavioural clone π̂ under ``info.bcPolicy``.

The environment receives the action clipped to its bounds (as in our training and evaluation); ``sample`` and
``mean_action`` return unclipped actions — clip with ``np.clip(a, env.action_space.low, env.action_space.high)``.
"""
from __future__ import annotations

import json
import os

import numpy as np

from ._nn import FormatError, Mlp, ObsNorm, batch_rows, finite_list, gaussian_log_prob
from .reward import NEURAL_REWARD_KIND


class PpoActor:
    """A diagonal-Gaussian PPO actor: ``mean_action(obs)``, ``sample(obs, rng)``, ``log_prob(obs, actions)``."""

    def __init__(self, o, where: str = "actor JSON"):
        if not isinstance(o, dict):
            raise FormatError(f"{where}: not a JSON object (expected {{policy, logStd, obsNorm, clipObs}})")
        self.net = Mlp(o.get("policy"), f"{where} policy")
        self.obs_dim, self.act_dim = self.net.in_dim, self.net.out_dim
        self.log_std = finite_list(where, "logStd", o.get("logStd"), self.act_dim)
        clip = o.get("clipObs")
        if "obsNorm" not in o:
            raise FormatError(f"{where}: obsNorm is missing (null for an actor on raw observations)")
        if o["obsNorm"] is None:
            if isinstance(clip, bool) or not isinstance(clip, (int, float)) or not clip > 0:
                raise FormatError(f"{where}: clipObs must be a positive number, got {clip!r}")
            self.obs_norm = None
        else:
            self.obs_norm = ObsNorm(o["obsNorm"], clip, self.obs_dim, where)
        self.action_low = finite_list(where, "actionLow", o["actionLow"], self.act_dim) if "actionLow" in o else None
        self.action_high = finite_list(where, "actionHigh", o["actionHigh"], self.act_dim) if "actionHigh" in o else None

    @property
    def std(self) -> np.ndarray:
        return np.exp(self.log_std)

    def _mean(self, obs):
        x, lead = batch_rows(obs, self.obs_dim, "obs")
        if self.obs_norm is not None:
            x = self.obs_norm(x)
        return self.net(x), lead

    def mean_action(self, obs) -> np.ndarray:
        """μ(s̃) [..., actDim] for obs [..., obsDim] (the policy's mean action, unclipped)."""
        m, lead = self._mean(obs)
        return m.reshape(lead + (self.act_dim,))

    def sample(self, obs, rng=None) -> np.ndarray:
        """a = μ(s̃) + σ ⊙ z, z ~ N(0, I) from ``rng`` (a ``numpy.random.Generator``, a seed, or None)."""
        gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
        m, lead = self._mean(obs)
        a = m + self.std * gen.standard_normal(m.shape)
        return a.reshape(lead + (self.act_dim,))

    def log_prob(self, obs, actions) -> np.ndarray:
        """ln π(a | s) [...] for obs [..., obsDim] and actions [..., actDim]."""
        m, lead = self._mean(obs)
        a, lead_a = batch_rows(actions, self.act_dim, "actions")
        if lead != lead_a:
            raise ValueError(f"obs has {lead} rows but actions has {lead_a}")
        return gaussian_log_prob(m, self.log_std, a).reshape(lead)


def load_policy(path) -> PpoActor:
    """Reads an actor JSON (``lfl observe --out``, ``lfl learn --model``, or a reward file's ``info.bcPolicy``)."""
    if isinstance(path, dict):
        o, where = path, "actor JSON"
    else:
        where = os.fspath(path)
        try:
            with open(where, "r", encoding="utf-8") as f:
                o = json.load(f)
        except (OSError, ValueError) as e:
            raise FormatError(f"{where}: cannot read an actor JSON ({e})") from e
    if isinstance(o, dict) and o.get("kind") == NEURAL_REWARD_KIND:
        info = o.get("info")
        if not isinstance(info, dict) or "bcPolicy" not in info:
            raise FormatError(f"{where}: a reward file without info.bcPolicy (the clone written by 'lfl infer')")
        return PpoActor(info["bcPolicy"], f"{where} info.bcPolicy")
    return PpoActor(o, where)
