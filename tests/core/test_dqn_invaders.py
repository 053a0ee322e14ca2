"""The DQN engine on Space Invaders: the conv net, the environment switch, the batched loop,
terminated vs truncated, saving uint8 pictures, greedy play, and the shipped agent."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import torch
from torch import nn

import core.dqn.training as training_module
from core.dqn import (
    INVADERS_EVAL_SEED,
    ConvQNetwork,
    DQNAgent,
    DQNConfig,
    QNetwork,
    ReplayBuffer,
    TrainingProgress,
    TrainingResult,
    build_network,
    evaluate_invaders,
    invaders_greedy_episode,
    load_run,
    save_run,
    train,
)
from core.dqn.config import ENVIRONMENT_DEFAULTS, controls, help_text
from core.dqn.network import multiply_adds, nature_dqn, network_from_architecture
from core.dqn.shipped import (
    BAR_TIMES_RANDOM,
    INVADERS_RUN_PATH,
    invaders_config,
    load_invaders_summary,
    random_play_mean,
)
from core.invaders import OBSERVATION_SHAPE, InvadersBatch, InvadersEnv, shipped_policy

TINY = {
    "max_env_steps": 800,
    "learning_starts": 400,
    "parallel_games": 4,
    "batch_size": 32,
    "eval_every_episodes": 8,
    "eval_episodes": 3,
}
"""A run with 100 gradient steps: under a second on one idle core."""


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """Train as the workers and the shipped command do: on one thread. On a busy two-core
    machine two threads make these small networks many times slower, not faster."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def tiny(**changes) -> DQNConfig:
    return DQNConfig.for_environment("invaders", **(TINY | changes))


def random_pictures(count: int, seed: int = 0) -> np.ndarray:
    return (np.random.default_rng(seed).random((count, *OBSERVATION_SHAPE)) < 0.2).astype(np.uint8)


# --- The conv net ---


def test_conv_net_is_minatars_dqn_and_reads_uint8_pictures():
    net = ConvQNetwork(generator=torch.Generator().manual_seed(0))
    conv, fc, out = (layer for layer in net.layers if isinstance(layer, nn.Conv2d | nn.Linear))
    assert (conv.in_channels, conv.out_channels, conv.kernel_size) == (5, 16, (3, 3))
    assert (fc.in_features, fc.out_features) == (16 * 8 * 8, 128)
    assert (out.in_features, out.out_features) == (128, 4)
    pictures = random_pictures(6)
    q = net(torch.from_numpy(pictures))
    assert q.shape == (6, 4) and q.dtype == torch.float32
    torch.testing.assert_close(q, net(torch.from_numpy(pictures).float()))
    # Multiply-adds: 8 x 8 positions x 16 filters x 45 inputs, then 1024 x 128, then 128 x 4.
    assert multiply_adds(net, OBSERVATION_SHAPE) == 64 * 16 * 45 + 1024 * 128 + 128 * 4


def test_conv_net_weights_come_from_the_generator_alone():
    def weights(seed: int) -> list[torch.Tensor]:
        net = ConvQNetwork(generator=torch.Generator().manual_seed(seed))
        return [p.detach().clone() for p in net.parameters()]

    torch.manual_seed(1)
    first = weights(7)
    torch.manual_seed(2)  # the global generator plays no part
    assert all(torch.equal(a, b) for a, b in zip(first, weights(7), strict=True))
    assert not torch.equal(first[0], weights(8)[0])
    # PyTorch's default bound: biases uniform in +-1/sqrt(fan_in), fan_in = 5 x 3 x 3.
    assert first[1].abs().max() <= 1 / math.sqrt(45)


def test_the_config_builds_the_network_its_game_needs():
    invaders = build_network(DQNConfig.for_environment("invaders"), OBSERVATION_SHAPE, 4)
    cartpole = build_network(DQNConfig(), 4, 2)
    assert isinstance(invaders, ConvQNetwork) and isinstance(cartpole, QNetwork)
    wide = build_network(tiny(conv_channels=8, hidden_width=32, hidden_depth=2), (5, 10, 10), 4)
    assert sum(isinstance(layer, nn.Linear) for layer in wide.layers) == 3
    rebuilt = network_from_architecture(wide.architecture())
    assert isinstance(rebuilt, ConvQNetwork) and rebuilt.architecture() == wide.architecture()
    assert isinstance(network_from_architecture(cartpole.architecture()), QNetwork)


def test_the_nature_network_is_fifty_times_the_arithmetic():
    torch.manual_seed(0)
    before = torch.get_rng_state()
    nature = nature_dqn()
    assert torch.equal(before, torch.get_rng_state()), "built without drawing random numbers"
    assert sum(p.numel() for p in nature.parameters()) == 1_693_362
    ours = multiply_adds(ConvQNetwork(), OBSERVATION_SHAPE)
    assert 50 < multiply_adds(nature, (4, 84, 84)) / ours < 55


# --- The config's environment switch ---


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"environment": "pong"}, r"^environment must be one of cartpole, invaders, got 'pong'"),
        ({"environment": 1}, r"^environment must be one of"),
        ({"parallel_games": 2}, r"^parallel_games must be 1 for cartpole, got 2"),
        ({"parallel_games": 0}, r"^parallel_games must be a whole number from 1 to 256"),
        ({"conv_channels": 0}, r"^conv_channels must be a whole number from 1"),
        (
            {"environment": "invaders", "reward_scheme": "sutton_barto"},
            r"^reward_scheme must be gymnasium \(the game's score\) for invaders",
        ),
    ],
)
def test_the_environment_switch_is_validated_naming_the_field(changes, message):
    with pytest.raises(ValueError, match=message):
        DQNConfig(**changes)


def test_each_game_has_its_default_run_and_its_controls():
    assert DQNConfig.for_environment("cartpole") == DQNConfig()
    invaders = DQNConfig.for_environment("invaders", seed=3)
    assert invaders.environment == "invaders" and invaders.seed == 3
    for name, (value, reason) in ENVIRONMENT_DEFAULTS["invaders"].items():
        assert getattr(invaders, name) == value and reason
    with pytest.raises(ValueError, match=r"^environment must be one of"):
        DQNConfig.for_environment("pong")
    cartpole_keys = {f.metadata["url"] for f in controls("cartpole")}
    invaders_keys = {f.metadata["url"] for f in controls("invaders")}
    assert "reward" in cartpole_keys - invaders_keys
    assert "filters" in invaders_keys - cartpole_keys
    budget = next(f for f in controls("invaders") if f.name == "max_env_steps")
    assert help_text(budget, "invaders") == ENVIRONMENT_DEFAULTS["invaders"]["max_env_steps"][1]
    assert help_text(budget, "cartpole") == budget.metadata["help"]


def test_a_config_saved_before_the_switch_loads_as_cartpole():
    saved = DQNConfig().to_dict()
    for name in ("environment", "parallel_games", "conv_channels"):
        del saved[name]
    assert DQNConfig.from_dict(saved) == DQNConfig()


# --- Replay of binary pictures ---


def test_binary_pictures_are_packed_and_sampled_back_exactly():
    buffer = ReplayBuffer(50, OBSERVATION_SHAPE, binary=True)
    pictures = random_pictures(21)
    for i in range(20):
        buffer.add(pictures[i], i % 4, float(i), pictures[i + 1], i == 19)
    assert buffer.obs.nbytes == 50 * 63, "500 cells in 63 bytes"
    batch = buffer.at(np.arange(20))
    assert batch.obs.dtype == np.uint8 and batch.obs.shape == (20, *OBSERVATION_SHAPE)
    np.testing.assert_array_equal(batch.obs, pictures[:20])
    np.testing.assert_array_equal(batch.next_obs, pictures[1:21])
    sampled = buffer.sample(64, np.random.default_rng(0))
    np.testing.assert_array_equal(sampled.obs, pictures[sampled.rewards.astype(int)])


def test_acting_for_one_game_draws_what_acting_alone_draws():
    config = DQNConfig.for_environment("invaders")
    pictures = random_pictures(60, seed=1)
    agents = [
        DQNAgent(config, np.random.default_rng(5), OBSERVATION_SHAPE, 4, torch.Generator())
        for _ in range(2)
    ]
    agents[1].online.load_state_dict(agents[0].online.state_dict())
    alone = [agents[0].act(picture, 0.5) for picture in pictures]
    batched = [int(agents[1].act_batch(picture[None], 0.5)[0]) for picture in pictures]
    assert alone == batched
    assert set(agents[1].act_batch(pictures, 0.0).tolist()) <= {0, 1, 2, 3}


# --- The training loop on Space Invaders ---


@pytest.fixture(scope="module")
def tiny_run() -> tuple[TrainingResult, list[TrainingProgress]]:
    reports: list[TrainingProgress] = []
    return train(tiny(seed=3), progress=reports.append), reports


def test_a_tiny_invaders_run_reports_every_episode(tiny_run):
    result, reports = tiny_run
    assert isinstance(result.policy, ConvQNetwork)
    assert len(reports) == result.episodes > 5
    assert [r.episode for r in reports] == list(range(1, result.episodes + 1))
    assert [r.episode_return for r in reports] == result.episode_returns.tolist()
    steps = [r.step for r in reports]
    assert steps == sorted(steps) and all(step % 4 == 0 for step in steps), "4 games per step"
    assert result.episode_steps.tolist() == steps
    assert TINY["max_env_steps"] <= result.total_steps == steps[-1]
    assert result.episode_lengths.sum() <= result.total_steps, "unfinished episodes left out"
    assert np.isnan(result.episode_losses[np.array(steps) <= 400]).all()
    assert np.isfinite(result.episode_losses[np.array(steps) > 440]).any()
    assert (result.episode_returns >= 0).all() and result.ended_by == "budget"
    assert len(result.eval_means) >= result.episodes // 8, "greedy checks from the start"
    assert result.replay_sample.obs.dtype == np.uint8


def test_invaders_runs_are_seeded(tiny_run):
    result, _ = tiny_run
    again = train(tiny(seed=3))
    np.testing.assert_array_equal(again.episode_returns, result.episode_returns)
    np.testing.assert_array_equal(again.episode_losses, result.episode_losses)
    for a, b in zip(again.policy.parameters(), result.policy.parameters(), strict=True):
        assert torch.equal(a, b)
    other = train(tiny(seed=4, max_env_steps=300))
    assert not np.array_equal(other.episode_returns, result.episode_returns[: other.episodes])


def test_should_stop_ends_an_invaders_run_and_nothing_global_is_touched():
    torch.manual_seed(123)
    before, threads = torch.get_rng_state(), torch.get_num_threads()
    calls = []
    result = train(tiny(), should_stop=lambda: calls.append(1) or len(calls) >= 5)
    assert result.stopped and result.ended_by == "stopped" and result.episodes == 5
    assert torch.get_num_threads() == threads
    torch.manual_seed(123)
    assert torch.equal(before, torch.get_rng_state())


def test_truncated_games_are_stored_as_not_terminated(monkeypatch):
    """MinAtar has no time limit; with one of 40 steps both kinds of end must stay apart."""
    stored, flags = [], []
    original_add = ReplayBuffer.add

    def recording_add(self, obs, action, reward, next_obs, terminated):
        stored.append((bool(terminated), next_obs.copy()))
        original_add(self, obs, action, reward, next_obs, terminated)

    class TimeLimitedGames(InvadersBatch):
        """The training's games, with a time limit, remembering how every step ended."""

        def __init__(self, games: int, seed: int) -> None:
            super().__init__(games, seed, max_episode_steps=40)

        def step(self, actions, **kwargs):
            result = super().step(actions, **kwargs)
            flags.extend(zip(result.terminated, result.truncated, strict=True))
            return result

    monkeypatch.setattr(ReplayBuffer, "add", recording_add)
    monkeypatch.setattr(training_module, "InvadersBatch", TimeLimitedGames)
    result = train(tiny(max_env_steps=1_000))
    terminated, truncated = np.array(flags).T
    assert (truncated & ~terminated).sum() > 5 and terminated.sum() > 5
    np.testing.assert_array_equal([t for t, _ in stored], terminated)
    start = InvadersBatch(1).observe()[0]
    ended = np.flatnonzero(terminated | truncated)
    assert not any(np.array_equal(stored[i][1], start) for i in ended), (
        "the next state of an ending step is its final frame, not the restart"
    )
    assert result.episode_lengths.max() <= 40


# --- Greedy play ---


def test_greedy_games_are_seeded_and_the_trace_is_game_zero():
    net = ConvQNetwork(generator=torch.Generator().manual_seed(0))
    scores = evaluate_invaders(net, episodes=4, seed=50, max_steps=400)
    assert scores.shape == (4,) and scores.dtype == np.float64
    again = evaluate_invaders(net, episodes=4, seed=50, max_steps=400)
    np.testing.assert_array_equal(scores, again)
    trace = invaders_greedy_episode(net, seed=50, max_steps=400)
    assert trace.score == scores[0]
    steps = len(trace.actions)
    assert trace.observations.shape == (steps + 1, *OBSERVATION_SHAPE)
    assert trace.q_values.shape == (steps + 1, 4)
    np.testing.assert_array_equal(trace.actions, trace.q_values[:-1].argmax(axis=1))
    with torch.no_grad():
        q = net(torch.from_numpy(trace.observations)).numpy()
    np.testing.assert_allclose(trace.q_values, q, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match=r"^episodes"):
        evaluate_invaders(net, episodes=0)


# --- Saving ---


def test_an_invaders_run_round_trips_every_field(tiny_run, tmp_path):
    result, _ = tiny_run
    path = tmp_path / "invaders.pt"
    save_run(result, path)
    assert path.stat().st_size < 1_000_000
    loaded = load_run(path)
    for field in dataclasses.fields(TrainingResult):
        original, restored = getattr(result, field.name), getattr(loaded, field.name)
        if field.name == "policy":
            assert isinstance(restored, ConvQNetwork)
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
        evaluate_invaders(loaded.policy, 3, 7, 300), evaluate_invaders(result.policy, 3, 7, 300)
    )


# --- The shipped agent ---


def test_the_shipped_policy_is_a_callable_from_observation_to_action():
    act = shipped_policy()
    env = InvadersEnv()
    observation, _ = env.reset(seed=0)
    actions = []
    for _ in range(30):
        actions.append(act(observation))
        observation, _, terminated, _, _ = env.step(actions[-1])
        if terminated:
            break
    assert set(actions) <= {0, 1, 2, 3}
    with pytest.raises(ValueError, match="observation must have shape"):
        act(np.zeros((10, 10, 5)))


@pytest.mark.slow
def test_the_shipped_agent_scores_eight_times_random_play():
    shipped = load_run(INVADERS_RUN_PATH)
    assert (
        shipped.config
        == invaders_config()
        == DQNConfig.for_environment("invaders", max_env_steps=1_000_000)
    )
    greedy = evaluate_invaders(shipped.policy, episodes=100, seed=INVADERS_EVAL_SEED)
    random_mean = random_play_mean()
    assert greedy.mean() >= BAR_TIMES_RANDOM * random_mean
    summary = load_invaders_summary()
    assert summary["greedy_scores"] == greedy.tolist(), "the page quotes this very evaluation"
    assert summary["random_mean"] == random_mean and summary["total_steps"] == shipped.total_steps


# --- Through the worker pool ---


@pytest.mark.slow
def test_pool_trainings_of_invaders_equal_serial_ones():
    from core.workers import DONE, TrainingPool

    pool = TrainingPool(2, heartbeat_timeout=60.0)
    try:
        configs = [tiny(seed=seed) for seed in (1, 2, 1)]
        jobs = [pool.submit(f"learner {i}", c, c.max_env_steps) for i, c in enumerate(configs)]
        owners = [job.owner for job in jobs]
        finished = pool.wait_for(lambda: not any(job.active for job in jobs), 240, owners)
        assert finished, "the pool did not finish in time"
        assert [job.state for job in jobs] == [DONE, DONE, DONE]
        for job, config in zip(jobs, configs, strict=True):
            serial = train(config)
            np.testing.assert_array_equal(job.result.episode_returns, serial.episode_returns)
            np.testing.assert_array_equal(job.result.episode_losses, serial.episode_losses)
            assert len(job.progress) == job.result.episodes
    finally:
        pool.shutdown()


def test_the_pool_expects_an_invaders_step_to_cost_more_than_a_cartpole_step():
    """Queue waits are estimated per game: one rate for both would misjudge them."""
    from core.workers import Job, TrainingPool

    pool = TrainingPool(1)
    invaders = Job(1, "a", DQNConfig.for_environment("invaders"), 50_000)
    cartpole = Job(2, "b", DQNConfig(), 50_000)
    assert pool._estimate(invaders) > 5 * pool._estimate(cartpole)
