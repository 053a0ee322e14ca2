"""Charts and the summary table of the bandit notebooks, with pandas and Altair.

``core/notebooks.py`` copies this file, without its docstring and imports, into the notebooks
it builds; the app never imports it. ``results`` maps a strategy's label to the pair that
``run_experiment`` returns: average reward and fraction of optimal pulls at each step.
"""

import altair as alt
import numpy as np
import pandas as pd

alt.data_transformers.disable_max_rows()  # several strategies x 1000 steps is above the limit


def results_frame(results, max_points=1000):
    """One row per strategy and step; longer runs are averaged over windows of steps."""
    frames = []
    for label, (mean_reward, optimal_rate) in results.items():
        window = -(-len(mean_reward) // max_points)  # steps per point, rounded up
        points = len(mean_reward) // window
        frames.append(
            pd.DataFrame(
                {
                    "strategy": label,
                    "step": window * np.arange(1, points + 1),
                    "reward": mean_reward[: points * window].reshape(points, window).mean(axis=1),
                    "optimal": optimal_rate[: points * window].reshape(points, window).mean(axis=1),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def curves_chart(results):
    """Average reward and % optimal action against steps, one line per strategy."""
    lines = (
        alt.Chart(results_frame(results))
        .mark_line(strokeWidth=1.5)
        .encode(
            x=alt.X("step:Q", title="Steps"),
            color=alt.Color("strategy:N", sort=list(results), title=None),
            tooltip=[
                "strategy",
                "step",
                alt.Tooltip("reward", format=".3f"),
                alt.Tooltip("optimal", format=".1%"),
            ],
        )
        .properties(width=600, height=220)
    )
    reward = lines.encode(y=alt.Y("reward:Q", title="Average reward"))
    optimal = lines.encode(
        y=alt.Y("optimal:Q", title="% optimal action", axis=alt.Axis(format="%")),
    )
    return alt.vconcat(reward, optimal).configure_legend(orient="bottom", columns=2)


def summary_table(results):
    """Reward over all steps first, then the last 10% of steps, where the curves settle."""
    rows = []
    for label, (mean_reward, optimal_rate) in results.items():
        last = max(1, len(mean_reward) // 10)
        rows.append(
            {
                "strategy": label,
                "total reward per run": mean_reward.sum(),
                "average reward": mean_reward.mean(),
                "% optimal action": 100 * optimal_rate.mean(),
                f"average reward, last {last} steps": mean_reward[-last:].mean(),
                f"% optimal action, last {last} steps": 100 * optimal_rate[-last:].mean(),
            }
        )
    return pd.DataFrame(rows).set_index("strategy").round(3)
