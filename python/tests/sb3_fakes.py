"""Stand-ins for what the SB3 callback touches: a DummyVecEnv-like vector env (auto-reset, terminal observation
and "TimeLimit.truncated" in infos), a VecNormalize-like wrapper (normalised float32 observations and rewards,
terminal observations normalised in place, get_original_obs / get_original_reward / unnormalize_obs), and a
model whose ``learn`` drives the callback as SB3's on-policy loop does. The env keeps the ground truth: every
transition with its raw observations, so tests compare the file against it."""
from __future__ import annotations

import numpy as np


class Box:
    def __init__(self, low, high, shape):
        self.shape = tuple(shape)
        self.low = np.full(shape, low, dtype=np.float32)
        self.high = np.full(shape, high, dtype=np.float32)


class Discrete:
    def __init__(self, n):
        self.n = n
        self.start = 0
        self.shape = ()


class Spec:
    def __init__(self, id_):
        self.id = id_


OFFSET = np.array([5.0, -3.0, 0.5], dtype=np.float32)
DIRECTIONS = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])


class FakeVecEnv:
    """n envs of a noisy 3-d walk; env i truncates after 6 + i steps, terminates when |x0| > 1."""

    def __init__(self, n_envs=3, discrete=False, seed=0, dtype=np.float32):
        self.num_envs = n_envs
        self.dtype = dtype  # MuJoCo envs observe float64, classic control float32
        self.discrete = discrete
        self.observation_space = Box(-np.inf, np.inf, (3,))
        self.action_space = Discrete(4) if discrete else Box(-1.0, 1.0, (2,))
        self.rng = np.random.default_rng(seed)
        self.x = np.zeros((n_envs, 3), dtype=dtype)
        self.t = np.zeros(n_envs, dtype=int)
        self.episode_no = np.zeros(n_envs, dtype=int)  # per-env episode counter (ground truth)
        self.ep_return = np.zeros(n_envs)
        self.truth = []  # one dict per transition
        self.completed = []  # (env, episode_no, return)
        self.rollout = 0  # set by the model: which rollout a transition belongs to
        self._actions = None

    def _reset_one(self, i):
        self.x[i] = (self.rng.normal(0, 0.3, 3) + OFFSET).astype(self.dtype)
        self.t[i] = 0
        self.ep_return[i] = 0.0

    def reset(self):
        for i in range(self.num_envs):
            self._reset_one(i)
        return self.x.copy()

    def get_attr(self, name, indices=None):
        return [Spec("Fake-v0") if name == "spec" else None for _ in (indices or range(self.num_envs))]

    def step_async(self, actions):
        self._actions = np.array(actions)

    def step_wait(self):
        obs_out = np.zeros_like(self.x)
        rewards = np.zeros(self.num_envs, dtype=np.float32)
        dones = np.zeros(self.num_envs, dtype=bool)
        infos = [{} for _ in range(self.num_envs)]
        for i in range(self.num_envs):
            a = self._actions[i]
            move = DIRECTIONS[int(a)] if self.discrete else np.asarray(a, dtype=np.float64)
            before = self.x[i].copy()
            x = self.x[i].astype(np.float64)
            x[:2] += 0.25 * move
            x += self.rng.normal(0, 0.1, 3)
            self.x[i] = x.astype(self.dtype)
            self.t[i] += 1
            r = np.float32(-np.sum((self.x[i] - OFFSET) ** 2) - 0.01 * np.sum(move ** 2))
            terminated = bool(abs(self.x[i][0] - OFFSET[0]) > 1.0)
            truncated = bool(self.t[i] >= 6 + i) and not terminated
            self.ep_return[i] += float(r)
            self.truth.append({"env": i, "ep": int(self.episode_no[i]), "rollout": self.rollout, "obs": before,
                               "next_obs": self.x[i].copy(), "reward": float(r), "terminated": terminated,
                               "truncated": truncated, "action": None})
            rewards[i] = r
            if terminated or truncated:
                dones[i] = True
                infos[i]["terminal_observation"] = self.x[i].copy()
                infos[i]["TimeLimit.truncated"] = truncated
                self.completed.append((i, int(self.episode_no[i]), float(self.ep_return[i]), self.rollout))
                self.episode_no[i] += 1
                self._reset_one(i)
            obs_out[i] = self.x[i]
        return obs_out, rewards, dones, infos

    def step(self, actions):
        self.step_async(actions)
        return self.step_wait()


class FakeVecNormalize:
    """Normalises observations (running statistics, float32, clipped) and rewards (scaled), as VecNormalize."""

    def __init__(self, venv, clip_obs=10.0):
        self.venv = venv
        self.num_envs = venv.num_envs
        self.observation_space, self.action_space = venv.observation_space, venv.action_space
        self.clip_obs = clip_obs
        self.mean = np.zeros(3)
        self.var = np.ones(3)
        self.count = 1e-4
        self.epsilon = 1e-8
        self.old_obs = None
        self.old_reward = None

    def _update(self, x):
        b_mean, b_var, n = x.mean(0), x.var(0), len(x)
        delta, total = b_mean - self.mean, self.count + n
        self.var = (self.var * self.count + b_var * n + delta ** 2 * self.count * n / total) / total
        self.mean = self.mean + delta * n / total
        self.count = total

    def normalize_obs(self, obs):
        return np.clip((obs - self.mean) / np.sqrt(self.var + self.epsilon), -self.clip_obs, self.clip_obs).astype(np.float32)

    def unnormalize_obs(self, obs):
        return obs * np.sqrt(self.var + self.epsilon) + self.mean

    def get_original_obs(self):
        return self.old_obs.copy()

    def get_original_reward(self):
        return self.old_reward.copy()

    def get_attr(self, name, indices=None):
        return self.venv.get_attr(name, indices)

    def reset(self):
        obs = self.venv.reset()
        self.old_obs = obs
        self._update(obs)
        return self.normalize_obs(obs)

    def step_async(self, actions):
        self.venv.step_async(actions)

    def step_wait(self):
        obs, rewards, dones, infos = self.venv.step_wait()
        self.old_obs, self.old_reward = obs, rewards
        self._update(obs)
        out = self.normalize_obs(obs)
        for i in np.flatnonzero(dones):
            if "terminal_observation" in infos[i]:
                infos[i]["terminal_observation"] = self.normalize_obs(infos[i]["terminal_observation"])
        return out, (rewards / 7.0).astype(np.float32), dones, infos

    def step(self, actions):
        self.step_async(actions)
        return self.step_wait()


class FakePPO:
    """What the callback touches on an SB3 model, and a ``learn`` that calls the callback as SB3's on-policy
    ``collect_rollouts`` does: on_training_start, then per rollout on_rollout_start, per step (after
    env.step, before _last_obs moves on) update_locals + on_step, on_rollout_end; finally on_training_end."""

    def __init__(self, env, n_steps=5, seed=0):
        self.env = env
        self.n_steps = n_steps
        self.gamma = 0.99
        self.clip_range = lambda progress: 0.2  # a schedule: not JSON, must be skipped
        self.seed = seed
        self.num_timesteps = 0
        self._last_obs = None
        self.observation_space, self.action_space = env.observation_space, env.action_space
        self.rng = np.random.default_rng(seed + 100)
        self.truth_env = env.venv if isinstance(env, FakeVecNormalize) else env

    def get_env(self):
        return self.env

    def get_vec_normalize_env(self):
        return self.env if isinstance(self.env, FakeVecNormalize) else None

    def learn(self, total_timesteps, callback, reset_num_timesteps=True):
        if reset_num_timesteps:
            self.num_timesteps = 0
        if reset_num_timesteps or self._last_obs is None:
            self._last_obs = self.env.reset()
        callback.init_callback(self)
        callback.on_training_start(locals(), globals())
        target = self.num_timesteps + total_timesteps if not reset_num_timesteps else total_timesteps
        n = self.env.num_envs
        while self.num_timesteps < target:
            callback.on_rollout_start()
            for _ in range(self.n_steps):
                if isinstance(self.action_space, Discrete):
                    actions = self.rng.integers(0, 4, size=n)
                    clipped_actions = actions
                else:
                    actions = (1.5 * self.rng.normal(size=(n, 2))).astype(np.float32)
                    clipped_actions = np.clip(actions, self.action_space.low, self.action_space.high)
                start = len(self.truth_env.truth)
                new_obs, rewards, dones, infos = self.env.step(clipped_actions)
                for i, t in enumerate(self.truth_env.truth[start:]):
                    t["action"] = np.array(actions[i])
                self.num_timesteps += n
                callback.update_locals(locals())
                if not callback.on_step():
                    return self
                self._last_obs = new_obs
            callback.on_rollout_end()
            self.truth_env.rollout += 1
        callback.on_training_end()
        return self
