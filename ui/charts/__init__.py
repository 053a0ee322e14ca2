"""Chart builders: results -> tidy pandas frames -> a :class:`Figure` (Vega-Lite spec, data, text).

Pure functions with no Streamlit calls, so every chart's data and words can be tested without a
server. One module per topic, all styled through :mod:`ui.charts.style`:

``figure``    :class:`Figure` and the cached spec templates every builder uses
``style``     colours, sizes, series encodings, reference lines
``curves``    averages over runs: reward, % optimal, regret, ε, pulls per arm
``one_run``   one run's table step by step: estimates, counts, π, bonuses, beliefs
``study``     the parameter study (Figure 2.6)
``game``      "Be the agent": the tally and the race
``dqn``       DQN training: learning curve, loss, evaluation, run history
``invaders``  Space Invaders DQN: score curves, greedy checks against MinAtar, score spread
"""

from ui.charts.figure import Figure

__all__ = ["Figure"]
