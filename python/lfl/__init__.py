"""lfl for Python: record a learner's learning history for the ``lfl`` tool, and use its files in numpy.

* ``lfl.sb3.LearningHistoryCallback(path)``: a Stable-Baselines3 callback that writes the history.
* ``lfl.HistoryRecorder``: the same for a hand-written (CleanRL-style) loop: ``record(...)`` per step,
  ``end_update()`` per policy update, ``save()``.
* ``lfl.load_reward(path)``: a reward file of ``lfl infer`` as ``reward(obs, actions, next_obs, terminated)``.
* ``lfl.load_policy(path)``: a PPO actor file (``mean_action``, ``sample``, ``log_prob``).
* ``lfl.write_history`` / ``lfl.read_history``: the .npz file from / to numpy columns.

Formats: docs/history-format.md and docs/file-formats.md in the lfl repository. numpy is the only requirement.
"""
from ._nn import FormatError
from .history import HistoryRecorder, read_history, space_info, write_history
from .policy import PpoActor, load_policy
from .reward import GaussianLogDensityReward, TabularReward, load_reward

__version__ = "0.1.0"


def __getattr__(name):
    # `import lfl; lfl.sb3.LearningHistoryCallback(...)` works without importing lfl.sb3 up front.
    if name == "sb3":
        import importlib

        return importlib.import_module(".sb3", __name__)
    raise AttributeError(f"module 'lfl' has no attribute {name!r}")

__all__ = ["FormatError", "GaussianLogDensityReward", "HistoryRecorder", "PpoActor", "TabularReward", "load_policy",
           "load_reward", "read_history", "space_info", "write_history", "__version__"]
