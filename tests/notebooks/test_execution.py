"""Every committed notebook, and a download from every page, runs in a real kernel, error-free.

nbclient starts the ``python3`` kernel (ipykernel) with this virtualenv's interpreter and runs
the cells top to bottom; any cell that raises fails the test. Downloads run with small settings
through their parameter cell, as a learner would change them.
"""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from bench.notebooks import PAGE_EXPERIMENTS
from core.notebooks import EXERCISE_PATH, SOLUTIONS_PATH

pytestmark = pytest.mark.slow

CHECKS = (
    "check_naive",
    "check_greedy",
    "check_epsilon_greedy",
    "check_decaying_epsilon",
    "check_ucb",
    "check_gradient_bandit",
    "check_thompson_sampling",
)


def execute(notebook: nbformat.NotebookNode, directory) -> nbformat.NotebookNode:
    client = NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": directory}}
    )
    client.execute()
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    return notebook


def printed(cell: nbformat.NotebookNode) -> str:
    return "".join(o.text for o in cell.get("outputs", []) if o.output_type == "stream")


def check_cells(notebook: nbformat.NotebookNode) -> dict[str, str]:
    return {
        cell.source.split("(")[0]: printed(cell)
        for cell in notebook.cells
        if cell.cell_type == "code" and cell.source.startswith(CHECKS)
    }


def rich_outputs(notebook: nbformat.NotebookNode) -> list[dict]:
    return [
        output.data
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if output.output_type in {"display_data", "execute_result"}
    ]


def test_the_exercise_runs_top_to_bottom_and_says_not_yet_for_every_stub(tmp_path):
    notebook = execute(nbformat.read(EXERCISE_PATH, as_version=4), str(tmp_path))
    verdicts = check_cells(notebook)
    assert list(verdicts) == list(CHECKS)
    for check, text in verdicts.items():
        assert ": not yet, because the function is not written yet" in text, check
    everything = "".join(printed(cell) for cell in notebook.cells)
    assert "passed" not in everything
    assert everything.count("not written yet, left out") == 4
    assert "Nothing to compare yet" in everything


def test_the_solutions_pass_every_check_and_draw_the_comparison(tmp_path):
    notebook = execute(nbformat.read(SOLUTIONS_PATH, as_version=4), str(tmp_path))
    verdicts = check_cells(notebook)
    assert list(verdicts) == list(CHECKS)
    for check, text in verdicts.items():
        assert ": passed. " in text, (check, text)
        assert "not yet" not in text, (check, text)
    outputs = rich_outputs(notebook)
    assert any("vega" in str(data).lower() for data in outputs)
    assert any("total reward per run" in data.get("text/html", "") for data in outputs)


SMALL = {name: "runs = 10\nsteps = 200" for name in PAGE_EXPERIMENTS}
SMALL["lab_drift"] = "runs = 5\nsteps = 500"


@pytest.mark.parametrize("page", list(PAGE_EXPERIMENTS))
def test_a_download_from_every_page_runs(page, tmp_path):
    experiment = PAGE_EXPERIMENTS[page]
    notebook = nbformat.reads(experiment.notebook().decode("utf-8"), as_version=4)
    (parameters,) = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    parameters.source += f"\n{SMALL[page]}  # small settings for the test"
    execute(notebook, str(tmp_path))
    (run,) = [c for c in notebook.cells if c.source.startswith("strategies = {")]
    lines = printed(run).splitlines()
    assert len(lines) == len(experiment.strategies)
    assert all(" runs in " in line for line in lines)
    outputs = rich_outputs(notebook)
    assert any("vega" in str(data).lower() for data in outputs)
    tables = [data["text/html"] for data in outputs if "text/html" in data]
    assert any("total reward per run" in table for table in tables)
    last = "last 20 steps" if page != "lab_drift" else "last 50 steps"
    assert any(last in table for table in tables)
