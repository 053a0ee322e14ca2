"""Jupyter notebooks built from the reference code: the exercise, its solutions, and any experiment.

Three notebooks come from one set of cells:

- ``notebooks/ten_armed_bandit.ipynb``: the testbed is given, strategies 1-4 (and three bonus
  strategies) are stubs to fill in, and a check after each prints "passed" or "not yet,
  because ...".
- ``notebooks/ten_armed_bandit_solutions.ipynb``: the same notebook with the reference code in
  place of the stubs.
- :func:`experiment_notebook`: "take this experiment home", the settings on a page, the
  reference code of its strategies, the run, the charts and the summary table.

Every piece of code in them is copied from a real module, never typed into a string here: the
strategies and the testbed from ``core/reference.py`` (the single source of truth, also shown
on the pages), the checks from ``notebooks/checks.py`` and the charts from
``notebooks/plotting.py``. The notebooks need only numpy, pandas and altair, so they run in
plain Jupyter and in Colab. The two committed notebooks are rewritten with::

    python -m core.notebooks

and a test fails when they differ from a fresh build.
"""

from __future__ import annotations

import argparse
import ast
import functools
import inspect
import json
import math
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import nbformat

from core import reference
from core.bandit import (
    DecayingEpsilon,
    EpsilonGreedy,
    Greedy,
    Naive,
    Strategy,
    validate_testbed,
)

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
EXERCISE_PATH = NOTEBOOK_DIR / "ten_armed_bandit.ipynb"
SOLUTIONS_PATH = NOTEBOOK_DIR / "ten_armed_bandit_solutions.ipynb"
CHECKS = NOTEBOOK_DIR / "checks.py"
PLOTTING = NOTEBOOK_DIR / "plotting.py"
PIP_INSTALL = "pip install numpy pandas altair"

COLAB_REPOSITORY: str | None = None
"""``owner/repo`` on GitHub once the project is public; then the committed notebooks get an
"Open in Colab" link (rebuild them with ``python -m core.notebooks``). Colab opens only public
files, so there is no link while this is None."""
COLAB_BRANCH = "main"

MICROSECONDS_PER_STEP = {
    reference.naive: 3.0,
    reference.greedy: 5.2,
    reference.epsilon_greedy: 5.2,
    reference.decaying_epsilon: 5.3,
    reference.ucb: 11.0,
    reference.gradient_bandit: 18.0,
    reference.thompson_sampling: 11.0,
}
"""Plain-loop cost of one step of each reference function (``python -m bench --only notebooks``
measures them; 2-core machine, Python 3.11)."""
WALK_MICROSECONDS_PER_STEP = 3.0
"""Extra cost per step when the true values drift."""
LOOP_SECONDS = 10.0
"""Computing time a downloaded notebook aims for at most; it runs fewer runs than the page
when the page's would take longer (a downloaded Figure 2.2 runs 500 of the page's 2000)."""

EXERCISE_RUNS = 200
"""Runs in the exercise notebook's comparison: a few seconds per strategy with plain loops."""


def colab_url(owner: str, repo: str, branch: str, path: str) -> str:
    """The link that opens a notebook of a public GitHub repository in Google Colab."""
    return f"https://colab.research.google.com/github/{owner}/{repo}/blob/{branch}/{path}"


def loop_seconds(strategies: Sequence[Strategy], steps: int, runs: int, walk_sd: float) -> float:
    """Estimated plain-loop computing time of an experiment, from ``MICROSECONDS_PER_STEP``."""
    per_step = sum(MICROSECONDS_PER_STEP[reference.reference_function(s)] for s in strategies)
    if walk_sd > 0:
        per_step += WALK_MICROSECONDS_PER_STEP * len(strategies)
    return per_step * 1e-6 * steps * runs


def notebook_runs(strategies: Sequence[Strategy], steps: int, runs: int, walk_sd: float) -> int:
    """Runs a downloaded notebook does: the page's, or fewer if they would take long.

    Fewer runs are rounded down to 1, 2 or 5 times a power of ten, the numbers a learner would
    pick, and are never fewer than one.
    """
    affordable = max(1.0, LOOP_SECONDS / loop_seconds(strategies, steps, 1, walk_sd))
    if affordable >= runs:
        return runs
    magnitude = 10 ** math.floor(math.log10(affordable))
    return max(n * magnitude for n in (1, 2, 5) if n * magnitude <= affordable)


# Code copied from modules ---------------------------------------------------------------------


@functools.cache
def _module_parts(path: Path) -> tuple[str, tuple[str, ...]]:
    """A module's code without its docstring and imports, and its imports apart.

    The imports go to the notebook's one import cell; names from ``core`` (``Bandit``,
    ``run_experiment``) are defined by earlier cells instead.
    """
    source = path.read_text()
    lines = source.splitlines()
    skipped: set[int] = set()
    imports = []
    for number, node in enumerate(ast.parse(source).body):
        is_docstring = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        is_import = isinstance(node, ast.Import | ast.ImportFrom)
        if (number == 0 and is_docstring) or is_import:
            skipped.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
        if is_import and not (getattr(node, "module", None) or "").startswith("core"):
            imports.append("\n".join(lines[node.lineno - 1 : node.end_lineno]))
    body = [line for n, line in enumerate(lines, 1) if n not in skipped]
    return "\n".join(body).strip() + "\n", tuple(imports)


def _imports(*modules: Path) -> str:
    """One import cell: the standard library first, then numpy, pandas and altair."""
    statements = {"import time", "import numpy as np"}
    for path in modules:
        statements.update(_module_parts(path)[1])

    def module_name(statement: str) -> str:
        return statement.split()[1].split(".")[0]

    standard = sorted(s for s in statements if module_name(s) in sys.stdlib_module_names)
    others = sorted(s for s in statements if module_name(s) not in sys.stdlib_module_names)
    return "\n".join(standard) + "\n\n" + "\n".join(others) + "\n"


@functools.cache
def _source(function: Callable) -> str:
    return inspect.getsource(function).strip() + "\n"


def _stub(function: Callable, hint: str) -> str:
    """The function's signature and docstring, a hint in comments, and ``return None``.

    Returning None (rather than raising) keeps the notebook running top to bottom; the check
    reads None as "not written yet".
    """
    source = _source(function)
    definition = ast.parse(source).body[0]
    if not isinstance(definition, ast.FunctionDef):
        raise ValueError(f"{function.__name__} must be a plain function")
    docstring_end = definition.body[0].end_lineno
    head = "\n".join(source.splitlines()[:docstring_end])
    comments = textwrap.indent(hint.strip(), "    # ")
    return f"{head}\n{comments}\n    return None\n"


# Cells shared by every notebook ----------------------------------------------------------------


# Cells are plain nbformat 4.5 nodes. nbformat's new_*_cell helpers validate every cell, and
# their first validation compiles the JSON schema (0.16 s); tests validate the result instead.


def _md(text: str) -> nbformat.NotebookNode:
    source = textwrap.dedent(text).strip()
    return nbformat.from_dict({"cell_type": "markdown", "metadata": {}, "source": source})


def _code(source: str, **metadata: object) -> nbformat.NotebookNode:
    return nbformat.from_dict(
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": metadata,
            "outputs": [],
            "source": source.strip(),
        }
    )


def _header(title: str, text: str, colab_path: str | None = None) -> nbformat.NotebookNode:
    """The top cell: title, the one install line, the notebook's purpose, a Colab link."""
    colab = ""
    if colab_path and COLAB_REPOSITORY:
        owner, repo = COLAB_REPOSITORY.split("/")
        url = colab_url(owner, repo, COLAB_BRANCH, colab_path)
        colab = f"\n\n[Open this notebook in Colab]({url})"
    return _md(
        f"# {title}\n\n"
        "Runs in plain Jupyter and in Google Colab and needs only numpy, pandas and altair "
        "(Colab has them already). Elsewhere, install them once with\n\n"
        f"```\n{PIP_INSTALL}\n```\n\n"
        f"{textwrap.dedent(text).strip()}{colab}"
    )


def _testbed_cells() -> list[nbformat.NotebookNode]:
    code = "\n\n".join(_source(part) for part in reference.TESTBED_CODE)
    return [
        _md(
            """
            ## The testbed

            The book's 10-armed testbed (Sutton & Barto, section 2.3). A `Bandit` is one
            problem: `bandit.pull(arm)` returns a reward drawn from N(q\\*(arm), 1), and the
            bandit keeps score of every pull. `argmax(values, rng)` finds the largest value and
            breaks ties at random. `run_experiment(play, runs, steps, ...)` plays a strategy
            on `runs` independent problems and returns, for every step, the average reward and
            the fraction of runs that pulled the best arm.

            A strategy is a function `play(bandit, steps, rng, **parameters)` that pulls one
            arm per step and returns what it learnt (its estimates Q).
            """
        ),
        _code(code),
    ]


def _strategies_code(strategies: Sequence[Strategy]) -> str:
    """The ``strategies`` dictionary: each label with its reference function and parameters."""
    lines = ["strategies = {"]
    seen: dict[str, int] = {}
    for strategy in strategies:
        label = strategy.label
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            label = f"{label} ({seen[label]})"
        parameters = reference.reference_parameters(strategy)
        arguments = ", ".join(f'"{k}": {reference.literal(v)}' for k, v in parameters.items())
        function = reference.reference_function(strategy).__name__
        entry = f"    {json.dumps(label, ensure_ascii=False)}: ({function}, {{{arguments}}}),"
        if len(entry) > 100:  # as ruff would format it
            entry = (
                f"    {json.dumps(label, ensure_ascii=False)}: (\n"
                f"        {function},\n        {{{arguments}}},\n    ),"
            )
        lines.append(entry)
    lines.append("}")
    return "\n".join(lines)


def _run_code(strategies: Sequence[Strategy], skip_unwritten: bool) -> str:
    skip = ""
    if skip_unwritten:
        skip = (
            "    if not is_written(play, **parameters):\n"
            '        print(f"{label}: not written yet, left out")\n'
            "        continue\n"
        )
    return (
        f"{_strategies_code(strategies)}\n\n"
        "results = {}\n"
        "for label, (play, parameters) in strategies.items():\n"
        f"{skip}"
        "    start = time.perf_counter()\n"
        "    results[label] = run_experiment(\n"
        "        play, runs, steps, arms, seed, q_mean, walk_sd, start_equal, **parameters\n"
        "    )\n"
        '    print(f"{label}: {runs} runs in {time.perf_counter() - start:.1f} s")\n'
    )


def _plotting_cell() -> nbformat.NotebookNode:
    return _code(_module_parts(PLOTTING)[0])


def _number(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:.2g}"


# The exercise and its solutions ----------------------------------------------------------------

Exercise = tuple[Callable[..., Any], str, str, str]
"""(reference function, its check's name, what the exercise asks, a hint)."""

EXERCISES: tuple[Exercise, ...] = (
    (
        reference.naive,
        "check_naive",
        """
        ## Strategy 1: naive random play

        Pull an arm chosen uniformly at random at every step. It is the baseline every other
        strategy has to beat: it earns the average of the true values (about 0) and pulls the
        best arm 1 time in 10.

        Keep a **tally** all the same: for every arm, how often you pulled it, N(a), and the
        average of its rewards so far, Q(a). Update the average without storing the rewards:

        $$Q(A) \\leftarrow Q(A) + \\frac{1}{N(A)}\\bigl(R - Q(A)\\bigr)$$

        Write `naive(bandit, steps, rng)`: at each step pick `A = rng.integers(bandit.arms)`,
        pull it with `R = bandit.pull(A)`, update `N[A]` and `Q[A]`; at the end `return Q`.
        The check compares your Q with the rewards your pulls got, then your results over
        200 runs with random play's.
        """,
        """
        Q = np.zeros(bandit.arms) and N = np.zeros(bandit.arms), then one loop over the steps:
        choose A at random, R = bandit.pull(A), N[A] += 1, move Q[A] towards R by 1 / N[A].
        """,
    ),
    (
        reference.greedy,
        "check_greedy",
        """
        ## Strategy 2: greedy, with the tally

        Now use the tally: always pull the arm with the highest estimate,
        $A_t = \\operatorname{argmax}_a Q_t(a)$. When several arms tie (at the start they all
        do), pick one of them at random: `argmax(Q, rng)` from the testbed does that, while
        `np.argmax(Q)` always takes the first.

        Two parameters change how the estimates start and move:

        - `initial`: every arm's first estimate $Q_1$. The book's Figure 2.3 starts at 5, far
          above any true value (*optimistic*): every reward disappoints, so even a greedy
          agent tries every arm.
        - `step_size`: `None` means sample averages, $\\alpha = 1/N(A)$; a number is a
          constant step size: $Q(A) \\leftarrow Q(A) + \\alpha\\,(R - Q(A))$.

        The check replays your choices, then runs the defaults (Figure 2.2: greedy levels off
        near an average reward of 1.0 and pulls the best arm about 35% of the time) and
        $Q_1 = 5$, $\\alpha = 0.1$.
        """,
        """
        Like naive, but start Q at `initial` and choose A = argmax(Q, rng). Update with
        alpha = 1 / N[A] when step_size is None, else alpha = step_size.
        """,
    ),
    (
        reference.epsilon_greedy,
        "check_epsilon_greedy",
        """
        ## Strategy 3: ε-greedy

        Greedy gets stuck on the first arm that looks good enough. Explore a little: at every
        step, with probability ε pull an arm uniformly at random, otherwise the greedy one.
        `rng.random() < epsilon` is true with probability ε. The random arm may be the greedy
        one too, so a non-greedy arm is pulled with probability ε(k − 1)/k.

        Keep `initial` and `step_size` as in greedy. The check counts your exploring pulls,
        then compares with Figure 2.2: by step 1000, ε = 0.1 earns about 1.35 and pulls the
        best arm about 80% of the time; ε = 0.01 about 1.3 and 55-60%, still rising.
        """,
        """
        Like greedy, but each step first decide: explore (a random arm) with probability
        epsilon, otherwise exploit (argmax(Q, rng)).
        """,
    ),
    (
        reference.decaying_epsilon,
        "check_decaying_epsilon",
        """
        ## Strategy 4: decaying ε

        Explore a lot while the estimates are poor, then less and less. At step t (counting
        from 0) use

        $$\\varepsilon_t = \\text{end} + (\\text{start} - \\text{end})\\, f(t)$$

        with one of three schedules f:

        - `"exponential"`: $f(t) = 0.5^{\\,t / h}$ with h = `half_life`: the excess over
          `end` halves every h steps;
        - `"linear"`: $f(t) = \\max(0,\\ 1 - t / T)$ with T = `decay_steps`;
        - `"inverse"`: $f(t) = h / (h + t)$, a 1/t-style decay, with h = `half_life`.

        The check counts your exploring pulls under each schedule, then runs start = 1,
        end = 0.01, exponential with a half-life of 100 steps.
        """,
        """
        Like epsilon_greedy, but compute this step's epsilon from start, end and the schedule
        before deciding whether to explore.
        """,
    ),
)

BONUS: tuple[Exercise, ...] = (
    (
        reference.ucb,
        "check_ucb",
        """
        ### Upper confidence bound (UCB)

        Explore where the estimate is least certain. Pull

        $$A_t = \\operatorname{argmax}_a \\Bigl[Q_t(a) + c\\sqrt{\\frac{\\ln t}{N_t(a)}}\\Bigr]$$

        where t counts steps from 1 (so `np.log(t + 1)` if your loop counts from 0). An arm
        never pulled counts as the best: try every arm once first, in random order. Update Q
        as in greedy. The check replays your choices and uses Figure 2.4's setting, c = 2.
        """,
        """
        Keep Q and N as before. While some N[a] == 0, pull one of those arms (at random);
        afterwards pull argmax(Q + c * np.sqrt(np.log(t + 1) / N), rng).
        """,
    ),
    (
        reference.gradient_bandit,
        "check_gradient_bandit",
        """
        ### Gradient bandit

        Learn a preference H(a) per arm instead of a value, and pull arms with the softmax
        probabilities $\\pi(a) = e^{H(a)} / \\sum_b e^{H(b)}$, for example with
        `rng.choice(bandit.arms, p=pi)`. After reward R for arm A, with the baseline
        $\\bar R$ (the average of the rewards before this step; the first reward is its own
        baseline), update every arm:

        $$H(a) \\leftarrow H(a) + \\alpha\\,(R - \\bar R)\\,(\\mathbb{1}_{a = A} - \\pi(a))$$

        With `baseline=False` use 0 instead of $\\bar R$. Return H. The check uses Figure 2.5's
        setting: true values around +4, α = 0.1, with and without the baseline.
        """,
        """
        H = np.zeros(bandit.arms). Each step: pi from H by softmax, A drawn with probabilities
        pi, R = bandit.pull(A), then update H and the running average of the rewards.
        """,
    ),
    (
        reference.thompson_sampling,
        "check_thompson_sampling",
        """
        ### Thompson sampling

        Keep a normal belief about each arm's value. Before any pull it is the prior
        N(μ₀, σ₀²), with μ₀ = `prior_mean` and σ₀ = `prior_sd`. Rewards have variance 1, so
        after N(a) pulls whose rewards sum to S(a) the belief has

        $$\\text{precision} = 1/\\sigma_0^2 + N(a), \\qquad
        \\text{mean} = \\frac{\\mu_0/\\sigma_0^2 + S(a)}{\\text{precision}}$$

        and standard deviation $1/\\sqrt{\\text{precision}}$. At each step draw one sample from
        every arm's belief (`rng.normal(mean, sd)` takes arrays) and pull the arm with the
        highest sample. Return the beliefs' means.
        """,
        """
        Keep N and S (the sum of each arm's rewards). Each step: compute every arm's belief,
        sample from it, pull the arm with the highest sample, add to N[A] and S[A].
        """,
    ),
)

COMPARED = (
    Naive(),
    Greedy(),
    EpsilonGreedy(epsilon=0.1),
    DecayingEpsilon(start=1.0, end=0.01, schedule="exponential"),
)


def _exercise_cells(solved: bool, function: Callable, check: str, text: str, hint: str) -> list:
    code = _source(function) if solved else _stub(function, textwrap.dedent(hint))
    return [_md(text), _code(code), _code(f"{check}({function.__name__})")]


def _exercise_notebook(solved: bool) -> nbformat.NotebookNode:
    if solved:
        title = "The ten-armed bandit: solutions"
        intro = """
            Every exercise of `ten_armed_bandit.ipynb` solved with the app's reference code
            (the code its "Show me the code" buttons show). Every check prints *passed*.
            """
        path = SOLUTIONS_PATH
    else:
        title = "The ten-armed bandit: write the strategies yourself"
        intro = """
            Sutton & Barto's chapter 2, hands on. The testbed is given; you write four
            strategies for playing a 10-armed bandit, from random play to a decaying ε, and
            compare them as in the book's Figure 2.2. Three bonus strategies follow.

            Run the cells from top to bottom (the notebook runs as it is). After each
            exercise a check runs your function and prints *passed* or *not yet, because*
            and what to fix. Change your function and run its cell and the check again.
            """
        path = EXERCISE_PATH
    cells = [
        _header(title, intro, f"notebooks/{path.name}"),
        _code(_imports(CHECKS, PLOTTING)),
        *_testbed_cells(),
        _md(
            """
            A first look: one bandit, its true values (hidden from a real player) and a few
            pulls of arm 3. Every reward is its true value plus noise.
            """
        ),
        _code(
            "rng = np.random.default_rng(0)\n"
            "bandit = Bandit(rng.standard_normal(10), rng)\n"
            'print("true values q*:", bandit.q_true.round(2))\n'
            'print("rewards of arm 3:", [round(bandit.pull(3), 2) for _ in range(5)])\n'
        ),
        _md(
            """
            ## The checks

            Run this cell: it defines the check that follows each exercise. You need not read
            it, but you may.
            """
        ),
        _code(_module_parts(CHECKS)[0]),
    ]
    for exercise in EXERCISES:
        cells += _exercise_cells(solved, *exercise)
    cells += [
        _md(
            f"""
            ## Compare your strategies

            The next cell runs every strategy you have written (the others are left out) on
            the same {EXERCISE_RUNS} bandit problems for 1000 steps. The charts show the
            average reward and the % of runs that pulled the best arm at each step, as in the
            book's Figure 2.2 (which averages 2000 runs; plain loops take longer, so
            {EXERCISE_RUNS} are used here).
            """
        ),
        _code(
            f"runs, steps, arms, seed, q_mean = {EXERCISE_RUNS}, 1000, 10, 0, 0.0\n"
            "walk_sd, start_equal = 0.0, False  # the stationary testbed\n"
            + _run_code(COMPARED, skip_unwritten=True)
        ),
        _plotting_cell(),
        _code(
            "if results:\n"
            "    display(curves_chart(results), summary_table(results))\n"
            "else:\n"
            '    print("Nothing to compare yet: write a strategy above, then run this cell.")\n'
        ),
        _md(
            """
            ## Bonus exercises

            Three more strategies from the app, each with its check, on the same testbed.
            """
        ),
    ]
    for exercise in BONUS:
        cells += _exercise_cells(solved, *exercise)
    cells.append(
        _md(
            """
            ## Where next

            Add your bonus strategies to the comparison (for example
            `"UCB (c = 2)": (ucb, {"c": 2.0})`), try other values of ε, or let the world
            drift: with `walk_sd = 0.01` every true value takes a small random step after each
            pull (the book's Exercise 2.5; run 10,000 steps and compare sample averages with a
            constant `step_size=0.1`).
            """
        )
    )
    return _notebook(cells)


def exercise_notebook() -> nbformat.NotebookNode:
    """The exercise: the testbed given, every strategy a stub followed by its check."""
    return _exercise_notebook(solved=False)


def solutions_notebook() -> nbformat.NotebookNode:
    """The exercise with the reference code in place of every stub."""
    return _exercise_notebook(solved=True)


# Take this experiment home ---------------------------------------------------------------------


def experiment_notebook(
    strategies: Sequence[Strategy],
    arms: int,
    steps: int,
    runs: int,
    seed: int,
    q_mean: float = 0.0,
    walk_sd: float = 0.0,
    start_equal: bool = False,
    title: str = "A bandit experiment",
) -> bytes:
    """An ``.ipynb`` file (UTF-8 JSON) that reproduces an experiment of the app.

    It holds a parameter cell with the settings (tagged ``parameters``), the reference code of
    exactly these strategies, the run, the two charts (average reward, % optimal action) and
    the summary table. Every run faces the problem the app draws for it with this seed. Plain
    loops are slower than the app's engine, so when the page's runs would take more than about
    ``LOOP_SECONDS``, the notebook runs fewer and says so (:func:`notebook_runs`).
    """
    strategies = list(strategies)
    if not strategies or not all(isinstance(s, Strategy) for s in strategies):
        raise ValueError(f"strategies must be a non-empty list of Strategy, got {strategies!r}")
    validate_testbed(arms, steps, runs, seed, q_mean, walk_sd)
    runs_here = notebook_runs(strategies, steps, runs, walk_sd)
    seconds = loop_seconds(strategies, steps, runs_here, walk_sd)
    if runs_here < runs:
        runs_note = (
            f"The app averaged {runs:,} runs with its vectorised engine. The plain loops here "
            f"are easier to read but slower, so this notebook runs the first {runs_here:,} of "
            f"them (about {_number(seconds)} s of computing on the machine the app was tested "
            f"on; the page's {runs:,} would take about "
            f"{_number(loop_seconds(strategies, steps, runs, walk_sd))} s). Set "
            f"`runs = {runs}` in the next cell to match the page. Fewer runs give noisier "
            "curves around the same averages."
        )
        runs_comment = f"  # the page: {runs}; see the note above"
    else:
        runs_note = (
            f"It runs the page's {runs:,} runs (about {_number(seconds)} s of computing on the "
            "machine the app was tested on)."
        )
        runs_comment = ""
    drift = "every true value takes an N(0, walk_sd) step after each pull" if walk_sd else ""
    parameters = (
        "# The settings of the experiment in the app. Change any and run all cells again.\n"
        f"arms = {arms}\n"
        f"steps = {steps}\n"
        f"runs = {runs_here}{runs_comment}\n"
        f"seed = {seed}\n"
        f"q_mean = {reference.literal(float(q_mean))}  # true values ~ N(q_mean, 1)\n"
        f"walk_sd = {reference.literal(float(walk_sd))}"
        f"  # {drift or '0: the true values stay put (stationary)'}\n"
        f"start_equal = {bool(start_equal)}"
        f"  # {'every true value starts at q_mean' if start_equal else 'true values start apart'}\n"
    )
    functions = list(dict.fromkeys(reference.reference_function(s) for s in strategies))
    listing = ", ".join(s.label for s in strategies)
    cells = [
        _header(
            title,
            f"""
            This notebook repeats an experiment from the interactive RL explainer: {listing},
            on {arms}-armed bandits for {steps:,} steps. Every run faces the same bandit problem
            as in the app (the true values come from the same seed); the strategies are the
            app's plain-loop reference code, so the curves match the page's up to the luck of
            rewards and choices.

            {runs_note}

            To run it in Colab, open colab.research.google.com and upload this file.
            """,
        ),
        _code(parameters, tags=["parameters"]),
        _code(_imports(PLOTTING)),
        *_testbed_cells(),
        _md(
            "## The strategies\n\n"
            "The reference code of every strategy in the experiment: one run, one step at a "
            "time."
        ),
        *[_code(_source(function)) for function in functions],
        _md(
            "## The experiment\n\n"
            "Each strategy with its parameters, run on the same problems. It prints the "
            "time each one takes."
        ),
        _code(_run_code(strategies, skip_unwritten=False)),
        _md(
            "## Results\n\n"
            "Average reward and the % of runs that pulled the best arm at each step, then a "
            "summary: reward over all steps first, then the last 10% of steps, where the "
            "curves settle."
        ),
        _plotting_cell(),
        _code("curves_chart(results)"),
        _code("summary_table(results)"),
        _md(
            """
            ## Try this

            - Change a setting in the first code cell and run all cells again.
            - Add a strategy to `strategies`, for example `"UCB (c = 1)": (ucb, {"c": 1.0})`:
              "Show me the code" on the app's UCB page gives the `ucb` function.
            - Raise `runs` to smooth the curves, or `steps` to see where they settle.
            """
        ),
    ]
    return to_json(_notebook(cells)).encode("utf-8")


def _notebook(cells: list[nbformat.NotebookNode]) -> nbformat.NotebookNode:
    """A notebook with stable cell ids, so rebuilding an unchanged notebook changes no byte."""
    for number, cell in enumerate(cells):
        cell["id"] = f"cell-{number:02d}"
    return nbformat.from_dict(
        {
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": {
                "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                "language_info": {"name": "python"},
            },
            "cells": cells,
        }
    )


def to_json(notebook: nbformat.NotebookNode) -> str:
    """The notebook as ``.ipynb`` text, exactly as ``nbformat.writes`` would write it.

    ``nbformat.writes`` validates first; here the tests do, so a download stays fast.
    """
    return nbformat.v4.writes(notebook)


def write_committed_notebooks() -> list[Path]:
    """Write the exercise and solutions notebooks into ``notebooks/``."""
    written = []
    for path, notebook in (
        (EXERCISE_PATH, exercise_notebook()),
        (SOLUTIONS_PATH, solutions_notebook()),
    ):
        nbformat.validate(notebook)
        path.write_text(to_json(notebook), encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m core.notebooks",
        description="Rewrite notebooks/ten_armed_bandit.ipynb and its solutions from the code.",
    )
    parser.parse_args(argv)
    for path in write_committed_notebooks():
        print(f"wrote {path.relative_to(NOTEBOOK_DIR.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
