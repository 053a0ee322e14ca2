"""A figure's data reaches Streamlit as the Arrow table pyarrow's pandas conversion would give."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from core.bandit import EpsilonGreedy, simulate_many
from ui.charts.curves import curve_frame, pull_share_frame
from ui.charts.figure import Figure, arrow_table

MIXED = pd.DataFrame(
    {
        "strategy": pd.Categorical(["a", "b", None, "a"], categories=["a", "b", "unused"]),
        "value": [1.5, np.nan, 2.0, -3.0],
        "label": ["u", None, "w", "v"],
        "step": np.array([1, 2, 3, 4], dtype=np.int16),
        "hit": [True, False, True, True],
    },
    index=[10, 11, 12, 13],
)


def same_content(frame: pd.DataFrame) -> None:
    ours = arrow_table(frame)
    reference = pa.Table.from_pandas(frame, preserve_index=False)
    assert ours.column_names == reference.column_names
    assert ours.to_pylist() == reference.to_pylist()
    for name in ours.column_names:
        assert ours[name].null_count == reference[name].null_count, name


def test_numbers_strings_categories_and_missing_values_match_pyarrow() -> None:
    same_content(MIXED)
    table = arrow_table(MIXED)
    assert pa.types.is_dictionary(table["strategy"].type)  # each label sent once
    assert table["strategy"].chunk(0).dictionary.to_pylist() == ["a", "b", "unused"]
    assert table["value"].null_count == 1  # NaN is missing, as in pandas


@pytest.fixture(scope="module")
def results() -> list:
    return simulate_many([EpsilonGreedy(epsilon=e) for e in (0.0, 0.1)], runs=20, steps=50)


def test_the_strategy_pages_frames_match_pyarrow(results: list) -> None:
    same_content(curve_frame(results, "optimal_rate"))
    same_content(pull_share_frame(results))


def test_full_spec_attaches_tables_and_leaves_the_template_alone() -> None:
    spec = {"title": {"text": "Template"}, "mark": "line"}
    figure = Figure(spec, {"curves": MIXED}, "alt text", title_text="After step 3")
    full = figure.full_spec()
    assert full["title"]["text"] == "After step 3"
    assert spec["title"]["text"] == "Template"
    assert isinstance(full["datasets"]["curves"], pa.Table)
    assert full["datasets"]["curves"].num_rows == len(MIXED)
