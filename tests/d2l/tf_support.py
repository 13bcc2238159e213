"""Shared by the test_tf_*.py modules: a fixture that runs a chapter in a scratch folder
and puts the process-wide state (print style, modes) back afterwards."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))

import tf_book  # noqa: E402

from arraygrad.core.mode import STATE  # noqa: E402


@pytest.fixture(name="chapter")
def chapter_fixture(tmp_path):
    """``chapter(name, **kwargs)`` runs ``tf_chapters/<name>.py`` and returns its Run."""
    saved = (STATE.grad_enabled, STATE.recording, STATE.training)
    yield lambda name, **kw: tf_book.run_chapter(name, tmp_path, **kw)
    STATE.grad_enabled, STATE.recording, STATE.training = saved
    STATE.refresh()


def values(t) -> np.ndarray:
    """A tensor's (or variable's) values as a NumPy array."""
    return np.asarray(t.numpy() if hasattr(t, "numpy") else t)
