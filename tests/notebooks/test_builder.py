"""The notebook builder: committed notebooks stay in step with the code, downloads hold exactly
the experiment on screen, and every notebook stands alone (numpy, pandas and altair only)."""

from __future__ import annotations

import ast
import inspect
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

from bench.notebooks import PAGE_EXPERIMENTS
from core import notebooks, reference
from core.bandit import UCB, DecayingEpsilon, EpsilonGreedy, GradientBandit, Greedy, Naive
from core.notebooks import (
    EXERCISE_PATH,
    PIP_INSTALL,
    SOLUTIONS_PATH,
    colab_url,
    exercise_notebook,
    experiment_notebook,
    notebook_runs,
    solutions_notebook,
    to_json,
)

ROOT = Path(__file__).resolve().parents[2]
STANDALONE_MODULES = {"altair", "functools", "numpy", "pandas", "time"}


def code_cells(notebook: nbformat.NotebookNode) -> list[str]:
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def download(experiment=PAGE_EXPERIMENTS["epsilon_greedy"], **changes) -> nbformat.NotebookNode:
    fields = {**experiment.__dict__, **changes}
    notebook = nbformat.reads(experiment_notebook(**fields).decode("utf-8"), as_version=4)
    nbformat.validate(notebook)
    return notebook


def parameter_cell(notebook: nbformat.NotebookNode) -> str:
    (cell,) = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    return cell.source


def all_notebooks() -> dict[str, nbformat.NotebookNode]:
    built = {"exercise": exercise_notebook(), "solutions": solutions_notebook()}
    built.update({name: download(experiment) for name, experiment in PAGE_EXPERIMENTS.items()})
    return built


@pytest.mark.parametrize(
    ("path", "build"), [(EXERCISE_PATH, exercise_notebook), (SOLUTIONS_PATH, solutions_notebook)]
)
def test_committed_notebooks_equal_a_fresh_build(path, build):
    """Run `python -m core.notebooks` after changing core/reference.py or notebooks/*.py."""
    notebook = build()
    nbformat.validate(notebook)
    assert path.read_text(encoding="utf-8") == to_json(notebook)
    nbformat.validate(nbformat.read(path, as_version=4))


def test_every_notebook_stands_alone_and_says_how_to_install_what_it_needs():
    for name, notebook in all_notebooks().items():
        assert PIP_INSTALL in notebook.cells[0].source, name
        imported = set()
        for source in code_cells(notebook):
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, ast.Import):
                    imported.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom):
                    imported.add(node.module.split(".")[0])
        assert imported <= STANDALONE_MODULES, (name, imported)
        assert notebook.metadata.kernelspec.name == "python3"


def test_exercise_stubs_keep_the_signature_and_return_none():
    exercise, solutions = exercise_notebook(), solutions_notebook()
    functions = [entry[0] for entry in notebooks.EXERCISES + notebooks.BONUS]
    for function in functions:
        (stub,) = [s for s in code_cells(exercise) if s.startswith(f"def {function.__name__}(")]
        (solution,) = [
            s for s in code_cells(solutions) if s.startswith(f"def {function.__name__}(")
        ]
        assert solution == inspect.getsource(function).strip()
        assert stub.endswith("    return None")
        namespace = {"np": np}
        exec(stub, namespace)
        assert inspect.signature(namespace[function.__name__]) == inspect.signature(function)
        assert namespace[function.__name__](None, 10, None, **stub_arguments(function)) is None
        check = f"check_{function.__name__}({function.__name__})"
        assert check in code_cells(exercise)
        assert check in code_cells(solutions)


def stub_arguments(function) -> dict:
    required = [
        name
        for name, parameter in list(inspect.signature(function).parameters.items())[3:]
        if parameter.default is inspect.Parameter.empty
    ]
    return dict.fromkeys(required, 0.1)


def test_a_download_holds_the_settings_and_exactly_its_strategies_code():
    notebook = download(PAGE_EXPERIMENTS["gradient"], seed=7)
    settings = {}
    exec(parameter_cell(notebook), settings)
    assert {
        key: settings[key] for key in ("arms", "steps", "runs", "seed", "q_mean", "walk_sd")
    } == {
        "arms": 10,
        "steps": 1000,
        "runs": 200,
        "seed": 7,
        "q_mean": 4.0,
        "walk_sd": 0.0,
    }
    definitions = [s.split("(")[0] for s in code_cells(notebook) if s.startswith("def ")]
    assert definitions == ["def gradient_bandit"]
    experiment = next(s for s in code_cells(notebook) if s.startswith("strategies = {"))
    assert '"Gradient (α = 0.1, with baseline)": (gradient_bandit, ' in experiment
    assert '{"alpha": 0.1, "baseline": True}' in experiment
    assert '{"alpha": 0.1, "baseline": False}' in experiment


def test_a_drifting_lab_download_honours_the_walk_and_says_it_runs_fewer_runs():
    notebook = download(PAGE_EXPERIMENTS["lab_drift"])
    settings = parameter_cell(notebook)
    assert "steps = 10000" in settings
    assert "walk_sd = 0.01  # every true value takes" in settings
    assert "runs = 50  # the page: 500" in settings
    assert "this notebook runs the first 50 of them" in notebook.cells[0].source
    definitions = [s.split("(")[0] for s in code_cells(notebook) if s.startswith("def ")]
    assert definitions == ["def epsilon_greedy"]
    experiment = next(s for s in code_cells(notebook) if s.startswith("strategies = {"))
    assert '{"epsilon": 0.1, "step_size": 0.1}' in experiment


def test_the_epsilon_greedy_download_runs_500_runs_and_says_why():
    notebook = download()
    assert "runs = 500  # the page: 2000" in parameter_cell(notebook)
    assert "Set `runs = 2000` in the next cell to match the page" in notebook.cells[0].source


def test_a_small_experiment_keeps_the_pages_runs():
    notebook = download(runs=200, steps=500)
    assert "runs = 200\n" in parameter_cell(notebook) + "\n"
    assert "It runs the page's 200 runs" in notebook.cells[0].source


def test_every_strategy_of_the_all_methods_lab_gets_its_function_once():
    notebook = download(PAGE_EXPERIMENTS["lab_all_methods"])
    definitions = [s.split("(")[0][4:] for s in code_cells(notebook) if s.startswith("def ")]
    assert definitions == [function.__name__ for function in reference.REFERENCE_FUNCTIONS.values()]


def test_equal_labels_stay_apart():
    same_label = [DecayingEpsilon(decay_steps=100), DecayingEpsilon(decay_steps=200)]
    notebook = download(strategies=same_label, runs=100)
    experiment = next(s for s in code_cells(notebook) if s.startswith("strategies = {"))
    assert '"Decaying ε (1 → 0.01, exponential, half-life 100) (2)": (' in experiment


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"strategies": []}, "^strategies must be a non-empty list"),
        ({"strategies": ["greedy"]}, "^strategies must be a non-empty list"),
        ({"runs": 0}, "^runs must be"),
        ({"walk_sd": -1.0}, "^walk_sd must be"),
    ],
)
def test_bad_settings_are_named(changes, message):
    fields = {**PAGE_EXPERIMENTS["naive"].__dict__, **changes}
    with pytest.raises(ValueError, match=message):
        experiment_notebook(**fields)


def test_notebook_runs_are_round_numbers_and_never_zero():
    epsilons = PAGE_EXPERIMENTS["epsilon_greedy"].strategies
    assert notebook_runs(epsilons, 1000, 2000, 0.0) == 500
    assert notebook_runs(epsilons, 1000, 300, 0.0) == 300
    assert notebook_runs([Naive()], 100_000, 100_000, 0.01) == 10
    assert notebook_runs([GradientBandit()] * 20, 100_000, 100, 0.01) == 1
    for steps in (100, 1000, 5000, 10_000):
        runs = notebook_runs([Greedy(), UCB()], steps, 5000, 0.0)
        assert str(runs).strip("0") in {"1", "2", "5"}


def test_colab_link_appears_only_once_a_public_repository_is_named(monkeypatch):
    assert "colab.research.google.com/github" not in json.dumps(exercise_notebook())
    monkeypatch.setattr(notebooks, "COLAB_REPOSITORY", "someone/rl-explainer")
    link = colab_url("someone", "rl-explainer", "main", "notebooks/ten_armed_bandit.ipynb")
    assert link == (
        "https://colab.research.google.com/github/someone/rl-explainer/blob/main/"
        "notebooks/ten_armed_bandit.ipynb"
    )
    assert f"[Open this notebook in Colab]({link})" in exercise_notebook().cells[0].source


def test_show_me_the_code_and_the_notebook_use_the_same_source():
    notebook = download(strategies=[EpsilonGreedy(epsilon=0.2)], runs=100)
    code = reference.reference_code(EpsilonGreedy(epsilon=0.2))
    function_source = code.split("\n\n\n")[0].strip()
    assert function_source in code_cells(notebook)


def test_the_builder_and_the_reference_code_need_no_ui_libraries():
    """The app imports them for its buttons; they must not pull streamlit, pandas or altair."""
    code = (
        "import sys, core.notebooks, core.reference\n"
        "print(sorted({'streamlit', 'pandas', 'altair'} & set(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
