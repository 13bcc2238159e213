"""The torch front door's random generator: one object, reseeded in place.

``torch.manual_seed(s)`` must reach every draw made afterwards, including those of layers
and loaders created *before* the call (``nn.Linear``'s initialisation, ``nn.Dropout``'s
masks, ``DataLoader(shuffle=True)``'s orders, ``nn.init.normal_``). So they all hold this
one ``Generator`` and seeding rewrites its state instead of replacing it.
"""

from __future__ import annotations

from typing import Any

import numpy as np


class Generator(np.random.Generator):
    """``torch.Generator``: a NumPy ``Generator`` (PCG64) with PyTorch's seeding methods.
    Its draws are not PyTorch's (different algorithm), only as repeatable."""

    def __init__(self, device: Any = "cpu") -> None:
        super().__init__(np.random.PCG64())
        self._seed = 0

    def manual_seed(self, seed: Any) -> Generator:
        self._seed = int(seed) % 2**64
        self.bit_generator.state = np.random.PCG64(self._seed).state
        return self

    seed = manual_seed

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self) -> dict:
        return self.bit_generator.state

    def set_state(self, state: dict) -> Generator:
        self.bit_generator.state = state
        return self


default_generator = Generator()
