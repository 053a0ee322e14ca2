"""What the DQN page is made of.

``form``   the settings form, generated from ``DQNConfig``'s field metadata
``runs``   trainings in the worker pool, the shared cache of finished runs, a visitor's history
``views``  one run shown inside out: curves, the agent with its Q-values, a value map, a batch
"""
