"""The Q-network: a small multilayer perceptron from a CartPole state to one value per action.

Input
    The 4 numbers of a CartPole observation: cart position, cart velocity, pole angle and pole
    angular velocity (float32).

Output
    One estimate Q(s, a) per action (2 for CartPole: push left, push right). The greedy action
    is the argmax over this vector.

Shape
    ``hidden_depth`` hidden layers of ``hidden_width`` ReLU units, then a linear output layer.

Initialisation
    PyTorch's default for linear layers (weights Kaiming-uniform with a = sqrt(5), biases
    uniform in +-1/sqrt(fan_in)), drawn from a ``torch.Generator`` that the caller seeds. Not
    from torch's global generator: a web server trains for many visitors at once, and seeding a
    process-wide generator per run would let concurrent runs disturb each other.
"""

from __future__ import annotations

import math

import torch
from torch import nn


class QNetwork(nn.Module):
    """MLP: observation (batch, obs_dim) -> action values (batch, n_actions).

    Args:
        obs_dim: length of an observation vector (4 for CartPole).
        n_actions: number of discrete actions (2 for CartPole).
        hidden_width: units in each hidden layer.
        hidden_depth: number of hidden layers (at least 1).
        generator: draws the initial weights; None keeps torch's global generator's draw.
    """

    def __init__(
        self,
        obs_dim: int = 4,
        n_actions: int = 2,
        hidden_width: int = 128,
        hidden_depth: int = 2,
        generator: torch.Generator | None = None,
    ) -> None:
        super().__init__()
        self.obs_dim = obs_dim
        self.n_actions = n_actions
        self.hidden_width = hidden_width
        self.hidden_depth = hidden_depth
        layers: list[nn.Module] = []
        width_in = obs_dim
        for _ in range(hidden_depth):
            layers += [nn.Linear(width_in, hidden_width), nn.ReLU()]
            width_in = hidden_width
        layers.append(nn.Linear(width_in, n_actions))
        self.layers = nn.Sequential(*layers)
        if generator is not None:
            self.reset_parameters(generator)

    @torch.no_grad()
    def reset_parameters(self, generator: torch.Generator) -> None:
        """PyTorch's default linear-layer initialisation, drawn from ``generator``."""
        for layer in self.layers:
            if isinstance(layer, nn.Linear):
                nn.init.kaiming_uniform_(layer.weight, a=math.sqrt(5), generator=generator)
                bound = 1.0 / math.sqrt(layer.in_features)
                nn.init.uniform_(layer.bias, -bound, bound, generator=generator)

    def forward(self, obs: torch.Tensor) -> torch.Tensor:
        """Action values for a batch of observations: (batch, obs_dim) -> (batch, n_actions)."""
        return self.layers(obs)

    def architecture(self) -> dict[str, int]:
        """The constructor arguments, enough to rebuild the network before loading weights."""
        return {
            "obs_dim": self.obs_dim,
            "n_actions": self.n_actions,
            "hidden_width": self.hidden_width,
            "hidden_depth": self.hidden_depth,
        }
