"""``torch.utils``: ``data`` (``from torch.utils import data``)."""

from __future__ import annotations

from . import data

__all__ = ["data"]
