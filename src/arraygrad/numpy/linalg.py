"""``arraygrad.numpy.linalg``: differentiable linear algebra."""

from __future__ import annotations

from ..ops.linalg import matmul, norm  # noqa: F401
