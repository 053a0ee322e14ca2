"""The pure engine behind the explainer: bandit testbed and strategies, and DQN on CartPole.

Nothing in this package imports Streamlit, pandas or Altair, so the numbers the pages show can
be reproduced from a notebook, a test or a benchmark with the same calls.
"""
