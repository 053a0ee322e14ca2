"""Checks for the exercises of the ten-armed-bandit notebook.

``core/notebooks.py`` copies this file, without its docstring and imports, into the notebook,
where ``Bandit`` and ``run_experiment`` are defined a few cells earlier. Every check prints
one line, "passed" or "not yet, because ...", and never raises: the notebook has to run top to
bottom on first open, when no exercise is written yet.

Each check first plays one run and replays the pulls it saw, so a wrong rule is named
exactly (which step, which arm, which number). Then it runs ``CHECK_RUNS`` runs of 1000 steps
and compares the end of the curves (steps 901-1000) with the book's Figure 2.2 or, where the
book gives no number, with the app's engine at 2000 runs. Tolerances are four standard errors
of a ``CHECK_RUNS``-run average plus the precision of reading the figure.
"""

import functools

import numpy as np

from core.reference import Bandit, run_experiment

CHECK_RUNS = 200
CHECK_STEPS = 1000
CHECK_SEED = 2018
REWARD_SD = 0.6
"""Spread between runs of one run's average reward over 100 steps (measured; about 0.57)."""
OPTIMAL_SD = 0.45
"""Spread between runs of one run's fraction of optimal pulls over 100 steps (at most 0.5)."""

EXPECTED = {
    # name: (average reward, fraction optimal) over steps 901-1000, margin of reading, source
    "greedy": (1.0, 0.35, 0.05, "the book's Figure 2.2"),
    "epsilon 0.01": (1.3, 0.58, 0.05, "the book's Figure 2.2"),
    "epsilon 0.1": (1.35, 0.80, 0.05, "the book's Figure 2.2"),
    "optimistic": (1.5, 0.86, 0.02, "the app's engine (Figure 2.3's setting)"),
    "decaying": (1.5, 0.89, 0.02, "the app's engine"),
    "ucb": (1.48, 0.86, 0.02, "the app's engine (Figure 2.4's setting)"),
    "gradient": (5.5, 0.86, 0.02, "the app's engine (Figure 2.5's setting)"),
    "gradient without baseline": (5.2, 0.49, 0.02, "the app's engine (Figure 2.5's setting)"),
    "thompson": (1.52, 0.92, 0.02, "the app's engine"),
}


class NotYet(Exception):
    """The reason a function does not pass yet, in words for the learner."""


def check(title):
    """Turn a check body into a check that prints "passed" or "not yet, because ..."."""

    def decorate(body):
        @functools.wraps(body)
        def run(play):
            try:
                summary = body(play)
            except NotYet as reason:
                print(f"{title}: not yet, because {reason}")
            except Exception as error:  # the learner's code raised: report it, do not stop
                print(f"{title}: not yet, because your function raised {error!r}")
            else:
                print(f"{title}: passed. {summary[0].upper()}{summary[1:]}")

        return run

    return decorate


def play_one_run(play, steps=CHECK_STEPS, seed=0, q_mean=0.0, **parameters):
    """Play one run on a fixed bandit; return the bandit (with its log) and what play returned."""
    rng = np.random.default_rng(seed)
    bandit = Bandit(q_mean + rng.standard_normal(10), rng)
    learnt = play(bandit, steps, rng, **parameters)
    pulls = len(bandit.rewards)
    if learnt is None and pulls == 0:
        raise NotYet("the function is not written yet (it returns None). Write it, then run again.")
    if pulls != steps:
        raise NotYet(f"it pulled {pulls} times in {steps} steps; call bandit.pull once per step.")
    if learnt is None:
        raise NotYet("it returns None; end it with `return Q` (its estimates).")
    learnt = np.asarray(learnt, dtype=float)
    if learnt.shape != (bandit.arms,):
        raise NotYet(f"it should return one number per arm ({bandit.arms}), got {learnt.shape}.")
    return bandit, learnt


def is_written(play, **parameters):
    """Whether ``play`` plays a short run without raising and returns something."""
    try:
        play_one_run(play, steps=5, **parameters)
    except Exception:
        return False
    return True


def replay_estimates(bandit, initial=0.0, step_size=None):
    """The estimates Q before every step and after the last, from the bandit's log."""
    Q = np.full(bandit.arms, float(initial))
    N = np.zeros(bandit.arms)
    history = [Q.copy()]
    for A, R in zip(bandit.actions, bandit.rewards, strict=True):
        N[A] += 1
        Q[A] += (R - Q[A]) * (1 / N[A] if step_size is None else step_size)
        history.append(Q.copy())
    return history


def require_estimates(bandit, learnt, initial=0.0, step_size=None):
    """The returned estimates must be what the update rule gives for the pulls made."""
    expected = replay_estimates(bandit, initial, step_size)[-1]
    wrong = np.flatnonzero(~np.isclose(learnt, expected, atol=1e-6))
    if len(wrong):
        arm = wrong[0]
        pulls = bandit.actions.count(arm)
        rule = "the average of its rewards" if step_size is None else "Q ← Q + α(R − Q)"
        setting = f" (initial={initial}, step_size={step_size})" if initial or step_size else ""
        raise NotYet(
            f"after {pulls} pulls of arm {arm}{setting} your Q[{arm}] is {learnt[arm]:.3f}, "
            f"but {rule} gives {expected[arm]:.3f}."
        )


def count_non_greedy(bandit, initial=0.0, step_size=None, epsilons=None):
    """Pulls of an arm below the highest estimate, and how many a rule with ``epsilons`` makes.

    An epsilon-greedy pull is random with probability epsilon and lands off the greedy arms
    with probability (k - ties) / k, so the expected count and its variance follow exactly.
    """
    history = replay_estimates(bandit, initial, step_size)
    count, expected, variance = 0, 0.0, 0.0
    for t, A in enumerate(bandit.actions):
        estimates = history[t]
        greedy_arms = np.flatnonzero(estimates == estimates.max())
        count += A not in greedy_arms
        if epsilons is not None:
            p = epsilons[t] * (bandit.arms - len(greedy_arms)) / bandit.arms
            expected += p
            variance += p * (1 - p)
    return count, expected, variance


def require_exploration(bandit, epsilons, what, initial=0.0, step_size=None):
    """The number of non-greedy pulls must fit the epsilon schedule within four sd."""
    count, expected, variance = count_non_greedy(bandit, initial, step_size, epsilons)
    if abs(count - expected) > 4 * variance**0.5 + 2:
        raise NotYet(
            f"with {what} it made {count} non-greedy pulls in {len(epsilons)} steps; "
            f"about {expected:.0f} were expected."
        )


def require_greedy(bandit, initial=0.0, step_size=None):
    """Every pull must be of an arm with the highest estimate at that step."""
    history = replay_estimates(bandit, initial, step_size)
    for t, A in enumerate(bandit.actions):
        estimates = history[t]
        if estimates[A] < estimates.max():
            raise NotYet(
                f"at step {t + 1} it pulled arm {A} (estimate {estimates[A]:.2f}), but arm "
                f"{np.argmax(estimates)} had the highest estimate ({estimates.max():.2f})."
            )


def require_random_ties(play, **parameters):
    """When every estimate is equal, the first pull must not always be the same arm."""
    first_arms = set()
    for seed in range(20):
        bandit, _ = play_one_run(play, steps=1, seed=seed, **parameters)
        first_arms.add(bandit.actions[0])
    if len(first_arms) == 1:
        raise NotYet(
            f"its first pull is always arm {first_arms.pop()}: when estimates tie, pick one of "
            "the tied arms at random, for example with argmax(Q, rng)."
        )


def compare_with_expected(play, name, what, q_mean=0.0, **parameters):
    """Run CHECK_RUNS runs and compare the end of the curves with the expected numbers."""
    reward, optimal, margin, source = EXPECTED[name]
    mean_reward, optimal_rate = run_experiment(
        play, CHECK_RUNS, CHECK_STEPS, seed=CHECK_SEED, q_mean=q_mean, **parameters
    )
    late_reward = mean_reward[-100:].mean()
    late_optimal = optimal_rate[-100:].mean()
    reward_tolerance = 4 * REWARD_SD / CHECK_RUNS**0.5 + margin
    optimal_tolerance = 4 * OPTIMAL_SD / CHECK_RUNS**0.5 + margin
    found = (
        f"{what} averages {late_reward:.2f} reward and picks the best arm "
        f"{late_optimal:.0%} of the time over steps 901-1000 ({CHECK_RUNS} runs)"
    )
    expected = f"{source} shows about {reward:.2f} and {optimal:.0%}"
    if abs(late_reward - reward) > reward_tolerance:
        raise NotYet(f"{found}; {expected}. The reward is more than {reward_tolerance:.2f} away.")
    if abs(late_optimal - optimal) > optimal_tolerance:
        raise NotYet(
            f"{found}; {expected}. The best-arm rate is more than {optimal_tolerance:.0%} away."
        )
    return f"{found}; {expected}."


@check("Strategy 1, naive random")
def check_naive(naive):
    bandit, Q = play_one_run(naive)
    require_estimates(bandit, Q)
    counts = np.bincount(bandit.actions, minlength=bandit.arms)
    if counts.min() < 50 or counts.max() > 150:
        raise NotYet(
            f"its pulls per arm range from {counts.min()} to {counts.max()} in 1000 steps; "
            "a random player pulls each of the 10 arms about 100 times."
        )
    mean_reward, optimal_rate = run_experiment(naive, CHECK_RUNS, CHECK_STEPS, seed=CHECK_SEED)
    found = (
        f"over {CHECK_RUNS} runs it averages {mean_reward.mean():.2f} reward and picks the "
        f"best arm {optimal_rate.mean():.0%} of the time"
    )
    if abs(mean_reward.mean()) > 0.1 or abs(optimal_rate.mean() - 0.1) > 0.02:
        raise NotYet(f"{found}; random play should earn about 0 and find the best arm 10%.")
    return f"{found}, as random play should (about 0 and 10%)."


@check("Strategy 2, greedy")
def check_greedy(greedy):
    bandit, Q = play_one_run(greedy)
    require_estimates(bandit, Q)
    require_greedy(bandit)
    require_random_ties(greedy)
    bandit, Q = play_one_run(greedy, initial=5.0, step_size=0.1)
    require_estimates(bandit, Q, initial=5.0, step_size=0.1)
    require_greedy(bandit, initial=5.0, step_size=0.1)
    summary = compare_with_expected(greedy, "greedy", "greedy")
    optimistic = compare_with_expected(
        greedy, "optimistic", "optimistic greedy (Q1 = 5, α = 0.1)", initial=5.0, step_size=0.1
    )
    return f"{summary} And {optimistic}"


@check("Strategy 3, ε-greedy")
def check_epsilon_greedy(epsilon_greedy):
    bandit, Q = play_one_run(epsilon_greedy, epsilon=0.1)
    require_estimates(bandit, Q)
    require_exploration(bandit, np.full(CHECK_STEPS, 0.1), "ε = 0.1")
    bandit, Q = play_one_run(epsilon_greedy, epsilon=0.0, initial=5.0, step_size=0.1)
    require_estimates(bandit, Q, initial=5.0, step_size=0.1)
    require_greedy(bandit, initial=5.0, step_size=0.1)
    summary = compare_with_expected(epsilon_greedy, "epsilon 0.1", "ε = 0.1", epsilon=0.1)
    small = compare_with_expected(epsilon_greedy, "epsilon 0.01", "ε = 0.01", epsilon=0.01)
    return f"{summary} And {small}"


@check("Strategy 4, decaying ε")
def check_decaying_epsilon(decaying_epsilon):
    t = np.arange(CHECK_STEPS)
    schedules = {
        "exponential": (0.5 ** (t / 50), {"half_life": 50.0}),
        "linear": (np.clip(1 - t / 400, 0.0, 1.0), {"decay_steps": 400}),
        "inverse": (50 / (50 + t), {"half_life": 50.0}),
    }
    for schedule, (fraction, settings) in schedules.items():
        parameters = {"start": 1.0, "end": 0.0, "schedule": schedule, **settings}
        bandit, Q = play_one_run(decaying_epsilon, **parameters)
        require_estimates(bandit, Q)
        described = ", ".join(f"{name}={value}" for name, value in parameters.items())
        require_exploration(bandit, fraction, described)
    return compare_with_expected(
        decaying_epsilon,
        "decaying",
        "decaying ε (1 → 0.01, exponential, half-life 100)",
        start=1.0,
        end=0.01,
        schedule="exponential",
    )


@check("Bonus: upper confidence bound")
def check_ucb(ucb):
    c = 2.0
    bandit, Q = play_one_run(ucb, c=c)
    require_estimates(bandit, Q)
    history = replay_estimates(bandit)
    N = np.zeros(bandit.arms)
    for t, A in enumerate(bandit.actions):
        if np.any(N == 0) and N[A] > 0:
            raise NotYet(
                f"at step {t + 1} it pulled arm {A} again while arm {np.argmin(N)} was never "
                "pulled; UCB tries every arm once first."
            )
        if not np.any(N == 0):
            bounds = history[t] + c * np.sqrt(np.log(t + 1) / N)
            if bounds[A] < bounds.max() - 1e-9:
                raise NotYet(
                    f"at step {t + 1} it pulled arm {A} (bound {bounds[A]:.3f}), but arm "
                    f"{np.argmax(bounds)} had the highest bound ({bounds.max():.3f}); "
                    "t counts steps from 1."
                )
        N[A] += 1
    return compare_with_expected(ucb, "ucb", "UCB (c = 2)", c=c)


@check("Bonus: gradient bandit")
def check_gradient_bandit(gradient_bandit):
    alpha = 0.1
    for baseline in (True, False):
        bandit, H = play_one_run(gradient_bandit, q_mean=4.0, alpha=alpha, baseline=baseline)
        expected = np.zeros(bandit.arms)
        R_bar = bandit.rewards[0]
        for t, (A, R) in enumerate(zip(bandit.actions, bandit.rewards, strict=True)):
            pi = np.exp(expected - expected.max())
            pi /= pi.sum()
            one_hot = np.eye(bandit.arms)[A]
            expected += alpha * (R - (R_bar if baseline else 0.0)) * (one_hot - pi)
            R_bar += (R - R_bar) / (t + 1)
        if not np.allclose(H, expected, atol=1e-6):
            arm = np.argmax(np.abs(H - expected))
            raise NotYet(
                f"with baseline={baseline}, your preference H[{arm}] ends at {H[arm]:.3f}, but "
                f"the update rule gives {expected[arm]:.3f} for the same pulls."
            )
    summary = compare_with_expected(
        gradient_bandit,
        "gradient",
        "the gradient bandit (α = 0.1, with baseline, q* around +4)",
        q_mean=4.0,
        alpha=alpha,
        baseline=True,
    )
    without = compare_with_expected(
        gradient_bandit,
        "gradient without baseline",
        "without baseline",
        q_mean=4.0,
        alpha=alpha,
        baseline=False,
    )
    return f"{summary} And {without}"


@check("Bonus: Thompson sampling")
def check_thompson_sampling(thompson_sampling):
    for prior_mean, prior_sd in ((0.0, 1.0), (2.0, 0.5)):
        bandit, mean = play_one_run(thompson_sampling, prior_mean=prior_mean, prior_sd=prior_sd)
        counts = np.bincount(bandit.actions, minlength=bandit.arms)
        sums = np.bincount(bandit.actions, weights=bandit.rewards, minlength=bandit.arms)
        precision = 1 / prior_sd**2
        expected = (precision * prior_mean + sums) / (precision + counts)
        if not np.allclose(mean, expected, atol=1e-6):
            arm = np.argmax(np.abs(mean - expected))
            raise NotYet(
                f"with prior N({prior_mean}, {prior_sd}²), your belief's mean for arm {arm} "
                f"is {mean[arm]:.3f}, but {counts[arm]} pulls give {expected[arm]:.3f}."
            )
    return compare_with_expected(thompson_sampling, "thompson", "Thompson sampling")
