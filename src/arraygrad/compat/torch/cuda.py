"""``torch.cuda``: how many GPUs there are (through CuPy, arraygrad's GPU backend)."""

from __future__ import annotations

__all__ = ["device_count", "is_available"]


def device_count() -> int:
    """The number of CUDA GPUs CuPy can use (0 without CuPy or a GPU)."""
    try:
        import cupy
    except ImportError:
        return 0
    try:
        return int(cupy.cuda.runtime.getDeviceCount())
    except Exception:  # no driver, no device: CuPy raises its own runtime errors
        return 0


def is_available() -> bool:
    return device_count() > 0
