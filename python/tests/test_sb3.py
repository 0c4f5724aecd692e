"""The SB3 callback against stand-ins (tests/sb3_fakes.py) whose env keeps the ground truth of every step."""
import os
import tempfile
import unittest

import numpy as np

import _path  # noqa: F401
from lfl import read_history
from lfl.sb3 import LearningHistoryCallback
from sb3_fakes import FakePPO, FakeVecEnv, FakeVecNormalize


def run(n_envs=3, n_steps=5, rollouts=4, normalize=False, discrete=False, dtype=np.float32, **kw):
    env = FakeVecEnv(n_envs, discrete=discrete, seed=1, dtype=dtype)
    venv = FakeVecNormalize(env) if normalize else env
    model = FakePPO(venv, n_steps=n_steps)
    d = tempfile.mkdtemp()
    path = os.path.join(d, "h.npz")
    cb = LearningHistoryCallback(path, **kw)
    model.learn(n_envs * n_steps * rollouts, callback=cb)
    return env, model, cb, path


class CallbackTest(unittest.TestCase):
    def check_against_truth(self, env, h, exact=True):
        """Every ground-truth transition is one row, with its raw observations, flags, update and episode."""
        self.assertEqual(len(h["rewards"]), len(env.truth))
        key = lambda obs, act: (np.asarray(obs, np.float64).tobytes(), np.asarray(act, np.float64).tobytes())  # noqa: E731
        row_of = {key(h["obs"][i], h["actions"][i]): i for i in range(len(h["rewards"]))}
        self.assertEqual(len(row_of), len(env.truth), "rows are distinct")
        ids = {}
        for t in env.truth:
            i = row_of[key(t["obs"], t["action"])]
            if exact:
                np.testing.assert_array_equal(h["next_obs"][i], t["next_obs"].astype(np.float64))
            else:
                np.testing.assert_allclose(h["next_obs"][i], t["next_obs"], rtol=1e-5, atol=1e-5)
            self.assertEqual(h["rewards"][i], np.float64(np.float32(t["reward"])))
            self.assertEqual(bool(h["terminated"][i]), t["terminated"])
            self.assertEqual(bool(h["truncated"][i]), t["truncated"])
            self.assertEqual(int(h["update"][i]), t["rollout"])
            ids.setdefault((t["env"], t["ep"]), set()).add(int(h["episode"][i]))
        self.assertTrue(all(len(s) == 1 for s in ids.values()), "one id per episode, across rollouts")
        self.assertEqual(len({next(iter(s)) for s in ids.values()}), len(ids), "ids unique in the file")
        return ids

    def check_returns(self, env, h, ids):
        want = sorted((rollout, next(iter(ids[(i, ep)])), ret) for i, ep, ret, rollout in env.completed)
        got = sorted(zip(h["learner_returns_update"].tolist(), h["learner_returns_episode"].tolist(), h["learner_returns"].tolist()))
        self.assertEqual(len(got), len(want))
        for (gu, ge, gr), (wu, we, wr) in zip(got, want):
            self.assertEqual((gu, ge), (wu, we))
            self.assertAlmostEqual(gr, wr, places=9)
        self.assertTrue(np.all(np.diff(h["learner_returns_update"]) >= 0))

    def check_order_and_trajectories(self, h):
        u, e = h["update"], h["episode"]
        self.assertTrue(np.all(np.diff(u) >= 0))
        for k in range(1, len(u)):
            if u[k] == u[k - 1]:
                self.assertGreaterEqual(e[k], e[k - 1])
                if e[k] == e[k - 1]:  # same episode, same update: a contiguous trajectory
                    np.testing.assert_array_equal(h["obs"][k], h["next_obs"][k - 1])

    def test_vectorised_episodes_across_rollouts(self):
        env, model, cb, path = run()
        h = read_history(path)
        ids = self.check_against_truth(env, h)
        self.check_returns(env, h, ids)
        self.check_order_and_trajectories(h)
        self.assertEqual(h["meta"]["updates"], [0, 1, 2, 3])
        self.assertEqual(h["meta"]["envId"], "Fake-v0")
        self.assertEqual(h["meta"]["learner"], "sb3-fakeppo")
        self.assertEqual(h["meta"]["learnerConfig"], {"n_steps": 5, "gamma": 0.99, "n_envs": 3})
        self.assertEqual(h["meta"]["observationSpace"], {"kind": "box", "dim": 3})
        self.assertEqual(h["meta"]["actionSpace"], {"kind": "box", "dim": 2})
        # Some episode spans two rollouts, and keeps its id in consecutive updates.
        spans = [sorted(set(h["update"][h["episode"] == x].tolist())) for x in np.unique(h["episode"])]
        self.assertTrue(any(len(s) == 2 and s[1] == s[0] + 1 for s in spans))
        self.assertTrue(h["terminated"].any() and h["truncated"].any())
        # Actions are the sampled ones, before clipping to the bounds.
        self.assertGreater(np.abs(h["actions"]).max(), 1.0)
        self.assertEqual((h["obs"].dtype, h["actions"].dtype, h["update"].dtype, h["terminated"].dtype),
                         (np.float64, np.float64, np.int64, np.bool_))

    def test_terminal_observations_are_the_last_not_the_reset(self):
        env, model, cb, path = run(n_envs=2, rollouts=3)
        h = read_history(path)
        done = h["terminated"] | h["truncated"]
        truth_last = {np.asarray(t["next_obs"], np.float64).tobytes() for t in env.truth if t["terminated"] or t["truncated"]}
        self.assertEqual({h["next_obs"][i].tobytes() for i in np.flatnonzero(done)}, truth_last)

    def test_vec_normalize_raw_observations_and_rewards(self):
        env, model, cb, path = run(normalize=True, dtype=np.float64)
        h = read_history(path)
        self.assertTrue(h["meta"]["extra"]["vecNormalize"])
        self.assertGreater(np.abs(h["obs"][:, 0]).min(), 3.0, "raw (offset 5), not normalised")
        ids = self.check_against_truth(env, h, exact=True)
        self.check_returns(env, h, ids)
        self.check_order_and_trajectories(h)
        self.assertIsNone(cb._tap, "the step_wait tap is removed when training ends")
        self.assertNotIn("step_wait", env.__dict__)

    def test_vec_normalize_unnormalised_terminal_observations(self):
        # float32 observations: un-normalising VecNormalize's float32 copy rounds back to the raw values.
        env, model, cb, path = run(normalize=True, exact_terminal_obs=False)
        self.check_against_truth(env, read_history(path), exact=True)
        # float64 observations (MuJoCo): only close, which is why the callback taps step_wait by default.
        env, model, cb, path = run(normalize=True, exact_terminal_obs=False, dtype=np.float64)
        h = read_history(path)
        self.check_against_truth(env, h, exact=False)
        with self.assertRaises(AssertionError):
            self.check_against_truth(env, h, exact=True)

    def test_discrete_actions(self):
        env, model, cb, path = run(discrete=True)
        h = read_history(path)
        self.assertEqual(h["meta"]["actionSpace"], {"kind": "discrete", "dim": 1, "n": 4})
        self.assertEqual((h["actions"].dtype, h["actions"].shape), (np.int64, (len(env.truth),)))
        self.check_against_truth(env, h)

    def test_second_learn_continues_updates_and_episodes(self):
        env = FakeVecEnv(2, seed=3)
        model = FakePPO(env, n_steps=4)
        path = os.path.join(tempfile.mkdtemp(), "h.npz")
        cb = LearningHistoryCallback(path, env_id="Walk-v0", seed=7)
        model.learn(16, callback=cb)
        model.learn(16, callback=cb, reset_num_timesteps=False)
        h = read_history(path)
        self.assertEqual(h["meta"]["updates"], [0, 1, 2, 3])
        self.assertEqual((h["meta"]["envId"], h["meta"]["seed"]), ("Walk-v0", 7))
        ids = self.check_against_truth(env, h)
        self.check_returns(env, h, ids)
        # learn() again with a reset: the open episodes are abandoned and new ids start.
        before = set(h["episode"].tolist())
        model.learn(8, callback=cb)
        h2 = read_history(path)
        self.assertEqual(h2["meta"]["updates"], [0, 1, 2, 3, 4])
        new_ids = set(h2["episode"][h2["update"] == 4].tolist())
        self.assertFalse(new_ids & before, "after a reset every env is in a new episode")
        self.check_order_and_trajectories(h2)


if __name__ == "__main__":
    unittest.main()
