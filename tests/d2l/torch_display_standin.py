"""``IPython.display`` for d2l.ai's ``Animator`` under pytest: the figure is drawn (the
book's plotting code runs) but not rendered to SVG and shown, which only costs time."""

from __future__ import annotations

from typing import Any


def display(*objs: Any, **kwargs: Any) -> None:
    """Nothing to show outside a notebook."""


def clear_output(wait: bool = False) -> None:
    """Nothing to clear outside a notebook."""
