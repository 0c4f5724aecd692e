"""HistoryRecorder in a CleanRL-style loop (Gymnasium vector-env conventions) and write_history's checks."""
import os
import tempfile
import unittest
import zipfile

import numpy as np

import _path  # noqa: F401
from lfl import HistoryRecorder, read_history, write_history


class GymVectorWalk:
    """n envs; env i's episodes last 3 + i steps, the first one of each env terminates, later ones truncate.
    mode "same-step": Gymnasium 0.29 (reset at the end step, last observation in infos["final_observation"]);
    mode "next-step": Gymnasium >= 1.0 (the end step returns the last observation, the next step resets)."""

    def __init__(self, n, mode, seed=0):
        self.n, self.mode = n, mode
        self.rng = np.random.default_rng(seed)
        self.x = self.rng.normal(size=(n, 2))
        self.t = np.zeros(n, dtype=int)
        self.ep = np.zeros(n, dtype=int)
        self.needs_reset = np.zeros(n, dtype=bool)
        self.truth = []  # (env, episode, obs, action, reward, next_obs, terminated, truncated)
        self.returns = []  # (env, episode, return)
        self.acc = np.zeros(n)

    def step(self, actions):
        obs_out = np.empty_like(self.x)
        rew = np.zeros(self.n)
        term = np.zeros(self.n, dtype=bool)
        trunc = np.zeros(self.n, dtype=bool)
        final = np.empty(self.n, dtype=object)
        has_final = np.zeros(self.n, dtype=bool)
        for i in range(self.n):
            if self.needs_reset[i]:  # next-step mode: this step only resets
                self.needs_reset[i] = False
                self.x[i] = self.rng.normal(size=2)
                obs_out[i] = self.x[i]
                continue
            before = self.x[i].copy()
            self.x[i] = self.x[i] + 0.1 * actions[i] + self.rng.normal(scale=0.01, size=2)
            self.t[i] += 1
            r = float(-np.sum(self.x[i] ** 2))
            ended = self.t[i] >= 3 + i
            term[i] = ended and self.ep[i] == 0
            trunc[i] = ended and self.ep[i] > 0
            self.truth.append((i, self.ep[i], before, np.array(actions[i]), r, self.x[i].copy(), bool(term[i]), bool(trunc[i])))
            self.acc[i] += r
            rew[i] = r
            obs_out[i] = self.x[i]
            if ended:
                self.returns.append((i, self.ep[i], self.acc[i]))
                self.acc[i] = 0.0
                self.ep[i] += 1
                self.t[i] = 0
                if self.mode == "same-step":
                    final[i], has_final[i] = self.x[i].copy(), True
                    self.x[i] = self.rng.normal(size=2)
                    obs_out[i] = self.x[i]
                else:
                    self.needs_reset[i] = True
        infos = {"final_observation": final, "_final_observation": has_final} if self.mode == "same-step" else {}
        return obs_out, rew, term, trunc, infos


def cleanrl_loop(mode, n=3, updates=4, steps=5):
    env = GymVectorWalk(n, mode)
    path = os.path.join(tempfile.mkdtemp(), "h.npz")
    rec = HistoryRecorder(path, env_id="Walk-v0", learner="cleanrl-ppo", seed=1,
                          autoreset="next-step" if mode == "next-step" else "same-step")
    rng = np.random.default_rng(5)
    next_obs = env.x.copy()
    for _ in range(updates):
        for _ in range(steps):
            obs = next_obs
            actions = rng.normal(size=(n, 2))
            next_obs, rewards, terminations, truncations, infos = env.step(actions)
            rec.record(obs, actions, rewards, next_obs, terminations, truncations, infos)
        rec.end_update()
    rec.save()
    return env, read_history(path)


class RecorderTest(unittest.TestCase):
    def check(self, env, h):
        rows = {(h["obs"][i].tobytes(), h["actions"][i].tobytes()): i for i in range(len(h["rewards"]))}
        self.assertEqual(len(rows), len(env.truth))
        ids = {}
        for i_env, ep, obs, act, r, nxt, term, trunc in env.truth:
            i = rows[(obs.tobytes(), act.tobytes())]
            np.testing.assert_array_equal(h["next_obs"][i], nxt)
            self.assertEqual((h["rewards"][i], bool(h["terminated"][i]), bool(h["truncated"][i])), (r, term, trunc))
            ids.setdefault((i_env, ep), set()).add(int(h["episode"][i]))
        self.assertTrue(all(len(s) == 1 for s in ids.values()))
        self.assertEqual(len({min(s) for s in ids.values()}), len(ids))
        want = sorted((min(ids[(i, ep)]), ret) for i, ep, ret in env.returns)
        got = sorted(zip(h["learner_returns_episode"].tolist(), h["learner_returns"].tolist()))
        self.assertEqual([g[0] for g in got], [w[0] for w in want])
        np.testing.assert_allclose([g[1] for g in got], [w[1] for w in want], rtol=0, atol=1e-12)

    def test_gymnasium_0_29_final_observation(self):
        env, h = cleanrl_loop("same-step")
        self.check(env, h)
        self.assertEqual(len(h["rewards"]), 3 * 4 * 5)
        self.assertEqual(h["meta"]["updates"], [0, 1, 2, 3])
        self.assertEqual(h["meta"]["observationSpace"], {"kind": "box", "dim": 2})

    def test_gymnasium_1_next_step_autoreset_skips_the_reset_step(self):
        env, h = cleanrl_loop("next-step")
        self.check(env, h)
        self.assertLess(len(h["rewards"]), 3 * 4 * 5)  # the reset steps are not transitions

    def test_learner_returns_update_is_the_update_the_episode_ended_in(self):
        env, h = cleanrl_loop("same-step")
        for e, u in zip(h["learner_returns_episode"], h["learner_returns_update"]):
            rows = np.flatnonzero(h["episode"] == e)
            self.assertEqual(h["update"][rows[-1]], u)
            self.assertTrue(h["terminated"][rows[-1]] or h["truncated"][rows[-1]])

    def test_single_env_discrete(self):
        path = os.path.join(tempfile.mkdtemp(), "d.npz")
        rec = HistoryRecorder(path, env_id="Grid-v0", observation_space={"kind": "discrete", "n": 5},
                              action_space={"kind": "discrete", "n": 2})
        s = 0
        for t in range(7):
            a = t % 2
            s2 = min(4, s + a)
            rec.record(s, a, float(s2 == 4), s2, s2 == 4, False)
            s = 0 if s2 == 4 else s2
            if t == 3:
                rec.end_update()
        rec.save()
        h = read_history(path)
        self.assertEqual((h["obs"].dtype, h["obs"].shape, h["actions"].dtype), (np.int64, (7,), np.int64))
        self.assertEqual(h["meta"]["observationSpace"], {"kind": "discrete", "dim": 1, "n": 5})
        self.assertEqual(h["update"].tolist(), [0, 0, 0, 0, 1, 1, 1])

    def test_discrete_without_space_is_refused(self):
        rec = HistoryRecorder(env_id="Grid-v0")
        rec.record([0], [1], [0.0], [1], [False], [False])
        with self.assertRaisesRegex(ValueError, "observation_space"):
            rec.columns()


def columns(n=4):
    return {"obs": np.arange(n * 2.0).reshape(n, 2), "next_obs": np.arange(2.0, n * 2 + 2).reshape(n, 2),
            "actions": np.zeros((n, 1)), "rewards": np.ones(n), "terminated": [False] * (n - 1) + [True],
            "truncated": [False] * n, "update": [0] * n, "episode": [0] * n}


META = {"envId": "X-v0", "learner": "test", "observationSpace": {"kind": "box", "dim": 2}, "actionSpace": {"kind": "box", "dim": 1}}


class WriteHistoryTest(unittest.TestCase):
    def path(self):
        return os.path.join(tempfile.mkdtemp(), "w.npz")

    def test_layout_numpy_load_reads(self):
        p = write_history(self.path(), columns(), META, {"returns": [4.0], "update": [0], "episode": [0]})
        with zipfile.ZipFile(p) as z:
            names = sorted(z.namelist())
        self.assertEqual(names, sorted([f"{k}.npy" for k in ("obs", "next_obs", "actions", "rewards", "terminated", "truncated",
                                                              "update", "episode", "learner_returns", "learner_returns_update",
                                                              "learner_returns_episode")] + ["meta.json"]))
        h = read_history(p)
        self.assertEqual(h["meta"]["format"], "lfl-learning-history")
        self.assertEqual(h["meta"]["formatVersion"], 1)
        self.assertEqual(h["meta"]["updates"], [0])
        self.assertEqual(h["learner_returns"].tolist(), [4.0])
        self.assertFalse([f for f in os.listdir(os.path.dirname(p)) if f.endswith(".tmp")], "no temporary file left")

    def test_rows_sorted_by_update_then_episode_keeping_time(self):
        c = columns(4)
        c.update({"update": [1, 0, 1, 0], "episode": [5, 3, 5, 2], "terminated": [False] * 4})
        h = read_history(write_history(self.path(), c, META))
        self.assertEqual(list(zip(h["update"].tolist(), h["episode"].tolist())), [(0, 2), (0, 3), (1, 5), (1, 5)])
        self.assertEqual(h["obs"][2:, 0].tolist(), [0.0, 4.0])  # time order kept within the episode

    def test_refusals(self):
        bad = columns()
        bad["obs"] = bad["obs"].copy()
        bad["obs"][2, 1] = np.nan
        with self.assertRaisesRegex(ValueError, "'obs' row 2"):
            write_history(self.path(), bad, META)
        c = columns()
        c["terminated"] = [True, False, False, False]
        with self.assertRaisesRegex(ValueError, "episode 0 has a row after"):
            write_history(self.path(), c, META)
        with self.assertRaisesRegex(ValueError, "meta.envId"):
            write_history(self.path(), columns(), {**META, "envId": ""})
        with self.assertRaisesRegex(ValueError, "not in meta.updates"):
            write_history(self.path(), columns(), {**META, "updates": [1]})
        d = {**META, "actionSpace": {"kind": "discrete", "n": 2}}
        c = columns()
        c["actions"] = [0, 1, 2, 0]
        with self.assertRaisesRegex(ValueError, "'actions' row 2 is 2"):
            write_history(self.path(), c, d)
        with self.assertRaisesRegex(ValueError, "finite"):
            write_history(self.path(), columns(), {**META, "extra": {"x": float("inf")}})


if __name__ == "__main__":
    unittest.main()
