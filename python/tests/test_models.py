"""load_reward / load_policy: the formulas of docs/file-formats.md, checked against per-row loops written with
the math module (independent of the vectorised numpy code), and the files' validation."""
import json
import math
import os
import tempfile
import unittest

import numpy as np

import _path  # noqa: F401
from lfl import FormatError, load_policy, load_reward


def mlp_json(rng, sizes):
    n = sum(sizes[l + 1] * sizes[l] + sizes[l + 1] for l in range(len(sizes) - 1))
    return {"kind": "mlp", "activation": "tanh", "sizes": sizes, "params": rng.normal(scale=0.7, size=n).tolist()}


def mlp_row(net, x):
    """One row through the MLP, layer by layer from the flat params (W [out, in] row-major, then b)."""
    p, off, h = net["params"], 0, list(x)
    sizes = net["sizes"]
    for l in range(len(sizes) - 1):
        n_in, n_out = sizes[l], sizes[l + 1]
        out = []
        for o in range(n_out):
            s = sum(p[off + o * n_in + i] * h[i] for i in range(n_in))
            out.append(s + p[off + n_out * n_in + o])
        off += n_out * n_in + n_out
        h = [math.tanh(v) for v in out] if l < len(sizes) - 2 else out
    return h


def norm_row(stats, clip, x):
    return [max(-clip, min(clip, (x[j] - stats["mean"][j]) / math.sqrt(stats["var"][j] + 1e-8))) for j in range(len(x))]


def log_density(mean, log_std, a):
    return sum(-0.5 * ((a[j] - mean[j]) / math.exp(log_std[j])) ** 2 - log_std[j] - 0.5 * math.log(2 * math.pi) for j in range(len(a)))


def reward_json(rng, d=4, k=2, version=2):
    o = {"kind": "lfl-gaussian-log-density-reward", "version": version, "obsDim": d, "actDim": k,
         "mean": mlp_json(rng, [d, 5, 3, k]), "logStd": rng.normal(scale=0.3, size=k).tolist(),
         "obsNorm": {"mean": rng.normal(size=d).tolist(), "var": rng.uniform(0.1, 3, size=d).tolist(), "count": 100},
         "clipObs": 1.5}
    if version == 2:
        o.update({"state": mlp_json(rng, [d, 4, 1]), "shift": 0.37, "scale": 2.5})
    return o


class RewardTest(unittest.TestCase):
    def test_neural_reward_matches_the_formula(self):
        rng = np.random.default_rng(0)
        for version in (1, 2):
            o = reward_json(rng, version=version)
            r = load_reward(o)
            obs, act = rng.normal(scale=2, size=(9, 4)), rng.normal(size=(9, 2))
            got = r(obs, act, obs, np.zeros(9, bool))
            for i in range(9):
                s = norm_row(o["obsNorm"], o["clipObs"], obs[i])
                want = log_density(mlp_row(o["mean"], s), o["logStd"], act[i])
                if version == 2:
                    want = o["scale"] * (want + mlp_row(o["state"], s)[0] - o["shift"])
                self.assertAlmostEqual(got[i], want, delta=1e-12 * max(1, abs(want)))
            self.assertTrue(np.any(np.abs(norm_row(o["obsNorm"], o["clipObs"], obs.max(0))) == 1.5), "the clip is exercised")
            self.assertEqual(r(obs[0], act[0]).shape, ())  # one transition → a scalar array

    def test_from_a_file_and_bc_policy(self):
        rng = np.random.default_rng(1)
        o = reward_json(rng, version=1)
        o["info"] = {"bcPolicy": {"policy": o["mean"], "logStd": o["logStd"], "obsNorm": o["obsNorm"], "clipObs": o["clipObs"]}}
        p = os.path.join(tempfile.mkdtemp(), "r.json")
        with open(p, "w") as f:
            json.dump(o, f)
        obs, act = rng.normal(size=(5, 4)), rng.normal(size=(5, 2))
        pi = load_policy(p)  # a reward file's clone π̂: the same Gaussian as the version-1 reward
        np.testing.assert_allclose(pi.log_prob(obs, act), load_reward(p)(obs, act, obs, None), rtol=0, atol=1e-12)

    def test_tabular_reward(self):
        o = {"format": "lfl-tabular-reward", "formatVersion": 1, "nS": 3, "nA": 2, "gamma": 0.9,
             "reward": [[0.0, 1.0], [2.0, 3.0], [4.0, 5.5]], "info": {}}
        r = load_reward(o)
        self.assertEqual(r([0, 2, 1], [1, 1, 0], None, None).tolist(), [1.0, 5.5, 2.0])
        self.assertEqual(r(np.array([2.0]), np.array([0.0]), None, None).tolist(), [4.0])
        with self.assertRaisesRegex(ValueError, "obs must be in 0..2"):
            r([3], [0], None, None)
        with self.assertRaisesRegex(ValueError, "integers"):
            r([0.5], [0], None, None)

    def test_refusals_name_the_field(self):
        rng = np.random.default_rng(2)
        o = reward_json(rng)
        cases = [({"kind": "x"}, "not an lfl reward"), ({"version": 3}, "version"),
                 ({"logStd": [0.0, float("nan")]}, r"logStd\[1\]"), ({"clipObs": 0}, "clipObs"),
                 ({"scale": -1.0}, "scale"), ({"obsDim": 5}, "obsDim"),
                 ({"mean": {**o["mean"], "params": o["mean"]["params"][:-1]}}, "params has"),
                 ({"obsNorm": {**o["obsNorm"], "var": [-1.0] + o["obsNorm"]["var"][1:]}}, r"obsNorm.var\[0\]")]
        for change, msg in cases:
            with self.assertRaisesRegex(FormatError, msg):
                load_reward({**o, **change})
        v1 = reward_json(rng, version=1)
        with self.assertRaisesRegex(FormatError, "needs version 2"):
            load_reward({**v1, "shift": 1.0})
        with self.assertRaisesRegex(FormatError, r"reward\[1\]"):
            load_reward({"format": "lfl-tabular-reward", "nS": 2, "nA": 1, "gamma": 0.5, "reward": [[0.0], [None]]})


class PolicyTest(unittest.TestCase):
    def actor(self, rng, normalised=True):
        return {"policy": mlp_json(rng, [3, 6, 2]), "logStd": [-0.5, 0.2],
                "obsNorm": {"mean": [1.0, -2.0, 0.0], "var": [4.0, 0.25, 1.0], "count": 50} if normalised else None, "clipObs": 10}

    def test_mean_action_log_prob_sample(self):
        rng = np.random.default_rng(3)
        for normalised in (True, False):
            o = self.actor(rng, normalised)
            pi = load_policy(o)
            obs = rng.normal(size=(6, 3))
            mean = pi.mean_action(obs)
            for i in range(6):
                x = norm_row(o["obsNorm"], 10, obs[i]) if normalised else list(obs[i])
                np.testing.assert_allclose(mean[i], mlp_row(o["policy"], x), rtol=0, atol=1e-13)
            a = pi.sample(obs, np.random.default_rng(7))
            z = np.random.default_rng(7).standard_normal((6, 2))
            np.testing.assert_allclose(a, mean + np.exp(o["logStd"]) * z, rtol=0, atol=1e-13)
            lp = pi.log_prob(obs, a)
            for i in range(6):
                self.assertAlmostEqual(lp[i], log_density(mean[i], o["logStd"], a[i]), delta=1e-12)
            self.assertEqual(pi.mean_action(obs[0]).shape, (2,))

    def test_model_file_bounds_and_refusals(self):
        rng = np.random.default_rng(4)
        o = {**self.actor(rng), "kind": "ppo", "value": mlp_json(rng, [3, 6, 1]), "actionLow": [-1, -1], "actionHigh": [1, 1]}
        pi = load_policy(o)
        self.assertEqual(pi.action_low.tolist(), [-1.0, -1.0])
        with self.assertRaisesRegex(FormatError, "obsNorm is missing"):
            load_policy({k: v for k, v in o.items() if k != "obsNorm"})
        with self.assertRaisesRegex(FormatError, "logStd must be an array of 2"):
            load_policy({**o, "logStd": [0.0]})
        with self.assertRaisesRegex(FormatError, "activation"):
            load_policy({**o, "policy": {**o["policy"], "activation": "relu"}})


if __name__ == "__main__":
    unittest.main()


DOCS = os.path.join(_path.ROOT, "..", "docs")


def doc_block(name, marker):
    """The ```python block of docs/<name> that contains `marker`."""
    import re

    with open(os.path.join(DOCS, name), encoding="utf-8") as f:
        blocks = re.findall(r"```python\n(.*?)```", f.read(), re.S)
    found = [b for b in blocks if marker in b]
    assert found, f"docs/{name} has a python block containing {marker!r}"
    return found[0]


class DocsTest(unittest.TestCase):
    def test_file_formats_numpy_reference_equals_load_reward(self):
        rng = np.random.default_rng(9)
        o = reward_json(rng, version=2)
        d = tempfile.mkdtemp()
        with open(os.path.join(d, "reward.json"), "w") as f:
            json.dump(o, f)
        ns = {}
        cwd = os.getcwd()
        try:
            os.chdir(d)  # the block opens "reward.json"
            exec(doc_block("file-formats.md", "def continuous_reward"), ns)
        finally:
            os.chdir(cwd)
        obs, act = rng.normal(scale=3, size=(20, 4)), rng.normal(size=(20, 2))
        np.testing.assert_allclose(ns["continuous_reward"](ns["f"], obs, act), load_reward(o)(obs, act, obs, None), rtol=0, atol=1e-12)

    def test_python_md_reward_wrapper(self):
        import sys
        import types

        class Wrapper:  # the part of gymnasium.Wrapper the example uses
            def __init__(self, env):
                self.env = env

        gym = types.ModuleType("gymnasium")
        gym.Wrapper = Wrapper
        sys.modules.setdefault("gymnasium", gym)
        try:
            rng = np.random.default_rng(10)
            o = reward_json(rng, version=1)
            path = os.path.join(tempfile.mkdtemp(), "reward.json")
            with open(path, "w") as f:
                json.dump(o, f)

            class Env:
                def reset(self, **kw):
                    self.s = rng.normal(size=4)
                    return self.s, {}

                def step(self, a):
                    self.s = self.s + 0.1
                    return self.s, -1.0, False, False, {}

            ns = {}
            exec(doc_block("python.md", "class RecoveredReward"), ns)
            env = ns["RecoveredReward"](Env(), path)
            s0, _ = env.reset()
            a = np.array([0.3, -0.2])
            s1, r, term, trunc, info = env.step(a)
            self.assertEqual(info["true_reward"], -1.0)
            self.assertAlmostEqual(r, float(load_reward(o)(s0, a)), places=12)
        finally:
            if sys.modules.get("gymnasium") is gym:
                del sys.modules["gymnasium"]
