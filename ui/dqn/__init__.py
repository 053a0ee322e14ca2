"""What the DQN pages (CartPole, Space Invaders) are made of.

``form``             the settings form of each game, generated from ``DQNConfig``'s metadata
``runs``             trainings in the worker pool, the shared cache of finished runs, and each
                     page's run book (its game, shipped run and a visitor's history)
``views``            one CartPole run shown inside out: curves, the agent with its Q-values,
                     a value map, a batch; animations that can be paused
``invaders_views``   what the Space Invaders page computes from a run, cached
"""
