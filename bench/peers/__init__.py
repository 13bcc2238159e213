"""Peer implementations of the benchmark workloads, one module per library.

``PEERS`` maps the name used on the command line to (module, class). Modules are imported
lazily by the worker, so a library that is not installed only skips its own peer.
"""

from __future__ import annotations

import importlib

from .base import Peer, Unsupported

__all__ = ["PEERS", "Peer", "Unsupported", "load"]

PEERS: dict[str, tuple[str, str]] = {
    "numpy": ("numpy_impl", "NumpyPeer"),
    "torch": ("torch_impl", "TorchPeer"),
    "autograd": ("autograd_impl", "AutogradPeer"),
    "mygrad": ("mygrad_impl", "MygradPeer"),
    "jax": ("jax_impl", "JaxPeer"),
    "jax-jit": ("jax_impl", "JaxJitPeer"),
    "arraygrad": ("arraygrad_impl", "ArraygradPeer"),
    "arraygrad-compile": ("arraygrad_compile_impl", "ArraygradCompilePeer"),
    "arraygrad-fast": ("arraygrad_compile_impl", "ArraygradFastPeer"),
    "torch-compile": ("torch_compile_impl", "TorchCompilePeer"),
}


def load(name: str) -> Peer:
    """Import the peer's module and instantiate it (ImportError if the library is missing)."""
    module, cls = PEERS[name]
    return getattr(importlib.import_module(f"{__name__}.{module}"), cls)()
