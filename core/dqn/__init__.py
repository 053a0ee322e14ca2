"""Deep Q-Network (Mnih et al., 2015) on Gymnasium's CartPole-v1, in small readable pieces.

Read in this order:

``config``      :class:`DQNConfig`, every hyperparameter with a one-line reason.
``network``     :class:`QNetwork`, the MLP from a state to one value per action.
``replay``      :class:`ReplayBuffer`, a preallocated ring buffer sampled uniformly.
``agent``       :func:`bellman_targets`, :class:`DQNAgent`: acting, learning, target net.
``training``    :func:`train`, the loop, the solved check and the result.
``evaluation``  :func:`evaluate` (greedy returns), episode traces with Q-values, value maps.
``storage``     :func:`save_run` / :func:`load_run` for a shipped default run.

Pure: numpy, torch and gymnasium only.
"""

from core.dqn.agent import DQNAgent, bellman_targets, linear_epsilon, next_state_values
from core.dqn.config import REWARD_SCHEMES, SOLVED_THRESHOLD, DQNConfig
from core.dqn.evaluation import (
    EVAL_EPISODES,
    EVAL_SEED,
    EpisodeTrace,
    evaluate,
    greedy_episode,
    greedy_episode_states,
    make_env,
    random_episode_states,
    value_map,
)
from core.dqn.network import QNetwork
from core.dqn.replay import ReplayBuffer, Transitions
from core.dqn.storage import load_run, save_run
from core.dqn.training import TrainingProgress, TrainingResult, train

__all__ = [
    "EVAL_EPISODES",
    "EVAL_SEED",
    "REWARD_SCHEMES",
    "SOLVED_THRESHOLD",
    "DQNAgent",
    "DQNConfig",
    "EpisodeTrace",
    "QNetwork",
    "ReplayBuffer",
    "TrainingProgress",
    "TrainingResult",
    "Transitions",
    "bellman_targets",
    "evaluate",
    "greedy_episode",
    "greedy_episode_states",
    "linear_epsilon",
    "load_run",
    "make_env",
    "next_state_values",
    "random_episode_states",
    "save_run",
    "train",
    "value_map",
]
