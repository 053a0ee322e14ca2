"""Tests of the DQN engine: buffer, targets, config, training loop, evaluation, storage."""

from __future__ import annotations

import dataclasses
import math
import pickle

import gymnasium as gym
import numpy as np
import pytest
import torch

import core.dqn.training as training_module
from core.dqn import (
    DQNAgent,
    DQNConfig,
    QNetwork,
    ReplayBuffer,
    TrainingProgress,
    TrainingResult,
    Transitions,
    bellman_targets,
    evaluate,
    greedy_episode,
    greedy_episode_states,
    linear_epsilon,
    load_run,
    next_state_values,
    random_episode_states,
    save_run,
    train,
    value_map,
)

# A small budget: learning starts early so a few hundred gradient steps happen in ~1 s.
TINY = {
    "max_env_steps": 2_000,
    "learning_starts": 300,
    "epsilon_decay_steps": 1_000,
    "eval_min_recent_length": 500.0,  # no greedy checks during training, only the final one
}


# --- Replay buffer ---


def _fill(buffer: ReplayBuffer, n: int, start: int = 0) -> None:
    """Write n transitions whose every field encodes its index i (obs = i, reward = i, ...)."""
    for i in range(start, start + n):
        obs = np.full(4, i, dtype=np.float32)
        buffer.add(obs, i % 2, float(i), obs + 0.5, i % 3 == 0)


def test_replay_buffer_shapes_and_dtypes():
    buffer = ReplayBuffer(100)
    _fill(buffer, 10)
    batch = buffer.sample(32, np.random.default_rng(0))
    assert batch.obs.shape == (32, 4) and batch.obs.dtype == np.float32
    assert batch.actions.shape == (32,) and batch.actions.dtype == np.int64
    assert batch.rewards.shape == (32,) and batch.rewards.dtype == np.float32
    assert batch.next_obs.shape == (32, 4) and batch.next_obs.dtype == np.float32
    assert batch.terminated.shape == (32,) and batch.terminated.dtype == np.bool_
    # Each sampled row is one consistent transition, not a mix of slots.
    i = batch.rewards
    np.testing.assert_array_equal(batch.obs[:, 0], i)
    np.testing.assert_array_equal(batch.next_obs[:, 0], i + 0.5)
    np.testing.assert_array_equal(batch.actions, i.astype(np.int64) % 2)
    np.testing.assert_array_equal(batch.terminated, i.astype(np.int64) % 3 == 0)


def test_replay_buffer_never_samples_unwritten_slots():
    buffer = ReplayBuffer(100)
    _fill(buffer, 3, start=1)  # rewards 1, 2, 3; empty slots hold reward 0
    assert len(buffer) == 3
    rewards = buffer.sample(10_000, np.random.default_rng(0)).rewards
    assert set(rewards.tolist()) == {1.0, 2.0, 3.0}  # all three, and nothing else


def test_replay_buffer_wraps_around_overwriting_the_oldest():
    buffer = ReplayBuffer(5)
    _fill(buffer, 7)  # 0..6: 0 and 1 are overwritten by 5 and 6
    assert len(buffer) == 5
    assert buffer.rewards.tolist() == [5.0, 6.0, 2.0, 3.0, 4.0]
    sampled = set(buffer.sample(5_000, np.random.default_rng(1)).rewards.tolist())
    assert sampled == {2.0, 3.0, 4.0, 5.0, 6.0}
    assert buffer.latest().rewards.tolist() == [6.0]


def test_replay_buffer_empty_sampling_raises():
    with pytest.raises(ValueError, match="empty"):
        ReplayBuffer(10).sample(1, np.random.default_rng(0))


# --- Bellman targets ---


def test_bellman_targets_truncated_bootstraps_terminal_does_not():
    rewards = np.array([1.0, 1.0, 0.0, -1.0])
    next_values = np.array([10.0, 10.0, -0.5, -0.5])
    # Transition 0 ran into the 500-step time limit (truncated): NOT terminated, bootstraps.
    terminated = np.array([False, True, False, True])
    y = bellman_targets(rewards, next_values, terminated, gamma=0.9)
    np.testing.assert_allclose(y, [1.0 + 0.9 * 10.0, 1.0, -0.45, -1.0])


def test_bellman_targets_torch_matches_numpy():
    rng = np.random.default_rng(0)
    r, v = rng.normal(size=50).astype(np.float32), rng.normal(size=50).astype(np.float32)
    t = rng.random(50) < 0.3
    y_np = bellman_targets(r, v, t, 0.99)
    y_torch = bellman_targets(torch.from_numpy(r), torch.from_numpy(v), torch.from_numpy(t), 0.99)
    assert y_torch.dtype == torch.float32
    np.testing.assert_allclose(y_torch.numpy(), y_np, rtol=1e-6)


def test_next_state_values_plain_and_double():
    target_q = torch.tensor([[1.0, 5.0], [3.0, 2.0]])
    online_q = torch.tensor([[9.0, 0.0], [0.0, 9.0]])
    assert next_state_values(target_q).tolist() == [5.0, 3.0]  # max over the target net
    # Double DQN: the online net picks the action, the target net scores it.
    assert next_state_values(target_q, online_q).tolist() == [1.0, 2.0]


def test_linear_epsilon_schedule():
    assert linear_epsilon(0, 1.0, 0.1, 100) == 1.0
    assert linear_epsilon(50, 1.0, 0.1, 100) == pytest.approx(0.55)
    assert linear_epsilon(100, 1.0, 0.1, 100) == 0.1
    assert linear_epsilon(10**6, 1.0, 0.1, 100) == 0.1
    assert linear_epsilon(0, 1.0, 0.1, 0) == 0.1


# --- Config validation ---


def test_default_config_is_valid_frozen_and_hashable():
    config = DQNConfig()
    assert config.reward_scheme == "gymnasium" and config.seed == 0
    with pytest.raises(AttributeError):
        config.seed = 1  # type: ignore[misc]
    assert hash(config) == hash(DQNConfig())
    assert DQNConfig.from_dict(config.to_dict()) == config


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("seed", -1),
        ("seed", 1.5),
        ("seed", True),
        ("seed", "0"),
        ("reward_scheme", "openai"),
        ("reward_scheme", 1),
        ("max_env_steps", 0),
        ("max_env_steps", 10**9),
        ("max_episodes", 0),
        ("hidden_width", 0),
        ("hidden_width", 10**6),
        ("hidden_depth", 0),
        ("hidden_depth", 2.0),
        ("learning_rate", 0.0),
        ("learning_rate", math.nan),
        ("learning_rate", math.inf),
        ("learning_rate", -1e-3),
        ("learning_rate", "1e-3"),
        ("gamma", 1.5),
        ("gamma", math.nan),
        ("batch_size", 0),
        ("batch_size", 10**6),
        ("train_frequency", 0),
        ("gradient_steps", 0),
        ("max_grad_norm", 0.0),
        ("max_grad_norm", math.inf),
        ("double_dqn", 1),
        ("use_replay", "yes"),
        ("buffer_size", 0),
        ("buffer_size", 10**9),
        ("learning_starts", -1),
        ("use_target_network", None),
        ("target_update_period", 0),
        ("target_tau", 0.0),
        ("target_tau", 1.5),
        ("epsilon_start", 1.1),
        ("epsilon_end", -0.1),
        ("epsilon_end", math.nan),
        ("epsilon_decay_steps", -5),
        ("eval_every_episodes", 0),
        ("eval_min_recent_length", 501.0),
        ("eval_episodes", 0),
        ("solved_threshold", -1.0),
        ("solved_threshold", math.inf),
        ("stop_when_solved", "true"),
    ],
)
def test_config_rejects_bad_values_naming_the_field(field, value):
    with pytest.raises(ValueError, match=rf"^{field} must be") as excinfo:
        DQNConfig(**{field: value})
    message = str(excinfo.value)
    assert repr(value) in message or field == "reward_scheme"


def test_config_rejects_inconsistent_values():
    with pytest.raises(ValueError, match=r"^batch_size must be at most buffer_size"):
        DQNConfig(batch_size=256, buffer_size=100)
    with pytest.raises(ValueError, match=r"^epsilon_end must be in \[0, epsilon_start"):
        DQNConfig(epsilon_start=0.1, epsilon_end=0.5)
    with pytest.raises(ValueError, match="unknown DQNConfig fields: colour"):
        DQNConfig.from_dict({"colour": "red"})


def test_reward_scheme_error_lists_the_allowed_schemes():
    with pytest.raises(ValueError, match="reward_scheme must be one of gymnasium, sutton_barto"):
        DQNConfig(reward_scheme="Gymnasium")


# --- Training loop ---


@pytest.fixture(scope="module")
def tiny_run():
    reports: list[TrainingProgress] = []
    result = train(DQNConfig(seed=3, **TINY), progress=reports.append)
    return result, reports


def test_training_smoke(tiny_run):
    result, _ = tiny_run
    n = result.episodes
    assert n > 10
    for curve in (result.episode_lengths, result.episode_losses, result.episode_epsilons):
        assert curve.shape == (n,)
    assert result.episode_lengths.sum() == result.total_steps >= 2_000
    assert result.total_steps < 2_000 + 500  # the last episode may cross the budget
    # gymnasium reward: +1 per step, so the return is the length.
    np.testing.assert_array_equal(result.episode_returns, result.episode_lengths)
    # Loss is nan before the first gradient step and finite after it.
    steps_at_end = np.cumsum(result.episode_lengths)
    assert np.isnan(result.episode_losses[steps_at_end <= 300]).all()
    assert np.isfinite(result.episode_losses[steps_at_end > 308]).all()
    assert result.episode_epsilons[0] > result.episode_epsilons[-1] == pytest.approx(0.05)
    # Budget spent without solving: the final policy was evaluated and one policy kept.
    assert not result.solved and not result.stopped and result.solved_at_step is None
    assert result.eval_steps[-1] == result.total_steps
    assert result.policy_eval_mean == result.eval_means.max()
    assert isinstance(result.policy, QNetwork)
    assert result.ended_by == "budget"
    assert len(result.replay_sample.obs) == 8


def test_progress_called_once_per_episode_with_sane_fields(tiny_run):
    result, reports = tiny_run
    assert len(reports) == result.episodes
    assert [r.episode for r in reports] == list(range(1, result.episodes + 1))
    assert [r.step for r in reports] == np.cumsum(result.episode_lengths).tolist()
    assert [r.episode_return for r in reports] == result.episode_returns.tolist()
    for r in reports:
        assert 0.05 <= r.epsilon <= 1.0
        assert math.isnan(r.loss) or r.loss >= 0.0
        assert 1 <= r.recent_mean_return <= 500
        assert r.eval_mean is None and not r.solved
    last = reports[-1]
    assert last.recent_mean_return == pytest.approx(result.episode_returns[-20:].mean())
    np.testing.assert_array_equal(
        [r.loss for r in reports], result.episode_losses
    )  # nan-aware equality


def test_seeded_runs_are_identical_and_seeds_differ(tiny_run):
    result, _ = tiny_run
    again = train(DQNConfig(seed=3, **TINY))
    np.testing.assert_array_equal(again.episode_returns, result.episode_returns)
    np.testing.assert_array_equal(again.episode_losses, result.episode_losses)
    for a, b in zip(again.policy.parameters(), result.policy.parameters(), strict=True):
        assert torch.equal(a, b)
    other = train(DQNConfig(seed=4, max_env_steps=500, learning_starts=300))
    assert not np.array_equal(other.episode_returns, result.episode_returns[: other.episodes])


def test_should_stop_ends_training_cleanly():
    calls = []

    def should_stop() -> bool:
        calls.append(1)
        return len(calls) >= 3

    result = train(DQNConfig(seed=0), should_stop=should_stop)
    assert result.stopped and not result.solved and result.ended_by == "stopped"
    assert result.episodes == 3 and len(calls) == 3
    assert result.total_steps == result.episode_lengths.sum() < 500
    assert len(result.eval_means) == 0 and math.isnan(result.policy_eval_mean)


class _RecordingEnv(gym.Wrapper):
    """Remembers the (terminated, truncated) flags of every step."""

    def __init__(self, env):
        super().__init__(env)
        self.flags: list[tuple[bool, bool]] = []

    def step(self, action):
        obs, reward, terminated, truncated, info = self.env.step(action)
        self.flags.append((bool(terminated), bool(truncated)))
        return obs, reward, terminated, truncated, info


def test_truncation_is_stored_as_not_terminated(monkeypatch):
    """With a 20-step time limit, time-limited episodes must not be stored as terminal."""
    stored: list[bool] = []
    original_add = ReplayBuffer.add

    def recording_add(self, obs, action, reward, next_obs, terminated):
        stored.append(bool(terminated))
        original_add(self, obs, action, reward, next_obs, terminated)

    env = _RecordingEnv(gym.make("CartPole-v1", max_episode_steps=20))
    monkeypatch.setattr(ReplayBuffer, "add", recording_add)
    monkeypatch.setattr(training_module, "make_env", lambda scheme: env)
    result = train(DQNConfig(seed=0, max_env_steps=1_000, learning_starts=100))
    terminated, truncated = np.array(env.flags).T
    assert len(stored) == len(env.flags) == result.total_steps
    assert (truncated & ~terminated).sum() > 5 and terminated.sum() > 5  # both kinds occurred
    np.testing.assert_array_equal(stored, terminated)  # not `terminated or truncated`
    # Every episode ended exactly where the environment said it did.
    ends = np.flatnonzero(terminated | truncated)
    np.testing.assert_array_equal(ends + 1, np.cumsum(result.episode_lengths))


@pytest.mark.parametrize(
    "ablation",
    [
        {"use_replay": False},
        {"use_target_network": False},
        {"double_dqn": False},
        {"target_tau": 0.01, "target_update_period": 1},
        {"reward_scheme": "sutton_barto"},
    ],
)
def test_ablations_train(ablation):
    result = train(DQNConfig(seed=1, max_env_steps=800, learning_starts=200, **ablation))
    assert result.episodes > 0 and np.isfinite(result.episode_losses[-1])
    assert evaluate(result.policy, episodes=2, seed=0).shape == (2,)
    if ablation.get("reward_scheme") == "sutton_barto":
        # 0 per step, -1 when the pole falls: every short episode returns exactly -1.
        fell = result.episode_lengths < 500
        assert (result.episode_returns[fell] == -1.0).all()


def test_solved_stops_and_keeps_the_solved_policy(monkeypatch):
    """A solved check stops training and returns the policy that passed it."""
    monkeypatch.setattr(
        training_module, "evaluate", lambda policy, episodes, seed: np.full(episodes, 500.0)
    )
    config = DQNConfig(
        seed=0, learning_starts=100, eval_every_episodes=2, eval_min_recent_length=0.0
    )
    result = train(config)
    assert result.solved and not result.stopped
    assert result.episodes == 2 and result.solved_at_episode == 2
    assert result.solved_at_step == result.total_steps == result.policy_step
    assert result.eval_means.tolist() == [500.0] and result.policy_eval_mean == 500.0
    assert result.ended_by == "solved"


def test_the_episode_cap_is_reported():
    result = train(DQNConfig(seed=0, max_episodes=5, learning_starts=10_000))
    assert result.episodes == 5 and result.ended_by == "episode cap"


# --- Each switch, checked by what it does ---


def _batches_seen(monkeypatch, **changes) -> list[Transitions]:
    """Every batch the learner trained on; checks one gradient step per 8 steps either way."""
    seen: list[Transitions] = []
    original = DQNAgent.learn

    def recording_learn(self, batch):
        seen.append(batch)
        return original(self, batch)

    monkeypatch.setattr(DQNAgent, "learn", recording_learn)
    result = train(DQNConfig(seed=2, max_env_steps=1_500, learning_starts=500, **changes))
    assert len(seen) == result.total_steps // 8 - 500 // 8, "same cadence with and without"
    return seen


def _consecutive_share(batch: Transitions) -> float:
    """How many neighbouring rows are consecutive steps (next state = following state)."""
    follows = np.all(batch.next_obs[:-1] == batch.obs[1:], axis=1)
    return float(follows.mean())


def test_without_replay_the_learner_sees_consecutive_transitions(monkeypatch):
    without = _batches_seen(monkeypatch, use_replay=False)
    assert without and all(len(batch.obs) == DQNConfig().batch_size for batch in without)
    assert np.mean([_consecutive_share(batch) for batch in without]) > 0.9
    replayed = _batches_seen(monkeypatch, use_replay=True)
    assert np.mean([_consecutive_share(batch) for batch in replayed]) < 0.05


def _fixed_batch() -> Transitions:
    rng = np.random.default_rng(0)
    return Transitions(
        obs=rng.normal(size=(32, 4)).astype(np.float32),
        actions=rng.integers(2, size=32),
        rewards=np.ones(32, dtype=np.float32),
        next_obs=rng.normal(size=(32, 4)).astype(np.float32),
        terminated=np.zeros(32, dtype=bool),
    )


def _agent(**changes) -> DQNAgent:
    generator = torch.Generator().manual_seed(0)
    agent = DQNAgent(DQNConfig(**changes), np.random.default_rng(0), generator=generator)
    with torch.no_grad():  # the online network drifts away from its target copy
        for parameter in agent.online.parameters():
            parameter.add_(0.1 * torch.randn(parameter.shape, generator=generator))
    return agent


def test_without_a_target_network_targets_come_from_the_online_network():
    batch = _fixed_batch()
    agent = _agent(use_target_network=False, double_dqn=False)
    assert agent.target is None
    online_next = agent.online(torch.from_numpy(batch.next_obs)).max(dim=1).values
    expected = 1.0 + agent.config.gamma * online_next
    torch.testing.assert_close(agent.targets(batch), expected)
    with_target = _agent(use_target_network=True, double_dqn=False)
    assert not torch.allclose(with_target.targets(batch), expected)


def test_double_dqn_changes_the_targets_on_a_fixed_batch():
    batch = _fixed_batch()
    double, plain = _agent(double_dqn=True), _agent(double_dqn=False)
    for a, b in zip(double.online.parameters(), plain.online.parameters(), strict=True):
        assert torch.equal(a, b), "the same networks, only the target rule differs"
    next_obs = torch.from_numpy(batch.next_obs)
    picked = double.online(next_obs).argmax(dim=1, keepdim=True)
    expected = 1.0 + 0.99 * double.target(next_obs).gather(1, picked).squeeze(1)
    torch.testing.assert_close(double.targets(batch), expected)
    assert not torch.allclose(double.targets(batch), plain.targets(batch))


def test_training_touches_no_process_wide_torch_state():
    torch.manual_seed(123)
    before = torch.get_rng_state()
    threads = torch.get_num_threads()
    train(DQNConfig(seed=0, max_env_steps=300, learning_starts=100))
    assert torch.get_num_threads() == threads
    torch.manual_seed(123)
    assert torch.equal(before, torch.get_rng_state())


# --- Evaluation and traces ---


def test_evaluate_is_deterministic_and_bounded():
    torch.manual_seed(0)
    net = QNetwork()
    returns = evaluate(net, episodes=5, seed=10_000)
    assert returns.shape == (5,) and returns.dtype == np.float64
    assert ((returns >= 1) & (returns <= 500)).all()
    np.testing.assert_array_equal(returns, evaluate(net, episodes=5, seed=10_000))
    # Lockstep evaluation agrees with the episode played alone.
    states = greedy_episode_states(net, seed=10_003)
    assert len(states) - 1 == returns[3]
    with pytest.raises(ValueError, match="episodes"):
        evaluate(net, episodes=0)


def test_greedy_episode_and_value_map_ask_the_network():
    net = QNetwork(generator=torch.Generator().manual_seed(0))
    trace = greedy_episode(net, seed=5, max_steps=50)
    assert trace.q_values.shape == (len(trace.states), 2)
    np.testing.assert_allclose(
        trace.q_values, net(torch.from_numpy(trace.states)).detach().numpy(), rtol=1e-6
    )
    angles, velocities = np.linspace(-0.2, 0.2, 5), np.linspace(-1, 1, 3)
    grid = value_map(net, angles, velocities)
    assert grid.shape == (3, 5, 2)
    state = torch.tensor([[0.0, 0.0, angles[4], velocities[2]]], dtype=torch.float32)
    np.testing.assert_allclose(grid[2, 4], net(state)[0].detach().numpy(), rtol=1e-6)


def test_episode_traces():
    torch.manual_seed(0)
    states = greedy_episode_states(QNetwork(), seed=5, max_steps=100)
    assert states.dtype == np.float32 and states.shape[1] == 4 and 2 <= len(states) <= 101
    random_states = random_episode_states(seed=5)
    assert random_states.shape[1] == 4 and len(random_states) < 200
    np.testing.assert_array_equal(random_states, random_episode_states(seed=5))
    # A random policy drops the pole: the last state is outside the 12-degree limit or track.
    x, angle = random_states[-1, 0], random_states[-1, 2]
    assert abs(angle) > 12 * 2 * math.pi / 360 or abs(x) > 2.4


# --- Saving and pickling ---


def test_save_load_round_trips_every_field(tiny_run, tmp_path):
    result, _ = tiny_run
    path = tmp_path / "run.pt"
    save_run(result, path)
    assert path.stat().st_size < 200_000
    loaded = load_run(path)
    for field in dataclasses.fields(TrainingResult):
        original, restored = getattr(result, field.name), getattr(loaded, field.name)
        if field.name == "policy":
            for a, b in zip(original.parameters(), restored.parameters(), strict=True):
                assert torch.equal(a, b)
        elif field.name == "replay_sample":
            for a, b in zip(original, restored, strict=True):
                np.testing.assert_array_equal(a, b)
                assert a.dtype == b.dtype
        elif isinstance(original, np.ndarray):
            np.testing.assert_array_equal(restored, original)
            assert restored.dtype == original.dtype
        elif isinstance(original, float) and math.isnan(original):
            assert math.isnan(restored)
        else:
            assert restored == original, field.name
    np.testing.assert_array_equal(
        evaluate(loaded.policy, episodes=3, seed=7), evaluate(result.policy, episodes=3, seed=7)
    )


def test_result_pickles(tiny_run):
    result, _ = tiny_run
    copy = pickle.loads(pickle.dumps(result))
    np.testing.assert_array_equal(copy.episode_returns, result.episode_returns)
    np.testing.assert_array_equal(
        evaluate(copy.policy, episodes=2, seed=1), evaluate(result.policy, episodes=2, seed=1)
    )


# --- The real thing ---


@pytest.mark.slow
def test_default_config_solves_cartpole():
    result = train(DQNConfig(seed=0))
    assert result.solved
    assert evaluate(result.policy, episodes=20, seed=10_000).mean() >= 475
