"""The training loop: act, store, learn, update the target, check the greedy policy.

One loop for every game
    The loop plays a batch of games (see ``core.dqn.games``): CartPole is a batch of one, Space
    Invaders ``parallel_games`` games stepped together by one numpy call, their actions chosen
    by one forward pass. Each step of the batch counts one environment step per game.

Loop
    Each env step: choose an epsilon-greedy action, step the environment, store the transition
    (with ``terminated``, never ``terminated or truncated``). After the ``learning_starts``
    warm-up, every ``train_frequency`` steps do ``gradient_steps`` learning steps on random
    batches, and every ``target_update_period`` steps update the target network. (With several
    games, the environment steps of one batch step are counted one by one, so the cadence is
    the same as with one game.)

Ablations
    Each switch changes one thing and keeps the rest, so a comparison is fair.
    ``use_replay=False``: batches are the most recent ``batch_size`` consecutive transitions
    instead of a random sample of the buffer; batch size, cadence and budget stay the same,
    so only the correlation of the samples (and the reuse of old data) changes.
    ``use_target_network=False``: targets bootstrap from the online network itself.
    ``double_dqn`` and ``reward_scheme`` switch the target rule and the reward.

Greedy checks and the solved bar
    Training returns include exploration, so they understate the policy. Every
    ``eval_every_episodes`` episodes, once the last 20 training episodes average at least
    ``eval_min_recent_length`` steps, the greedy policy plays ``eval_episodes`` fresh episodes.
    A mean of at least ``solved_threshold`` counts as solved (CartPole: Gymnasium's 475; Space
    Invaders: MinAtar's DQN level): that policy is kept and, with ``stop_when_solved``,
    training stops. Otherwise the best-evaluated policy is returned (the final policy is
    evaluated too), so a late collapse does not ruin the result.

How a run ends
    Training ends at the first episode end once the budget is spent (so the last episode is
    complete; with several games, the others' unfinished episodes are left out of the curves).
    ``ended_by`` says why: "solved", "budget" (env steps spent), "episode cap"
    (``max_episodes`` reached first) or "stopped" (``should_stop``).

Reproducibility
    ``seed`` feeds one ``SeedSequence`` that seeds a local torch generator (the network's
    initial weights), a numpy generator (exploration, replay sampling, evaluation seeds) and the
    environment (CartPole: first reset and action space; Space Invaders: the games' sticky
    actions). Nothing process-wide is seeded or changed, so runs in parallel threads or
    processes cannot disturb each other. The caller chooses the number of torch threads once
    per process: one is fastest for networks this small (the training workers and the
    benchmark set it).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import gymnasium as gym
import numpy as np
import torch
from torch import nn

from core.dqn.agent import DQNAgent, linear_epsilon
from core.dqn.config import DQNConfig
from core.dqn.evaluation import evaluate, make_env
from core.dqn.games import CartPoleGames, evaluate_invaders
from core.dqn.network import network_from_architecture
from core.dqn.replay import ReplayBuffer, Transitions
from core.invaders import ACTIONS, OBSERVATION_SHAPE, InvadersBatch

RECENT_EPISODES = 20
"""Window of the moving average of training returns (and lengths) reported during training."""

REPLAY_SAMPLE_SIZE = 8
"""Transitions kept with a result to show what one learning batch looks like."""


@dataclass(frozen=True)
class TrainingProgress:
    """What the progress callback receives after every finished episode."""

    step: int  # env steps taken so far (in all games)
    episode: int  # episodes finished so far (1 for the first)
    episode_return: float  # undiscounted training return of this episode (with exploration)
    episode_length: int  # steps in this episode (the pole stayed up this long)
    epsilon: float  # exploration rate at the end of this episode
    loss: float  # mean Huber loss of the gradient steps since the previous episode ended; nan if
    # there were none (warm-up)
    recent_mean_return: float  # mean training return over the last 20 episodes
    eval_mean: float | None  # greedy evaluation mean if one ran after this episode, else None
    solved: bool  # the greedy policy has reached the solved threshold


@dataclass(frozen=True, eq=False)
class TrainingResult:
    """Everything a finished (or stopped) run produced; picklable.

    Per-episode arrays have one entry per training episode, in the order the episodes ended.
    Evaluation arrays have one entry per greedy check. ``policy`` is the solved policy if the
    run reached the solved bar and stopped there, otherwise the best-evaluated one (or the
    final one if no evaluation ran).
    """

    config: DQNConfig
    policy: nn.Module
    episode_returns: np.ndarray  # float64 (episodes,)
    episode_lengths: np.ndarray  # int64 (episodes,)
    episode_losses: np.ndarray  # float64 (episodes,), nan where no gradient step came before
    episode_epsilons: np.ndarray  # float64 (episodes,), epsilon at each episode's end
    episode_steps: np.ndarray  # int64 (episodes,), env steps taken when each episode ended (with
    # one game the running sum of the lengths; with several, the games' steps interleave)
    eval_steps: np.ndarray  # int64 (evaluations,): env step at which each check ran
    eval_episodes: np.ndarray  # int64 (evaluations,): episodes finished at that check
    eval_means: np.ndarray  # float64 (evaluations,): mean greedy return of that check
    total_steps: int  # env steps taken
    wall_time: float  # seconds spent in train()
    cpu_time: float  # CPU seconds of the training process in train(): unlike wall time, not
    # inflated by other work on a busy machine
    solved: bool  # a greedy check reached solved_threshold
    solved_at_step: int | None  # env step of the first solved check
    solved_at_episode: int | None  # episodes finished at the first solved check
    stopped: bool  # should_stop() ended the run early
    policy_step: int  # env step at which the returned policy was taken
    policy_eval_mean: float  # its greedy evaluation mean (nan if never evaluated)
    ended_by: str  # "solved", "budget", "episode cap" or "stopped"
    replay_sample: Transitions  # a few transitions as the learner saw them at the end

    @property
    def episodes(self) -> int:
        """Number of training episodes."""
        return len(self.episode_returns)


def train(
    config: DQNConfig | None = None,
    progress: Callable[[TrainingProgress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> TrainingResult:
    """Train a DQN agent on ``config.environment`` (CartPole-v1 or Space Invaders).

    Args:
        config: hyperparameters; ``None`` means ``DQNConfig()``.
        progress: called once after every episode with a :class:`TrainingProgress`.
        should_stop: checked after every episode; when it returns True, training ends and the
            partial result is returned with ``stopped=True``.

    Returns:
        A :class:`TrainingResult`.
    """
    config = DQNConfig() if config is None else config
    if not isinstance(config, DQNConfig):
        raise ValueError(f"config must be a DQNConfig, got {type(config).__name__}")
    start, cpu_start = time.perf_counter(), time.process_time()
    agent_seed, eval_seed, network_seed, game_seed = np.random.SeedSequence(config.seed).spawn(4)
    rng = np.random.default_rng(agent_seed)
    eval_rng = np.random.default_rng(eval_seed)
    generator = torch.Generator().manual_seed(int(network_seed.generate_state(1)[0]))
    games: InvadersBatch | CartPoleGames
    shape: tuple[int, ...]
    if config.environment == "invaders":  # MinAtar's defaults: sticky actions, no time limit
        games = InvadersBatch(config.parallel_games, int(game_seed.generate_state(1)[0]))
        shape, n_actions, binary = OBSERVATION_SHAPE, len(ACTIONS), True
    else:
        env = make_env(config.reward_scheme)
        observation_space, action_space = env.observation_space, env.action_space
        assert isinstance(observation_space, gym.spaces.Box), "CartPole observes a vector"
        assert isinstance(action_space, gym.spaces.Discrete), "CartPole's actions are discrete"
        games = CartPoleGames(env, config.seed)
        shape, n_actions, binary = observation_space.shape, int(action_space.n), False
    agent = DQNAgent(config, rng, shape, n_actions, generator)

    # Without replay the buffer only has to hold the latest batch of consecutive transitions.
    capacity = config.buffer_size if config.use_replay else config.batch_size
    buffer = ReplayBuffer(capacity, shape, binary=binary)

    returns: list[float] = []
    lengths: list[int] = []
    end_steps: list[int] = []
    losses: list[float] = []
    epsilons: list[float] = []
    eval_steps: list[int] = []
    eval_episodes: list[int] = []
    eval_means: list[float] = []
    best_mean, best_state, best_step = -math.inf, None, 0
    solved = stopped = finished = False
    solved_at_step = solved_at_episode = None
    step = 0
    epsilon = config.epsilon_start
    n_games = games.games
    running_returns = np.zeros(n_games)
    running_lengths = np.zeros(n_games, dtype=np.int64)
    loss_sum, loss_count = 0.0, 0

    def run_eval() -> float:
        nonlocal best_mean, best_state, best_step
        seed = int(eval_rng.integers(0, 2**31))
        mean = float(_greedy_returns(config, agent.online, config.eval_episodes, seed).mean())
        eval_steps.append(step)
        eval_episodes.append(len(returns))
        eval_means.append(mean)
        if mean > best_mean:
            best_mean, best_step = mean, step
            best_state = {k: v.detach().clone() for k, v in agent.online.state_dict().items()}
        return mean

    def learn(env_step: int) -> None:
        """Learning and target updates due at this env step (counted one by one)."""
        nonlocal loss_sum, loss_count
        if env_step <= config.learning_starts:
            return
        if env_step % config.train_frequency == 0:
            for _ in range(config.gradient_steps):
                batch = (
                    buffer.sample(config.batch_size, rng)
                    if config.use_replay
                    else buffer.latest(config.batch_size)
                )
                loss_sum += agent.learn(batch)
                loss_count += 1
        if config.use_target_network and env_step % config.target_update_period == 0:
            agent.update_target()

    observations = games.reset()
    try:
        while not finished:
            epsilon = linear_epsilon(
                step, config.epsilon_start, config.epsilon_end, config.epsilon_decay_steps
            )
            actions = agent.act_batch(observations, epsilon)
            result = games.step(actions)
            for game in range(n_games):  # the next state is the final frame, not a restart
                buffer.add(
                    observations[game],
                    actions[game],
                    result.rewards[game],
                    result.final_observations[game],
                    result.terminated[game],  # not `or truncated`
                )
            for _ in range(n_games):
                step += 1
                learn(step)
            running_returns += result.rewards
            running_lengths += 1
            observations = result.observations
            ended = np.flatnonzero(result.terminated | result.truncated)
            if not len(ended):
                continue

            # --- bookkeeping, greedy check, callbacks for every episode that ended ---
            loss = loss_sum / loss_count if loss_count else math.nan
            loss_sum, loss_count = 0.0, 0
            for ended_game in ended:
                episode_return = float(running_returns[ended_game])
                episode_length = int(running_lengths[ended_game])
                running_returns[ended_game], running_lengths[ended_game] = 0.0, 0
                returns.append(episode_return)
                lengths.append(episode_length)
                end_steps.append(step)
                losses.append(loss)
                epsilons.append(epsilon)
                eval_mean = None
                recent_length = float(np.mean(lengths[-RECENT_EPISODES:]))
                if (
                    len(returns) % config.eval_every_episodes == 0
                    and recent_length >= config.eval_min_recent_length
                ):
                    eval_mean = run_eval()
                    if eval_mean >= config.solved_threshold and not solved:
                        solved, solved_at_step, solved_at_episode = True, step, len(returns)
                if progress is not None:
                    progress(
                        TrainingProgress(
                            step=step,
                            episode=len(returns),
                            episode_return=episode_return,
                            episode_length=episode_length,
                            epsilon=epsilon,
                            loss=loss,
                            recent_mean_return=float(np.mean(returns[-RECENT_EPISODES:])),
                            eval_mean=eval_mean,
                            solved=solved,
                        )
                    )
                if solved and config.stop_when_solved:
                    finished = True
                elif should_stop is not None and should_stop():
                    stopped = finished = True
                elif step >= config.max_env_steps or len(returns) >= config.max_episodes:
                    finished = True
                if finished:
                    break
    finally:
        if hasattr(games, "close"):
            games.close()

    if not solved and not stopped:  # budget spent: judge the final policy too
        run_eval()
    if solved and config.stop_when_solved:
        policy_state, policy_step, policy_mean = None, step, eval_means[-1]
    elif best_state is not None:
        policy_state, policy_step, policy_mean = best_state, best_step, best_mean
    else:
        policy_state, policy_step, policy_mean = None, step, math.nan

    policy = network_from_architecture(agent.online.architecture())
    policy.load_state_dict(policy_state if policy_state is not None else agent.online.state_dict())
    policy.requires_grad_(False)
    policy.eval()
    if solved and config.stop_when_solved:
        ended_by = "solved"
    elif stopped:
        ended_by = "stopped"
    elif step < config.max_env_steps:
        ended_by = "episode cap"
    else:
        ended_by = "budget"
    sample_rng = np.random.default_rng(eval_seed.spawn(1)[0])
    replay_sample = (
        buffer.sample(REPLAY_SAMPLE_SIZE, sample_rng)
        if config.use_replay
        else buffer.latest(REPLAY_SAMPLE_SIZE)
    )

    return TrainingResult(
        config=config,
        policy=policy,
        episode_returns=np.asarray(returns, dtype=np.float64),
        episode_lengths=np.asarray(lengths, dtype=np.int64),
        episode_losses=np.asarray(losses, dtype=np.float64),
        episode_epsilons=np.asarray(epsilons, dtype=np.float64),
        episode_steps=np.asarray(end_steps, dtype=np.int64),
        eval_steps=np.asarray(eval_steps, dtype=np.int64),
        eval_episodes=np.asarray(eval_episodes, dtype=np.int64),
        eval_means=np.asarray(eval_means, dtype=np.float64),
        total_steps=step,
        wall_time=time.perf_counter() - start,
        cpu_time=time.process_time() - cpu_start,
        solved=solved,
        solved_at_step=solved_at_step,
        solved_at_episode=solved_at_episode,
        stopped=stopped,
        policy_step=policy_step,
        policy_eval_mean=float(policy_mean),
        ended_by=ended_by,
        replay_sample=replay_sample,
    )


def _greedy_returns(config: DQNConfig, policy: nn.Module, episodes: int, seed: int) -> np.ndarray:
    """The greedy check of the config's game: returns of ``episodes`` fresh episodes."""
    if config.environment == "invaders":
        return evaluate_invaders(policy, episodes, seed)
    return evaluate(policy, episodes, seed)
