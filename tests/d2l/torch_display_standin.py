"""``IPython.display`` and ``matplotlib_inline.backend_inline`` for d2l.ai's plotting
helpers under pytest: the figures are drawn (the book's plotting code runs) but not
rendered to SVG and shown, which only costs time (and needs IPython, which the project's
test dependencies do not include)."""

from __future__ import annotations

import types
from typing import Any


def display(*objs: Any, **kwargs: Any) -> None:
    """Nothing to show outside a notebook."""


def clear_output(wait: bool = False) -> None:
    """Nothing to clear outside a notebook."""


backend_inline = types.SimpleNamespace(
    set_matplotlib_formats=lambda *formats, **kwargs: None,  # no notebook to format for
)
