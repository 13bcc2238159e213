"""Peer suites: tests ported from other autodiff libraries, adapted to arraygrad's API.

``_peer_util`` (HIPS-style ``check_grads`` / ``combo_check``) lives beside them.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
