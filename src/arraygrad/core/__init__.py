"""The kernel: Tensor, graph nodes, recording modes, primitives and the backward engine.

It imports only itself and ``_backend`` at module level, so nothing above it (ops, the
NumPy namespace, the transforms) can be half-initialised when it loads.
"""
