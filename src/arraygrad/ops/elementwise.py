"""Elementwise ops: each forward on raw arrays, its VJP rule right below it.

Rules are written with these same ops, so they are differentiable themselves. Complex
numbers follow JAX's convention: the VJP of a holomorphic function is ``g * f'(z)``
(no conjugation), so the real rules serve complex inputs unchanged.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from ._core import defvjp, primitive

# ---------------------------------------------------------------------------- arithmetic


@primitive("Add", arity=2)
def add(x, y):
    return x + y


defvjp(add, lambda g, ans, x, y: g, lambda g, ans, x, y: g, save=False)


@primitive("Sub", arity=2)
def subtract(x, y):
    return x - y


defvjp(subtract, lambda g, ans, x, y: g, lambda g, ans, x, y: -g, save=False)


@primitive("Mul", arity=2)
def multiply(x, y):
    return x * y


defvjp(multiply, lambda g, ans, x, y: g * y, lambda g, ans, x, y: g * x)


@primitive("Div", arity=2)
def divide(x, y):
    return x / y


defvjp(
    divide,
    lambda g, ans, x, y: g / y,
    lambda g, ans, x, y: -g * x / (y * y),
)
true_divide = divide


@primitive("Neg", arity=1)
def negative(x):
    return -x


defvjp(negative, lambda g, ans, x: -g, save=False)


@primitive("Positive", arity=1)
def positive(x):
    return +x


defvjp(positive, lambda g, ans, x: g, save=False)


@primitive("Pow", arity=2)
def power(x, y):
    return x**y


def _pow_grad_base(g, ans, x, y):
    if isinstance(y, (int, float)) and not isinstance(y, bool):
        if y == 0:
            return zeros_like_op(g)
        if y == 2:
            return g * (x * 2)
        return g * (y * x ** (y - 1))
    return g * (y * x ** (y - 1))


def _pow_grad_exponent(g, ans, x, y):
    # d(x**y)/dy = x**y log x; where x == 0 the limit used by PyTorch and JAX is 0.
    xd = x.data if hasattr(x, "data") else np.asarray(x)
    zero = xd == 0
    if np.any(zero):
        safe_x = where(zero, 1, x)
        return g * where(zero, 0, ans * log(safe_x))
    return g * (ans * log(x))


defvjp(power, _pow_grad_base, _pow_grad_exponent, save_ans=True)


def zeros_like_op(x):
    return x * 0


@primitive("Square", arity=1)
def square(x):
    return x * x


defvjp(square, lambda g, ans, x: g * (x * 2))


@primitive("Reciprocal", arity=1)
def reciprocal(x):
    return 1 / x


defvjp(reciprocal, lambda g, ans, x: -g * (ans * ans), save_ans=True)


# ---------------------------------------------------------------------------- exp, log, trig


@primitive("Exp", arity=1)
def exp(x):
    return np.exp(x)


defvjp(exp, lambda g, ans, x: g * ans, save=False, save_ans=True)


@primitive("Log", arity=1)
def log(x):
    return np.log(x)


defvjp(log, lambda g, ans, x: g / x)


@primitive("Sin", arity=1)
def sin(x):
    return np.sin(x)


defvjp(sin, lambda g, ans, x: g * cos(x))


@primitive("Cos", arity=1)
def cos(x):
    return np.cos(x)


defvjp(cos, lambda g, ans, x: -g * sin(x))


@primitive("Tan", arity=1)
def tan(x):
    return np.tan(x)


defvjp(tan, lambda g, ans, x: g * (1 + ans * ans), save_ans=True)


@primitive("Tanh", arity=1)
def tanh(x):
    return np.tanh(x)


defvjp(tanh, lambda g, ans, x: g * (1 - ans * ans), save=False, save_ans=True)


@primitive("Sqrt", arity=1)
def sqrt(x):
    return np.sqrt(x)


defvjp(sqrt, lambda g, ans, x: g / (ans * 2), save=False, save_ans=True)


# ---------------------------------------------------------------------------- piecewise


@primitive("Abs", arity=1)
def absolute(x):
    return np.abs(x)


def _abs_grad(g, ans, x):
    if x.dtype.kind == "c":
        # JAX convention for |z|: the cotangent is g * conj(z) / |z| (0 at z == 0).
        safe = where(ans == 0, 1, ans)
        return g * conjugate(x) / safe
    return g * sign(x)


defvjp(absolute, _abs_grad, save_ans=True)
abs = absolute  # noqa: A001 - the NumPy name


@primitive("Sign", arity=1)
def sign(x):
    return np.sign(x)


defvjp(sign, lambda g, ans, x: g * 0, save=False)


def _tie_split(a, b):
    """Masks for the winner of max(a, b): ties share the gradient equally (PyTorch, JAX)."""
    ad = a.data if hasattr(a, "data") else a
    bd = b.data if hasattr(b, "data") else b
    return ad > bd, ad == bd


@primitive("Maximum", arity=2)
def maximum(x, y):
    return np.maximum(x, y)


def _max_grad(g, x, y):
    win, tie = _tie_split(x, y)
    return where(win, g, where(tie, g * 0.5, 0))


defvjp(
    maximum,
    lambda g, ans, x, y: _max_grad(g, x, y),
    lambda g, ans, x, y: _max_grad(g, y, x),
)


@primitive("Minimum", arity=2)
def minimum(x, y):
    return np.minimum(x, y)


defvjp(
    minimum,
    lambda g, ans, x, y: _max_grad(g, y, x),
    lambda g, ans, x, y: _max_grad(g, x, y),
)


@primitive("Where")
def _where(cond, x, y):
    return np.where(cond, x, y)


defvjp(
    _where,
    lambda g, ans, c, x, y: where(c, g, 0),
    lambda g, ans, c, x, y: where(c, 0, g),
    argnums=(1, 2),
)


def where(condition: Any, x: Any = None, y: Any = None) -> Any:
    """``where(c, x, y)`` picks from x or y (differentiable in both); ``where(c)`` is
    ``nonzero(c)``."""
    if x is None and y is None:
        from .index import nonzero

        return nonzero(condition)
    if hasattr(condition, "data") and not isinstance(condition, np.ndarray):
        condition = condition.data
    return _where(condition, x, y)


@primitive("Clamp")
def clip(x, a_min=None, a_max=None):
    return np.clip(x, a_min, a_max)


def _clip_inside(x, lo, hi):
    xd = x.data if hasattr(x, "data") else x
    inside = np.ones_like(xd, dtype=bool)
    if lo is not None:
        inside &= xd >= (lo.data if hasattr(lo, "data") else lo)
    if hi is not None:
        inside &= xd <= (hi.data if hasattr(hi, "data") else hi)
    return inside


def _clip_bound(g, x, bound, below):
    xd = x.data if hasattr(x, "data") else x
    bd = bound.data if hasattr(bound, "data") else bound
    return where(xd < bd if below else xd > bd, g, 0)


defvjp(
    clip,
    lambda g, ans, x, lo=None, hi=None: where(_clip_inside(x, lo, hi), g, 0),
    lambda g, ans, x, lo=None, hi=None: _clip_bound(g, x, lo, True),
    lambda g, ans, x, lo=None, hi=None: _clip_bound(g, x, hi, False),
)


# ---------------------------------------------------------------------------- complex, casts


@primitive("Real", arity=1)
def real(x):
    return np.real(x)


defvjp(real, lambda g, ans, x: g, save=False)


@primitive("Imag", arity=1)
def imag(x):
    return np.imag(x)


defvjp(imag, lambda g, ans, x: g * -1j, save=False)


@primitive("Conj", arity=1)
def conjugate(x):
    return np.conjugate(x)


defvjp(conjugate, lambda g, ans, x: conjugate(g), save=False)
conj = conjugate


@primitive("ToCopy", arity=1)
def astype(x, dtype, copy=True):
    return x.astype(dtype, copy=copy)


# The cast back to the input's dtype is done by the engine's ``unbroadcast``.
defvjp(astype, lambda g, ans, x, dtype, copy=True: g, save=False)


# ---------------------------------------------------------------------------- no gradient


def _nondiff_binary(name: str, fn: Any) -> Any:
    p = primitive(name, arity=2)(fn)
    return p


equal = _nondiff_binary("Eq", operator.eq)
not_equal = _nondiff_binary("Ne", operator.ne)
less = _nondiff_binary("Lt", operator.lt)
less_equal = _nondiff_binary("Le", operator.le)
greater = _nondiff_binary("Gt", operator.gt)
greater_equal = _nondiff_binary("Ge", operator.ge)
logical_and = _nondiff_binary("LogicalAnd", np.logical_and)
logical_or = _nondiff_binary("LogicalOr", np.logical_or)
logical_xor = _nondiff_binary("LogicalXor", np.logical_xor)
floor_divide = _nondiff_binary("FloorDivide", operator.floordiv)
isclose = _nondiff_binary("IsClose", np.isclose)


@primitive("LogicalNot", arity=1)
def logical_not(x):
    return np.logical_not(x)


@primitive("Isnan", arity=1)
def isnan(x):
    return np.isnan(x)


@primitive("Isinf", arity=1)
def isinf(x):
    return np.isinf(x)


@primitive("Isfinite", arity=1)
def isfinite(x):
    return np.isfinite(x)


@primitive("Invert", arity=1)
def invert(x):
    return ~x


bitwise_and = _nondiff_binary("BitwiseAnd", operator.and_)
bitwise_or = _nondiff_binary("BitwiseOr", operator.or_)
bitwise_xor = _nondiff_binary("BitwiseXor", operator.xor)


# ---------------------------------------------------------------------------- rounding


@primitive("Floor", arity=1)
def floor(x):
    return np.floor(x)


defvjp(floor, lambda g, ans, x: g * 0, save=False)


@primitive("Remainder", arity=2)
def remainder(x, y):
    return np.remainder(x, y)


defvjp(
    remainder,
    lambda g, ans, x, y: g,
    lambda g, ans, x, y: -g * floor(x / y),
)
mod = remainder
