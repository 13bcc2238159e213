"""What the ``arraygrad.scipy`` modules share (kept in ops, where the primitives are)."""

from ..ops._scipy_support import as_tensor, no_grad_for, raw, require  # noqa: F401
