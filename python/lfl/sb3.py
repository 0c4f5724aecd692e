"""``LearningHistoryCallback``: records a Stable-Baselines3 learner as an lfl learning history.

    from stable_baselines3 import PPO
    from lfl.sb3 import LearningHistoryCallback

    model = PPO("MlpPolicy", "Pendulum-v1", seed=0)
    model.learn(100_000, callback=LearningHistoryCallback("pendulum-ppo.npz"))

What it records, per step of every env of the vectorised env: the observation before the step and after it,
RAW (with ``VecNormalize``, the original observations and rewards, not the normalised ones), the policy's sampled
action (SB3's ``actions``, before clipping to the action bounds), the reward, ``terminated`` / ``truncated``
(from ``infos[i]["TimeLimit.truncated"]``) and, at an episode's end, its true last observation
(``infos[i]["terminal_observation"]``, not the next episode's reset observation). Update k is the k-th rollout
(the policy after k updates); an episode cut by a rollout's end keeps its id; the return of every episode that
ends during update k is stored in ``learner_returns`` with ``learner_returns_update`` = k.

The file is written when training ends (and after every rollout with ``save_every_update=True``). It is meant
for on-policy learners (PPO, A2C): with an off-policy one (SAC, TD3) an "update" is one ``train_freq``
collection, and its data were not produced by one fixed policy of the update sequence in the paper's sense.

Without Stable-Baselines3 installed this module still imports (the callback then derives from a small stand-in
with the same protocol, which is what the tests drive).
"""
from __future__ import annotations

import numpy as np

from .history import HistoryRecorder

try:  # Stable-Baselines3 is optional: the module imports without it.
    from stable_baselines3.common.callbacks import BaseCallback as _BaseCallback
except ImportError:  # pragma: no cover - exercised when SB3 is absent

    class _BaseCallback:  # type: ignore[no-redef]
        """The part of SB3's BaseCallback protocol this callback uses (SB3 calls these in this order)."""

        def __init__(self, verbose: int = 0):
            self.verbose = verbose
            self.n_calls = 0
            self.num_timesteps = 0
            self.locals: dict = {}
            self.globals: dict = {}
            self.model = None

        def init_callback(self, model) -> None:
            self.model = model
            self._init_callback()

        def _init_callback(self) -> None:
            pass

        def on_training_start(self, locals_: dict, globals_: dict) -> None:
            self.locals, self.globals = locals_, globals_
            self.num_timesteps = self.model.num_timesteps
            self._on_training_start()

        def on_rollout_start(self) -> None:
            self._on_rollout_start()

        def on_step(self) -> bool:
            self.n_calls += 1
            self.num_timesteps = self.model.num_timesteps
            return self._on_step()

        def update_locals(self, locals_: dict) -> None:
            self.locals.update(locals_)

        def on_rollout_end(self) -> None:
            self._on_rollout_end()

        def on_training_end(self) -> None:
            self._on_training_end()

        def _on_training_start(self) -> None:
            pass

        def _on_rollout_start(self) -> None:
            pass

        def _on_rollout_end(self) -> None:
            pass

        def _on_training_end(self) -> None:
            pass

        def _on_step(self) -> bool:
            return True


_CONFIG_KEYS = ("n_steps", "batch_size", "n_epochs", "gamma", "gae_lambda", "ent_coef", "vf_coef", "max_grad_norm",
                "learning_rate", "clip_range", "normalize_advantage", "use_sde", "train_freq", "gradient_steps",
                "buffer_size", "learning_starts", "tau")


def _json_scalar(v) -> bool:
    return isinstance(v, (bool, int, float, str)) and not (isinstance(v, float) and not np.isfinite(v))


class LearningHistoryCallback(_BaseCallback):
    """Records every transition of an SB3 learner and writes an lfl learning history to ``path``.

    ``env_id`` defaults to the id of the env's Gymnasium spec; ``seed`` to the model's seed. With
    ``VecNormalize``, terminal observations are taken raw from the wrapped env (the callback taps its
    ``step_wait`` for the duration of training; ``exact_terminal_obs=False`` un-normalises VecNormalize's
    normalised copy instead, which is float32-rounded and clipped at ``clip_obs``)."""

    def __init__(self, path, env_id: "str | None" = None, *, seed: "int | None" = None, save_every_update: bool = False,
                 exact_terminal_obs: bool = True, verbose: int = 0):
        super().__init__(verbose)
        self.path, self.env_id, self.seed = path, env_id, seed
        self.save_every_update, self.exact_terminal_obs = save_every_update, exact_terminal_obs
        self.recorder: "HistoryRecorder | None" = None
        self._prev = None
        self._vn = None
        self._tap = None
        self._tapped: dict = {}

    # ── helpers ──
    def _env(self):
        return self.model.get_env()

    def _vec_normalize(self):
        get = getattr(self.model, "get_vec_normalize_env", None)
        return get() if get is not None else None

    def _raw_current_obs(self) -> np.ndarray:
        if self._vn is not None:
            return np.array(self._vn.get_original_obs(), copy=True)
        return np.array(self.model._last_obs, copy=True)

    def _guess_env_id(self) -> str:
        try:
            spec = self._env().get_attr("spec", [0])[0]
            if spec is not None and getattr(spec, "id", None):
                return str(spec.id)
        except Exception:  # noqa: BLE001 - best effort: any VecEnv without specs
            pass
        return "unknown"

    def _learner_config(self) -> dict:
        cfg = {k: getattr(self.model, k) for k in _CONFIG_KEYS if _json_scalar(getattr(self.model, k, None))}
        cfg["n_envs"] = int(self._env().num_envs)
        return cfg

    def _install_tap(self) -> None:
        """Keep the raw terminal observations VecNormalize is about to normalise in place."""
        if self._vn is None or not self.exact_terminal_obs or self._tap is not None:
            return
        inner = getattr(self._vn, "venv", None)
        if inner is None:
            return
        had_own = "step_wait" in getattr(inner, "__dict__", {})
        original = inner.step_wait

        def step_wait():
            obs, rewards, dones, infos = original()
            self._tapped = {int(i): np.array(infos[i]["terminal_observation"], copy=True)
                            for i in np.flatnonzero(dones) if infos[i].get("terminal_observation") is not None}
            return obs, rewards, dones, infos

        try:
            inner.step_wait = step_wait
        except Exception:  # noqa: BLE001 - an env that refuses attributes: fall back to un-normalising
            return
        self._tap = (inner, original, had_own)

    def _remove_tap(self) -> None:
        if self._tap is None:
            return
        inner, original, had_own = self._tap
        if had_own:
            inner.step_wait = original
        else:
            del inner.step_wait
        self._tap = None

    # ── SB3 hooks ──
    def _on_training_start(self) -> None:
        self._vn = self._vec_normalize()
        model = self.model
        if self.recorder is None:
            seed = self.seed if self.seed is not None else getattr(model, "seed", None)
            self.recorder = HistoryRecorder(
                self.path, env_id=self.env_id or self._guess_env_id(), observation_space=model.observation_space,
                action_space=model.action_space, learner=f"sb3-{type(model).__name__.lower()}",
                seed=seed if isinstance(seed, (int, np.integer)) else None, learner_config=self._learner_config(),
                extra={"vecNormalize": self._vn is not None})
        current = self._raw_current_obs()
        if self._prev is not None and self.recorder.n_envs is not None:
            # A second learn(): envs that were reset since the last one start new episodes.
            for i in range(len(current)):
                if not np.array_equal(self._prev[i], current[i]):
                    self.recorder.new_episode(i)
        self._prev = current
        self._install_tap()

    def _on_step(self) -> bool:
        loc = self.locals
        dones = np.asarray(loc["dones"]).astype(bool)
        infos = loc["infos"]
        if self._vn is not None:
            new_obs = np.array(self._vn.get_original_obs(), copy=True)
            rewards = np.asarray(self._vn.get_original_reward())
        else:
            new_obs = np.array(loc["new_obs"], copy=True)
            rewards = np.asarray(loc["rewards"])
        truncated = np.array([bool(d and info.get("TimeLimit.truncated", False)) for d, info in zip(dones, infos)])
        terminated = dones & ~truncated
        final = [None] * len(dones)
        for i in np.flatnonzero(dones):
            if int(i) in self._tapped:
                final[i] = self._tapped[int(i)]
            elif infos[i].get("terminal_observation") is not None:
                last = infos[i]["terminal_observation"]
                final[i] = self._vn.unnormalize_obs(last) if self._vn is not None else last
        self._tapped = {}
        self.recorder.record(self._prev, loc["actions"], rewards, new_obs, terminated, truncated, final_obs=final)
        self._prev = new_obs
        return True

    def _on_rollout_end(self) -> None:
        self.recorder.end_update()
        if self.save_every_update:
            self.recorder.save()

    def _on_training_end(self) -> None:
        self._remove_tap()
        if self.recorder is not None:
            self.recorder.save()
