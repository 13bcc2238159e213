import sys
from pathlib import Path

import numpy as np
import pytest

# tests/opcheck.py is shared by every op test module.
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
def rng():
    return np.random.default_rng(1234)
