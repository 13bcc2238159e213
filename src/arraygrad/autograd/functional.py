"""Function transforms in the style of JAX and ``torch.func``: ``grad``, ``value_and_grad``,
``vjp``, ``jvp``, ``linearize``, ``jacobian`` (``jacrev``/``jacfwd``), ``hessian``, ``hvp``
and ``vhp``.

They take Tensors, NumPy arrays, Python scalars and pytrees of them (tuples, lists, dicts),
and return Tensors. They nest to any order (``grad(grad(grad(f)))``,
``jacobian(jacobian(f))``, ``grad`` of a function that calls ``grad`` on a closure).

How they nest
-------------
Every call of a transform is one *frame*:

1. Each input that is differentiated becomes a fresh tensor private to the frame: a new
   leaf (the data, not copied, ``requires_grad``) when the input is not part of a
   recording, or a recorded identity (``CloneBackward0``, no copy) of it when it is, so that an
   outer transform still sees through it.
2. ``f`` runs with recording on.
3. The frame checks whether the output's graph reaches anything *outside* the frame: a
   node created before the frame started, or a leaf that is not one of the frame's own
   (an outer transform's input used through a closure, a ``requires_grad`` tensor of
   the user's). If it does, and grad mode was on when the transform was called, the
   derivative is computed with ``create_graph=True`` and returned still connected, so
   the outer transform can differentiate it again. If not, it is computed without
   recording and the graph is freed: no cost for nesting you don't use.

Because each frame differentiates only with respect to its *own* tensors, inner and
outer derivatives never mix up (no "perturbation confusion"):
``grad(lambda x: x * grad(lambda y: x + y)(1.0))(1.0)`` is 1, not 2.

Forward mode
------------
``jvp`` is derived from reverse mode ("double VJP"): with ``u`` a zero cotangent leaf,
``g(u) = J^T u`` is computed with ``create_graph=True``; it is linear in ``u``, so the
gradient of ``<g(u), v>`` with respect to ``u`` is ``J v``. Every op with a
differentiable VJP rule is covered, with no per-op JVP rules. A ``jvp`` costs one
forward, one recorded backward and one backward of that backward: about 3-4 plain
gradients (``bench/RESULTS-functional.md``). ``linearize`` pays the first two once and
each further ``J v`` costs one backward.
"""

from __future__ import annotations

import functools
import numbers
import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..core import engine as _engine
from ..core.mode import STATE
from ..core.node import AccumulateGrad, _sequence
from ..core.primitive import records as _records
from ..core.tensor import Tensor
from ..ops.identity import clone

__all__ = [
    "grad", "value_and_grad", "vjp", "jvp", "linearize", "jacobian", "jacrev", "jacfwd",
    "hessian", "hvp", "vhp", "tree_flatten", "tree_unflatten", "tree_map", "TreeDef",
    "elementwise_grad", "make_vjp", "holomorphic_grad", "grad_named",
    "hessian_vector_product", "hessian_tensor_product", "vector_jacobian_product",
    "tensor_jacobian_product",
]


# ---------------------------------------------------------------------------- pytrees


class TreeDef:
    """The shape of a pytree: tuples, lists, dicts and namedtuples of leaves (None is an
    empty subtree, as in JAX)."""

    __slots__ = ("kind", "meta", "children")

    def __init__(self, kind: str, meta: Any = None, children: tuple = ()) -> None:
        self.kind = kind  # 'leaf', 'none', 'tuple', 'list', 'dict', 'namedtuple'
        self.meta = meta
        self.children = children

    @property
    def num_leaves(self) -> int:
        if self.kind == "leaf":
            return 1
        return sum(c.num_leaves for c in self.children)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, TreeDef) and self.kind == other.kind
                and self.meta == other.meta and self.children == other.children)

    def __hash__(self) -> int:
        return hash((self.kind, self.children))

    def __repr__(self) -> str:
        if self.kind == "leaf":
            return "*"
        if self.kind == "none":
            return "None"
        inner = ", ".join(repr(c) for c in self.children)
        if self.kind == "dict":
            inner = ", ".join(f"{k!r}: {c!r}" for k, c in zip(self.meta[1], self.children))
            return "{" + inner + "}"
        if self.kind == "list":
            return "[" + inner + "]"
        if self.kind == "namedtuple":
            return f"{self.meta.__name__}({inner})"
        return "(" + inner + ("," if len(self.children) == 1 else "") + ")"


_LEAF = TreeDef("leaf")
_NONE = TreeDef("none")


def tree_flatten(tree: Any) -> tuple[list, TreeDef]:
    """``(leaves, treedef)``: the leaves in order (Tensors, arrays, scalars, ...)."""
    leaves: list = []
    return leaves, _flatten(tree, leaves)


def _flatten(x: Any, leaves: list) -> TreeDef:
    t = type(x)
    if t is tuple or t is list:
        return TreeDef(t.__name__, None, tuple(_flatten(c, leaves) for c in x))
    if isinstance(x, dict):
        keys = list(x.keys())
        return TreeDef("dict", (t, tuple(keys)), tuple(_flatten(x[k], leaves) for k in keys))
    if x is None:
        return _NONE
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return TreeDef("namedtuple", t, tuple(_flatten(c, leaves) for c in x))
    leaves.append(x)
    return _LEAF


def tree_unflatten(treedef: TreeDef, leaves: Sequence) -> Any:
    """The inverse of ``tree_flatten``."""
    it = iter(leaves)
    out = _unflatten(treedef, it)
    return out


def _unflatten(d: TreeDef, it: Any) -> Any:
    kind = d.kind
    if kind == "leaf":
        return next(it)
    if kind == "none":
        return None
    kids = [_unflatten(c, it) for c in d.children]
    if kind == "tuple":
        return tuple(kids)
    if kind == "list":
        return kids
    if kind == "dict":
        typ, keys = d.meta
        out = dict(zip(keys, kids))
        return out if typ is dict else typ(out)
    return d.meta(*kids)  # namedtuple


def tree_map(fn: Callable, tree: Any) -> Any:
    leaves, d = tree_flatten(tree)
    return tree_unflatten(d, [fn(x) for x in leaves])


# ---------------------------------------------------------------------------- helpers


def _as_tensor(x: Any, where: str) -> Tensor:
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (bool, np.bool_)):
        raise TypeError(f"{where}: cannot differentiate with respect to a bool ({x!r})")
    if isinstance(x, (int, float)):  # Python scalars: float64, like NumPy
        return Tensor._make(np.asarray(x, dtype=np.float64))
    if isinstance(x, numbers.Complex) and not isinstance(x, np.generic):
        return Tensor._make(np.asarray(x, dtype=np.complex128))
    if isinstance(x, (np.ndarray, np.generic)) or hasattr(x, "__array__") \
            or hasattr(x, "__array_namespace__"):
        return Tensor(x)
    raise TypeError(
        f"{where}: expected Tensors, NumPy arrays, Python numbers or tuples/lists/dicts of "
        f"them, got {type(x).__name__}"
    )


def _zeros(t: Tensor) -> Tensor:
    from ..ops.creation import zeros_like

    return zeros_like(t.detach())


def _check_argnums(argnums: Any, where: str) -> tuple[tuple[int, ...], bool]:
    if isinstance(argnums, (int, np.integer)) and not isinstance(argnums, bool):
        return (int(argnums),), True
    if isinstance(argnums, (tuple, list)) and argnums and all(
            isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in argnums):
        return tuple(int(a) for a in argnums), False
    raise TypeError(f"{where}: argnums must be an int or a non-empty tuple of ints, "
                    f"got {argnums!r}")


def _resolve_argnums(nums: tuple[int, ...], nargs: int, where: str) -> tuple[int, ...]:
    out = []
    for a in nums:
        if not -nargs <= a < nargs:
            raise ValueError(
                f"{where}: argnums {a} is out of range for a function called with {nargs} "
                f"positional argument{'s' if nargs != 1 else ''}"
            )
        out.append(a % nargs)
    return tuple(out)


_frames = threading.local()  # .depth: transforms running in this thread


def in_transform() -> bool:
    """Is a functional transform running ``f`` in this thread (tapes then keep their
    gradients connected, so the transform can differentiate them)?"""
    return getattr(_frames, "depth", 0) > 0


class _Frame:
    """One call of a transform: its private inputs, recording on, and the outside check."""

    __slots__ = ("where", "level", "start", "own", "saved")

    def __init__(self, where: str) -> None:
        self.where = where
        self.level = STATE.level  # the caller's level: 0 means nothing may stay connected
        self.start = next(_sequence)  # nodes numbered below this existed before the frame
        self.own: set[int] = set()
        self.saved: tuple | None = None

    def __enter__(self) -> _Frame:
        s = STATE
        self.saved = s.save()
        if s.level == 0:
            s.grad_enabled = True
            s.refresh()
        _frames.depth = getattr(_frames, "depth", 0) + 1
        return self

    def __exit__(self, *exc: object) -> None:
        s = STATE
        s.restore(self.saved)
        _frames.depth -= 1

    def leaf(self, data: Any) -> Tensor:
        t = Tensor._make(data, None, 0, 1)
        self.own.add(id(t))
        return t

    def input(self, x: Any, strict: bool) -> tuple[Tensor, bool]:
        """The frame's private tensor for input ``x``, and whether it is differentiated."""
        t = _as_tensor(x, self.where)
        if t.dtype.kind not in "fc":
            if strict:
                raise TypeError(
                    f"{self.where}: only floating point and complex inputs can be "
                    f"differentiated, got dtype {t.dtype}; convert it first, e.g. "
                    "x.astype('float64') (or pass a Python float)"
                )
            return t, False
        rg = t._rg
        if rg and rg <= self.level:
            return clone(t, copy=False), True  # an alias, connected to the outer graph
        return self.leaf(t._data), True

    def reaches_outside(self, tensors: Sequence[Any]) -> bool:
        """Does the graph of ``tensors`` reach anything made outside this frame?"""
        if self.level == 0:
            return False
        start, own = self.start, self.own
        stack: list = []
        for t in tensors:
            if not isinstance(t, Tensor) or not t._rg:
                continue
            n = t._node
            if n is None:
                if id(t) not in own:
                    return True
            else:
                stack.append(n)
        seen: set = set()
        while stack:
            n = stack.pop()
            if n in seen:
                continue
            seen.add(n)
            if n.seq < start:
                return True
            if type(n) is AccumulateGrad:
                leaf = n._leaf()
                if leaf is None or id(leaf) not in own:
                    return True
                continue
            for e in n.edges:
                stack.append(e[1])
        return False


def _grads(outs: Sequence[Tensor], cts: Sequence[Any], inputs: Sequence[Tensor],
           create_graph: bool, retain_graph: bool) -> list:
    """d(outs)/d(inputs) with cotangents ``cts`` (None: ones); None where unconnected."""
    pairs = [(o, c) for o, c in zip(outs, cts) if o._rg]
    if not pairs or not inputs:
        return [None] * len(inputs)
    gos = [c for _, c in pairs]
    if all(c is None for c in gos):
        gos = None
    else:
        from ..ops.creation import ones_like

        gos = [ones_like(o.detach()) if c is None else c for (o, _), c in zip(pairs, gos)]
    return list(_engine.grad([o for o, _ in pairs], list(inputs), gos,
                             retain_graph=retain_graph, create_graph=create_graph,
                             allow_unused=True))


def _fill(gs: Sequence[Any], like: Sequence[Tensor]) -> list[Tensor]:
    return [_zeros(x) if g is None else g for g, x in zip(gs, like)]


def _split_aux(out: Any, where: str) -> tuple[Any, Any]:
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise TypeError(
            f"{where}: with has_aux=True the function must return a pair (output, aux), "
            f"got {type(out).__name__}"
        )
    return out[0], out[1]


def _tensor_leaves(tree: Any) -> list[Tensor]:
    return [x for x in tree_flatten(tree)[0] if isinstance(x, Tensor)]


def _detached(tree: Any) -> Any:
    return tree_map(lambda x: x.detach() if isinstance(x, Tensor) else x, tree)


def _scalar_output(out: Any, where: str) -> Tensor:
    if isinstance(out, (tuple, list, dict)):
        raise TypeError(
            f"{where}: the function must return a scalar tensor, got a "
            f"{type(out).__name__}; use jacobian() or vjp() for several outputs, or "
            "has_aux=True to return extra values"
        )
    t = out if isinstance(out, Tensor) else _as_tensor(out, where)
    if t.size != 1:
        raise TypeError(
            f"{where}: the function must return a scalar (a tensor with one element), got "
            f"shape {tuple(t.shape)}; reduce it (e.g. .sum()) or use jacobian() / vjp()"
        )
    if t.dtype.kind != "f":
        kind = "complex" if t.dtype.kind == "c" else "non-floating"
        raise TypeError(
            f"{where}: the function must return a real floating-point scalar, got a {kind} "
            f"one ({t.dtype}); for complex outputs use vjp() with an explicit cotangent"
        )
    return t


def _as_output(o: Any, where: str) -> Tensor:
    return o if isinstance(o, Tensor) else _as_tensor(o, where)


def _cotangent(c: Any, o: Tensor, where: str, what: str = "cotangent") -> Tensor:
    t = c if isinstance(c, Tensor) else Tensor(np.asarray(c))
    if tuple(t.shape) != tuple(o.shape):
        raise ValueError(
            f"{where}: the {what} has shape {tuple(t.shape)} but the value it pairs with has "
            f"shape {tuple(o.shape)}"
        )
    if t.dtype != o.dtype and o.dtype.kind in "fc":
        t = t.astype(o.dtype)
    return t


def _prepare(fr: _Frame, args: Sequence[Any], nums: Sequence[int], strict: bool
             ) -> tuple[list, list[tuple[list, list[bool], TreeDef]]]:
    """Replace ``args[i]`` (i in nums) by the frame's private tensors."""
    args = list(args)
    per_arg = []
    for i in nums:
        leaves, tdef = tree_flatten(args[i])
        xs, diff = [], []
        for leaf in leaves:
            x, d = fr.input(leaf, strict)
            xs.append(x)
            diff.append(d)
        per_arg.append((xs, diff, tdef))
        args[i] = tree_unflatten(tdef, xs)
    return args, per_arg


def _flat_diff(per_arg: list) -> list[Tensor]:
    return [x for xs, diff, _ in per_arg for x, d in zip(xs, diff) if d]


def _regroup(per_arg: list, flat: list, single: bool, fill_nondiff: bool = True) -> Any:
    """Per-argument pytrees from the flat list of per-differentiated-input results."""
    it = iter(flat)
    trees = []
    for xs, diff, tdef in per_arg:
        vals = [next(it) if d else _zeros(x) for x, d in zip(xs, diff)]
        trees.append(tree_unflatten(tdef, vals))
    return trees[0] if single else tuple(trees)


# ---------------------------------------------------------------------------- grad


def value_and_grad(f: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False
                   ) -> Callable:
    """``f``'s value and its gradient with respect to argument(s) ``argnums``.

    ``value_and_grad(f)(x)`` returns ``(f(x), df/dx)``; with ``has_aux=True`` ``f`` returns
    ``(value, aux)`` and the result is ``((value, aux), grad)``. ``f`` must return a real
    scalar. The gradient has the structure (pytree) of the differentiated argument(s): a
    tuple of them when ``argnums`` is a tuple.
    """
    nums, single = _check_argnums(argnums, "value_and_grad")

    @functools.wraps(f)
    def value_and_grad_f(*args: Any, **kwargs: Any) -> Any:
        value, aux, grads = _value_and_grad(f, args, kwargs, nums, single, has_aux,
                                            "value_and_grad")
        return ((value, aux), grads) if has_aux else (value, grads)

    return value_and_grad_f


def grad(f: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False) -> Callable:
    """The gradient of a scalar function, as a function (JAX's ``grad``).

    ``grad(f)(x)`` is ``df/dx`` at ``x``, a Tensor shaped like ``x`` (a 0-d float64 Tensor
    for a Python float). ``argnums`` picks the argument(s) (a tuple gives a tuple of
    gradients); ``has_aux=True`` lets ``f`` return ``(value, aux)`` and gives
    ``(grad, aux)``. Nests: ``grad(grad(f))(x)`` is the second derivative.
    """
    nums, single = _check_argnums(argnums, "grad")

    @functools.wraps(f)
    def grad_f(*args: Any, **kwargs: Any) -> Any:
        _, aux, grads = _value_and_grad(f, args, kwargs, nums, single, has_aux, "grad")
        return (grads, aux) if has_aux else grads

    return grad_f


def _value_and_grad(f: Callable, args: tuple, kwargs: dict, nums: tuple, single: bool,
                    has_aux: bool, where: str) -> tuple[Any, Any, Any]:
    nums = _resolve_argnums(nums, len(args), where)
    with _Frame(where) as fr:
        args, per_arg = _prepare(fr, args, nums, strict=True)
        out = f(*args, **kwargs)
        aux = None
        if has_aux:
            out, aux = _split_aux(out, where)
        out = _scalar_output(out, where)
        xs = _flat_diff(per_arg)
        nested = fr.reaches_outside([out, *_tensor_leaves(aux)])
        gs = _grads([out], [None], xs, create_graph=nested, retain_graph=nested)
        grads = _regroup(per_arg, _fill(gs, xs), single)
    if not nested:
        out = out.detach()
        aux = _detached(aux)
    return out, aux, grads


# ---------------------------------------------------------------------------- vjp


def vjp(f: Callable, *primals: Any, has_aux: bool = False) -> tuple:
    """``(f(*primals), vjp_fn)``; ``vjp_fn(ct)`` is the cotangent ``ct^T J`` pulled back to
    every primal: a tuple with one entry per primal (each shaped like it).

    ``ct`` has the structure of ``f``'s output. ``vjp_fn`` may be called many times (the
    graph is kept while it lives). With ``has_aux=True``: ``(out, vjp_fn, aux)``.
    """
    where = "vjp"
    fr = _Frame(where)
    with fr:
        args, per_arg = _prepare(fr, primals, range(len(primals)), strict=False)
        out = f(*args)
        aux = None
        if has_aux:
            out, aux = _split_aux(out, where)
        leaves, out_def = tree_flatten(out)
        outs = [_as_output(o, where) for o in leaves]
        nested = fr.reaches_outside(outs + _tensor_leaves(aux))
    xs = _flat_diff(per_arg)

    def vjp_fn(*ct: Any) -> tuple:
        tree = ct[0] if len(ct) == 1 else ct
        ct_leaves, ct_def = tree_flatten(tree)
        if ct_def != out_def and not (len(ct_leaves) == len(outs) == 1):
            raise ValueError(
                f"vjp_fn: the cotangent has structure {ct_def} but the function's output has "
                f"structure {out_def}"
            )
        cts = [_cotangent(c, o, "vjp_fn") for c, o in zip(ct_leaves, outs)]
        cg = nested or any(_records(c) for c in cts)
        gs = _grads(outs, cts, xs, create_graph=cg, retain_graph=True)
        return _regroup(per_arg, _fill(gs, xs), single=False)

    value = out if nested else _detached(out)
    if has_aux:
        return value, vjp_fn, (aux if nested else _detached(aux))
    return value, vjp_fn


# ---------------------------------------------------------------------------- forward mode


def _primals_tuple(primals: Any, where: str, what: str) -> tuple:
    if isinstance(primals, (tuple, list)):
        return tuple(primals)
    if isinstance(primals, Tensor) or isinstance(primals, (np.ndarray, numbers.Number)):
        return (primals,)
    raise TypeError(f"{where}: {what} must be a tuple or list of the function's arguments, "
                    f"got {type(primals).__name__}")


class _Linearization:
    """``f`` at ``primals`` with its transposed linear map ``u -> J^T u`` recorded, from
    which ``v -> J v`` is one backward (the double-VJP trick)."""

    def __init__(self, f: Callable, primals: tuple, where: str, has_aux: bool = False,
                 strict: bool = False, transpose: bool = True) -> None:
        self.where = where
        fr = _Frame(where)
        with fr:
            args, self.per_arg = _prepare(fr, primals, range(len(primals)), strict=strict)
            out = f(*args)
            self.aux = None
            if has_aux:
                out, self.aux = _split_aux(out, where)
            leaves, self.out_def = tree_flatten(out)
            self.outs = [_as_output(o, where) for o in leaves]
            self.nested = fr.reaches_outside(self.outs + _tensor_leaves(self.aux))
            self.xs = _flat_diff(self.per_arg)
            self.rec = [i for i, o in enumerate(self.outs)
                        if o._rg and o.dtype.kind in "fc"]
            self.us = [fr.leaf(_zeros(self.outs[i])._data) for i in self.rec]
            if transpose and self.rec and self.xs:
                self.gs = _grads([self.outs[i] for i in self.rec], self.us, self.xs,
                                 create_graph=True, retain_graph=True)
            else:
                self.gs = [None] * len(self.xs)

    def push(self, vs: Sequence[Tensor | None], retain: bool) -> list[Tensor | None]:
        """``J v`` for tangents ``vs`` (one per differentiated input; None is zero), one
        entry per output (None where the output does not depend on the inputs)."""
        pairs = [(g, v) for g, v in zip(self.gs, vs)
                 if g is not None and v is not None and g._rg]
        result: list[Tensor | None] = [None] * len(self.outs)
        if not pairs:
            return result
        cg = self.nested or any(_records(v) for _, v in pairs)
        touts = _grads([g for g, _ in pairs], [v for _, v in pairs], self.us,
                       create_graph=cg, retain_graph=retain or cg)
        for i, t in zip(self.rec, touts):
            result[i] = t
        return result

    def tangents(self, tangents: tuple) -> list[Tensor | None]:
        """Check ``tangents`` against the primals and return one per differentiated input."""
        if len(tangents) != len(self.per_arg):
            raise ValueError(
                f"{self.where}: got {len(tangents)} tangents for {len(self.per_arg)} primals"
            )
        vs: list[Tensor | None] = []
        for k, ((xs, diff, tdef), t) in enumerate(zip(self.per_arg, tangents)):
            leaves, d = tree_flatten(t)
            if d != tdef and not (len(leaves) == len(xs) == 1):
                raise ValueError(
                    f"{self.where}: tangent {k} has structure {d} but primal {k} has "
                    f"structure {tdef}"
                )
            for x, dd, v in zip(xs, diff, leaves):
                if dd:
                    vs.append(_cotangent(v, x, self.where, "tangent"))
        return vs

    def result(self, touts: list[Tensor | None]) -> Any:
        return tree_unflatten(self.out_def, [
            _zeros(o) if t is None else t for o, t in zip(self.outs, touts)])

    def value(self) -> Any:
        out = tree_unflatten(self.out_def, self.outs)
        return out if self.nested else _detached(out)


def jvp(f: Callable, primals: Any, tangents: Any, has_aux: bool = False) -> tuple:
    """``(f(*primals), J v)``: the Jacobian-vector product, the directional derivative of
    ``f`` along ``tangents`` (forward mode).

    ``primals`` and ``tangents`` are tuples (one entry per argument, each a pytree of
    the same shape). The tangent output has the structure of ``f``'s output. Computed
    from reverse mode (double VJP), so every differentiable op is covered.
    """
    primals = _primals_tuple(primals, "jvp", "primals")
    tangents = _primals_tuple(tangents, "jvp", "tangents")
    lin = _Linearization(f, primals, "jvp", has_aux)
    vs = lin.tangents(tangents)
    tout = lin.result(lin.push(vs, retain=False))
    if has_aux:
        return lin.value(), tout, (lin.aux if lin.nested else _detached(lin.aux))
    return lin.value(), tout


def linearize(f: Callable, *primals: Any) -> tuple[Any, Callable]:
    """``(f(*primals), f_jvp)`` with ``f_jvp(*tangents) == jvp(f, primals, tangents)[1]``.

    The forward pass and the recorded transposed map are computed once; each call of
    ``f_jvp`` then costs one backward pass.
    """
    lin = _Linearization(f, tuple(primals), "linearize")

    def f_jvp(*tangents: Any) -> Any:
        return lin.result(lin.push(lin.tangents(tangents), retain=True))

    return lin.value(), f_jvp


# ---------------------------------------------------------------------------- Jacobians


def jacobian(f: Callable, argnums: int | Sequence[int] = 0, mode: str = "rev",
             has_aux: bool = False) -> Callable:
    """The Jacobian of ``f`` with respect to argument(s) ``argnums``, as a function.

    For an output of shape ``O`` and an input of shape ``I`` the block has shape
    ``O + I``. Several outputs (a pytree) give the same pytree of blocks; a tuple
    ``argnums`` gives a tuple of blocks per output (JAX's layout).

    ``mode='rev'`` (``jacrev``) computes one row per output element (one backward each):
    best for wide Jacobians (few outputs). ``mode='fwd'`` (``jacfwd``) computes one
    column per input element (a JVP each, after one recorded backward): best for tall
    ones. For complex outputs of real inputs use ``mode='fwd'``.
    """
    if mode not in ("rev", "fwd"):
        raise ValueError(f"jacobian: mode must be 'rev' or 'fwd', got {mode!r}")
    nums, single = _check_argnums(argnums, "jacobian")
    where = "jacrev" if mode == "rev" else "jacfwd"

    @functools.wraps(f)
    def jacobian_f(*args: Any, **kwargs: Any) -> Any:
        idx = _resolve_argnums(nums, len(args), where)

        def g(*diff_args: Any) -> Any:
            full = list(args)
            for i, a in zip(idx, diff_args):
                full[i] = a
            return f(*full, **kwargs)

        lin = _Linearization(g, tuple(args[i] for i in idx), where, has_aux, strict=True,
                             transpose=mode == "fwd")
        blocks = _jac_rev(lin) if mode == "rev" else _jac_fwd(lin)
        per_out = []
        for row in blocks:  # one list per output, one block per differentiated input
            per_out.append(_regroup(lin.per_arg, row, single))
        jac = tree_unflatten(lin.out_def, per_out)
        if has_aux:
            return jac, (lin.aux if lin.nested else _detached(lin.aux))
        return jac

    return jacobian_f


def _basis(shape: tuple, dtype: Any, k: int, like: Any) -> Tensor:
    from .._backend import array_module

    xp = array_module(like)
    e = xp.zeros(int(np.prod(shape, dtype=np.int64)), dtype=dtype)
    e[k] = 1
    return Tensor._make(e.reshape(shape))


def _assemble(parts: list[Tensor | None], lead: tuple, tail: tuple, dtype: Any,
              nested: bool, like: Any, axis_last: bool) -> Tensor:
    """Stack per-element results into a block of shape ``lead + tail``.

    ``parts`` are indexed by the flattened ``lead`` (rows, rev mode) or by the flattened
    ``tail`` (columns, fwd mode: ``axis_last``)."""
    from .._backend import array_module

    shape = tuple(lead) + tuple(tail)
    xp = array_module(like)
    if not parts or all(p is None for p in parts):
        return Tensor._make(xp.zeros(shape, dtype=dtype))
    if nested and any(_records(p) for p in parts if p is not None):
        from ..ops.creation import zeros_like
        from ..ops.shape import reshape, stack

        ref = next(p for p in parts if p is not None)
        filled = [zeros_like(ref.detach()) if p is None else p for p in parts]
        st = stack(filled, axis=-1 if axis_last else 0)
        return reshape(st, shape)
    ref = next(p for p in parts if p is not None)
    filled = [xp.zeros(ref.shape, dtype=ref.dtype) if p is None else p._data for p in parts]
    st = xp.stack(filled, axis=-1 if axis_last else 0)
    return Tensor._make(st.reshape(shape).astype(dtype, copy=False))


def _jac_rev(lin: _Linearization) -> list[list[Tensor]]:
    blocks = []
    for o in lin.outs:
        rows: list[list] = [[] for _ in lin.xs]
        if o._rg and o.dtype.kind in "fc" and lin.xs:
            for k in range(o.size):
                e = _basis(o.shape, o.dtype, k, o._data)
                gs = _grads([o], [e], lin.xs, create_graph=lin.nested, retain_graph=True)
                for j, g in enumerate(gs):
                    rows[j].append(g)
        blocks.append([
            _assemble(rows[j], o.shape, x.shape, np.result_type(o.dtype, x.dtype)
                      if o.dtype.kind in "fc" else x.dtype, lin.nested, x._data, False)
            for j, x in enumerate(lin.xs)
        ])
    return blocks


def _jac_fwd(lin: _Linearization) -> list[list[Tensor]]:
    cols = [[[] for _ in lin.xs] for _ in lin.outs]  # cols[i][j]: columns of block (i, j)
    for j, x in enumerate(lin.xs):
        for k in range(x.size):
            vs: list[Tensor | None] = [None] * len(lin.xs)
            vs[j] = _basis(x.shape, x.dtype, k, x._data)
            touts = lin.push(vs, retain=True)
            for i, t in enumerate(touts):
                cols[i][j].append(t)
    blocks = []
    for i, o in enumerate(lin.outs):
        blocks.append([
            _assemble(cols[i][j], o.shape, x.shape, np.result_type(o.dtype, x.dtype)
                      if o.dtype.kind in "fc" else x.dtype, lin.nested, x._data, True)
            for j, x in enumerate(lin.xs)
        ])
    return blocks


def jacrev(f: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False) -> Callable:
    """``jacobian(f, argnums, mode='rev')``: one backward per output element."""
    return jacobian(f, argnums, mode="rev", has_aux=has_aux)


def jacfwd(f: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False) -> Callable:
    """``jacobian(f, argnums, mode='fwd')``: one JVP per input element."""
    return jacobian(f, argnums, mode="fwd", has_aux=has_aux)


def hessian(f: Callable, argnums: int | Sequence[int] = 0) -> Callable:
    """The Hessian of a scalar function: ``jacobian(jacobian(f))``, shape ``I + I`` for an
    input of shape ``I`` (nested tuples for a tuple ``argnums``)."""
    return jacobian(jacobian(f, argnums), argnums)


# ---------------------------------------------------------------------------- HVP


def _hvp(f: Callable, primals: Any, tangents: Any, where: str) -> tuple:
    bare = not isinstance(primals, (tuple, list))
    primals = _primals_tuple(primals, where, "primals")
    tangents = _primals_tuple(tangents, where, "tangents")
    if len(tangents) != len(primals):
        raise ValueError(f"{where}: got {len(tangents)} tangents for {len(primals)} primals")
    with _Frame(where) as fr:
        args, per_arg = _prepare(fr, primals, range(len(primals)), strict=False)
        out = _scalar_output(f(*args), where)
        xs = _flat_diff(per_arg)
        vs = []
        for (pxs, diff, tdef), t in zip(per_arg, tangents):
            leaves, d = tree_flatten(t)
            if d != tdef and not (len(leaves) == len(pxs) == 1):
                raise ValueError(f"{where}: a tangent's structure {d} differs from its "
                                 f"primal's {tdef}")
            vs += [_cotangent(v, x, where, "tangent") for x, dd, v in zip(pxs, diff, leaves)
                   if dd]
        nested = fr.reaches_outside([out])
        gs = _grads([out], [None], xs, create_graph=True, retain_graph=True)
        s = None
        for g, v in zip(gs, vs):
            if g is not None and g._rg:
                term = (g * v).sum()
                s = term if s is None else s + term
        if s is None:
            hv = [None] * len(xs)
        else:
            cg = nested or any(_records(v) for v in vs)
            hv = _grads([s], [None], xs, create_graph=cg, retain_graph=cg)
        res = _regroup(per_arg, _fill(hv, xs), single=False)
    value = out if nested else out.detach()
    return value, (res[0] if bare else res)


def hvp(f: Callable, primals: Any, tangents: Any) -> tuple:
    """``(f(*primals), H v)``: Hessian-vector product of a scalar function, by reverse over
    reverse (one forward, one recorded backward, one backward of it), never forming H.

    For twice continuously differentiable ``f`` the Hessian is symmetric, so this is also
    ``v^T H`` (``vhp``); ``jvp(grad(f), primals, tangents)`` gives forward-over-reverse.
    """
    return _hvp(f, primals, tangents, "hvp")


def vhp(f: Callable, primals: Any, tangents: Any) -> tuple:
    """``(f(*primals), v^T H)``: vector-Hessian product (reverse over reverse)."""
    return _hvp(f, primals, tangents, "vhp")


# ---------------------------------------------------------------------------- HIPS names
# HIPS/autograd's differential operators, for code written against ``autograd``: thin
# wrappers over the transforms above (they nest the same way). HIPS calls the argument
# selector ``argnum``; a tuple works too.


def _one_arg(f: Callable, args: tuple, argnum: int, where: str) -> tuple[Callable, Any]:
    """``f`` as a function of argument ``argnum`` alone, and that argument's value."""
    (i,) = _resolve_argnums((argnum,), len(args), where)

    def f_of(x: Any, *rest: Any, **kwargs: Any) -> Any:
        full = list(args)
        full[i] = x
        return f(*full, **kwargs)

    return f_of, args[i]


def elementwise_grad(f: Callable, argnum: int = 0) -> Callable:
    """The gradient of ``f(x).sum()``: for an elementwise ``f``, the derivative of each
    output element with respect to its own input element (HIPS's ``elementwise_grad``)."""
    _check_argnums(argnum, "elementwise_grad")

    @functools.wraps(f)
    def egrad(*args: Any, **kwargs: Any) -> Any:
        f_of, x = _one_arg(f, args, argnum, "elementwise_grad")
        out, vjp_fn = vjp(lambda x_: f_of(x_, **kwargs), x)
        from ..ops.creation import ones_like

        return vjp_fn(tree_map(lambda o: ones_like(o.detach()), out))[0]

    return egrad


def make_vjp(f: Callable, argnum: int = 0) -> Callable:
    """HIPS's ``make_vjp``: ``make_vjp(f)(*args)`` is ``(vjp_fn, value)`` (that order), and
    ``vjp_fn(g)`` is the cotangent pulled back to argument ``argnum`` alone."""
    _check_argnums(argnum, "make_vjp")

    def make(*args: Any, **kwargs: Any) -> tuple[Callable, Any]:
        f_of, x = _one_arg(f, args, argnum, "make_vjp")
        out, fn = vjp(lambda x_: f_of(x_, **kwargs), x)
        return (lambda g: fn(g)[0]), out

    return make


def holomorphic_grad(f: Callable, argnum: int = 0) -> Callable:
    """``f'(z)`` of a holomorphic scalar function (JAX's ``grad(f, holomorphic=True)``,
    HIPS's ``holomorphic_grad``): the VJP with cotangent 1."""
    _check_argnums(argnum, "holomorphic_grad")

    @functools.wraps(f)
    def hgrad(*args: Any, **kwargs: Any) -> Any:
        f_of, x = _one_arg(f, args, argnum, "holomorphic_grad")
        out, fn = vjp(lambda x_: f_of(x_, **kwargs), x)
        return fn(np.ones((), dtype=np.result_type(out.dtype, np.complex64)))[0]

    return hgrad


def grad_named(f: Callable, argname: str) -> Callable:
    """``grad`` with respect to the argument called ``argname`` (passed positionally)."""
    import inspect

    return grad(f, list(inspect.signature(f).parameters).index(argname))


def hessian_vector_product(f: Callable, argnum: int = 0) -> Callable:
    """HIPS's ``hessian_tensor_product``: ``(*args, v) -> H . v``, contracting all of
    ``v``'s axes (``v`` shaped like the argument gives an array shaped like it)."""
    fgrad = grad(f, argnum)

    def vector_dot_grad(*args: Any, **kwargs: Any) -> Any:
        from ..ops.linalg import tensordot

        *args, v = args
        return tensordot(fgrad(*args, **kwargs), v, np.ndim(v))

    return grad(vector_dot_grad, argnum)


def vector_jacobian_product(f: Callable, argnum: int = 0) -> Callable:
    """HIPS's ``tensor_jacobian_product``: ``(*args, v) -> v . J``, contracting ``v`` with
    the leading axes of the Jacobian (all of ``v``'s axes)."""

    def vector_dot_fun(*args: Any, **kwargs: Any) -> Any:
        from ..ops.linalg import tensordot

        *args, v = args
        return tensordot(v, f(*args, **kwargs), np.ndim(v))

    return jacobian(vector_dot_fun, argnum)


hessian_tensor_product = hessian_vector_product
tensor_jacobian_product = vector_jacobian_product
