"""``tf.keras.backend``: the few helpers training code reaches for."""

from __future__ import annotations

from ._base import clear_session  # noqa: F401


def epsilon() -> float:
    return 1e-7


def floatx() -> str:
    return "float32"
