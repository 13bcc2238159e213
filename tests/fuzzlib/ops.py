"""The op table: what the fuzzer calls, how it draws arguments, and the oracle.

Each ``Op`` has a family (the summary's rows), a ``draw(g)`` that picks arguments from the
generator state ``g`` (``programs.Gen``) and returns ``(args, params)`` (or
``(args, params, slot)`` for an in-place op writing an existing slot), ``ag``: the call
under test, written as a user writes it (``anp.sum(x, axis=1)``, ``x.T``, ``y[i] = v``),
and ``th``: the same NumPy semantics written independently in PyTorch. Gathers and
scatters (indexing, ``take``, item assignment) are oracled by *positions*: NumPy indexes
``arange(n).reshape(shape)`` with the same index (integers only, no gradient involved) and
PyTorch gathers / scatters those flat positions, so no PyTorch indexing rule is assumed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from arraygrad import numpy as anp

from .programs import MAX_SIZE, ArrayLike, Const, Gen, Ref, Seq, Skip, Sub


@dataclass
class Op:
    name: str
    family: str
    draw: Callable
    ag: Callable
    th: Callable
    inplace: bool = False

    def __repr__(self) -> str:
        return self.name


OPS: list[Op] = []


def op(family: str, name: str, ag: Callable, th: Callable, inplace: bool = False):
    def deco(draw: Callable) -> Callable:
        OPS.append(Op(name, family, draw, ag, th, inplace))
        return draw
    return deco


def by_family(families: list[str] | None = None, only: Any = None,
              exclude: Any = ()) -> dict[str, list[Op]]:
    """The table by family (``only``/``exclude``: op names to keep / to leave out)."""
    out: dict[str, list[Op]] = {}
    for o in OPS:
        if families is not None and o.family not in families:
            continue
        if (only is not None and o.name not in only) or o.name in exclude:
            continue
        out.setdefault(o.family, []).append(o)
    if not out:
        raise ValueError(f"no ops in families {families}")
    return out


# ---------------------------------------------------------------------------- helpers


def _dims(x: torch.Tensor, axis: Any) -> tuple:
    if axis is None:
        return tuple(range(x.ndim))
    return (axis,) if isinstance(axis, int) else tuple(axis)


def _td(x: Any) -> torch.dtype:
    return x.dtype if isinstance(x, torch.Tensor) else torch.float64


def _t(x: Any, like: torch.Tensor | None = None) -> torch.Tensor:
    if isinstance(x, torch.Tensor):
        return x
    dt = like.dtype if like is not None and isinstance(x, float) else None
    return torch.as_tensor(x, dtype=dt)


def _flat_positions(shape: tuple, idx: Any) -> np.ndarray:
    return np.arange(int(np.prod(shape, dtype=np.int64))).reshape(shape)[idx]


def th_gather(x: torch.Tensor, idx: Any) -> torch.Tensor:
    """``x[idx]`` with NumPy's rules, as a gather of flat positions."""
    pos = _flat_positions(tuple(x.shape), idx)
    return x.reshape(-1)[torch.as_tensor(np.ravel(pos), dtype=torch.long)].reshape(pos.shape)


def th_scatter(y: torch.Tensor, idx: Any, v: Any) -> torch.Tensor:
    """``y[idx] = v`` out of place with NumPy's rules (repeated positions: the last write
    wins)."""
    pos = _flat_positions(tuple(y.shape), idx)
    flat = np.ravel(pos)
    vb = torch.broadcast_to(_t(v, y).to(y.dtype), pos.shape).reshape(-1)
    _, first_rev = np.unique(flat[::-1], return_index=True)
    keep = flat.size - 1 - first_rev
    out = y.reshape(-1).index_put((torch.as_tensor(flat[keep], dtype=torch.long),),
                                  vb[torch.as_tensor(keep, dtype=torch.long)])
    return out.reshape(y.shape)


def th_pow(a: torch.Tensor, b: Any) -> torch.Tensor:
    """``a ** b`` for a positive base as ``exp(b log a)``: PyTorch's own pow masks the
    derivative where the exponent is exactly 0, which makes its mixed second derivative
    wrong there (d2/dadb a**b at b = 0 is 1/a, PyTorch gives 0: found by the fuzzer, on
    a triangular exponent)."""
    return torch.exp(b * torch.log(a))


def _np_args(*xs: Any) -> list:
    """Operands as tensors of NumPy's result dtype: a 0-d array is strong in NumPy 2
    (float32 (3,) - float64 () is float64) where PyTorch lets a 0-dim tensor defer; a
    Python float is weak in both."""
    dummies = [np.zeros((), str(x.dtype).replace("torch.", "")) if isinstance(x, torch.Tensor)
               else x for x in xs]
    dt = getattr(torch, str(np.result_type(*dummies)))
    return [x.to(dt) if isinstance(x, torch.Tensor) else torch.tensor(x, dtype=dt) for x in xs]


def _size(shape: tuple) -> int:
    return int(np.prod(shape, dtype=np.int64))


def _operand(g: Gen, shape: tuple, domain: str = "any", into: bool = False) -> Any:
    """A second operand: a tensor (broadcasting), a Python float or a NumPy constant."""
    c = g.r.random()
    if c < 0.6:
        return g.broadcastable(shape, domain, into)
    if c < 0.85:
        lo, hi = {"pos": (0.5, 2.0), "nz": (0.5, 2.0), "small": (-1.5, 1.5)}.get(domain,
                                                                                (-2, 2))
        return g.scalar(lo, hi)
    return g.const(g.broadcast_shape(shape, into), domain if domain != "small" else "any")


# ---------------------------------------------------------------------------- unary

UNARY = {
    # numpy name: (domain, torch)
    "sin": ("any", torch.sin), "cos": ("any", torch.cos), "tan": ("unit", torch.tan),
    "exp": ("small", torch.exp), "exp2": ("small", torch.exp2), "expm1": ("small", torch.expm1),
    "log": ("pos", torch.log), "log2": ("pos", torch.log2), "log10": ("pos", torch.log10),
    "log1p": ("pos", torch.log1p), "sqrt": ("pos", torch.sqrt), "tanh": ("any", torch.tanh),
    "sinh": ("small", torch.sinh), "cosh": ("small", torch.cosh), "arctan": ("any", torch.atan),
    "arcsin": ("unit", torch.asin), "arccos": ("unit", torch.acos),
    "arctanh": ("unit", torch.atanh), "arcsinh": ("any", torch.asinh),
    "arccosh": ("gt1", torch.acosh), "abs": ("nz", torch.abs), "fabs": ("nz", torch.abs),
    "absolute": ("nz", torch.abs), "square": ("any", torch.square),
    "reciprocal": ("nz", torch.reciprocal), "negative": ("any", torch.neg),
    "positive": ("any", lambda x: x * 1), "cbrt": ("nz", lambda x: x.sign() * x.abs() ** (1 / 3)),
    "sinc": ("nz", torch.sinc), "deg2rad": ("any", torch.deg2rad),
    "rad2deg": ("any", torch.rad2deg), "sign": ("nz", torch.sign),
    "conjugate": ("any", lambda x: x * 1), "real": ("any", lambda x: x * 1),
    "nan_to_num": ("any", torch.nan_to_num),
}


def _unary(name: str, domain: str, th: Callable) -> None:
    f = getattr(anp, name)

    @op("unary", name, lambda x: f(x), th)
    def draw(g: Gen):
        return (g.pick(domain),), {}


for _n, (_d, _f) in UNARY.items():
    _unary(_n, _d, _f)


# ---------------------------------------------------------------------------- binary

BINARY = {
    # numpy name: (domain a, domain b, torch)
    "add": ("any", "any", torch.add), "subtract": ("any", "any", torch.sub),
    "multiply": ("any", "any", torch.mul), "divide": ("any", "nz", torch.div),
    "true_divide": ("any", "nz", torch.div),
    "power": ("pos", "small", lambda a, b: th_pow(a, b)),
    "float_power": ("pos", "small", lambda a, b: th_pow(a.double(), b.double())),
    "maximum": ("distinct", "distinct", torch.maximum),
    "minimum": ("distinct", "distinct", torch.minimum),
    "fmax": ("distinct", "distinct", torch.fmax), "fmin": ("distinct", "distinct", torch.fmin),
    "hypot": ("nz", "nz", torch.hypot), "arctan2": ("nz", "nz", torch.atan2),
    "logaddexp": ("any", "any", torch.logaddexp), "logaddexp2": ("any", "any", torch.logaddexp2),
    "copysign": ("nz", "nz", torch.copysign), "remainder": ("any", "pos", torch.remainder),
    "fmod": ("any", "pos", torch.fmod),
}


def _binary(name: str, da: str, db: str, th: Callable) -> None:
    f = getattr(anp, name)

    def th2(a, b):
        return th(*_np_args(a, b))

    @op("binary", name, lambda a, b: f(a, b), th2)
    def draw(g: Gen):
        a = g.pick(da)
        b = _operand(g, g.shape(a), db)
        if name in ("maximum", "minimum", "fmax", "fmin") and isinstance(b, Ref):
            both = np.broadcast_arrays(g.value(a), g.value(b))
            if np.any(np.abs(both[0] - both[1]) < 0.05):
                raise Skip
        if name in ("remainder", "fmod"):
            # away from the jumps (a/b near an integer)
            q = np.broadcast_arrays(g.value(a), g.value(b) if isinstance(b, Ref)
                                    else np.asarray(getattr(b, "value", b)))
            ratio = q[0] / q[1]
            if np.any(np.abs(ratio - np.round(ratio)) < 0.05):
                raise Skip
        return (a, b) if g.r.random() < 0.8 or not isinstance(b, Ref) else (b, a), {}


for _n, (_a, _b, _f) in BINARY.items():
    _binary(_n, _a, _b, _f)


@op("binary", "where", lambda c, a, b: anp.where(c, a, b),
    lambda c, a, b: torch.where(c, *_np_args(a, b)))
def _where(g: Gen):
    a = g.pick()
    b = _operand(g, g.shape(a))
    shape = np.broadcast_shapes(g.shape(a), np.shape(getattr(b, "value", 0.0)) if not
                                isinstance(b, Ref) else g.shape(b))
    cond = Const(g.r.random(g.broadcast_shape(shape)) < 0.5)
    return (cond, a, b), {}


# ---------------------------------------------------------------------------- operators

OPERATORS = {
    # symbol: (domain of the tensor, domain of the other operand, python function)
    "+": ("any", "any", lambda a, b: a + b), "-": ("any", "any", lambda a, b: a - b),
    "*": ("any", "any", lambda a, b: a * b), "/": ("any", "nz", lambda a, b: a / b),
    "**": ("pos", "small", lambda a, b: a ** b),
}
TORCH_OPERATORS = {"**": lambda a, b: th_pow(a, b)}  # (where PyTorch's own is not the oracle)


def _operator(sym: str, da: str, db: str, f: Callable) -> None:
    def ag_(a, b, left=False):
        return f(b, a) if left else f(a, b)

    tf = TORCH_OPERATORS.get(sym, f)

    def th_(a, b, left=False):
        a2, b2 = _np_args(a, b)
        return tf(b2, a2) if left else tf(a2, b2)

    @op("operators", f"x {sym} y", ag_, th_)
    def draw(g: Gen):
        left = bool(g.r.random() < 0.35)
        # the tensor is the base of ** on the right; on the left a positive base
        a = g.pick(db if left else da)
        b = _operand(g, g.shape(a), da if left else db)
        if left and isinstance(b, Ref):  # two tensors: the first one's operator runs
            left = False
            a = g.pick(da)
            b = g.broadcastable(g.shape(a), db)
        return (a, b), {"left": left}


for _s, (_a, _b, _f) in OPERATORS.items():
    _operator(_s, _a, _b, _f)


@op("operators", "-x", lambda a: -a, lambda a: -a)
def _neg(g):
    return (g.pick(),), {}


@op("operators", "abs(x)", lambda a: abs(a), lambda a: abs(a))
def _abs(g):
    return (g.pick("nz"),), {}


def _pr(a: Any, b: Any) -> tuple:
    """Both operands in their common dtype (NumPy promotes where PyTorch's matmul raises)."""
    a, b = _t(a), _t(b)
    dt = torch.promote_types(a.dtype, b.dtype)
    return a.to(dt), b.to(dt)


def _th_matmul(a, b, left=False):
    a, b = _pr(a, b)
    return b @ a if left else a @ b


@op("operators", "x @ y", lambda a, b, left=False: (b @ a) if left else a @ b, _th_matmul)
def _matmul_op(g):
    a = g.pick(min_ndim=1)
    sa = g.shape(a)
    k = sa[-1]
    if len(sa) == 1 or g.r.random() < 0.5:
        shape = (k,) if g.r.random() < 0.4 else (k, int(g.r.integers(1, 4)))
    else:
        shape = sa[:-2][-1:] + (k, int(g.r.integers(1, 4)))
    b = g.pick(shape=shape) if g.r.random() < 0.8 else g.const(shape)
    left = False
    if isinstance(b, Const) and g.r.random() < 0.5:
        # a constant on the left: NumPy's ndarray.__matmul__ must defer to the tensor
        b = g.const((int(g.r.integers(1, 4)), sa[-2] if len(sa) >= 2 else sa[0]))
        left = True
    return (a, b), {"left": left}


# ---------------------------------------------------------------------------- methods


def _kd(g: Gen) -> bool:
    return bool(g.r.random() < 0.3)


def _th_reduce(kind: str) -> Callable:
    def f(x, axis=None, keepdims=False, ddof=0):
        if x.ndim == 0 and kind not in ("var", "std"):
            return x * (0 if kind == "ptp" else 1)
        d = _dims(x, axis)
        if kind == "sum":
            return torch.sum(x, dim=d, keepdim=keepdims)
        if kind == "mean":
            return torch.mean(x, dim=d, keepdim=keepdims)
        if kind == "max":
            return torch.amax(x, dim=d, keepdim=keepdims)
        if kind == "min":
            return torch.amin(x, dim=d, keepdim=keepdims)
        if kind == "ptp":
            return torch.amax(x, dim=d, keepdim=keepdims) - torch.amin(x, dim=d, keepdim=keepdims)
        if kind == "var":
            return torch.var(x, dim=d, correction=ddof, keepdim=keepdims)
        if kind == "std":
            return torch.std(x, dim=d, correction=ddof, keepdim=keepdims)
        if kind == "prod":
            out = x
            for a in sorted((a % x.ndim for a in d), reverse=True):
                out = torch.prod(out, dim=a, keepdim=keepdims)
            return out
        raise ValueError(kind)
    return f


REDUCTIONS = {"sum": "sum", "mean": "mean", "prod": "prod", "max": "max", "min": "min",
              "amax": "max", "amin": "min", "ptp": "ptp", "var": "var", "std": "std",
              "nansum": "sum", "nanmean": "mean", "nanmax": "max", "nanmin": "min",
              "nanvar": "var", "nanstd": "std", "nanprod": "prod"}


def _spread(v: np.ndarray, axis: Any, gap: float = 0.05) -> bool:
    """Every reduction lane of ``v`` over ``axis`` has a spread of at least ``gap``."""
    if v.size == 0:
        return True
    axes = tuple(range(v.ndim)) if axis is None else (axis,) if isinstance(axis, int) else axis
    return bool(np.all(np.ptp(v, axis=axes) >= gap)) if v.ndim else True


def _reduce_draw(kind: str, method: bool):
    def draw(g: Gen):
        domain = "distinct" if kind in ("max", "min", "ptp") else (
            "small" if kind == "prod" else "any")
        x = g.pick(domain, min_ndim=1 if kind in ("var", "std") else 0)
        nd = len(g.shape(x))
        axis = g.axis(nd)
        params: dict = {}
        if axis is not None or g.r.random() < 0.5:
            params["axis"] = axis
        if _kd(g):
            params["keepdims"] = True
        if kind == "std" and not _spread(g.value(x), params.get("axis")):
            raise Skip  # std is not differentiable where a lane is constant
        if kind in ("var", "std") and g.r.random() < 0.3:
            n = _size(g.shape(x)) if axis is None else int(np.prod(
                [g.shape(x)[a] for a in _dims(torch.zeros(g.shape(x)), axis)]))
            if n > 1:
                params["ddof"] = 1
        return (x,), params
    return draw


for _n, _k in REDUCTIONS.items():
    _f = getattr(anp, _n)
    op("reduce", _n, (lambda f: lambda x, **kw: f(x, **kw))(_f), _th_reduce(_k))(
        _reduce_draw(_k, False))
for _n in ("sum", "mean", "prod", "max", "min", "var", "std"):
    _k = REDUCTIONS[_n]
    op("methods", f"x.{_n}", (lambda n: lambda x, **kw: getattr(x, n)(**kw))(_n),
       _th_reduce(_k))(_reduce_draw(_k, True))


def _th_cum(kind):
    def f(x, axis=None):
        if axis is None:
            x, axis = x.reshape(-1), 0
        if x.ndim == 0:
            return x.reshape(1) * 1
        return torch.cumsum(x, axis) if kind == "sum" else torch.cumprod(x, axis)
    return f


for _n in ("cumsum", "cumprod"):
    def _cum_draw(g, _n=_n):
        x = g.pick("small" if _n == "cumprod" else "any")
        nd = len(g.shape(x))
        return (x,), ({"axis": g.axis(nd, allow_tuple=False)} if nd else {})
    op("reduce", _n, (lambda f: lambda x, **kw: f(x, **kw))(getattr(anp, _n)),
       _th_cum(_n[3:]))(_cum_draw)
    op("methods", f"x.{_n}", (lambda n: lambda x, **kw: getattr(x, n)(**kw))(_n),
       _th_cum(_n[3:]))(_cum_draw)


def _th_quantile(x, q=0.5, axis=None, keepdims=False):
    if axis is None:
        out = torch.quantile(x.reshape(-1), q)
        return out.reshape((1,) * x.ndim) if keepdims else out
    return torch.quantile(x, q, dim=axis, keepdim=keepdims)


@op("reduce", "median", lambda x, **kw: anp.median(x, **kw), _th_quantile)
def _median(g):
    x = g.pick("distinct", min_ndim=1)
    params = {"axis": g.axis(len(g.shape(x)), allow_tuple=False)}
    if _kd(g):
        params["keepdims"] = True
    return (x,), params


@op("reduce", "quantile", lambda x, q, **kw: anp.quantile(x, q, **kw),
    lambda x, q, **kw: _th_quantile(x, q, **kw))
def _quantile(g):
    x = g.pick("distinct", min_ndim=1)
    return (x, float(np.round(g.r.uniform(0.05, 0.95), 2))), {
        "axis": g.axis(len(g.shape(x)), allow_tuple=False)}


@op("reduce", "average", lambda x, w, axis=None: anp.average(x, axis=axis, weights=w),
    lambda x, w, axis=None: (x * _t(w, x)).sum(dim=_dims(x, axis)) / _t(w, x).sum()
    if axis is None or x.ndim == 1 else
    (x * _t(w, x).reshape([-1 if i == axis % x.ndim else 1 for i in range(x.ndim)])).sum(
        dim=axis) / _t(w, x).sum())
def _average(g):
    x = g.pick(min_ndim=1)
    s = g.shape(x)
    if g.r.random() < 0.5:
        axis = int(g.r.integers(len(s)))
        wshape = (s[axis],)
    else:
        axis, wshape = None, s
    w = g.pick("pos", shape=wshape) if g.r.random() < 0.5 else g.const(wshape, "pos")
    return (x, w), {"axis": axis}


# methods that are not reductions
@op("methods", "x.T", lambda x: x.T, lambda x: x.permute(tuple(reversed(range(x.ndim)))))
def _T(g):
    return (g.pick(),), {}


def _factor_shape(g: Gen, n: int) -> tuple:
    if n == 0:
        return (0, -1) if g.r.random() < 0.5 else (-1,)
    shape = []
    while n > 1 and len(shape) < 3:
        divs = [d for d in range(2, n + 1) if n % d == 0]
        d = int(g.r.choice(divs))
        shape.append(d)
        n //= d
    if g.r.random() < 0.3:
        shape.insert(int(g.r.integers(len(shape) + 1)), 1)
    if shape and g.r.random() < 0.3:
        shape[int(g.r.integers(len(shape)))] = -1
    return tuple(shape)


@op("methods", "x.reshape", lambda x, shape: x.reshape(shape),
    lambda x, shape: x.reshape(shape))
def _m_reshape(g):
    x = g.pick()
    return (x,), {"shape": _factor_shape(g, _size(g.shape(x)))}


def _th_reshape(x, shape, order="C"):
    if order == "C":
        return x.reshape(shape)
    # Fortran order: reverse the axes, reshape to the reversed shape, reverse back
    full = np.empty(tuple(x.shape)).reshape(shape).shape
    rev = x.permute(tuple(reversed(range(x.ndim)))).reshape(tuple(reversed(full)))
    return rev.permute(tuple(reversed(range(len(full)))))


@op("shape", "reshape", lambda x, shape, order="C": anp.reshape(x, shape, order=order),
    _th_reshape)
def _reshape(g):
    x = g.pick()
    return (x,), {"shape": _factor_shape(g, _size(g.shape(x))),
                  "order": "F" if g.r.random() < 0.3 else "C"}


@op("methods", "x.transpose", lambda x, axes: x.transpose(*axes) if axes else x.transpose(),
    lambda x, axes: x.permute(tuple(axes or reversed(range(x.ndim)))))
def _m_transpose(g):
    x = g.pick()
    nd = len(g.shape(x))
    return (x,), {"axes": tuple(int(a) for a in g.r.permutation(nd)) if g.r.random() < 0.6 else ()}


@op("methods", "x.flatten", lambda x: x.flatten(), lambda x: x.reshape(-1))
def _flatten(g):
    return (g.pick(),), {}


@op("methods", "x.ravel", lambda x: x.ravel(), lambda x: x.reshape(-1))
def _ravel(g):
    return (g.pick(),), {}


@op("methods", "x.squeeze", lambda x: x.squeeze(), lambda x: x.reshape(
    [d for d in x.shape if d != 1]))
def _m_squeeze(g):
    return (g.pick(ok=lambda v: 1 in v.shape) if g.r.random() < 0.5 else g.new_input(
        (1, int(g.r.integers(1, 4)), 1)),), {}


@op("methods", "x.clip", lambda x, lo, hi: x.clip(lo, hi), lambda x, lo, hi: torch.clamp(
    x, lo, hi))
def _m_clip(g):
    x = g.pick()
    lo, hi = sorted(np.round(g.r.uniform(-1.2, 1.2, 2), 2))
    v = g.value(x)
    if np.any(np.abs(v - lo) < 0.02) or np.any(np.abs(v - hi) < 0.02):
        raise Skip
    return (x, float(lo), float(hi)), {}


@op("methods", "x.swapaxes", lambda x, a, b: x.swapaxes(a, b), lambda x, a, b: x.transpose(a, b))
def _m_swap(g):
    x = g.pick(min_ndim=2)
    nd = len(g.shape(x))
    a, b = (int(i) for i in g.r.integers(-nd, nd, 2))
    return (x, a, b), {}


@op("methods", "x.astype", lambda x, dt: x.astype(dt),
    lambda x, dt: x.to(getattr(torch, dt)))
def _m_astype(g):
    return (g.pick(),), {"dt": str(g.r.choice(["float32", "float64"]))}


@op("methods", "x.dot", lambda a, b: a.dot(b), lambda a, b: th_dot(a, b))
def _m_dot(g):
    return _dot_args(g), {}


@op("methods", "x.trace", lambda x: x.trace(), lambda x: torch.diagonal(x, 0, 0, 1).sum(-1))
def _m_trace(g):
    return (g.pick(min_ndim=2),), {}


@op("methods", "x.repeat", lambda x, r, axis=None: x.repeat(r, axis=axis),
    lambda x, r, axis=None: torch.repeat_interleave(x.reshape(-1) if axis is None else x,
                                                    torch.as_tensor(r), 0 if axis is None
                                                    else axis))
def _m_repeat(g):
    x = g.pick(min_ndim=1)
    s = g.shape(x)
    axis = int(g.r.integers(len(s))) if g.r.random() < 0.7 else None
    n = s[axis] if axis is not None else _size(s)
    r = int(g.r.integers(1, 3)) if g.r.random() < 0.5 else [int(i) for i in g.r.integers(0, 3, n)]
    return (x, r), {"axis": axis}


# ---------------------------------------------------------------------------- shape


def _perm(g: Gen, nd: int) -> tuple:
    return tuple(int(a) for a in g.r.permutation(nd))


@op("shape", "transpose", lambda x, axes: anp.transpose(x, axes),
    lambda x, axes: x.permute(tuple(axes)))
def _transpose(g):
    x = g.pick()
    return (x, _perm(g, len(g.shape(x)))), {}


@op("shape", "expand_dims", lambda x, axis: anp.expand_dims(x, axis),
    lambda x, axis: x.reshape(np.expand_dims(np.empty(tuple(x.shape)), axis).shape))
def _expand(g):
    x = g.pick(max_ndim=2)
    nd = len(g.shape(x)) + 1
    return (x, int(g.r.integers(-nd, nd))), {}


@op("shape", "squeeze", lambda x, axis: anp.squeeze(x, axis),
    lambda x, axis: x.reshape(np.squeeze(np.empty(tuple(x.shape)), axis).shape))
def _squeeze(g):
    x = g.pick(ok=lambda v: 1 in v.shape) if g.r.random() < 0.5 else g.new_input(
        (2, 1, int(g.r.integers(1, 4))))
    ones = [i for i, d in enumerate(g.shape(x)) if d == 1]
    if not ones:
        raise Skip
    return (x, int(g.r.choice(ones))), {}


@op("shape", "flip", lambda x, axis: anp.flip(x, axis),
    lambda x, axis: torch.flip(x, _dims(x, axis)))
def _flip(g):
    x = g.pick()
    return (x, g.axis(len(g.shape(x)))), {}


@op("shape", "roll", lambda x, shift, axis: anp.roll(x, shift, axis),
    lambda x, shift, axis: torch.roll(x, shift, axis))
def _roll(g):
    x = g.pick(min_ndim=1)
    nd = len(g.shape(x))
    if g.r.random() < 0.3:
        return (x, int(g.r.integers(-3, 4)), None), {}
    return (x, int(g.r.integers(-3, 4)), int(g.r.integers(nd))), {}


@op("shape", "tile", lambda x, reps: anp.tile(x, reps), lambda x, reps: torch.tile(
    x, (reps,) if isinstance(reps, int) else reps))
def _tile(g):
    x = g.pick(max_ndim=2)
    reps = int(g.r.integers(1, 3)) if g.r.random() < 0.4 else tuple(
        int(i) for i in g.r.integers(1, 3, int(g.r.integers(1, 4))))
    return (x, reps), {}


@op("shape", "broadcast_to", lambda x, shape: anp.broadcast_to(x, shape),
    lambda x, shape: torch.broadcast_to(x, shape) * 1)
def _bcast(g):
    x = g.pick(max_ndim=2)
    s = g.shape(x)
    shape = tuple(int(g.r.integers(1, 4)) if d == 1 else d for d in s)
    if g.r.random() < 0.5:
        shape = (int(g.r.integers(1, 3)),) + shape
    return (x, shape), {}


@op("shape", "moveaxis", lambda x, a, b: anp.moveaxis(x, a, b),
    lambda x, a, b: torch.movedim(x, a, b))
def _moveaxis(g):
    x = g.pick(min_ndim=1)
    nd = len(g.shape(x))
    return (x, int(g.r.integers(-nd, nd)), int(g.r.integers(-nd, nd))), {}


def _seq(g: Gen, shape: tuple, n: int, vary_axis: int | None = None) -> Seq:
    items = []
    for _ in range(n):
        s = list(shape)
        if vary_axis is not None:
            s[vary_axis] = int(g.r.integers(1, 3))
        s = tuple(s)
        r = g.r.random()
        if r < 0.75:
            items.append(g.pick(shape=s))
        else:
            items.append(g.const(s))
    return Seq(tuple(items), list if g.r.random() < 0.6 else tuple)


def _th_concat(xs, axis=0):
    xs = [_t(x) for x in xs]
    dt = xs[0].dtype
    for x in xs[1:]:
        dt = torch.promote_types(dt, x.dtype)
    if axis is None:
        return torch.cat([x.reshape(-1).to(dt) for x in xs])
    return torch.cat([x.to(dt) for x in xs], axis)


@op("shape", "concatenate", lambda xs, axis=0: anp.concatenate(xs, axis=axis), _th_concat)
def _concat(g):
    x = g.pick(min_ndim=1)
    s = g.shape(x)
    axis = int(g.r.integers(len(s))) if g.r.random() < 0.8 else None
    seq = _seq(g, s, int(g.r.integers(1, 3)), axis)
    return (Seq((x,) + seq.items, seq.container),), {"axis": axis}


@op("shape", "stack", lambda xs, axis=0: anp.stack(xs, axis=axis),
    lambda xs, axis=0: torch.stack([_t(x) for x in _promoted(xs)], axis))
def _stack(g):
    x = g.pick(max_ndim=2)
    s = g.shape(x)
    seq = _seq(g, s, int(g.r.integers(1, 3)))
    return (Seq((x,) + seq.items, seq.container),), {"axis": int(g.r.integers(-len(s) - 1,
                                                                              len(s) + 1))}


def _promoted(xs):
    xs = [_t(x) for x in xs]
    dt = xs[0].dtype
    for x in xs[1:]:
        dt = torch.promote_types(dt, x.dtype)
    return [x.to(dt) for x in xs]


for _n, _th in (("hstack", torch.hstack), ("vstack", torch.vstack), ("dstack", torch.dstack),
                ("column_stack", torch.column_stack)):
    def _stk_draw(g, _n=_n):
        x = g.pick(max_ndim=2)
        s = g.shape(x)
        if _n == "column_stack" and len(s) == 0:
            raise Skip
        vary = None
        if _n == "hstack" and s:
            vary = 0 if len(s) == 1 else 1
        elif _n == "vstack" and len(s) == 2:
            vary = 0
        seq = _seq(g, s, int(g.r.integers(1, 3)), vary if (vary is not None and len(s) > 1)
                   else None)
        return (Seq((x,) + seq.items, seq.container),), {}
    op("shape", _n, (lambda f: lambda xs: f(xs))(getattr(anp, _n)),
       (lambda f: lambda xs: f(_promoted(xs)))(_th))(_stk_draw)


@op("shape", "split", lambda x, k, axis, i: anp.split(x, k, axis=axis)[i],
    lambda x, k, axis, i: torch.tensor_split(x, k if isinstance(k, int) else list(k), axis)[i])
def _split(g):
    x = g.pick(min_ndim=1)
    s = g.shape(x)
    axis = int(g.r.integers(len(s)))
    n = s[axis]
    divs = [d for d in range(1, n + 1) if n % d == 0]
    if g.r.random() < 0.5:
        k: Any = int(g.r.choice(divs))
        i = int(g.r.integers(k))
    else:
        k = tuple(sorted(int(c) for c in g.r.integers(0, n + 1, 2)))
        i = int(g.r.integers(3))
    return (x, k, axis, i), {}


@op("shape", "pad", lambda x, pw: anp.pad(x, pw), lambda x, pw: torch.nn.functional.pad(
    x, [p for pair in reversed(pw) for p in pair]))
def _pad(g):
    x = g.pick(min_ndim=1)
    return (x, tuple(tuple(int(i) for i in g.r.integers(0, 3, 2)) for _ in g.shape(x))), {}


for _n, _th in (("tril", torch.tril), ("triu", torch.triu)):
    def _tri_draw(g):
        return (g.pick(min_ndim=2), int(g.r.integers(-1, 2))), {}
    op("shape", _n, (lambda f: lambda x, k: f(x, k))(getattr(anp, _n)),
       (lambda f: lambda x, k: f(x, k))(_th))(_tri_draw)


@op("shape", "diagonal", lambda x, off, a1, a2: anp.diagonal(x, off, a1, a2),
    lambda x, off, a1, a2: torch.diagonal(x, off, a1, a2))
def _diagonal(g):
    x = g.pick(min_ndim=2)
    nd = len(g.shape(x))
    a1, a2 = (int(a) for a in g.r.choice(nd, 2, replace=False))
    return (x, int(g.r.integers(-1, 2)), a1, a2), {}


@op("shape", "trace", lambda x: anp.trace(x), lambda x: torch.diagonal(x, 0, 0, 1).sum(-1))
def _trace(g):
    return (g.pick(min_ndim=2),), {}


@op("shape", "diag", lambda x, k: anp.diag(x, k), lambda x, k: torch.diag(x, k))
def _diag(g):
    return (g.pick(min_ndim=1, max_ndim=2), int(g.r.integers(-1, 2))), {}


for _n in ("atleast_1d", "atleast_2d", "atleast_3d"):
    op("shape", _n, (lambda f: lambda x: f(x))(getattr(anp, _n)),
       (lambda n: lambda x: x.reshape(getattr(np, n)(np.empty(tuple(x.shape))).shape))(_n))(
        lambda g: ((g.pick(),), {}))


# ---------------------------------------------------------------------------- indexing


def _nonempty(shape: tuple) -> None:
    if 0 in shape:
        raise Skip  # (empty values still flow through every other op)


def basic_index(g: Gen, shape: tuple) -> tuple:
    _nonempty(shape)
    idx: list = []
    dims = list(shape)
    used_ellipsis = False
    i = 0
    while i < len(dims):
        c = g.r.random()
        d = dims[i]
        if c < 0.3:
            idx.append(int(g.r.integers(-d, d)))
        elif c < 0.75:
            step = int(g.r.choice([1, 1, 2, -1, -2]))
            start = int(g.r.integers(-d, d)) if g.r.random() < 0.5 else None
            stop = int(g.r.integers(-d, d + 1)) if g.r.random() < 0.5 else None
            idx.append(slice(start, stop, step))
        elif c < 0.85:
            idx.append(None)
            continue
        elif not used_ellipsis:
            idx.append(Ellipsis)
            used_ellipsis = True
            i = len(dims) - int(g.r.integers(0, len(dims) - i + 1))
            continue
        else:
            break
        i += 1
        if g.r.random() < 0.15:
            break
    return tuple(idx)


def fancy_index(g: Gen, shape: tuple) -> tuple:
    _nonempty(shape)
    nd = len(shape)
    c = g.r.random()
    if c < 0.4 or nd == 1:  # one array on one axis (repeats, negatives), maybe 2-d
        ax = int(g.r.integers(nd))
        d = shape[ax]
        ishape = (int(g.r.integers(1, 4)),) if g.r.random() < 0.7 else (2, 2)
        arr = g.r.integers(-d, d, ishape)
        idx: list = [slice(None)] * ax + [arr if g.r.random() < 0.8 else arr.tolist()]
        return tuple(idx)
    if c < 0.8:  # two arrays, broadcasting, maybe separated by a slice
        a0 = g.r.integers(-shape[0], shape[0], (int(g.r.integers(1, 4)),))
        ax = 1 if nd == 2 or g.r.random() < 0.5 else 2
        a1 = g.r.integers(-shape[ax], shape[ax], (1,) if g.r.random() < 0.3 else a0.shape)
        return (a0,) + (slice(None),) * (ax - 1) + (a1,)
    ax = int(g.r.integers(nd))  # an array with an integer and a slice
    idx = [slice(None)] * nd
    idx[ax] = g.r.integers(0, shape[ax], (2,))
    other = (ax + 1) % nd
    idx[other] = int(g.r.integers(shape[other]))
    return tuple(idx)


def bool_index(g: Gen, shape: tuple) -> tuple:
    _nonempty(shape)
    k = int(g.r.integers(1, len(shape) + 1))
    mask = g.r.random(shape[:k]) < 0.5
    return (mask,) if g.r.random() < 0.7 else (Ellipsis, g.r.random(shape[-1:]) < 0.5)


INDEXERS = {"basic": basic_index, "fancy": fancy_index, "boolean": bool_index}


def _getitem(kind: str) -> None:
    @op("index", f"x[{kind}]", lambda x, idx: x[idx], th_gather)
    def draw(g):
        x = g.pick(min_ndim=1)
        return (x, INDEXERS[kind](g, g.shape(x))), {}


for _k in INDEXERS:
    _getitem(_k)


@op("index", "x[x > t]", lambda x, t: x[x > t],
    lambda x, t: th_gather(x, (x > t).detach().numpy()))
def _mask_of_values(g):
    x = g.pick(min_ndim=1)
    if not g.is_input[x.k]:  # an input: both interpreters see the same bits
        x = g.new_input(g.shape(x))
    v = g.value(x)
    t = float(np.round(g.r.uniform(-1, 1), 2))
    if np.any(np.abs(v - t) < 0.01):
        raise Skip
    return (x, t), {}


def _tensor_index(idx: tuple) -> tuple:
    """The index with its arrays given as arraygrad tensors (integer / boolean)."""
    import arraygrad as ag

    return tuple(ag.tensor(i) if isinstance(i, np.ndarray) else i for i in idx)


@op("index", "x[tensor index]", lambda x, idx: x[_tensor_index(idx)], th_gather)
def _tensor_getitem(g):
    x = g.pick(min_ndim=1)
    kind = "fancy" if g.r.random() < 0.6 else "boolean"
    idx = INDEXERS[kind](g, g.shape(x))
    if not any(isinstance(i, np.ndarray) for i in idx):
        raise Skip
    return (x, idx), {}


@op("inplace", "y[y > t] = v", lambda y, t, v, copy=False: _set_where_above(y, t, v, copy),
    lambda y, t, v, copy=False: th_scatter(y, (y > t).detach().numpy(), v), inplace=True)
def _set_above(g):
    y, copy = _target(g)
    val = g.value(y)
    if val.ndim == 0 or val.size == 0:
        raise Skip
    t = float(np.round(g.r.uniform(-1, 1), 2))
    if np.any(np.abs(val - t) < 0.02):
        raise Skip  # (float32 and float64 agree on the mask)
    v: Any = g.scalar() if g.r.random() < 0.7 else g.pick(shape=())
    return (y, t, v), {"copy": copy}, (y.k if not copy else None)


def _set_where_above(y, t, v, copy):
    if copy:
        y = y * 1.0
    y[y > t] = v  # a relu-like write: the mask is a tensor computed from y
    return y


@op("index", "take", lambda x, i, axis: anp.take(x, i, axis=axis),
    lambda x, i, axis: th_gather(x, _take_index(tuple(x.shape), i, axis)))
def _take(g):
    x, s = _indexable(g)
    axis = int(g.r.integers(len(s))) if g.r.random() < 0.7 else None
    n = s[axis] if axis is not None else _size(s)
    return (x, g.r.integers(-n, n, (int(g.r.integers(1, 4)),)), axis), {}


def _indexable(g: Gen) -> tuple:
    x = g.pick(min_ndim=1)
    _nonempty(g.shape(x))
    return x, g.shape(x)


def _take_index(shape, i, axis):
    if axis is None:
        return np.unravel_index(np.asarray(i) % _size(shape), shape)
    return (slice(None),) * axis + (np.asarray(i),)


@op("index", "take_along_axis", lambda x, i, axis: anp.take_along_axis(x, i, axis=axis),
    lambda x, i, axis: th_gather(x, _along_index(tuple(x.shape), i, axis)))
def _take_along(g):
    x, s = _indexable(g)
    axis = int(g.r.integers(len(s)))
    ishape = list(s)
    ishape[axis] = int(g.r.integers(1, 4))
    return (x, g.r.integers(0, s[axis], ishape), axis), {}


def _along_index(shape, i, axis):
    grids = list(np.indices(i.shape, sparse=True))
    grids[axis] = i
    return tuple(grids)


# ---------------------------------------------------------------------------- in place


def _target(g: Gen, domain: str = "any") -> tuple[Ref, bool]:
    """An intermediate to write into (``copy``: no intermediate fits, write into a copy
    ``x * 1.0`` of a leaf, since a leaf that requires grad refuses in-place writes)."""
    try:
        return g.pick(domain, intermediate=True, min_ndim=0), False
    except Skip:
        return g.pick(domain), True


def _inplace_op(sym: str, domain: str, odomain: str, f: Callable,
                tf: Callable | None = None) -> None:
    def ag_(y, b, copy=False):
        if copy:
            y = y * 1.0
        y = f(y, b)  # y += b: __iadd__, Python rebinds the same object
        return y

    def th_(y, b, copy=False):
        b2 = b if isinstance(b, torch.Tensor) else _t(b, y)
        return (tf or f)(y * 1.0, b2).to(y.dtype)  # the value NumPy's in-place op leaves

    @op("inplace", f"y {sym} v", ag_, th_, inplace=True)
    def draw(g):
        y, copy = _target(g, domain)
        b = _operand(g, g.shape(y), odomain, into=True)
        return (y, b), {"copy": copy}, (y.k if not copy else None)


def _iadd(y, b):
    y += b
    return y


def _isub(y, b):
    y -= b
    return y


def _imul(y, b):
    y *= b
    return y


def _idiv(y, b):
    y /= b
    return y


def _ipow(y, b):
    y **= b
    return y


for _s, _d, _od, _f in (("+=", "any", "any", _iadd), ("-=", "any", "any", _isub),
                        ("*=", "any", "any", _imul), ("/=", "any", "nz", _idiv),
                        ("**=", "pos", "small", _ipow)):
    _inplace_op(_s, _d, _od, _f, th_pow if _s == "**=" else None)


def _setitem_op(kind: str, aug: str | None) -> None:
    def ag_(y, idx, v, copy=False):
        if copy:
            y = y * 1.0
        if aug == "+":
            y[idx] += v
        elif aug == "*":
            y[idx] *= v
        else:
            y[idx] = v
        return y

    def th_(y, idx, v, copy=False):
        if aug is not None:
            cur = th_gather(y, idx)
            v2 = v if isinstance(v, torch.Tensor) else _t(v, y)
            v = (cur + v2 if aug == "+" else cur * v2).to(y.dtype)
        return th_scatter(y, idx, v)

    name = f"y[{kind}] {aug + '=' if aug else '='} v"

    @op("inplace", name, ag_, th_, inplace=True)
    def draw(g):
        y, copy = _target(g)
        if not g.shape(y):
            if not copy:
                raise Skip
            y = g.pick(min_ndim=1)
        idx = INDEXERS[kind](g, g.shape(y))
        sel = _flat_positions(g.shape(y), idx).shape
        if _size(sel) == 0:
            raise Skip
        c = g.r.random()
        if c < 0.6:
            v: Any = g.broadcastable(sel, into=True)
        elif c < 0.85:
            v = g.scalar()
        else:
            v = g.const(g.broadcast_shape(sel, into=True))
        return (y, idx, v), {"copy": copy}, (y.k if not copy else None)


for _k in INDEXERS:
    _setitem_op(_k, None)
_setitem_op("basic", "+")
_setitem_op("fancy", "+")
_setitem_op("boolean", "*")


# ---------------------------------------------------------------------------- array-likes


def array_like(g: Gen, max_ndim: int = 2) -> ArrayLike:
    """A list/tuple of tensors (same shape), constants and Python scalars, or of 0-d
    pieces ``x[i]`` and scalars, possibly nested: what a NumPy user passes as array_like."""
    container = list if g.r.random() < 0.6 else tuple
    c = g.r.random()
    if c < 0.5:
        x = g.pick(max_ndim=max_ndim - 1 if max_ndim else 0)
        s = g.shape(x)
        items: list = [x]
        for _ in range(int(g.r.integers(1, 3))):
            r = g.r.random()
            if r < 0.6:
                items.append(g.pick(shape=s))
            elif r < 0.8 or s:
                items.append(g.const(s))
            else:
                items.append(g.scalar())
        perm = g.r.permutation(len(items))
        return ArrayLike(tuple(items[i] for i in perm), container)
    # scalars: pieces of a tensor and Python floats, flat or nested 2-level
    x = g.pick(min_ndim=1, max_ndim=2)
    s = g.shape(x)

    if 0 in s:
        raise Skip

    def piece():
        if g.r.random() < 0.7:
            return Sub(x, tuple(int(g.r.integers(d)) for d in s))
        return g.scalar()

    if c < 0.8 or max_ndim < 2:
        items = [piece() for _ in range(int(g.r.integers(2, 5)))]
        if not any(isinstance(i, Sub) for i in items):
            items[0] = Sub(x, tuple(0 for _ in s))
        return ArrayLike(tuple(items), container)
    n = int(g.r.integers(2, 4))
    rows = [ArrayLike(tuple(piece() for _ in range(n)), container) for _ in range(n)]
    rows[0] = ArrayLike((Sub(x, tuple(0 for _ in s)),) + rows[0].items[1:], container)
    return ArrayLike(tuple(rows), list if g.r.random() < 0.6 else tuple)


def _al_shape(g: Gen, al: ArrayLike) -> tuple:
    def dummy(i):
        if isinstance(i, Ref):
            return np.zeros(g.shape(i))
        if isinstance(i, Sub):
            return np.zeros(np.empty(g.shape(i.ref))[i.index].shape)
        if isinstance(i, ArrayLike):
            return [dummy(j) for j in i.items]
        if isinstance(i, Const):
            return np.asarray(i.value)
        return i
    return np.asarray(dummy(al)).shape


ARRAY_LIKE_UNARY = {
    # name: (arraygrad call, torch call on the stacked tensor)
    "sum": (lambda a, axis=None: anp.sum(a, axis=axis), _th_reduce("sum")),
    "mean": (lambda a, axis=None: anp.mean(a, axis=axis), _th_reduce("mean")),
    "prod": (lambda a, axis=None: anp.prod(a, axis=axis), _th_reduce("prod")),
    "max": (lambda a, axis=None: anp.max(a, axis=axis), _th_reduce("max")),
    "amin": (lambda a, axis=None: anp.amin(a, axis=axis), _th_reduce("min")),
    "std": (lambda a, axis=None: anp.std(a, axis=axis), _th_reduce("std")),
    "var": (lambda a, axis=None: anp.var(a, axis=axis), _th_reduce("var")),
    "cumsum": (lambda a, axis=None: anp.cumsum(a, axis=axis), _th_cum("sum")),
    "array": (lambda a: anp.array(a), lambda a: a * 1),
    "asarray": (lambda a: anp.asarray(a), lambda a: a * 1),
    "exp": (lambda a: anp.exp(a), torch.exp),
    "sin": (lambda a: anp.sin(a), torch.sin),
    "square": (lambda a: anp.square(a), torch.square),
    "transpose": (lambda a: anp.transpose(a), lambda a: a.permute(tuple(reversed(range(a.ndim))))),
    "ravel": (lambda a: anp.ravel(a), lambda a: a.reshape(-1)),
    "diff": (lambda a: anp.diff(a), lambda a: torch.diff(a)),
    "clip": (lambda a: anp.clip(a, -0.5, 0.7), lambda a: torch.clamp(a, -0.5, 0.7)),
    "linalg.norm": (lambda a: anp.linalg.norm(a), lambda a: torch.linalg.vector_norm(a)),
    "linalg.det": (lambda a: anp.linalg.det(a), lambda a: torch.linalg.det(a)),
    "trace": (lambda a: anp.trace(a), lambda a: torch.diagonal(a, 0, 0, 1).sum(-1)),
}


def _scipy_special(name: str) -> Callable:
    def f(*a, **kw):
        from arraygrad.scipy import special

        return getattr(special, name)(*a, **kw)
    return f


ARRAY_LIKE_UNARY.update({
    "special.logsumexp": (lambda a: _scipy_special("logsumexp")(a),
                          lambda a: torch.logsumexp(a.reshape(-1), 0)),
    "special.softmax": (lambda a: _scipy_special("softmax")(a, axis=0),
                        lambda a: torch.softmax(a, 0)),
    "special.log_softmax": (lambda a: _scipy_special("log_softmax")(a, axis=0),
                            lambda a: torch.log_softmax(a, 0)),
})


def _al_unary(name: str, ag_: Callable, th_: Callable) -> None:
    @op("arraylike", f"{name}(array_like)", ag_, th_)
    def draw(g):
        al = array_like(g)
        shape = _al_shape(g, al)
        params = {}
        if name in ("sum", "mean", "prod", "max", "amin", "std", "var", "cumsum"):
            params["axis"] = g.axis(len(shape), allow_tuple=name != "cumsum")
        if name in ("max", "amin", "clip"):
            # no ties (items may repeat a tensor) and away from the clip bounds
            if not _distinct_along(g, al, shape, params.get("axis")):
                raise Skip
        if name == "diff" and (not shape or shape[-1] < 2):
            raise Skip
        if name in ("linalg.det", "trace") and (len(shape) < 2 or shape[-1] != shape[-2]):
            raise Skip
        if name == "linalg.det" and not _cond_ok(_al_value(g, al), 1e3):
            raise Skip  # (repeated items make it singular: "det (singular)" tests that)
        if name in ("std", "var") and _size(shape) < 2:
            raise Skip
        if name == "std" and not _spread(_al_value(g, al), params.get("axis")):
            raise Skip  # std is not differentiable where a lane is constant
        if name == "linalg.norm" and len(shape) > 1:
            raise Skip
        return (al,), params


def _al_value(g: Gen, al: ArrayLike) -> np.ndarray:
    from .check import _th_arg
    return _th_arg(al, [torch.from_numpy(x) for x in g.values]).numpy()


def _distinct_along(g: Gen, al: ArrayLike, shape: tuple, axis: Any) -> bool:
    v = _al_value(g, al)
    if v.ndim == 0:
        return True
    if name_clip_bad(v):
        return False
    axes = [a % v.ndim for a in _dims(torch.zeros(shape), axis)]
    moved = np.moveaxis(v, axes, list(range(v.ndim - len(axes), v.ndim)))
    flat = moved.reshape(moved.shape[:v.ndim - len(axes)] + (-1,))
    s = np.sort(flat, axis=-1)
    return bool(s.shape[-1] < 2 or np.all(np.diff(s, axis=-1) > 0.02))


def name_clip_bad(v: np.ndarray) -> bool:
    return bool(np.any(np.abs(v + 0.5) < 0.02) or np.any(np.abs(v - 0.7) < 0.02))


for _n, (_a, _t_) in ARRAY_LIKE_UNARY.items():
    _al_unary(_n, _a, _t_)


@op("arraylike", "binary(array_like, y)",
    lambda a, b, fn: getattr(anp, fn)(a, b),
    lambda a, b, fn: {"multiply": torch.mul, "add": torch.add, "subtract": torch.sub,
                      "hypot": torch.hypot}[fn](*_np_args(a, b)))
def _al_binary(g):
    al = array_like(g)
    shape = _al_shape(g, al)
    fn = str(g.r.choice(["multiply", "add", "subtract", "hypot"]))
    b = g.broadcastable(shape, "nz" if fn == "hypot" else "any")
    if fn == "hypot":
        from .check import _th_arg
        if np.any(np.abs(_th_arg(al, [torch.from_numpy(x) for x in g.values]).numpy()) < 0.1):
            raise Skip
    return (al, b), {"fn": fn}


@op("arraylike", "x + array_like", lambda x, a, left=False: (a + x) if left else x + a,
    lambda x, a, left=False: sum(reversed(_np_args(x, a))) if left else sum(_np_args(x, a)))
def _al_operator(g):
    al = array_like(g)
    shape = _al_shape(g, al)
    x = g.broadcastable(shape)
    return (x, al), {"left": bool(g.r.random() < 0.3)}


@op("arraylike", "x * array_like", lambda x, a: x * a,
    lambda x, a: torch.mul(*_np_args(x, a)))
def _al_mul(g):
    al = array_like(g)
    return (g.broadcastable(_al_shape(g, al)), al), {}


@op("arraylike", "dot(array_like, y)", lambda a, b: anp.dot(a, b), lambda a, b: th_dot(a, b))
def _al_dot(g):
    al = array_like(g)
    s = _al_shape(g, al)
    b = g.pick(shape=(s[-1],) if s else ()) if s else g.pick()
    return (al, b), {}


@op("arraylike", "matmul(y, array_like)", lambda b, a: anp.matmul(b, a),
    lambda b, a: _th_matmul(b, a))
def _al_matmul(g):
    al = array_like(g)
    s = _al_shape(g, al)
    if len(s) < 1:
        raise Skip
    b = g.pick(shape=(int(g.r.integers(1, 3)), s[0]) if len(s) >= 2 else (s[0],))
    return (b, al), {}


@op("arraylike", "where(c, array_like, y)", lambda c, a, b: anp.where(c, a, b),
    lambda c, a, b: torch.where(c, *_np_args(a, b)))
def _al_where(g):
    al = array_like(g)
    s = _al_shape(g, al)
    return (Const(g.r.random(s) < 0.5), al, g.broadcastable(s)), {}


@op("arraylike", "linalg.lstsq(array_like, b)",
    lambda a, b: anp.linalg.lstsq(a, b, rcond=None)[0],
    lambda a, b: torch.linalg.pinv(_pr(a, b)[0]) @ _pr(a, b)[1])
def _al_lstsq(g):
    x = g.new_input((3, 2), "any")
    if np.linalg.svd(g.value(x), compute_uv=False).min() < 0.3:
        raise Skip
    al = ArrayLike(tuple(ArrayLike((Sub(x, (i, 0)), Sub(x, (i, 1)) if i else g.scalar(0.5, 2)))
                         for i in range(3)))
    return (al, g.pick(shape=(3,))), {}


@op("arraylike", "linalg.solve(array_like, b)", lambda a, b: anp.linalg.solve(a, b),
    lambda a, b: torch.linalg.solve(*_pr(a, b)))
def _al_solve(g):
    x = g.new_input((2, 2), "wellcond")
    al = ArrayLike((ArrayLike((Sub(x, (0, 0)), Sub(x, (0, 1)))),
                    ArrayLike((g.scalar(-0.5, 0.5), Sub(x, (1, 1))))))
    return (al, g.pick(shape=(2,))), {}


# ---------------------------------------------------------------------------- products


def th_dot(a, b):
    a, b = _t(a), _t(b)
    dt = torch.promote_types(a.dtype, b.dtype)
    a, b = a.to(dt), b.to(dt)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if b.ndim == 1:
        return torch.tensordot(a, b, dims=([a.ndim - 1], [0]))
    return torch.tensordot(a, b, dims=([a.ndim - 1], [b.ndim - 2]))


def _dot_args(g: Gen) -> tuple:
    a = g.pick(max_ndim=3)
    sa = g.shape(a)
    if not sa:
        return a, g.pick(max_ndim=2)
    k = sa[-1]
    c = g.r.random()
    if c < 0.4:
        sb: tuple = (k,)
    elif c < 0.8:
        sb = (k, int(g.r.integers(1, 4)))
    else:
        sb = (int(g.r.integers(1, 3)), k, int(g.r.integers(1, 3)))
    if _size(sa) * _size(sb) > MAX_SIZE * 8:
        raise Skip
    return a, g.pick(shape=sb)


@op("products", "dot", lambda a, b: anp.dot(a, b), th_dot)
def _dot(g):
    return _dot_args(g), {}


@op("products", "matmul", lambda a, b: anp.matmul(a, b), _th_matmul)
def _matmul(g):
    a = g.pick(min_ndim=1)
    sa = g.shape(a)
    k = sa[-1]
    c = g.r.random()
    if c < 0.3:
        sb: tuple = (k,)
    elif c < 0.7 or len(sa) < 3:
        sb = (k, int(g.r.integers(1, 4)))
    else:
        sb = (1 if g.r.random() < 0.5 else sa[-3], k, int(g.r.integers(1, 3)))
    return (a, g.pick(shape=sb)), {}


def _th_inner(a, b):
    a, b = _pr(a, b)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    return torch.tensordot(a, b, dims=([a.ndim - 1], [b.ndim - 1]))


@op("products", "inner", lambda a, b: anp.inner(a, b), _th_inner)
def _inner(g):
    a = g.pick(max_ndim=2)
    sa = g.shape(a)
    if not sa:
        return (a, g.pick(max_ndim=2)), {}
    return (a, g.pick(shape=(int(g.r.integers(1, 3)), sa[-1]) if g.r.random() < 0.5
                      else (sa[-1],))), {}


@op("products", "outer", lambda a, b: anp.outer(a, b),
    lambda a, b: torch.outer(*_pr(a.reshape(-1), b.reshape(-1))))
def _outer(g):
    return (g.pick(max_ndim=2), g.pick(max_ndim=1)), {}


@op("products", "tensordot", lambda a, b, axes: anp.tensordot(a, b, axes),
    lambda a, b, axes: torch.tensordot(*_pr(a, b), dims=axes if isinstance(axes, int) else
                                       [list(axes[0]), list(axes[1])]))
def _tensordot(g):
    a = g.pick(min_ndim=1)
    sa = g.shape(a)
    if g.r.random() < 0.5:
        n = int(g.r.integers(0, min(2, len(sa)) + 1))
        sb = sa[len(sa) - n:] + ((int(g.r.integers(1, 3)),) if g.r.random() < 0.6 else ())
        return (a, g.pick(shape=sb), n), {}
    ax_a = int(g.r.integers(len(sa)))
    sb = (int(g.r.integers(1, 3)), sa[ax_a])
    return (a, g.pick(shape=sb), ((ax_a,), (1,))), {}


EINSUM = [("ij,jk->ik", 2), ("ij->ji", 1), ("ii->i", 1), ("ij->", 1), ("i,i->", 2),
          ("i,j->ij", 2), ("bij,bjk->bik", 2), ("...i,...i->...", 2), ("ij,ij->i", 2),
          ("ij,kj->ik", 2), ("iij->j", 1)]


@op("products", "einsum", lambda spec, *xs: anp.einsum(spec, *xs),
    lambda spec, *xs: torch.einsum(spec, *_promoted(xs)))
def _einsum(g):
    spec, n = EINSUM[int(g.r.integers(len(EINSUM)))]
    ins = spec.split("->")[0].split(",")
    sizes = {c: int(g.r.integers(1, 4)) for c in "ijkb"}
    args = []
    for term in ins:
        if term.startswith("..."):
            shape = (2,) + tuple(sizes[c] for c in term[3:])
        else:
            shape = tuple(sizes[c] for c in term)
        args.append(g.pick(shape=shape))
    return (spec, *args), {}


@op("products", "kron", lambda a, b: anp.kron(a, b), lambda a, b: torch.kron(*_pr(a, b)))
def _kron(g):
    a = g.pick(max_ndim=2)
    return (a, g.pick(max_ndim=2, new_shape=(2,) * max(1, len(g.shape(a))))), {}


@op("products", "vdot", lambda a, b: anp.vdot(a, b),
    lambda a, b: (a.reshape(-1) * b.reshape(-1)).sum())
def _vdot(g):
    a = g.pick(min_ndim=1)
    return (a, g.pick(shape=(_size(g.shape(a)),))), {}


@op("products", "cross", lambda a, b: anp.cross(a, b),
    lambda a, b: torch.linalg.cross(*torch.broadcast_tensors(*_pr(a, b))))
def _cross(g):
    a = g.pick(new_shape=(3,), ok=lambda v: v.ndim >= 1 and v.shape[-1] == 3)
    if g.shape(a)[-1:] != (3,):
        raise Skip
    return (a, g.pick(shape=(3,)) if g.r.random() < 0.5 else g.pick(shape=g.shape(a))), {}


@op("products", "gram (x x^T / n + I)",
    lambda x: anp.matmul(x, anp.swapaxes(x, -1, -2)) / x.shape[-1] + anp.eye(x.shape[-2]),
    lambda x: torch.matmul(x, x.transpose(-1, -2)) / x.shape[-1] + torch.eye(
        x.shape[-2], dtype=torch.float64))  # anp.eye is float64: NumPy promotes
def _gram(g):
    return (g.pick(min_ndim=2, max_ndim=3),), {}


# ---------------------------------------------------------------------------- linalg


def _lsym(a: torch.Tensor) -> torch.Tensor:
    """What NumPy's eigh / cholesky read: the lower triangle, mirrored."""
    return torch.tril(a) + torch.tril(a, -1).transpose(-1, -2)


def _np_lsym(a: np.ndarray) -> np.ndarray:
    return np.tril(a) + np.swapaxes(np.tril(a, -1), -1, -2)


def _cond_ok(v: np.ndarray, limit: float = 30.0) -> bool:
    try:
        return bool(np.all(np.linalg.cond(v) < limit))
    except np.linalg.LinAlgError:
        return False


def _gaps_ok(w: np.ndarray, gap: float = 0.15) -> bool:
    w = np.sort(w, axis=-1)
    return w.shape[-1] < 2 or bool(np.all(np.diff(w, axis=-1) > gap))


def matrix(g: Gen, kinds: tuple, ok: Callable = lambda v: True, square: bool = True) -> Ref:
    def fits(v: np.ndarray) -> bool:
        if v.ndim < 2 or v.ndim > 3 or (square and v.shape[-1] != v.shape[-2]):
            return False
        return ok(v)
    if g.r.random() < 0.5:
        cands = [k for k, v in enumerate(g.values) if fits(v)]
        if cands:
            return Ref(int(g.r.choice(cands)))
    n = int(g.r.integers(1, 5))
    shape = (n, n) if square else (n, int(g.r.integers(1, 5)))
    if g.r.random() < 0.25:
        shape = (2,) + shape
    kind = str(g.r.choice(list(kinds)))
    for _ in range(5):
        r = g.new_input(shape, kind if square else "any")
        if fits(g.value(r)):
            return r
        from .programs import _trim
        _trim(g, len(g.values) - 1)
    raise Skip


_GENERAL = ("wellcond", "spd", "tril", "sym")


@op("linalg", "inv", lambda a: anp.linalg.inv(a), torch.linalg.inv)
def _inv(g):
    return (matrix(g, _GENERAL, _cond_ok),), {}


@op("linalg", "det", lambda a: anp.linalg.det(a), torch.linalg.det)
def _det(g):
    return (matrix(g, _GENERAL, _cond_ok),), {}


@op("linalg", "det (singular)", lambda a: anp.linalg.det(a), torch.linalg.det)
def _det_singular(g):
    """A matrix with a repeated row (as ``[x, x]`` gives): det is 0, and smooth. Float64
    only: PyTorch's own float32 second derivative there is NaN (``--calibrate`` showed)."""
    if g.dtype != "float64" or g.mixed:
        raise Skip
    n = int(g.r.integers(2, 4))
    row = g.pick(shape=(n,))
    rows = [row, row] + [g.pick(shape=(n,)) for _ in range(n - 2)]
    return (ArrayLike(tuple(g.r.permutation(np.array(rows, dtype=object)))),), {}


@op("linalg", "slogdet", lambda a: anp.linalg.slogdet(a)[1],
    lambda a: torch.linalg.slogdet(a)[1])
def _slogdet(g):
    return (matrix(g, _GENERAL, _cond_ok),), {}


@op("linalg", "solve", lambda a, b: anp.linalg.solve(a, b),
    lambda a, b: torch.linalg.solve(*_pr(a, b)))
def _solve(g):
    a = matrix(g, _GENERAL, _cond_ok)
    s = g.shape(a)
    if len(s) == 2 and g.r.random() < 0.5:
        b = g.pick(shape=(s[-1],))
    else:
        b = g.pick(shape=s[:-1] + (int(g.r.integers(1, 3)),))
    return (a, b), {}


@op("linalg", "cholesky", lambda a: anp.linalg.cholesky(a),
    lambda a: torch.linalg.cholesky(_lsym(a)))
def _cholesky(g):
    return (matrix(g, ("spd", "spd-upper-noise"),
                   lambda v: bool(np.all(np.linalg.eigvalsh(_np_lsym(v)) > 0.2))),), {}


@op("linalg", "eigvalsh", lambda a: anp.linalg.eigvalsh(a),
    lambda a: torch.linalg.eigvalsh(_lsym(a)))
def _eigvalsh(g):
    return (matrix(g, ("spd", "sym", "spd-upper-noise"),
                   lambda v: _gaps_ok(np.linalg.eigvalsh(_np_lsym(v)), 0.02)),), {}


@op("linalg", "eigh (w, V**2)", lambda a, which: anp.linalg.eigh(a)[which] ** (which + 1),
    lambda a, which: torch.linalg.eigh(_lsym(a))[which] ** (which + 1))
def _eigh(g):
    return (matrix(g, ("spd", "sym", "spd-upper-noise"),
                   lambda v: _gaps_ok(np.linalg.eigvalsh(_np_lsym(v)))),
            int(g.r.integers(2))), {}


@op("linalg", "svd (s)", lambda a: anp.linalg.svd(a, compute_uv=False),
    lambda a: torch.linalg.svdvals(a))
def _svd(g):
    def ok(v):
        s = np.linalg.svd(v, compute_uv=False)
        return bool(np.all(s > 0.1)) and _gaps_ok(s)
    return (matrix(g, ("wellcond", "any"), ok, square=g.r.random() < 0.5),), {}


@op("linalg", "pinv", lambda a: anp.linalg.pinv(a), lambda a: torch.linalg.pinv(a))
def _pinv(g):
    def ok(v):
        s = np.linalg.svd(v, compute_uv=False)
        return bool(np.all(s > 0.2))
    return (matrix(g, ("wellcond",), ok, square=g.r.random() < 0.5),), {}


@op("linalg", "matrix_power", lambda a, n: anp.linalg.matrix_power(a, n),
    lambda a, n: torch.linalg.matrix_power(a, n))
def _mpow(g):
    return (matrix(g, _GENERAL, _cond_ok), int(g.r.integers(-2, 4))), {}


@op("linalg", "qr (R)", lambda a: anp.linalg.qr(a)[1], lambda a: torch.linalg.qr(a)[1])
def _qr(g):
    def ok(v):
        return bool(np.all(np.linalg.svd(v, compute_uv=False) > 0.2))
    return (matrix(g, ("wellcond",), ok, square=g.r.random() < 0.5),), {}


VECTOR_ORDS = [None, 1, 2, np.inf, -np.inf, 3, 0.5]
MATRIX_ORDS = [None, "fro", "nuc", 2, -2, 1, -1, np.inf, -np.inf]


def _th_norm(x, ord=None, axis=None, keepdims=False):
    if axis is None and x.ndim > 2:
        return torch.linalg.vector_norm(x.reshape(-1))
    if axis is None and ord is None:
        out = torch.linalg.vector_norm(x.reshape(-1))
        return out.reshape((1,) * x.ndim) if keepdims else out
    if isinstance(axis, tuple) or (axis is None and x.ndim == 2):
        dims = axis or (0, 1)
        o = "fro" if ord is None else ord
        return torch.linalg.matrix_norm(x, o, dim=dims, keepdim=keepdims)
    o = 2 if ord is None else ord
    return torch.linalg.vector_norm(x, o, dim=axis, keepdim=keepdims)


@op("linalg", "norm", lambda x, **kw: anp.linalg.norm(x, **kw), _th_norm)
def _norm(g):
    if g.r.random() < 0.5:  # vector norms
        x = g.pick("nz", min_ndim=1)
        nd = len(g.shape(x))
        params: dict = {"ord": VECTOR_ORDS[int(g.r.integers(len(VECTOR_ORDS)))]}
        if nd > 1 or g.r.random() < 0.5:
            params["axis"] = int(g.r.integers(-nd, nd))
        if params["ord"] in (np.inf, -np.inf) and not _distinct_abs(g.value(x)):
            raise Skip
    else:
        x = matrix(g, ("wellcond", "any"), lambda v: _gaps_ok(
            np.linalg.svd(v, compute_uv=False), 0.1), square=False)
        params = {"ord": MATRIX_ORDS[int(g.r.integers(len(MATRIX_ORDS)))]}
        nd = len(g.shape(x))
        if nd == 3:
            params["axis"] = (1, 2)
        elif g.r.random() < 0.3:
            params["axis"] = (1, 0)
        if params["ord"] in (1, -1, np.inf, -np.inf) and not _distinct_abs(g.value(x)):
            raise Skip
    if g.r.random() < 0.2:
        params["keepdims"] = True
    return (x,), params


def _distinct_abs(v: np.ndarray) -> bool:
    # max/min of |x| (or of column sums): no ties
    return bool(np.all(np.abs(v) > 0.05)) and len(set(np.round(np.abs(v).ravel(), 3))) == \
        v.size


def all_names() -> list[str]:
    return [o.name for o in OPS]



# ---------------------------------------------------------------------------- numeric
#
# convolve / correlate are bilinear: the oracle is torch's contraction of the inputs with
# NumPy's own basis response T[i, j] = np.convolve(e_i, e_j, mode) (integers only), so
# NumPy defines the semantics (modes, swapping, centring) and PyTorch the derivatives.


def _bilinear_basis(fn: Callable, m: int, n: int, mode: str) -> np.ndarray:
    eye_m, eye_n = np.eye(m), np.eye(n)
    return np.array([[fn(eye_m[i], eye_n[j], mode) for j in range(n)] for i in range(m)])


def _th_bilinear(fn_name: str):
    def f(a, v, mode):
        a, v = _pr(a, v)
        basis = _bilinear_basis(getattr(np, fn_name), a.shape[0], v.shape[0], mode)
        return torch.einsum("i,j,ijk->k", a, v, torch.as_tensor(basis, dtype=a.dtype))
    return f


for _n in ("convolve", "correlate"):
    def _conv_draw(g):
        a = g.pick(new_shape=(int(g.r.integers(1, 6)),), min_ndim=1, max_ndim=1)
        v = g.pick(new_shape=(int(g.r.integers(1, 6)),), min_ndim=1, max_ndim=1)
        if 0 in g.shape(a) + g.shape(v):
            raise Skip
        return (a, v, str(g.r.choice(["full", "same", "valid"]))), {}
    op("numeric", _n, (lambda f: lambda a, v, mode: f(a, v, mode))(getattr(anp, _n)),
       _th_bilinear(_n))(_conv_draw)


@op("numeric", "interp (fp)", lambda x, fp, xp: anp.interp(x, xp, fp),
    lambda x, fp, xp: _th_interp(x, fp, xp))
def _interp(g):
    fp = g.pick(min_ndim=1, max_ndim=1, ok=lambda v: v.shape[0] >= 2)
    n = g.shape(fp)[0]
    if n < 2:
        raise Skip
    xp = Const(np.cumsum(g.r.uniform(0.3, 1.0, n)))
    x = Const(g.r.uniform(-0.5, float(xp.value[-1]) + 0.5, int(g.r.integers(1, 5))))
    if np.min(np.abs(x.value[:, None] - xp.value[None, :])) < 0.02:
        raise Skip
    return (x, fp, xp), {}


def _th_interp(x, fp, xp):
    # piecewise linear in fp: weights from NumPy on the basis of fp (constants x, xp)
    xs, xps = x.numpy(), xp.numpy()
    basis = np.array([np.interp(xs, xps, e) for e in np.eye(fp.shape[0])])
    # (NumPy's interp computes in float64 whatever fp's precision)
    return torch.einsum("j,jk->k", fp.to(torch.float64), torch.as_tensor(basis))


@op("numeric", "x.sort() (in place)", lambda y, axis, copy=False: _sorted_in_place(y, axis, copy),
    lambda y, axis, copy=False: torch.sort(y, dim=axis).values, inplace=True)
def _sort_inplace(g):
    y, copy = _target(g, "distinct")
    if not g.shape(y):
        raise Skip
    return (y, int(g.r.integers(-len(g.shape(y)), len(g.shape(y))))), {"copy": copy}, (
        y.k if not copy else None)


def _sorted_in_place(y, axis, copy):
    if copy:
        y = y * 1.0
    y.sort(axis=axis)  # NumPy's method: in place, returns None
    return y


@op("numeric", "sort", lambda x, axis: anp.sort(x, axis=axis),
    lambda x, axis: torch.sort(x.reshape(-1) if axis is None else x, dim=0 if axis is None
                               else axis).values)
def _sort(g):
    x = g.pick("distinct", min_ndim=1)
    return (x, g.axis(len(g.shape(x)), allow_tuple=False)), {}


# ---------------------------------------------------------------------------- scipy.special


def _special():
    from arraygrad.scipy import special

    return special


SPECIAL_UNARY = {
    # name: (domain, torch)
    "expit": ("any", torch.special.expit), "logit": ("unit", torch.special.logit),
    "erf": ("any", torch.special.erf), "erfc": ("any", torch.special.erfc),
    "gammaln": ("pos", torch.special.gammaln), "digamma": ("pos", torch.special.digamma),
    "log_expit": ("any", torch.nn.functional.logsigmoid), "ndtr": ("any", torch.special.ndtr),
    "log_ndtr": ("any", torch.special.log_ndtr), "erfinv": ("unit", torch.special.erfinv),
    "i0": ("small", torch.special.i0), "i0e": ("small", torch.special.i0e),
    "i1": ("small", torch.special.i1), "i1e": ("small", torch.special.i1e),
}


def _special_unary(name: str, domain: str, th: Callable) -> None:
    @op("special", name, lambda x: getattr(_special(), name)(x), th)
    def draw(g):
        if name == "logit":
            x = g.pick(ok=lambda v: bool(np.all((v > 0.05) & (v < 0.95))),
                       new_shape=g.shape_any())
            if not np.all((g.value(x) > 0.05) & (g.value(x) < 0.95)):
                x = g.new_input(g.shape(x), "any")
                g.inputs[-1][...] = (g.inputs[-1] + 1.5) / 3.2 + 0.02
                g.values[-1] = g.inputs[-1].astype(np.float64)
            return (x,), {}
        return (g.pick(domain),), {}


for _n, (_d, _f) in SPECIAL_UNARY.items():
    if hasattr(_special(), _n):
        _special_unary(_n, _d, _f)


def _th_lse(x, axis=None, keepdims=False):
    return torch.logsumexp(x, dim=_dims(x, axis), keepdim=keepdims) if x.ndim else x * 1


@op("special", "logsumexp", lambda x, **kw: _special().logsumexp(x, **kw), _th_lse)
def _logsumexp(g):
    x = g.pick(min_ndim=1)
    _nonempty(g.shape(x))  # SciPy raises on empty input (as arraygrad does)
    params: dict = {"axis": g.axis(len(g.shape(x)))}
    if _kd(g):
        params["keepdims"] = True
    return (x,), params


for _n, _tf in (("softmax", torch.softmax), ("log_softmax", torch.log_softmax)):
    def _sm_draw(g):
        x = g.pick(min_ndim=1)
        _nonempty(g.shape(x))  # SciPy raises on empty input (as arraygrad does)
        return (x, int(g.r.integers(-len(g.shape(x)), len(g.shape(x))))), {}
    op("special", _n, (lambda n: lambda x, axis: getattr(_special(), n)(x, axis=axis))(_n),
       (lambda f: lambda x, axis: f(x, axis))(_tf))(_sm_draw)


@op("special", "xlogy", lambda x, y: _special().xlogy(x, y),
    lambda x, y: torch.special.xlogy(*torch.broadcast_tensors(*_pr(x, y))))
def _xlogy(g):
    x = g.pick()
    return (x, g.broadcastable(g.shape(x), "pos")), {}


# ---------------------------------------------------------------------------- fft


def _ri(z):
    """A complex result as real numbers: [real, imag] stacked last (both libraries)."""
    if isinstance(z, torch.Tensor):
        return torch.stack([z.real, z.imag], -1)
    return anp.stack([anp.real(z), anp.imag(z)], axis=-1)


FFTS = {
    # name: (torch, real input -> complex output?)
    "fft": torch.fft.fft, "ifft": torch.fft.ifft, "rfft": torch.fft.rfft,
    "ihfft": torch.fft.ihfft,
}


def _fft_op(name: str, th: Callable) -> None:
    @op("fft", f"fft.{name}", lambda x, **kw: _ri(getattr(anp.fft, name)(x, **kw)),
        lambda x, **kw: _ri(th(x, **{("dim" if k == "axis" else k): v for k, v in kw.items()})))
    def draw(g):
        x = g.pick(min_ndim=1)
        s = g.shape(x)
        if 0 in s:
            raise Skip
        params: dict = {"axis": int(g.r.integers(-len(s), len(s)))}
        if g.r.random() < 0.3:
            params["n"] = int(g.r.integers(1, 6))
        if g.r.random() < 0.4:
            params["norm"] = str(g.r.choice(["backward", "ortho", "forward"]))
        return (x,), params


for _n, _f in FFTS.items():
    _fft_op(_n, _f)


@op("fft", "fft.irfft", lambda x, **kw: anp.fft.irfft(anp.fft.rfft(x), **kw),
    lambda x, **kw: torch.fft.irfft(torch.fft.rfft(x), **kw))
def _irfft(g):
    x = g.pick(min_ndim=1, max_ndim=1)
    if 0 in g.shape(x):
        raise Skip
    params: dict = {}
    if g.r.random() < 0.5:
        params["n"] = int(g.r.integers(2, 7))
    return (x,), params


@op("special", "multigammaln", lambda x, d: _special().multigammaln(x, d),
    lambda x, d: torch.special.multigammaln(x.to(torch.float64), d))  # SciPy: float64
def _multigammaln(g):
    d = int(g.r.integers(1, 4))
    x = g.pick("gt1", ok=lambda v: bool(np.all(v > (d - 1) / 2 + 0.3)))
    if not np.all(g.value(x) > (d - 1) / 2 + 0.3):
        raise Skip
    return (x, d), {}


@op("special", "polygamma", lambda n, x: _special().polygamma(n, x),
    lambda n, x: torch.special.polygamma(n, x.to(torch.float64)))  # SciPy: float64
def _polygamma(g):
    return (int(g.r.integers(0, 3)), g.pick("pos")), {}


# ---------------------------------------------------------------------------- dispatch
#
# Plain NumPy called on tensors (NEP 13 ufuncs, NEP 18 functions) must land on arraygrad
# and record: every unary, binary and reduction op again, called as ``np.<name>``, with
# the same draws and the same oracle.


def _numpy_twin(o: Op) -> Op:
    f = getattr(np, o.name)
    return Op(f"np.{o.name}", "dispatch", o.draw, lambda *a, **kw: f(*a, **kw), o.th)


OPS.extend([_numpy_twin(o) for o in list(OPS)
            if o.family in ("unary", "binary", "reduce") and o.name != "average"  # (keyword)
            and callable(getattr(np, o.name, None))])


# ---------------------------------------------------------------------------- more methods


def _ratio_ok(g: Gen, a: Ref, b: float) -> bool:
    r = g.value(a) / b
    return bool(np.all(np.abs(r - np.round(r)) > 0.05))


for _s, _ag, _tf in (("//", lambda a, b: a // b, lambda a, b: torch.floor(a / b)),
                     ("%", lambda a, b: a % b, torch.remainder)):
    def _mod_draw(g):
        a = g.pick()
        b = g.scalar(0.4, 1.5)
        if not _ratio_ok(g, a, b):
            raise Skip  # (away from the jumps)
        return (a, b), {}
    op("operators", f"x {_s} c", _ag, (lambda f: lambda a, b: f(*_np_args(a, b)))(_tf))(
        _mod_draw)


@op("methods", "x.take", lambda x, i, axis=None: x.take(i, axis=axis),
    lambda x, i, axis=None: th_gather(x, _take_index(tuple(x.shape), i, axis)))
def _m_take(g):
    x, s = _indexable(g)
    axis = int(g.r.integers(len(s))) if g.r.random() < 0.5 else None
    n = s[axis] if axis is not None else _size(s)
    return (x, g.r.integers(-n, n, (int(g.r.integers(1, 4)),))), {"axis": axis}


@op("inplace", "y.put(i, v)", lambda y, i, v, copy=False: _put(y, i, v, copy),
    lambda y, i, v, copy=False: th_scatter(y, np.unravel_index(i % _size(tuple(y.shape)),
                                                                tuple(y.shape)),
                                            torch.broadcast_to(_t(v, y), i.shape)),
    inplace=True)
def _put_draw(g):
    y, copy = _target(g)
    if not g.shape(y) or 0 in g.shape(y):
        raise Skip
    n = _size(g.shape(y))
    i = g.r.integers(-n, n, (int(g.r.integers(1, 4)),))
    v: Any = g.scalar() if g.r.random() < 0.4 else g.pick(shape=i.shape)
    return (y, i, v), {"copy": copy}, (y.k if not copy else None)


def _put(y, i, v, copy):
    if copy:
        y = y * 1.0
    y.put(i, v)  # ndarray.put: flat indices, in place
    return y
