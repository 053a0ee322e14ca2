"""Deep Q-Network (Mnih et al., 2015) on Gymnasium's CartPole-v1 and on MinAtar's Space
Invaders, in small readable pieces: one training loop, the game and network chosen by the config.

Read in this order:

``config``      :class:`DQNConfig`, every hyperparameter with a one-line reason.
``network``     :class:`QNetwork`, the MLP from a state to one value per action;
                :class:`ConvQNetwork`, the conv net from a game screen.
``replay``      :class:`ReplayBuffer`, a preallocated ring buffer sampled uniformly.
``agent``       :func:`bellman_targets`, :class:`DQNAgent`: acting, learning, target net.
``games``       the games behind one batched interface; greedy Space Invaders play.
``training``    :func:`train`, the loop, the solved check and the result.
``evaluation``  :func:`evaluate` (greedy CartPole returns), episode traces, value maps.
``storage``     :func:`save_run` / :func:`load_run` for the shipped runs.

Pure: numpy, torch and gymnasium only.
"""

from core.dqn.agent import DQNAgent, bellman_targets, linear_epsilon, next_state_values
from core.dqn.config import ENVIRONMENTS, REWARD_SCHEMES, SOLVED_THRESHOLD, DQNConfig
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
from core.dqn.games import (
    INVADERS_EVAL_EPISODES,
    INVADERS_EVAL_SEED,
    InvadersTrace,
    evaluate_invaders,
    invaders_greedy_episode,
)
from core.dqn.network import ConvQNetwork, QNetwork, build_network
from core.dqn.replay import ReplayBuffer, Transitions
from core.dqn.storage import load_run, save_run
from core.dqn.training import TrainingProgress, TrainingResult, train

__all__ = [
    "ENVIRONMENTS",
    "EVAL_EPISODES",
    "EVAL_SEED",
    "INVADERS_EVAL_EPISODES",
    "INVADERS_EVAL_SEED",
    "REWARD_SCHEMES",
    "SOLVED_THRESHOLD",
    "ConvQNetwork",
    "DQNAgent",
    "DQNConfig",
    "EpisodeTrace",
    "InvadersTrace",
    "QNetwork",
    "ReplayBuffer",
    "TrainingProgress",
    "TrainingResult",
    "Transitions",
    "bellman_targets",
    "build_network",
    "evaluate",
    "evaluate_invaders",
    "greedy_episode",
    "greedy_episode_states",
    "invaders_greedy_episode",
    "linear_epsilon",
    "load_run",
    "make_env",
    "next_state_values",
    "random_episode_states",
    "save_run",
    "train",
    "value_map",
]
