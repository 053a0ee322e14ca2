"""Save a finished run to one small ``.pt`` file and load it back.

Format
    A ``torch.save`` dict of plain Python values and tensors only (the network's
    ``state_dict`` and architecture, the config as a dict, every curve as a tensor), so
    :func:`load_run` can use ``torch.load(weights_only=True)`` and never unpickles code.
    A default CartPole run with a 128-128 network is about 80 kB; a Space Invaders run with
    MinAtar's conv net (132,000 weights) about 530 kB plus its curves. Observations keep their
    dtype: the replay sample of a Space Invaders run is stored as uint8 pictures.

Older files
    A run saved before ``DQNConfig`` had a field loads with that field's default: a file
    without ``environment`` is a CartPole run, as it was when it was written. Such a run played
    one game, so the step at which each episode ended (``episode_steps``, added later) is the
    running sum of the episode lengths.
"""

from __future__ import annotations

import math
import os

import numpy as np
import torch

from core.dqn.config import DQNConfig
from core.dqn.network import ConvQNetwork, QNetwork, network_from_architecture
from core.dqn.replay import Transitions
from core.dqn.training import TrainingResult

FORMAT_VERSION = 2

_ARRAYS = (
    "episode_returns",
    "episode_lengths",
    "episode_losses",
    "episode_epsilons",
    "episode_steps",
    "eval_steps",
    "eval_episodes",
    "eval_means",
)
_SCALARS = (
    "total_steps",
    "wall_time",
    "cpu_time",
    "solved",
    "solved_at_step",
    "solved_at_episode",
    "stopped",
    "policy_step",
    "policy_eval_mean",
    "ended_by",
)


def save_run(result: TrainingResult, path: str | os.PathLike) -> None:
    """Write ``result`` (policy weights, curves, config, summary) to ``path``."""
    policy = result.policy
    if not isinstance(policy, QNetwork | ConvQNetwork):
        raise ValueError(
            f"result.policy must be a QNetwork or ConvQNetwork, got {type(policy).__name__}"
        )
    payload = {
        "format_version": FORMAT_VERSION,
        "config": result.config.to_dict(),
        "architecture": policy.architecture(),
        "state_dict": {k: v.detach().cpu().clone() for k, v in policy.state_dict().items()},
        "arrays": {name: torch.from_numpy(np.array(getattr(result, name))) for name in _ARRAYS},
        "scalars": {name: getattr(result, name) for name in _SCALARS},
        "replay_sample": {
            name: torch.from_numpy(np.array(values))
            for name, values in result.replay_sample._asdict().items()
        },
    }
    torch.save(payload, path)


def load_run(path: str | os.PathLike) -> TrainingResult:
    """Read a run written by :func:`save_run`; the policy comes back ready for ``evaluate``."""
    payload = torch.load(path, weights_only=True)
    if payload.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"unsupported run file format: {payload.get('format_version')!r}")
    policy = network_from_architecture(payload["architecture"])
    policy.load_state_dict(payload["state_dict"])
    policy.requires_grad_(False)
    policy.eval()
    arrays = dict(payload["arrays"])
    if "episode_steps" not in arrays:  # written before the field existed: one game
        arrays["episode_steps"] = torch.cumsum(arrays["episode_lengths"], dim=0)
    scalars = dict(payload["scalars"])
    if scalars["policy_eval_mean"] is None:
        scalars["policy_eval_mean"] = math.nan
    return TrainingResult(
        config=DQNConfig.from_dict(payload["config"]),
        policy=policy,
        **{name: arrays[name].numpy() for name in _ARRAYS},
        **scalars,
        replay_sample=Transitions(
            **{name: tensor.numpy() for name, tensor in payload["replay_sample"].items()}
        ),
    )
