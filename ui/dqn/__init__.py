"""What the DQN pages (CartPole, Space Invaders) are made of.

``form``             the settings form of each game, generated from ``DQNConfig``'s metadata
``runs``             trainings in the worker pool, the shared cache of finished runs, and each
                     page's run book (its game, shipped run and a visitor's history)
``views``            one CartPole run shown inside out: curves, the agent with its Q-values,
                     a value map, a batch; animations that can be paused
``invaders_views``   what the Space Invaders page computes from a run, cached
"""

import torch

# Once per process, when the DQN pages first load, never per request: the server's own torch
# work (greedy evaluations, value maps) is small, and one thread is fastest for it on a busy
# machine. Trainings run in the worker pool, which pins its own processes the same way.
torch.set_num_threads(1)
