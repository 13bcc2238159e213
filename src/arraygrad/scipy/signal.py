"""``arraygrad.scipy.signal``: N-dimensional ``convolve`` and ``correlate``, differentiable
in both inputs (the primitive and its rule are in ``ops/signal.py``)."""

from ..ops.signal import __all__, convolve, correlate  # noqa: F401
