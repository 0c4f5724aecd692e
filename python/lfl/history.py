"""The learning-history file (docs/history-format.md) from Python: ``write_history`` / ``read_history`` and
``HistoryRecorder``, which records a vectorised learner step by step (a CleanRL-style loop; the SB3 callback in
``lfl.sb3`` is a thin adapter over it).

One row per transition; ``update`` k = the k-th rollout (collected by the policy after k policy updates);
``episode`` ids unique in the file, an episode cut by the end of a rollout keeps its id in the next update.
Besides the eight arrays the reader requires, the file holds the learner's own returns (optional arrays):

* ``learner_returns`` float64 [M]: the undiscounted return of every episode the learner completed while
  recording (the sum of its ``rewards`` rows, from its first recorded step to its terminated/truncated row),
* ``learner_returns_update`` int64 [M]: the update during which that episode ended (non-decreasing),
* ``learner_returns_episode`` int64 [M]: its episode id (the ``episode`` value of its rows).
"""
from __future__ import annotations

import json
import math
import os
import tempfile
import zipfile

import numpy as np

HISTORY_FORMAT = "lfl-learning-history"
HISTORY_FORMAT_VERSION = 1
ARRAYS = ("obs", "next_obs", "actions", "rewards", "terminated", "truncated", "update", "episode")
RETURN_ARRAYS = ("learner_returns", "learner_returns_update", "learner_returns_episode")


def space_info(space) -> dict:
    """The meta.json description of a space: a Gymnasium Box / Discrete (or anything with ``n`` / ``shape``),
    or an already-built ``{"kind": ..., "dim": ..., "n": ...}`` dict."""
    if isinstance(space, dict):
        if space.get("kind") == "discrete":
            return {"kind": "discrete", "dim": 1, "n": int(space["n"])}
        if space.get("kind") == "box":
            return {"kind": "box", "dim": int(space["dim"])}
        raise ValueError(f"space {space!r}: kind must be 'box' or 'discrete'")
    name = type(space).__name__
    if name == "Discrete" or (hasattr(space, "n") and not hasattr(space, "nvec") and getattr(space, "shape", ()) in ((), None)):
        if int(getattr(space, "start", 0)) != 0:
            raise ValueError(f"a Discrete space must start at 0 for an lfl history, got start={space.start}")
        return {"kind": "discrete", "dim": 1, "n": int(space.n)}
    if name == "Box" or (hasattr(space, "shape") and hasattr(space, "low")):
        return {"kind": "box", "dim": int(np.prod(space.shape))}
    raise ValueError(f"space {space!r}: an lfl history holds Box or Discrete spaces only")


def _column(name: str, a, space: dict, n: int) -> np.ndarray:
    a = np.asarray(a)
    if space["kind"] == "discrete":
        a = a.reshape(n)
        if a.dtype.kind == "f" and not np.all(a == np.floor(a)):
            raise ValueError(f"array '{name}' holds non-integers for a discrete space")
        a = a.astype(np.int64)
        bad = np.flatnonzero((a < 0) | (a >= space["n"]))
        if bad.size:
            raise ValueError(f"array '{name}' row {bad[0]} is {a[bad[0]]}, outside the discrete space 0..{space['n'] - 1}")
        return a
    if a.size != n * space["dim"]:
        raise ValueError(f"array '{name}' has shape {a.shape}, expected {n} rows of the {'action' if name == 'actions' else 'observation'} space's dim {space['dim']}")
    return a.reshape(n, space["dim"]).astype(np.float64)


def _check_finite(name: str, a: np.ndarray) -> None:
    if a.dtype.kind == "f" and a.size:
        bad = np.flatnonzero(~np.isfinite(a.reshape(len(a), -1)).all(axis=1))
        if bad.size:
            raise ValueError(f"array '{name}' row {bad[0]} is not finite (refusing to write NaN/Inf)")


def _check_json_finite(x, path: str) -> None:
    if isinstance(x, float) and not math.isfinite(x):
        raise ValueError(f"{path} is {x}; meta.json must hold finite numbers")
    if isinstance(x, dict):
        for k, v in x.items():
            _check_json_finite(v, f"{path}.{k}")
    elif isinstance(x, (list, tuple)):
        for i, v in enumerate(x):
            _check_json_finite(v, f"{path}[{i}]")


def write_history(path, columns: dict, meta: dict, learner_returns: "dict | None" = None) -> str:
    """Writes an lfl learning history (.npz) atomically.

    ``columns`` maps each of ARRAYS to one row per transition (any order: rows are sorted by update, then
    episode, then time — the order given within an episode is taken as time). ``meta`` needs ``envId``,
    ``learner``, ``observationSpace`` and ``actionSpace`` (see ``space_info``); ``updates`` defaults to 0..max.
    ``learner_returns``: optional ``{"returns", "update", "episode"}`` arrays (the learner's episode returns).
    Raises ValueError on anything the TypeScript reader would refuse. Returns the path."""
    meta = dict(meta)
    for k in ("envId", "learner"):
        if not isinstance(meta.get(k), str) or not meta[k]:
            raise ValueError(f"meta.{k} must be a non-empty string")
    obs_space, act_space = space_info(meta["observationSpace"]), space_info(meta["actionSpace"])
    meta["observationSpace"], meta["actionSpace"] = obs_space, act_space
    missing = [k for k in ARRAYS if k not in columns]
    if missing:
        raise ValueError(f"columns lack {missing}")
    n = len(np.asarray(columns["rewards"]).reshape(-1))
    arrays = {
        "obs": _column("obs", columns["obs"], obs_space, n),
        "next_obs": _column("next_obs", columns["next_obs"], obs_space, n),
        "actions": _column("actions", columns["actions"], act_space, n),
        "rewards": np.asarray(columns["rewards"], dtype=np.float64).reshape(n),
    }
    for k in ("terminated", "truncated"):
        arrays[k] = np.asarray(columns[k]).reshape(n).astype(np.bool_)
    for k in ("update", "episode"):
        v = np.asarray(columns[k]).reshape(n)
        if v.dtype.kind not in "iu":
            raise ValueError(f"array '{k}' must hold integers, got dtype {v.dtype}")
        arrays[k] = v.astype(np.int64)
    for k, a in arrays.items():
        _check_finite(k, a)
    update, episode = arrays["update"], arrays["episode"]
    if n and update.min() < 0:
        raise ValueError("array 'update' must be non-negative")
    updates = meta.get("updates")
    if updates is None:
        updates = list(range(int(update.max()) + 1)) if n else []
    updates = [int(u) for u in updates]
    if any(b <= a for a, b in zip(updates, updates[1:])) or any(u < 0 for u in updates):
        raise ValueError("meta.updates must be increasing non-negative integers")
    unknown = np.setdiff1d(update, updates)
    if unknown.size:
        raise ValueError(f"update {unknown[0]} is not in meta.updates")
    meta["updates"] = updates
    order = np.lexsort((np.arange(n), episode, update))
    arrays = {k: np.ascontiguousarray(a[order]) for k, a in arrays.items()}
    done = arrays["terminated"] | arrays["truncated"]
    ended = set()
    for i, e in enumerate(arrays["episode"].tolist()):
        if e in ended:
            raise ValueError(f"episode {e} has a row after the row where it terminated or was truncated")
        if done[i]:
            ended.add(e)
    if learner_returns is not None:
        r = np.asarray(learner_returns["returns"], dtype=np.float64).reshape(-1)
        ru = np.asarray(learner_returns["update"]).reshape(-1).astype(np.int64)
        re_ = np.asarray(learner_returns["episode"]).reshape(-1).astype(np.int64)
        if not len(r) == len(ru) == len(re_):
            raise ValueError("learner returns: returns, update and episode must have the same length")
        _check_finite("learner_returns", r)
        if np.setdiff1d(ru, updates).size:
            raise ValueError(f"learner_returns_update {np.setdiff1d(ru, updates)[0]} is not in meta.updates")
        o = np.argsort(ru, kind="stable")
        arrays.update({"learner_returns": r[o], "learner_returns_update": ru[o], "learner_returns_episode": re_[o]})
    meta = {"format": HISTORY_FORMAT, "formatVersion": HISTORY_FORMAT_VERSION, **meta}
    _check_json_finite(meta, "meta")
    text = json.dumps(meta, allow_nan=False)
    path = os.fspath(path)
    fd, tmp = tempfile.mkstemp(prefix=os.path.basename(path) + ".", suffix=".tmp", dir=os.path.dirname(os.path.abspath(path)))
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
        with zipfile.ZipFile(tmp, "a") as z:
            z.writestr("meta.json", text)
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def read_history(path) -> dict:
    """Reads a history file into a dict of numpy arrays (the eight, any learner-returns arrays) plus ``meta``."""
    with np.load(os.fspath(path), allow_pickle=False) as z:
        out = {k: z[k] for k in z.files if k != "meta.json"}
        out["meta"] = json.loads(bytes(z["meta.json"]).decode("utf-8"))
    if out["meta"].get("format") != HISTORY_FORMAT:
        raise ValueError(f"{path}: not an lfl learning history (meta.json format {out['meta'].get('format')!r})")
    return out


class HistoryRecorder:
    """Records a vectorised learner, one ``record`` call per environment step and one ``end_update`` per policy
    update, and writes the history with ``save``.

    ``record(obs, actions, rewards, next_obs, terminated, truncated, infos)`` takes one row per env (arrays with
    a leading n_envs axis; a single env may pass unbatched values). Pass RAW observations (before any
    normalisation). When an env's episode ends and the vector env has already reset it, ``next_obs`` holds the
    reset observation; the true last observation is then taken from ``final_obs`` if given, else from ``infos``:
    Stable-Baselines3's list of dicts (``infos[i]["terminal_observation"]``) or Gymnasium's dict of arrays
    (``infos["final_obs"]`` / ``infos["final_observation"]`` with their ``_``-prefixed masks); without either,
    ``next_obs`` is taken as the last observation (an env that does not reset itself).

    ``autoreset="next-step"`` is for Gymnasium >= 1.0 vector envs in their default mode: the step that ends an
    episode returns its true last observation, and the env's NEXT step is the reset (its action is ignored), so
    that row is skipped."""

    def __init__(self, path=None, *, env_id: str, observation_space=None, action_space=None, learner: str = "custom",
                 seed=None, learner_config: "dict | None" = None, env_kwargs: "dict | None" = None,
                 extra: "dict | None" = None, autoreset: str = "same-step"):
        if autoreset not in ("same-step", "next-step"):
            raise ValueError(f"autoreset must be 'same-step' or 'next-step', got {autoreset!r}")
        self.path = path
        self.env_id, self.learner, self.seed = env_id, learner, seed
        self.learner_config, self.env_kwargs, self.extra = learner_config, env_kwargs, dict(extra or {})
        self.observation_space = None if observation_space is None else space_info(observation_space)
        self.action_space = None if action_space is None else space_info(action_space)
        self.autoreset = autoreset
        self.update = 0
        self.n_envs = None
        self._rows = {k: [] for k in ARRAYS}
        self._returns, self._returns_update, self._returns_episode = [], [], []
        self._rows_in_update = 0

    # ── per-env state ──
    def _start(self, n_envs: int) -> None:
        self.n_envs = n_envs
        self.episode_of_env = np.arange(n_envs, dtype=np.int64)
        self.next_episode = n_envs
        self.return_of_env = np.zeros(n_envs)
        self.steps_of_env = np.zeros(n_envs, dtype=np.int64)
        self.skip_next = np.zeros(n_envs, dtype=bool)

    def new_episode(self, env_index: int) -> None:
        """Env ``env_index`` was reset outside ``record`` (its episode is abandoned, not ended): a new id."""
        if self.n_envs is None:
            return
        self.episode_of_env[env_index] = self.next_episode
        self.next_episode += 1
        self.return_of_env[env_index] = 0.0
        self.steps_of_env[env_index] = 0
        self.skip_next[env_index] = False

    def record(self, obs, actions, rewards, next_obs, terminated, truncated, infos=None, final_obs=None) -> None:
        rewards = np.asarray(rewards, dtype=np.float64)
        single = rewards.ndim == 0
        if single:
            obs, actions, next_obs = np.asarray(obs)[None], np.asarray(actions)[None], np.asarray(next_obs)[None]
            rewards, terminated, truncated = rewards[None], np.asarray(terminated)[None], np.asarray(truncated)[None]
            infos = None  # a single env's info dict carries no final observation
            final_obs = None if final_obs is None else [final_obs]
        n = len(rewards)
        if self.n_envs is None:
            self._start(n)
        elif n != self.n_envs:
            raise ValueError(f"record: {n} rows, but the recorder started with {self.n_envs} envs")
        obs = np.array(obs, copy=True)
        nxt = np.array(next_obs, copy=True)
        actions = np.array(actions, copy=True)
        term = np.asarray(terminated).reshape(n).astype(bool)
        trunc = np.asarray(truncated).reshape(n).astype(bool)
        if len(obs) != n or len(nxt) != n or len(actions) != n:
            raise ValueError(f"record: obs, actions and next_obs need {n} rows (one per env)")
        done = term | trunc
        if self.autoreset == "same-step":
            for i, last in self._final_observations(infos, final_obs, done).items():
                nxt[i] = np.asarray(last).reshape(nxt[i].shape)
        keep = ~self.skip_next
        rows = np.flatnonzero(keep)
        if rows.size:
            for k, v in (("obs", obs), ("next_obs", nxt), ("actions", actions), ("rewards", rewards),
                         ("terminated", term), ("truncated", trunc)):
                self._rows[k].append(v[rows])
            self._rows["update"].append(np.full(rows.size, self.update, dtype=np.int64))
            self._rows["episode"].append(self.episode_of_env[rows].copy())
            self._rows_in_update += rows.size
        self.return_of_env[keep] += rewards[keep]
        self.steps_of_env[keep] += 1
        for i in np.flatnonzero(done & keep):
            self._returns.append(float(self.return_of_env[i]))
            self._returns_update.append(self.update)
            self._returns_episode.append(int(self.episode_of_env[i]))
            self.return_of_env[i] = 0.0
            self.steps_of_env[i] = 0
            self.episode_of_env[i] = self.next_episode
            self.next_episode += 1
        self.skip_next = (done & keep) if self.autoreset == "next-step" else np.zeros(n, dtype=bool)

    @staticmethod
    def _final_observations(infos, final_obs, done) -> dict:
        out = {}
        idx = np.flatnonzero(done)
        if not idx.size:
            return out
        if final_obs is not None:
            for i in idx:
                if final_obs[i] is not None:
                    out[int(i)] = final_obs[i]
            return out
        if isinstance(infos, (list, tuple)):
            for i in idx:
                last = infos[i].get("terminal_observation") if isinstance(infos[i], dict) else None
                if last is not None:
                    out[int(i)] = last
        elif isinstance(infos, dict):
            for key in ("final_obs", "final_observation"):
                if key in infos:
                    mask = np.asarray(infos.get("_" + key, done)).astype(bool)
                    for i in idx:
                        if mask[i] and infos[key][i] is not None:
                            out[int(i)] = infos[key][i]
                    break
        return out

    def end_update(self) -> None:
        """The learner updated its policy: the next rows belong to update + 1."""
        self.update += 1
        self._rows_in_update = 0

    @property
    def num_rows(self) -> int:
        return sum(len(r) for r in self._rows["rewards"])

    @property
    def learner_returns(self) -> "tuple[np.ndarray, np.ndarray, np.ndarray]":
        """(returns, update, episode) of every episode completed so far."""
        return (np.asarray(self._returns, dtype=np.float64), np.asarray(self._returns_update, dtype=np.int64),
                np.asarray(self._returns_episode, dtype=np.int64))

    def _spaces(self) -> "tuple[dict, dict]":
        def infer(name, given, rows):
            if given is not None:
                return given
            if not rows:
                raise ValueError(f"nothing recorded: give {name} to the recorder")
            a = np.asarray(rows[0])
            if a.dtype.kind in "iub":
                raise ValueError(f"{name} looks discrete: give it to the recorder (its n cannot be guessed)")
            return {"kind": "box", "dim": int(np.prod(a.shape[1:]))}

        return infer("observation_space", self.observation_space, self._rows["obs"]), infer("action_space", self.action_space, self._rows["actions"])

    def columns(self) -> "tuple[dict, dict, dict]":
        """(columns, meta, learner_returns) as ``write_history`` takes them."""
        obs_space, act_space = self._spaces()
        cols = {}
        for k in ARRAYS:
            if self._rows[k]:
                cols[k] = np.concatenate(self._rows[k])
            else:
                width = {"obs": obs_space, "next_obs": obs_space, "actions": act_space}.get(k)
                shape = (0,) if width is None or width["kind"] == "discrete" else (0, width["dim"])
                cols[k] = np.zeros(shape, dtype=np.int64 if k in ("update", "episode") else np.float64)
        n_updates = self.update + (1 if self._rows_in_update else 0)
        meta = {"envId": self.env_id, "learner": self.learner, "observationSpace": obs_space, "actionSpace": act_space,
                "updates": list(range(n_updates)), "extra": {**self.extra, "recorder": "lfl-python", "nEnvs": self.n_envs}}
        if self.seed is not None:
            meta["seed"] = int(self.seed)
        if self.learner_config:
            meta["learnerConfig"] = self.learner_config
        if self.env_kwargs:
            meta["envKwargs"] = self.env_kwargs
        r, u, e = self.learner_returns
        return cols, meta, {"returns": r, "update": u, "episode": e}

    def save(self, path=None) -> str:
        """Writes everything recorded so far (atomically) to ``path`` (default: the recorder's path)."""
        path = path if path is not None else self.path
        if path is None:
            raise ValueError("save: no path (give one to the recorder or to save)")
        cols, meta, returns = self.columns()
        return write_history(path, cols, meta, returns)
