"""The seed tests switch process-wide state (print style, recording modes): restore it.

The front doors switch the print style when imported (torch, tensorflow) or on
``npx.set_np()``. Import them all here, before any test module, and go back to
arraygrad's own style, so that no other test sees a switched style; every seed test then
puts the style back after it runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as onp
import pytest

sys.path.insert(0, str(Path(__file__).parent))

import arraygrad.compat.mxnet  # noqa: E402,F401
import arraygrad.compat.tensorflow  # noqa: E402,F401
import arraygrad.compat.torch  # noqa: E402,F401
from arraygrad._printing import set_style  # noqa: E402
from arraygrad.core.mode import STATE  # noqa: E402

set_style("arraygrad")


@pytest.fixture(autouse=True)
def _restore_global_state():
    onp.random.seed(0)
    arraygrad.compat.torch.manual_seed(0)
    arraygrad.compat.tensorflow.random.set_seed(0)
    saved = (STATE.grad_enabled, STATE.recording, STATE.training)
    yield
    set_style("arraygrad")
    STATE.grad_enabled, STATE.recording, STATE.training = saved
    STATE.refresh()
