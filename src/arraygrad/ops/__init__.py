"""Primitive ops, one family per module, each forward declared once beside its rules."""

from ..core.primitive import Primitive, defvjp, defvjp_variadic, primitive, unbroadcast  # noqa: F401
from . import creation, elementwise, identity, index, linalg, reduce, shape  # noqa: F401
