"""The Q-networks: an MLP for CartPole's 4 numbers, a small convolutional net for a game screen.

:class:`QNetwork` (CartPole)

Input
    The 4 numbers of a CartPole observation: cart position, cart velocity, pole angle and pole
    angular velocity (float32).

Output
    One estimate Q(s, a) per action (2 for CartPole: push left, push right). The greedy action
    is the argmax over this vector.

Shape
    ``hidden_depth`` hidden layers of ``hidden_width`` ReLU units, then a linear output layer.

Initialisation (both networks)
    PyTorch's default for linear and convolutional layers (weights Kaiming-uniform with
    a = sqrt(5), biases uniform in +-1/sqrt(fan_in)), drawn from a ``torch.Generator`` that the
    caller seeds. Not from torch's global generator: a web server trains for many visitors at
    once, and seeding a process-wide generator per run would let concurrent runs disturb each
    other.

:class:`ConvQNetwork` (Space Invaders)
    Input: a batch of pictures (channels, 10, 10) of 0s and 1s, as uint8 or float. A 3 × 3
    convolution with ``conv_channels`` filters (no padding: 10 × 10 becomes 8 × 8) detects the
    same small pattern (an alien above the cannon, a bullet two rows up) wherever it is on the
    grid, then ``hidden_depth`` fully connected ReLU layers and one output per action. With the
    defaults this is MinAtar's DQN: conv 16 @ 3 × 3 → 128 → 4.

:func:`build_network` picks the network a config's environment needs, and
:func:`network_from_architecture` rebuilds either from its saved constructor arguments.
"""

from __future__ import annotations

import math
from typing import Any

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

    def reset_parameters(self, generator: torch.Generator) -> None:
        """PyTorch's default linear-layer initialisation, drawn from ``generator``."""
        _reset_parameters(self.layers, generator)

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


class ConvQNetwork(nn.Module):
    """Conv net: pictures (batch, channels, height, width) -> action values (batch, n_actions).

    Args:
        observation_shape: (channels, height, width) of one picture ((5, 10, 10) for Invaders).
        n_actions: number of discrete actions (4 for Invaders).
        conv_channels: filters of the 3 × 3 convolution.
        hidden_width: units in each fully connected hidden layer.
        hidden_depth: number of fully connected hidden layers (at least 1).
        generator: draws the initial weights; None keeps torch's global generator's draw.
    """

    KERNEL = 3

    def __init__(
        self,
        observation_shape: tuple[int, int, int] = (5, 10, 10),
        n_actions: int = 4,
        conv_channels: int = 16,
        hidden_width: int = 128,
        hidden_depth: int = 1,
        generator: torch.Generator | None = None,
    ) -> None:
        super().__init__()
        channels, height, width = (int(size) for size in observation_shape)
        self.observation_shape = (channels, height, width)
        self.n_actions = n_actions
        self.conv_channels = conv_channels
        self.hidden_width = hidden_width
        self.hidden_depth = hidden_depth
        features = conv_channels * (height - self.KERNEL + 1) * (width - self.KERNEL + 1)
        layers: list[nn.Module] = [
            nn.Conv2d(channels, conv_channels, self.KERNEL),
            nn.ReLU(),
            nn.Flatten(),
        ]
        width_in = features
        for _ in range(hidden_depth):
            layers += [nn.Linear(width_in, hidden_width), nn.ReLU()]
            width_in = hidden_width
        layers.append(nn.Linear(width_in, n_actions))
        self.layers = nn.Sequential(*layers)
        if generator is not None:
            self.reset_parameters(generator)

    def reset_parameters(self, generator: torch.Generator) -> None:
        """PyTorch's default convolution and linear-layer initialisation, from ``generator``."""
        _reset_parameters(self.layers, generator)

    def forward(self, obs: torch.Tensor) -> torch.Tensor:
        """Action values for a batch of pictures (uint8 0/1 or float) -> (batch, n_actions)."""
        return self.layers(obs.float())

    def architecture(self) -> dict[str, Any]:
        """The constructor arguments, enough to rebuild the network before loading weights."""
        return {
            "observation_shape": list(self.observation_shape),
            "n_actions": self.n_actions,
            "conv_channels": self.conv_channels,
            "hidden_width": self.hidden_width,
            "hidden_depth": self.hidden_depth,
        }


@torch.no_grad()
def _reset_parameters(layers: nn.Sequential, generator: torch.Generator) -> None:
    """PyTorch's default initialisation (weights Kaiming-uniform with a = sqrt(5), biases uniform
    in +-1/sqrt(fan_in)) of every linear and convolutional layer, in order, from ``generator``."""
    for layer in layers:
        if isinstance(layer, nn.Linear | nn.Conv2d):
            nn.init.kaiming_uniform_(layer.weight, a=math.sqrt(5), generator=generator)
            if layer.bias is not None:  # as PyTorch's own reset_parameters: a layer may lack one
                fan_in = layer.weight[0].numel()
                bound = 1.0 / math.sqrt(fan_in)
                nn.init.uniform_(layer.bias, -bound, bound, generator=generator)


def build_network(
    config: Any,
    observation_shape: int | tuple[int, ...],
    n_actions: int,
    generator: torch.Generator | None = None,
) -> QNetwork | ConvQNetwork:
    """The Q-network ``config.environment`` needs: an MLP for a vector, a conv net for a picture.

    ``observation_shape`` is CartPole's length (4) or a picture's (channels, height, width).
    """
    if config.environment == "invaders":
        if isinstance(observation_shape, int) or len(observation_shape) != 3:
            raise ValueError(
                "observation_shape must be (channels, height, width) for a picture, "
                f"got {observation_shape!r}"
            )
        channels, height, width = observation_shape
        return ConvQNetwork(
            (channels, height, width),
            n_actions,
            config.conv_channels,
            config.hidden_width,
            config.hidden_depth,
            generator,
        )
    obs_dim = observation_shape if isinstance(observation_shape, int) else observation_shape[0]
    return QNetwork(obs_dim, n_actions, config.hidden_width, config.hidden_depth, generator)


def network_from_architecture(architecture: dict[str, Any]) -> QNetwork | ConvQNetwork:
    """An untrained network of the shape :meth:`architecture` described (weights to be loaded)."""
    if "conv_channels" in architecture:
        return ConvQNetwork(**architecture)
    return QNetwork(**architecture)


NATURE_OBSERVATION_SHAPE = (4, 84, 84)
"""The input of Mnih et al. (2015): the last 4 preprocessed frames, each 84 × 84 grayscale."""


def nature_dqn(n_actions: int = 18) -> nn.Sequential:
    """The network of Mnih et al. (2015), for comparing sizes: conv 32 @ 8 × 8 stride 4, conv
    64 @ 4 × 4 stride 2, conv 64 @ 3 × 3 stride 1, 512 units, one output per action (up to 18
    on Atari).

    Built on PyTorch's ``meta`` device: shapes without values, so building it allocates no
    weights and draws nothing from torch's global random generator.
    """
    meta = torch.device("meta")
    return nn.Sequential(
        nn.Conv2d(4, 32, 8, stride=4, device=meta),
        nn.ReLU(),
        nn.Conv2d(32, 64, 4, stride=2, device=meta),
        nn.ReLU(),
        nn.Conv2d(64, 64, 3, stride=1, device=meta),
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(64 * 7 * 7, 512, device=meta),
        nn.ReLU(),
        nn.Linear(512, n_actions, device=meta),
    )


def multiply_adds(network: nn.Module, observation_shape: tuple[int, ...]) -> int:
    """Multiply-adds of one forward pass of one observation through ``network``'s linear and
    convolutional layers: the arithmetic that dominates the cost of acting and learning.
    (Counted from shapes, so a network on the ``meta`` device will do.)"""
    total = 0

    def count(layer: nn.Module, _: Any, output: torch.Tensor) -> None:
        nonlocal total
        assert isinstance(layer, nn.Linear | nn.Conv2d), "hooked on linear and conv layers only"
        total += output[0].numel() * layer.weight[0].numel()

    hooks = [
        layer.register_forward_hook(count)
        for layer in network.modules()
        if isinstance(layer, nn.Linear | nn.Conv2d)
    ]
    try:
        device = next(network.parameters()).device
        with torch.no_grad():
            network(torch.zeros((1, *observation_shape), device=device))
    finally:
        for hook in hooks:
            hook.remove()
    return total
