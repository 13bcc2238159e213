"""The op database: for every function of ``arraygrad.numpy``, sample inputs that drive
``opcheck.check_op`` (forward == NumPy's own result, gradcheck and gradgradcheck in
float64 / complex128, forward mode both ways, NumPy dispatch).

Each entry is a ``Case``: a readable id, the arraygrad function and the NumPy reference
(the same call with the same keywords), and the differentiable inputs. Sample points keep
away from kinks (``abs`` at 0, ties in ``sort``/``max``, integers under rounding ...);
tie behaviour is tested separately, with closed forms, in ``test_opdb.py``. Inputs for
second-order checks hold at most ~12 elements, so the whole database runs in a minute or
two.
"""

from __future__ import annotations

import warnings
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from arraygrad import numpy as anp


@dataclass
class Case:
    id: str
    fn: Callable
    ref: Callable
    inputs: list
    opts: dict = field(default_factory=dict)  # check_op keywords (second_order=False ...)
    func: str = ""  # the NumPy name the case exercises
    passes: tuple = ()  # ``call`` cases: the NumPy parameters the inputs are passed as


CASES: list[Case] = []


# ---------------------------------------------------------------------------- samples


def _rng(key: str) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(key.encode()))


class Sampler:
    """Deterministic sample arrays for one case (seeded by the case id)."""

    def __init__(self, key: str) -> None:
        self.r = _rng(key)

    def u(self, shape=(), lo=-1.5, hi=1.5):
        return self.r.uniform(lo, hi, size=shape)

    def pos(self, shape=()):
        return self.r.uniform(0.5, 2.0, size=shape)

    def unit(self, shape=()):
        return self.r.uniform(-0.8, 0.8, size=shape)

    def gt1(self, shape=()):
        return self.r.uniform(1.3, 3.0, size=shape)

    def nz(self, shape=()):
        """Away from 0 (for abs, sign, division)."""
        return self.r.uniform(0.4, 1.6, size=shape) * self.r.choice([-1.0, 1.0], size=shape)

    def frac(self, shape=()):
        """Away from integers (for rounding and floor)."""
        return self.r.integers(-3, 3, size=shape) + self.r.uniform(0.2, 0.8, size=shape)

    def distinct(self, shape=()):
        """No two values closer than 0.15 (for sort, max, median)."""
        n = int(np.prod(shape, dtype=np.int64))
        vals = (self.r.permutation(n) - n / 2) * 0.3 + self.r.uniform(-0.07, 0.07, size=n)
        return vals.reshape(shape)

    def c(self, shape=(), lo=-1.0, hi=1.0):
        return self.r.uniform(lo, hi, size=shape) + 1j * self.r.uniform(lo, hi, size=shape)

    def cpos(self, shape=()):
        """Complex with a positive real part (away from the branch cuts of log, sqrt)."""
        return self.r.uniform(0.5, 1.5, size=shape) + 1j * self.r.uniform(-1, 1, size=shape)


def _sid(shape) -> str:
    return "x".join(map(str, shape)) if len(shape) else "scalar"


def _kwid(kw: dict) -> str:
    parts = []
    for k, v in kw.items():
        if callable(v):
            v = getattr(v, "__name__", "fn")
        parts.append(f"{k}={v}")
    return ",".join(parts)


def add(func: str, fn: Callable, ref: Callable, inputs: list, tag: str = "", **opts) -> None:
    cid = func + (f"[{tag}]" if tag else "")
    if any(c.id == cid for c in CASES):
        cid += f"#{sum(c.id.startswith(cid) for c in CASES)}"
    CASES.append(Case(cid, fn, ref, inputs, opts, func))


# Factories that fix arguments now (no late binding of loop variables).


def _with_nans(f, kw):
    return lambda a: f(a + NANS, **kw)


def _listed(f, kw):
    return lambda *xs: f(list(xs), **kw)


def _then(f, *args, **kw):
    return lambda a: f(a, *args, **kw)


def _inserting(f, obj, kw):
    return lambda a, v: f(a, obj, v, **kw)


def _first(f, first):
    return lambda *xs: f(first, *xs)


def call(func: str, inputs: list, tag: str = "", kw: dict | None = None, **opts) -> None:
    """A case ``anp.func(*inputs, **kw)`` against ``np.func(*inputs, **kw)``."""
    kw = kw or {}
    ours, theirs = resolve(anp, func), resolve(np, func)
    tag = tag or ",".join([_sid(np.shape(x)) for x in inputs] + ([_kwid(kw)] if kw else []))
    add(func, lambda *xs: ours(*xs, **kw), lambda *xs: theirs(*xs, **kw), inputs, tag,
        **opts)
    CASES[-1].passes = _positional(theirs, len(inputs))


def resolve(module, func: str):
    """``numpy.linalg.inv`` for ``"linalg.inv"`` (and arraygrad's twin the same way)."""
    for part in func.split("."):
        module = getattr(module, part, None)
    return module


def _positional(f: Callable, n: int) -> tuple:
    import inspect

    try:
        params = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        return ()
    names = []
    for p in params:
        if p.kind == p.VAR_POSITIONAL:
            return tuple(names + [p.name + "[]"] * (n - len(names)))
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            names.append(p.name)
    return tuple(names[:n]) if len(names) >= n else ()


# ---------------------------------------------------------------------------- elementwise

SHAPES = [(), (3,), (2, 3)]
PAIRS = [((2, 3), (2, 3)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((), (2, 3))]

UNARY_REAL = {
    # name: sampler, complex sampler (None: real only)
    "negative": ("u", "c"), "positive": ("u", "c"), "square": ("u", "c"), "exp": ("u", "c"),
    "exp2": ("u", "c"), "expm1": ("u", "c"), "log": ("pos", "cpos"), "log2": ("pos", "cpos"),
    "log10": ("pos", "cpos"), "log1p": ("pos", "cpos"), "sqrt": ("pos", "cpos"),
    "cbrt": ("nz", None), "reciprocal": ("nz", "cpos"), "sin": ("u", "c"), "cos": ("u", "c"),
    "tan": ("unit", "c"), "arcsin": ("unit", "c"), "arccos": ("unit", "c"),
    "arctan": ("u", "c"), "sinh": ("u", "c"), "cosh": ("u", "c"), "tanh": ("u", "c"),
    "arcsinh": ("u", "c"), "arccosh": ("gt1", "cpos"), "arctanh": ("unit", "c"),
    "deg2rad": ("u", None), "rad2deg": ("u", None), "radians": ("u", None),
    "degrees": ("u", None), "abs": ("nz", "c"), "absolute": ("nz", "c"), "fabs": ("nz", None),
    "sign": ("nz", None), "sinc": ("nz", None), "floor": ("frac", None),
    "ceil": ("frac", None), "rint": ("frac", None), "trunc": ("frac", None),
    "fix": ("frac", None), "round": ("frac", None), "around": ("frac", None),
    "real": ("u", "c"), "imag": ("u", "c"), "conj": ("u", "c"), "conjugate": ("u", "c"),
    "angle": ("nz", "c"), "nan_to_num": ("u", "c"), "real_if_close": ("u", "c"),
    "spacing": ("pos", None), "acos": ("unit", None), "asin": ("unit", None),
    "atan": ("u", None), "acosh": ("gt1", None), "asinh": ("u", None),
    "atanh": ("unit", None),
}
for name, (real_s, complex_s) in UNARY_REAL.items():
    for shape in SHAPES:
        key = f"{name}{shape}"
        call(name, [getattr(Sampler(key), real_s)(shape)])
    if complex_s is not None:
        key = f"{name}-complex"
        call(name, [getattr(Sampler(key), complex_s)((2, 3))], tag="2x3,complex")
call("round", [Sampler("rd").frac((2, 3)) / 7], tag="2x3,decimals=2", kw={"decimals": 2})
call("angle", [Sampler("ang").c((2, 3))], tag="2x3,complex,deg", kw={"deg": True})

for name in ("frexp", "modf"):
    for shape in [(3,), (2, 3)]:
        call(name, [Sampler(name + str(shape)).frac(shape)])
s = Sampler("nan_to_num-inf")
add("nan_to_num", lambda x: anp.nan_to_num(x + np.array([0.0, np.inf, np.nan])),
    lambda x: np.nan_to_num(x + np.array([0.0, np.inf, np.nan])), [s.pos((3,))],
    tag="3,with-inf", forward_mode=False)

BINARY = {
    # name: (sampler a, sampler b, complex?)
    "add": ("u", "u", True), "subtract": ("u", "u", True), "multiply": ("u", "u", True),
    "divide": ("u", "nz", True), "true_divide": ("u", "nz", False),
    "power": ("pos", "u", True), "float_power": ("pos", "u", False),
    "pow": ("pos", "u", False), "logaddexp": ("u", "u", False),
    "logaddexp2": ("u", "u", False), "arctan2": ("nz", "nz", False),
    "atan2": ("nz", "nz", False), "hypot": ("nz", "nz", False),
    "copysign": ("nz", "nz", False), "heaviside": ("nz", "u", False),
    "nextafter": ("u", "u", False),
}
for name, (sa, sb, cplx) in BINARY.items():
    for pa, pb in PAIRS:
        s = Sampler(f"{name}{pa}{pb}")
        call(name, [getattr(s, sa)(pa), getattr(s, sb)(pb)])
    if cplx:
        s = Sampler(name + "complex")
        a = s.cpos((2, 3)) if name == "power" else s.c((2, 3))
        b = s.c((3,)) * 0.5 if name == "power" else (s.cpos((3,)) if name == "divide"
                                                      else s.c((3,)))
        call(name, [a, b], tag="2x3,3,complex")

for name in ("maximum", "minimum", "fmax", "fmin"):
    for pa, pb in PAIRS:
        s = Sampler(f"{name}{pa}{pb}")
        vals = s.distinct((int(np.prod(pa)) + int(np.prod(pb)),))
        a, b = vals[:int(np.prod(pa))].reshape(pa), vals[int(np.prod(pa)):].reshape(pb)
        call(name, [a, b])
for name in ("remainder", "mod", "fmod", "floor_divide"):
    for pa, pb in PAIRS:
        # a/b stays away from integers: a in k + (0.2, 0.8), b in (1, 1.03)
        s = Sampler(f"{name}{pa}{pb}")
        call(name, [s.frac(pa), s.r.uniform(1.0, 1.03, size=pb)])
call("divmod", [Sampler("dm").frac((2, 3)), np.full(3, 1.01)])
add("ldexp", lambda x: anp.ldexp(x, np.array([1, -2, 3])),
    lambda x: np.ldexp(x, np.array([1, -2, 3])), [Sampler("ldexp").u((2, 3))],
    tag="2x3,int-exponents")

COND = np.array([[True, False, True], [False, False, True]])
for pa, pb in [((2, 3), (2, 3)), ((2, 3), (3,)), ((), (2, 3))]:
    s = Sampler(f"where{pa}{pb}")
    add("where", lambda a, b: anp.where(COND, a, b), lambda a, b: np.where(COND, a, b),
        [s.u(pa), s.u(pb)], tag=f"{_sid(pa)},{_sid(pb)}")
s = Sampler("clip")
call("clip", [s.u((2, 3))], kw={"a_min": -0.5, "a_max": 0.6})
call("clip", [s.u((2, 3)) + 0.01], kw={"a_min": -0.5, "a_max": None})
add("clip", lambda a, lo, hi: anp.clip(a, lo, hi), lambda a, lo, hi: np.clip(a, lo, hi),
    [np.array([[-1.0, 0.1, 0.9], [0.3, -0.2, 1.4]]), np.array([-0.5, 0.2, -0.1]),
     np.array([0.4, 0.6, 0.8])], tag="2x3,tensor-bounds")

# ---------------------------------------------------------------------------- reductions

AXES_2D = [{}, {"axis": 0}, {"axis": 1}, {"axis": -1, "keepdims": True}]
AXES_3D = [{"axis": (0, 2)}, {"axis": None, "keepdims": True}, {"axis": 1}]
for name in ("sum", "mean", "prod", "var", "std", "ptp", "max", "min", "amax", "amin",
             "average", "median", "nansum", "nanmean", "nanprod", "nanvar", "nanstd",
             "nanmax", "nanmin", "nanmedian"):
    smp = "distinct" if name in ("max", "min", "amax", "amin", "ptp", "nanmax", "nanmin",
                                 "median", "nanmedian") else "u"
    kws = AXES_2D + ([{"axis": 1, "ddof": 1}] if name in ("var", "std", "nanvar", "nanstd")
                     else [])
    for kw in kws:
        if name == "average" and kw.get("keepdims"):
            kw = {"axis": 1, "keepdims": True}
        call(name, [getattr(Sampler(f"{name}{kw}"), smp)((2, 3))], kw=kw)
    if name not in ("average", "ptp"):
        for kw in AXES_3D:
            call(name, [getattr(Sampler(f"{name}{kw}3"), smp)((2, 2, 3))], kw=kw)
    if name in ("sum", "mean", "prod", "var", "std"):
        call(name, [Sampler(name + "c").c((2, 3))], tag="2x3,complex,axis=1",
             kw={"axis": 1})
for name in ("sum", "prod", "max", "min"):
    kw = {"axis": 1, "where": np.array([[True, False, True], [True, True, False]])}
    if name in ("max", "min"):
        kw["initial"] = -5.0 if name == "max" else 5.0
    call(name, [Sampler(name + "w").distinct((2, 3))], tag="2x3,axis=1,where", kw=kw)
call("sum", [Sampler("si").u((2, 3))], kw={"axis": 0, "initial": 2.0})
call("prod", [np.array([[0.0, 2.0, 3.0], [1.5, 2.0, 0.5]])], tag="2x3,zero,axis=1",
     kw={"axis": 1})
call("prod", [np.array([[0.0, 2.0, 0.0], [1.5, 0.0, 0.5]])], tag="2x3,two-zeros",
     kw={"axis": 1})
call("mean", [Sampler("mw").u((2, 3))], tag="2x3,where",
     kw={"axis": 1, "where": np.array([[True, False, True], [True, True, False]])})
call("var", [Sampler("vw").u((2, 3))], tag="2x3,where",
     kw={"axis": 1, "where": np.array([[True, True, True], [True, True, False]])})
add("average", lambda a, w: anp.average(a, axis=1, weights=w),
    lambda a, w: np.average(a, axis=1, weights=w),
    [Sampler("aw").u((2, 3)), Sampler("aw2").pos((3,))], tag="2x3,weights=3,axis=1")
add("average", lambda a, w: anp.average(a, weights=w, returned=True),
    lambda a, w: np.average(a, weights=w, returned=True),
    [Sampler("aw3").u((2, 3)), Sampler("aw4").pos((2, 3))], tag="2x3,weights,returned")

NANS = np.array([[0.0, np.nan, 0.0], [0.0, 0.0, np.nan]])  # added: NaNs, no infinite slopes
for name in ("nansum", "nanmean", "nanprod", "nanvar", "nanstd", "nanmax", "nanmin",
             "nanmedian", "nancumsum", "nancumprod"):
    for kw in ({}, {"axis": 1}):
        s = Sampler(name + "nan" + str(kw))
        add(name, _with_nans(getattr(anp, name), kw), _with_nans(getattr(np, name), kw),
            [s.distinct((2, 3))], tag=f"2x3,with-nan{',' + _kwid(kw) if kw else ''}",
            dispatch=False)
for q_kw in ({"q": 0.3}, {"q": [0.25, 0.5, 0.9]}):
    for name in ("nanquantile", "nanpercentile"):
        q = {k: (np.multiply(v, 100) if name == "nanpercentile" else v) for k, v in q_kw.items()}
        add(name, _with_nans(getattr(anp, name), dict(q, axis=1)),
            _with_nans(getattr(np, name), dict(q, axis=1)),
            [Sampler(name + str(q)).distinct((2, 3))], tag=f"2x3,with-nan,{_kwid(q)}",
            dispatch=False)

for kw in ({"q": 0.3}, {"q": [0.1, 0.5, 0.95], "axis": 1}, {"q": 0.4, "axis": 0,
                                                             "keepdims": True}):
    for method in ("linear", "lower", "higher", "midpoint", "nearest", "hazen", "weibull",
                   "median_unbiased", "normal_unbiased", "inverted_cdf",
                   "averaged_inverted_cdf", "closest_observation",
                   "interpolated_inverted_cdf"):
        if method != "linear" and len(kw) != 2:
            continue
        k = dict(kw, method=method)
        s = Sampler(f"quantile{k}")
        call("quantile", [s.distinct((2, 4))], kw=k)
        kp = dict(k, q=np.multiply(k["q"], 100))
        call("percentile", [s.distinct((2, 4))], kw=kp)
call("median", [Sampler("med4").distinct((4,))], tag="4,even")
call("median", [Sampler("med3").distinct((2, 2, 3))], kw={"axis": (0, 2)})

for name in ("cumsum", "cumprod"):
    for kw in ({}, {"axis": 0}, {"axis": 1}):
        call(name, [Sampler(name + str(kw)).u((2, 3))], kw=kw)
    call(name, [Sampler(name + "c").c((2, 3))], tag="2x3,complex,axis=1", kw={"axis": 1})
call("cumprod", [np.array([[1.5, 0.0, 2.0, -1.2], [0.0, 1.1, 0.0, 0.9]])],
     tag="2x4,zeros,axis=1", kw={"axis": 1})
call("cumprod", [np.array([0.7, 0.0, 1.3])], tag="3,zero")
for name in ("cumulative_sum", "cumulative_prod"):
    call(name, [Sampler(name).u((2, 3))], kw={"axis": 1})
    call(name, [Sampler(name + "i").u((4,))], kw={"include_initial": True})

for kw in ({}, {"n": 2}, {"axis": 0}, {"prepend": 0.5}, {"append": np.array([[1.0], [2.0]])}):
    call("diff", [Sampler(f"diff{kw}").u((2, 4))], kw=kw)
add("diff", lambda a, p: anp.diff(a, prepend=p), lambda a, p: np.diff(a, prepend=p),
    [Sampler("dp").u((2, 3)), Sampler("dp2").u((2, 1))], tag="2x3,prepend-tensor")
call("ediff1d", [Sampler("ed").u((2, 3))])
add("ediff1d", lambda a, b, e: anp.ediff1d(a, to_begin=b, to_end=e),
    lambda a, b, e: np.ediff1d(a, to_begin=b, to_end=e),
    [Sampler("ed2").u((4,)), Sampler("ed3").u((2,)), Sampler("ed4").u(())],
    tag="4,to_begin,to_end")
call("trapezoid", [Sampler("tz").u((2, 4))])
call("trapezoid", [Sampler("tz2").u((2, 4))], kw={"dx": 0.3, "axis": 0})
add("trapezoid", lambda y, x: anp.trapezoid(y, x), lambda y, x: np.trapezoid(y, x),
    [Sampler("tz3").u((2, 4)), np.array([0.0, 0.3, 0.9, 1.1])], tag="2x4,x=4")
add("trapezoid", lambda y, x: anp.trapezoid(y, x, axis=0),
    lambda y, x: np.trapezoid(y, x, axis=0),
    [Sampler("tz4").u((3, 2)), Sampler("tz5").u((3, 2))], tag="3x2,x=3x2,axis=0")
call("gradient", [Sampler("gr").u((5,))])
call("gradient", [Sampler("gr2").u((3, 4))])
call("gradient", [Sampler("gr3").u((3, 4))], kw={"axis": 1, "edge_order": 2})
add("gradient", lambda f: anp.gradient(f, np.array([0.0, 0.5, 1.5, 1.7, 3.0]), edge_order=2),
    lambda f: np.gradient(f, np.array([0.0, 0.5, 1.5, 1.7, 3.0]), edge_order=2),
    [Sampler("gr4").u((5,))], tag="5,coordinates,edge_order=2")
add("gradient", lambda f: anp.gradient(f, 0.5, 2.0), lambda f: np.gradient(f, 0.5, 2.0),
    [Sampler("gr5").u((3, 3))], tag="3x3,spacings")

# ---------------------------------------------------------------------------- sorting

for kw in ({}, {"axis": 0}, {"axis": None}):
    call("sort", [Sampler(f"sort{kw}").distinct((2, 3))], kw=kw)
call("sort", [Sampler("sortc").distinct((4,)) + 0.5j * Sampler("sc2").u((4,))],
     tag="4,complex")
call("sort_complex", [Sampler("scx").distinct((4,))])
call("partition", [Sampler("part").distinct((2, 5))], kw={"kth": 2})
call("partition", [Sampler("part2").distinct((6,))], kw={"kth": [1, 4]})

# ---------------------------------------------------------------------------- shapes

s = Sampler("shape")
call("reshape", [s.u((2, 3))], kw={"shape": (3, 2)})
call("reshape", [s.u((2, 3))], kw={"shape": (6,), "order": "F"})
call("ravel", [s.u((2, 3))])
call("ravel", [s.u((2, 3))], kw={"order": "F"})
call("transpose", [s.u((2, 3))])
call("transpose", [s.u((2, 1, 3))], kw={"axes": (2, 0, 1)})
call("permute_dims", [s.u((2, 1, 3))], kw={"axes": (1, 2, 0)})
call("matrix_transpose", [s.u((2, 2, 3))])
call("moveaxis", [s.u((2, 1, 3))], kw={"source": 0, "destination": -1})
call("moveaxis", [s.u((2, 1, 3))], kw={"source": (0, 1), "destination": (2, 0)})
call("rollaxis", [s.u((2, 1, 3))], kw={"axis": 2})
call("rollaxis", [s.u((2, 1, 3))], kw={"axis": 0, "start": 2})
call("swapaxes", [s.u((2, 1, 3))], kw={"axis1": 0, "axis2": 2})
call("squeeze", [s.u((2, 1, 3))])
call("squeeze", [s.u((1, 3, 1))], kw={"axis": 0})
call("expand_dims", [s.u((2, 3))], kw={"axis": 1})
call("expand_dims", [s.u((3,))], kw={"axis": (0, 2)})
call("broadcast_to", [s.u((3,))], kw={"shape": (2, 3)})
call("broadcast_to", [s.u((2, 1))], kw={"shape": (2, 2, 3)})
call("broadcast_arrays", [s.u((2, 1)), s.u((3,))])
for name in ("atleast_1d", "atleast_2d", "atleast_3d"):
    for shape in [(), (3,), (2, 3)]:
        call(name, [s.u(shape)])
    call(name, [s.u(()), s.u((2,))])
for kw in ({}, {"axis": 1}, {"axis": None}):
    add("concatenate", _listed(anp.concatenate, kw), _listed(np.concatenate, kw),
        [s.u((2, 3)), s.u((2, 3))], tag=f"2x3,2x3{',' + _kwid(kw) if kw else ''}")
add("concatenate", lambda a, b: anp.concatenate((a, b), axis=0),
    lambda a, b: np.concatenate((a, b), axis=0), [s.c((1, 3)), s.u((2, 3))],
    tag="complex+real")
add("concat", lambda a, b: anp.concat([a, b], axis=1), lambda a, b: np.concat([a, b], axis=1),
    [s.u((2, 1)), s.u((2, 2))], tag="2x1,2x2,axis=1")
for kw in ({}, {"axis": 1}, {"axis": -1}):
    add("stack", _listed(anp.stack, kw), _listed(np.stack, kw),
        [s.u((2, 2)), s.u((2, 2)), s.u((2, 2))], tag=f"3x(2x2){',' + _kwid(kw) if kw else ''}")
for name in ("hstack", "vstack", "dstack", "column_stack", "row_stack"):
    for shapes in ([(3,), (3,)], [(2, 1), (2, 2)] if name in ("hstack", "column_stack")
                   else [(1, 3), (2, 3)], [(), ()] if name != "column_stack" else [(2,), (2,)]):
        if name == "dstack" and shapes[0] == (1, 3):
            shapes = [(2, 3), (2, 3)]
        ours, theirs = getattr(anp, name), getattr(np, name)
        add(name, (lambda f: lambda *xs: f(list(xs)))(ours),
            (lambda f: lambda *xs: f(list(xs)))(theirs), [s.u(sh) for sh in shapes],
            tag=",".join(_sid(sh) for sh in shapes))
add("block", lambda a, b, c, d: anp.block([[a, b], [c, d]]),
    lambda a, b, c, d: np.block([[a, b], [c, d]]),
    [s.u((1, 2)), s.u((1, 1)), s.u((2, 2)), s.u((2, 1))], tag="2x2-blocks")
add("block", lambda a, b: anp.block([a, b]), lambda a, b: np.block([a, b]),
    [s.u((2,)), s.u(())], tag="1-d,scalar")
for name, arg, kw in [("split", 3, {}), ("split", [1, 2], {"axis": 1}),
                      ("array_split", 2, {"axis": 1}), ("array_split", 4, {}),
                      ("hsplit", 3, {}), ("vsplit", 2, {}), ("dsplit", [1], {})]:
    shape = (2, 2, 3) if name == "dsplit" else (2, 3) if name in ("hsplit", "vsplit") else \
        (3, 3)
    ours, theirs = getattr(anp, name), getattr(np, name)
    add(name, _then(ours, arg, **kw), _then(theirs, arg, **kw), [s.u(shape)],
        tag=f"{_sid(shape)},{arg}{',' + _kwid(kw) if kw else ''}")
call("unstack", [s.u((2, 3))])
call("unstack", [s.u((2, 3))], kw={"axis": 1})
for reps in (2, (2, 1), (1, 2, 2)):
    call("tile", [s.u((2, 3)) if reps != 2 else s.u((3,))], kw={"reps": reps})
for kw in ({"repeats": 2}, {"repeats": 2, "axis": 1}, {"repeats": [1, 0, 3], "axis": 1},
           {"repeats": [2, 1], "axis": 0}):
    call("repeat", [s.u((2, 3))], kw=kw)
for kw in ({}, {"axis": 0}, {"axis": (0, 1)}):
    call("flip", [s.u((2, 3))], kw=kw)
call("fliplr", [s.u((2, 3))])
call("flipud", [s.u((2, 3))])
for k in (1, 2, 3, -1):
    call("rot90", [s.u((2, 3))], kw={"k": k})
call("rot90", [s.u((2, 3, 2))], kw={"k": 1, "axes": (1, 2)})
for kw in ({"shift": 1}, {"shift": -2, "axis": 1}, {"shift": (1, 2), "axis": (0, 1)}):
    call("roll", [s.u((2, 3))], kw=kw)
for kw in ({"pad_width": 1}, {"pad_width": ((1, 0), (0, 2))},
           {"pad_width": 1, "constant_values": 3.0}, {"pad_width": 2, "mode": "edge"},
           {"pad_width": ((1, 2), (2, 1)), "mode": "reflect"},
           {"pad_width": 2, "mode": "symmetric"}, {"pad_width": (2, 3), "mode": "wrap"}):
    call("pad", [s.u((2, 3))], kw=kw)
call("resize", [s.u((2, 3))], kw={"new_shape": (3, 4)})
call("resize", [s.u((2, 3))], kw={"new_shape": (4,)})
call("append", [s.u((2, 3)), s.u((2,))])
call("append", [s.u((2, 3)), s.u((1, 3))], kw={"axis": 0})
call("delete", [s.u((2, 4))], kw={"obj": [0, 2], "axis": 1})
call("delete", [s.u((2, 3))], kw={"obj": 1})
for obj, vshape, kw in ((1, (), {}), (1, (2,), {"axis": 1}), ([0, 2], (2, 2), {"axis": 1}),
                        (2, (2, 1), {"axis": 1})):
    add("insert", _inserting(anp.insert, obj, kw), _inserting(np.insert, obj, kw),
        [s.u((2, 3)), s.u(vshape)], tag=f"2x3,obj={obj},values={_sid(vshape)}"
        + (f",{_kwid(kw)}" if kw else ""))
add("trim_zeros", lambda a: anp.trim_zeros(a * np.array([0, 1, 1, 0, 1, 0.0])),
    lambda a: np.trim_zeros(a * np.array([0, 1, 1, 0, 1, 0.0])), [s.nz((6,))],
    tag="6,zeros-at-both-ends", dispatch=False)

# ---------------------------------------------------------------------------- diagonals

call("diag", [s.u((3,))])
call("diag", [s.u((3,))], kw={"k": 1})
call("diag", [s.u((3, 4))], kw={"k": -1})
call("diag", [s.u((3, 3))])
call("diagflat", [s.u((2, 2))], kw={"k": -1})
call("diagonal", [s.u((3, 4))])
call("diagonal", [s.u((3, 4))], kw={"offset": 1})
call("diagonal", [s.u((2, 3, 3))], kw={"offset": -1, "axis1": 1, "axis2": 2})
call("diagonal", [s.u((3, 2, 3))], kw={"axis1": 2, "axis2": 0})
call("trace", [s.u((3, 3))])
call("trace", [s.u((3, 4))], kw={"offset": 1})
call("trace", [s.u((2, 2, 3))], kw={"axis1": 1, "axis2": 2})
for name in ("tril", "triu"):
    for kw in ({}, {"k": 1}, {"k": -1}):
        call(name, [s.u((3, 3))], kw=kw)
    call(name, [s.u((2, 2, 3))])

# ---------------------------------------------------------------------------- indexing

IDX = np.array([2, 0, 2])
for kw in ({"indices": IDX}, {"indices": IDX, "axis": 1},
           {"indices": np.array([[0, 1], [4, -1]]), "axis": 1, "mode": "wrap"},
           {"indices": np.array([5, -3]), "mode": "clip"}):
    call("take", [s.u((2, 3))], kw=kw)
TA = np.array([[0, 2, 2], [1, 1, 0]])
for kw in ({"indices": TA, "axis": 1}, {"indices": TA[:1] % 2, "axis": 0},
           {"indices": np.array([5, 0, 5]), "axis": None}):
    call("take_along_axis", [s.u((2, 3))], kw=kw)
add("put_along_axis", lambda a, v: anp.put_along_axis(a, TA[:, :1], v, 1, inplace=False),
    lambda a, v: _np_put_along(a, TA[:, :1], v, 1), [s.u((2, 3)), s.u((2, 1))],
    tag="2x3,values=2x1,inplace=False", dispatch=False)
add("put_along_axis", lambda a, v: anp.put_along_axis(a, TA, v, 1, inplace=False),
    lambda a, v: _np_put_along(a, TA, v, 1), [s.u((2, 3)), s.u(())],
    tag="2x3,repeated,scalar-value,inplace=False", dispatch=False)
add("compress", lambda a: anp.compress([True, False, True], a, axis=1),
    lambda a: np.compress([True, False, True], a, axis=1), [s.u((2, 3))], tag="2x3,axis=1",
    dispatch=False)
add("extract", lambda a: anp.extract(COND, a), lambda a: np.extract(COND, a), [s.u((2, 3))],
    tag="2x3", dispatch=False)
CH = np.array([[0, 1, 2], [2, 0, 1]])
add("choose", lambda a, b, c: anp.choose(CH, [a, b, c]),
    lambda a, b, c: np.choose(CH, [a, b, c]), [s.u((2, 3)), s.u((3,)), s.u(())],
    tag="2x3,choices=2x3,3,scalar")
add("choose", lambda a, b: anp.choose(CH, [a, b], mode="wrap"),
    lambda a, b: np.choose(CH, [a, b], mode="wrap"), [s.u((2, 3)), s.u((2, 3))],
    tag="mode=wrap")
C2 = np.array([[False, True, True], [False, False, True]])
add("select", lambda a, b, d: anp.select([COND, C2], [a, b], d),
    lambda a, b, d: np.select([COND, C2], [a, b], d), [s.u((2, 3)), s.u((3,)), s.u(())],
    tag="2-conditions,tensor-default")
add("select", lambda a, b: anp.select([COND, C2], [a, b]),
    lambda a, b: np.select([COND, C2], [a, b]), [s.u((2, 3)), s.u((2, 3))],
    tag="2-conditions")
add("meshgrid", lambda a, b: anp.meshgrid(a, b), lambda a, b: np.meshgrid(a, b),
    [s.u((2,)), s.u((3,))], tag="2,3,xy")
add("meshgrid", lambda a, b, c: anp.meshgrid(a, b, c, indexing="ij"),
    lambda a, b, c: np.meshgrid(a, b, c, indexing="ij"), [s.u((2,)), s.u((2,)), s.u((3,))],
    tag="2,2,3,ij")
add("meshgrid", lambda a, b: anp.meshgrid(a, b, sparse=True),
    lambda a, b: np.meshgrid(a, b, sparse=True), [s.u((2,)), s.u((3,))], tag="sparse")
add("piecewise", lambda x: anp.piecewise(x, [x.array < 0, x.array >= 0],
                                         [lambda t: t ** 2, lambda t: anp.sin(t)]),
    lambda x: np.piecewise(x, [np.asarray(x) < 0, np.asarray(x) >= 0],
                           [lambda t: t ** 2, lambda t: np.sin(t)]),
    [s.nz((2, 3))], tag="2x3,two-functions", dispatch=False)
add("piecewise", lambda x: anp.piecewise(x, [x.array < -0.5], [lambda t: 2 * t, 0.5]),
    lambda x: np.piecewise(x, [np.asarray(x) < -0.5], [lambda t: 2 * t, 0.5]),
    [s.nz((4,))], tag="4,otherwise-constant", dispatch=False)
add("apply_along_axis", lambda x: anp.apply_along_axis(lambda v: anp.sum(v * v), 1, x),
    lambda x: np.apply_along_axis(lambda v: np.sum(v * v), 1, x), [s.u((2, 3))],
    tag="2x3,axis=1,scalar-result")
add("apply_along_axis", lambda x: anp.apply_along_axis(lambda v: anp.cumsum(v), 0, x),
    lambda x: np.apply_along_axis(lambda v: np.cumsum(v), 0, x), [s.u((2, 3))],
    tag="2x3,axis=0,vector-result")
add("apply_over_axes", lambda x: anp.apply_over_axes(anp.sum, x, [0, 2]),
    lambda x: np.apply_over_axes(np.sum, x, [0, 2]), [s.u((2, 2, 3))], tag="2x2x3,axes=0,2")

# ---------------------------------------------------------------------------- products

PROD_SHAPES = {
    "dot": [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 2)), ((2, 3), (3, 2)), ((), (2, 3)),
            ((2, 2, 3), (3, 2)), ((2, 1, 3), (2, 3, 2))],
    "vdot": [((3,), (3,)), ((2, 3), (3, 2))],
    "inner": [((3,), (3,)), ((2, 3), (3,)), ((2, 3), (2, 3)), ((2, 1, 3), (2, 3)),
              ((), (2, 3))],
    "outer": [((3,), (2,)), ((2, 2), (3,))],
    "matmul": [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 2)), ((2, 3), (3, 2)),
               ((2, 2, 3), (3, 2)), ((2, 1, 2, 3), (2, 3, 1))],
    "kron": [((2,), (3,)), ((2, 2), (2, 1)), ((2,), (2, 2)), ((), (3,))],
    "vecdot": [((2, 3), (3,)), ((3,), (3,))],
    "matvec": [((2, 3), (3,)), ((2, 2, 3), (2, 3))],
    "vecmat": [((3,), (3, 2)), ((2, 3), (2, 3, 2))],
}
for name, pairs in PROD_SHAPES.items():
    for pa, pb in pairs:
        ss = Sampler(f"{name}{pa}{pb}")
        call(name, [ss.u(pa), ss.u(pb)])
    ss = Sampler(name + "complex")
    pa, pb = pairs[1] if len(pairs) > 1 else pairs[0]
    call(name, [ss.c(pa), ss.c(pb)], tag=f"{_sid(pa)},{_sid(pb)},complex")
for axes in (0, 1, 2, ([1], [0]), ([0, 2], [1, 0]), ((-1,), (-2,))):
    shapes = {0: ((2,), (3,)), 1: ((2, 3), (3, 2)), 2: ((2, 2, 3), (2, 3))}.get(
        axes if isinstance(axes, int) else -1, ((2, 3, 2), (2, 2)) if axes == ([0, 2], [1, 0])
        else ((2, 3), (3, 2)))
    ss = Sampler(f"td{axes}")
    call("tensordot", [ss.u(shapes[0]), ss.u(shapes[1])], kw={"axes": axes})
call("tensordot", [Sampler("tdc").c((2, 3)), Sampler("tdc2").c((3, 2))], tag="complex",
     kw={"axes": 1})
for sa, sb, kw in [((3,), (3,), {}), ((2, 3), (2, 3), {}), ((2, 3), (3,), {}),
                   ((2,), (3,), {}), ((3, 2), (2, 3), {"axisa": 0, "axisb": 1}),
                   ((3, 2), (3, 2), {"axis": 0}),
                   ((2, 3), (2, 3), {"axisc": 0})]:
    ss = Sampler(f"cross{sa}{sb}{kw}")
    call("cross", [ss.u(sa), ss.u(sb)], kw=kw)

EINSUM = [
    ("ij,jk->ik", [(2, 3), (3, 2)]), ("ij,jk", [(2, 3), (3, 2)]), ("i,i", [(3,), (3,)]),
    ("i,j->ij", [(2,), (3,)]), ("ii->i", [(3, 3)]), ("ii", [(3, 3)]), ("ij->", [(2, 3)]),
    ("ij->j", [(2, 3)]), ("ji", [(2, 3)]), ("...ij,...jk->...ik", [(2, 2, 3), (3, 2)]),
    ("...i,...i->...", [(2, 3), (3,)]), ("i...->...", [(2, 3)]), ("bij,bjk->bik",
                                                                    [(2, 2, 3), (2, 3, 2)]),
    ("iij->ij", [(2, 2, 3)]), ("ij,ij,ij->i", [(2, 3), (2, 3), (2, 3)]),
    ("ab,bc,cd->ad", [(2, 2), (2, 3), (3, 2)]), ("i,jk->ijk", [(2,), (2, 3)]),
    ("ij,ij->ij", [(2, 1), (2, 3)]), ("iji->j", [(2, 3, 2)]), ("Ab,ba", [(2, 3), (3, 2)]),
]
for spec, shapes in EINSUM:
    ss = Sampler("einsum" + spec)
    add("einsum", _first(anp.einsum, spec), _first(np.einsum, spec),
        [ss.u(sh) for sh in shapes],
        tag=spec)
add("einsum", lambda a, b: anp.einsum("ij,jk->ik", a, b, optimize="greedy"),
    lambda a, b: np.einsum("ij,jk->ik", a, b, optimize="greedy"),
    [Sampler("eo").u((2, 3)), Sampler("eo2").u((3, 2))], tag="ij,jk->ik,optimize=greedy")
add("einsum", lambda a, b: anp.einsum(a, [0, 1], b, [1, 2], [0, 2]),
    lambda a, b: np.einsum(a, [0, 1], b, [1, 2], [0, 2]),
    [Sampler("es").u((2, 3)), Sampler("es2").u((3, 2))], tag="sublists")
add("einsum", lambda a: anp.einsum(a, [Ellipsis, 0]), lambda a: np.einsum(a, [Ellipsis, 0]),
    [Sampler("es3").u((2, 3))], tag="sublist,ellipsis,implicit")
add("einsum", lambda a, b: anp.einsum("ij,jk->ik", a, b),
    lambda a, b: np.einsum("ij,jk->ik", a, b), [Sampler("ec").c((2, 3)),
                                                Sampler("ec2").c((3, 2))],
    tag="ij,jk->ik,complex")

# ---------------------------------------------------------------------------- numerics

for na, nv in ((5, 3), (3, 4), (4, 4)):
    for mode in ("full", "same", "valid"):
        ss = Sampler(f"conv{na}{nv}{mode}")
        call("convolve", [ss.u((na,)), ss.u((nv,))], kw={"mode": mode})
        if na == 5:
            call("correlate", [ss.u((na,)), ss.u((nv,))], kw={"mode": mode})
call("correlate", [Sampler("corc").c((4,)), Sampler("corc2").c((2,))], tag="complex")
XP = np.array([0.0, 0.5, 1.5, 2.0])
add("interp", lambda x, fp: anp.interp(x, XP, fp), lambda x, fp: np.interp(x, XP, fp),
    [np.array([0.2, 0.7, 1.9, -0.5, 2.5, 1.2]), Sampler("ip").u((4,))], tag="x,fp")
add("interp", lambda x, fp: anp.interp(x, XP, fp, left=-1.0, right=3.0),
    lambda x, fp: np.interp(x, XP, fp, left=-1.0, right=3.0),
    [np.array([[0.2, -0.7], [1.9, 2.5]]), Sampler("ip2").u((4,))], tag="2x2,left,right")
add("interp", lambda x, fp: anp.interp(x, XP, fp, period=2.5),
    lambda x, fp: np.interp(x, XP, fp, period=2.5),
    [np.array([0.2, 3.1, -0.4]), Sampler("ip3").u((4,))], tag="period")
add("interp", lambda x, fp: anp.interp(x, XP, fp), lambda x, fp: np.interp(x, XP, fp),
    [np.array([0.3, 1.1]), Sampler("ip4").c((4,))], tag="complex-fp")
for kw in ({}, {"rowvar": False}, {"bias": True}, {"ddof": 0},
           {"aweights": np.array([0.5, 1.0, 2.0, 1.5])}):
    call("cov", [Sampler(f"cov{kw}").u((3, 4))], kw=kw)
call("cov", [Sampler("cov1").u((4,)), Sampler("cov2").u((4,))])
call("cov", [Sampler("covc").c((2, 3))], tag="complex")
call("corrcoef", [Sampler("cc").u((3, 4))])
call("corrcoef", [Sampler("cc2").u((4, 2))], kw={"rowvar": False})
call("unwrap", [np.array([0.0, 3.0, 6.5, 0.2, -2.9]) + Sampler("uw").u((5,), -0.1, 0.1)])
call("vander", [Sampler("va").u((3,))])
call("vander", [Sampler("va2").u((3,))], kw={"N": 4, "increasing": True})
call("polyval", [Sampler("pv").u((3,)), Sampler("pv2").u((2, 2))])
for name in ("polyadd", "polysub", "polymul"):
    call(name, [Sampler(name).u((3,)), Sampler(name + "2").u((2,))])
call("polyder", [Sampler("pd").u((4,))])
call("polyder", [Sampler("pd2").u((4,))], kw={"m": 2})
call("polyint", [Sampler("pi").u((3,))])
call("polyint", [Sampler("pi2").u((3,))], kw={"m": 2, "k": [0.5, -1.0]})
add("polydiv", lambda u, v: anp.polydiv(u, v), lambda u, v: np.polydiv(u, v),
    [Sampler("pdv").u((4,)), np.array([1.2, 0.3]) + Sampler("pdv2").u((2,), -0.1, 0.1)],
    tag="4,2")
call("poly", [Sampler("poly").u((3,))])
add("polyfit", lambda x, y: anp.polyfit(x, y, 2), lambda x, y: np.polyfit(x, y, 2),
    [np.array([0.0, 0.5, 1.0, 1.6, 2.0]), Sampler("pf").u((5,))], tag="5,deg=2")
add("roots", lambda p: anp.roots(p), lambda p: np.roots(p),
    [np.array([1.0, -3.0, 2.0]) + Sampler("rt").u((3,), -0.05, 0.05)], tag="real-roots",
    second_order=False)

# ---------------------------------------------------------------------------- creation

add("full", lambda v: anp.full((2, 3), v), lambda v: np.full((2, 3), v), [np.array(0.7)],
    tag="fill_value", dispatch=False)
add("full", lambda v: anp.full((2, 3), v), lambda v: np.full((2, 3), v),
    [Sampler("fl").u((3,))], tag="fill_value=3", dispatch=False)
add("full_like", lambda v: anp.full_like(np.zeros((2, 2)), v),
    lambda v: np.full_like(np.zeros((2, 2)), v), [np.array(-1.3)], tag="fill_value",
    dispatch=False)
add("linspace", lambda a, b: anp.linspace(a, b, 5), lambda a, b: np.linspace(a, b, 5),
    [np.array(0.3), np.array(2.1)], tag="start,stop,num=5")
add("linspace", lambda a, b: anp.linspace(a, b, 4, endpoint=False, retstep=True),
    lambda a, b: np.linspace(a, b, 4, endpoint=False, retstep=True),
    [np.array([0.3, -1.0]), np.array(2.1)], tag="vector-start,endpoint=False,retstep")
add("linspace", lambda a, b: anp.linspace(a, b, 3, axis=1),
    lambda a, b: np.linspace(a, b, 3, axis=1), [np.array([0.3, -1.0]), np.array([1.0, 2.0])],
    tag="axis=1")
add("logspace", lambda a, b: anp.logspace(a, b, 4), lambda a, b: np.logspace(a, b, 4),
    [np.array(0.3), np.array(1.1)], tag="start,stop")
add("array", lambda x: anp.array([x, x ** 2, anp.sin(x)]),
    lambda x: np.array([x, x ** 2, np.sin(x)]), [Sampler("arr").u((2,))], tag="nested-list",
    dispatch=False)
add("array", lambda x: anp.array([[x[0], 1.0], [x[1], x[0] * x[1]]]),
    lambda x: np.array([[x[0], 1.0], [x[1], x[0] * x[1]]]), [Sampler("arr2").u((2,))],
    tag="scalars-and-constants", dispatch=False)
for name in ("asarray", "asanyarray", "copy", "ascontiguousarray", "asfortranarray", "require",
             "asarray_chkfinite"):
    # np.asarray & co. convert through __array__ rather than dispatch
    call(name, [Sampler(name).u((2, 3))], dispatch=name == "copy")
add("astype", lambda x: anp.astype(x, np.complex128) * (1 + 2j),
    lambda x: np.astype(x, np.complex128) * (1 + 2j), [Sampler("astype").u((2, 3))],
    tag="2x3,float64-to-complex128")
add("geomspace", lambda a, b: anp.geomspace(a, b, 4), lambda a, b: np.geomspace(a, b, 4),
    [np.array(0.5), np.array(8.0)], tag="start,stop")
add("geomspace", lambda a, b: anp.geomspace(a, b, 3, endpoint=False, axis=1),
    lambda a, b: np.geomspace(a, b, 3, endpoint=False, axis=1),
    [np.array([-0.5, 2.0]), np.array([-4.0, 3.0])], tag="negative,endpoint=False,axis=1")
add("fromfunction", lambda w: anp.fromfunction(lambda i, j: w[i] * (j + 1), (2, 3), dtype=int),
    lambda w: np.fromfunction(lambda i, j: w[i] * (j + 1), (2, 3), dtype=int),
    [Sampler("ff").u((2,))], tag="closure", dispatch=False)
add("bincount", lambda w: anp.bincount(np.array([0, 2, 2, 4]), weights=w, minlength=6),
    lambda w: np.bincount(np.array([0, 2, 2, 4]), weights=w, minlength=6),
    [Sampler("bc").u((4,))], tag="weights")


# ---------------------------------------------------------------------------- linalg
#
# numpy.linalg on well-conditioned inputs (the functions differentiable everywhere near
# them). eigh / eigvalsh / cholesky read one triangle: their gradient is checked on
# unstructured inputs in test_linalg.py and by the fuzzer (tests/fuzzlib, family linalg).


def _wellcond(key: str, shape: tuple) -> np.ndarray:
    n = shape[-1]
    return 1.5 * np.eye(n) + 0.4 * Sampler(key).u(shape[:-2] + (n, n), -1, 1)


for name in ("inv", "det", "slogdet"):
    for shape in [(3, 3), (2, 2, 2)]:
        call(f"linalg.{name}", [_wellcond(name + str(shape), shape)])
call("linalg.solve", [_wellcond("solve", (3, 3)), Sampler("solveb").u((3,))])
call("linalg.solve", [_wellcond("solve2", (3, 3)), Sampler("solveb2").u((3, 2))])
call("linalg.pinv", [_wellcond("pinv", (3, 3))[:, :2]])
for n in (3, -2):
    call("linalg.matrix_power", [_wellcond(f"mp{n}", (3, 3))], kw={"n": n})
for kw in ({}, {"ord": 1}, {"ord": np.inf}, {"ord": 3}):
    call("linalg.norm", [Sampler(f"vn{kw}").nz((4,))], kw=kw)
for kw in ({}, {"ord": "fro"}, {"ord": "nuc"}, {"ord": 2}, {"axis": 1}):
    call("linalg.norm", [_wellcond(f"mn{kw}", (3, 3))], kw=kw)
call("linalg.svd", [_wellcond("svd", (3, 3))[:, :2]], kw={"compute_uv": False})
call("linalg.qr", [_wellcond("qr", (3, 3))])
call("linalg.vector_norm", [Sampler("vnorm").nz((2, 3))], kw={"axis": 1})
call("linalg.matrix_norm", [_wellcond("mnorm", (2, 3, 3))])
add("linalg.multi_dot", _listed(anp.linalg.multi_dot, {}), _listed(np.linalg.multi_dot, {}),
    [_wellcond("md5", (2, 2)), Sampler("md6").u((2, 3)), Sampler("md7").u((3,))],
    tag="2x2,2x3,3")


def _written(write_ours, write_np):
    """In-place writers as functions: copy, write, return."""
    def ours(x, v):
        y = x * 1.0
        write_ours(y, v)
        return y

    def theirs(x, v):
        y = np.array(x, dtype=float, copy=True)
        write_np(y, v)
        return y

    return ours, theirs


MASK = np.array([[True, False, False], [False, True, True]])
WRITERS = {
    "put": (lambda y, v: anp.put(y, [0, 4, 2], v), lambda y, v: np.put(y, [0, 4, 2], v),
            (2,)),
    "place": (lambda y, v: anp.place(y, MASK, v), lambda y, v: np.place(y, MASK, v), (2,)),
    "putmask": (lambda y, v: anp.putmask(y, MASK, v), lambda y, v: np.putmask(y, MASK, v),
                (4,)),
    "copyto": (lambda y, v: anp.copyto(y, v, where=MASK),
               lambda y, v: np.copyto(y, v, where=MASK), (3,)),
    "fill_diagonal": (lambda y, v: anp.fill_diagonal(y, v),
                      lambda y, v: np.fill_diagonal(y, v), (2,)),
}
for name, (w_ours, w_np, vshape) in WRITERS.items():
    ours, theirs = _written(w_ours, w_np)
    add(name, ours, theirs, [Sampler(name).u((2, 3)), Sampler(name + "v").u(vshape)],
        tag=f"2x3,values={_sid(vshape)}", dispatch=False)


def _np_put_along(a, idx, v, axis):
    out = np.array(a, copy=True)
    np.put_along_axis(out, idx, v, axis)
    return out


# ---------------------------------------------------------------------------- array-likes
#
# NumPy accepts an array_like wherever its documentation says so: a (nested) list or tuple
# of arrays and scalars is the same array. Every case above whose input reaches a NumPy
# parameter documented as array_like gets a twin in ARRAY_LIKE_CASES: that input given as
# a list/tuple of tensors (rows ``x[i]``, or nested down to 0-d pieces), some entries
# frozen into NumPy constants or Python scalars (they carry no gradient then, in the finite
# differences too). Same reference, same checks (dispatch aside: NumPy's own functions do
# not look for tensors inside a list).
#
# Which parameter an input reaches is found by probing, not declared: the case's NumPy
# reference is called with probe objects, and the first NumPy function a probe is passed
# to (NEP 18 / NEP 13 dispatch) reports the call; when that function is the case's own,
# its signature binds the probes to parameter names.


class _Reached(Exception):
    def __init__(self, func, args, kwargs):
        self.func, self.args, self.kwargs = func, args, kwargs


class _Probe:
    def __init__(self, i: int, sample: np.ndarray) -> None:
        self.i, self.sample = i, sample

    def __array__(self, dtype=None, copy=None):
        # (code that builds constants from an input first, e.g. np.array(x), still runs)
        return np.asarray(self.sample, dtype=dtype)

    def __array_function__(self, func, types, args, kwargs):
        raise _Reached(func, args, kwargs)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        raise _Reached(ufunc if method == "__call__" else None, inputs, kwargs)


def reached_params(case: Case) -> list:
    """For each input, the NumPy parameter of ``case.func`` it is passed to directly
    (``"arrays[]"`` for an item of a sequence parameter), or None."""
    import inspect

    probes = [_Probe(i, np.asarray(x)) for i, x in enumerate(case.inputs)]
    try:
        case.ref(*probes)
    except _Reached as r:
        if r.func is None or r.func is not resolve(np, case.func):
            return [None] * len(probes)
        try:
            bound = inspect.signature(r.func).bind(*r.args, **r.kwargs).arguments
        except (TypeError, ValueError):
            return [None] * len(probes)
        found: list = [None] * len(probes)
        for name, value in bound.items():
            for item, suffix in ([(value, "")] + [(v, "[]") for v in value]
                                 if isinstance(value, (list, tuple)) else [(value, "")]):
                if isinstance(item, _Probe):
                    found[item.i] = name + suffix
        return found
    except Exception:  # the reference does something else with its inputs first
        return [None] * len(probes)
    # no dispatch reached (np.asarray & co. convert instead): what ``call`` passed
    return list(case.passes) if case.passes else [None] * len(probes)


def array_like_params(func: str) -> set[str]:
    """The parameters of ``numpy.func`` documented as array_like (``a : array_like``,
    ``x1, x2 : array_like``; ``a1, a2, ... : sequence of array_like`` and ``*args`` give
    ``name[]``, the items of that parameter). Aliases follow their target's docs."""
    import inspect
    import re

    f = resolve(np, func)
    doc = getattr(f, "__doc__", None) or ""
    alias = re.search(r"alias of `~?numpy\.(\w+)`|documentation for `?(\w+)`? for", doc)
    if alias and "Parameters\n" not in doc:
        return array_like_params(alias.group(1) or alias.group(2))
    try:
        params = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        params = []
    sig = [p.name for p in params]
    varargs = {p.name for p in params if p.kind == p.VAR_POSITIONAL}
    section = doc.split("Parameters\n", 1)[-1].split("Returns\n", 1)[0]
    out: set[str] = set()
    for m in re.finditer(r"^\s*([\w*][\w*, .]*?)\s*:\s*(.+)$", section, re.M):
        kind = m.group(2)
        if not re.search(r"array[_-]like", kind):
            continue
        sequence = re.search(r"(sequence|list|tuple) of array[_-]like", kind)
        for n in (n.strip().lstrip("*") for n in m.group(1).split(",")):
            if n in sig and n not in varargs and not sequence:
                out.add(n)
            elif n in varargs or (sig and (sequence or n not in sig) and n not in ("...", "")):
                out.add(f"{n if n in sig else sig[0]}[]")
    return out


# How an input becomes an array_like, in turn per function (all hold tensors that record).
ARRAY_LIKE_KINDS = ("list of rows", "nested lists of 0-d pieces",
                    "tuple of rows, one a NumPy constant", "list with Python scalars")


def _pieces(x, sample: np.ndarray, kind: str):
    """``x`` (a Tensor, or for the reference a NumPy array) as an array_like of ``kind``;
    frozen entries come from ``sample``."""
    if kind == "list of rows":
        return [x[i] for i in range(x.shape[0])]
    if kind == "tuple of rows, one a NumPy constant":
        return tuple(np.array(sample[i]) if i == 1 else x[i] for i in range(x.shape[0]))
    scalars = kind == "list with Python scalars"  # odd entries of the last axis: numbers

    def nest(idx: tuple):
        if len(idx) == x.ndim:
            return sample[idx].item() if scalars and idx[-1] % 2 else x[idx]
        return [nest(idx + (i,)) for i in range(x.shape[len(idx)])]

    return nest(())


def _variant(case: Case, kinds: list) -> Case | None:
    """The case with its inputs given as array-likes of ``kinds``; the reference is NumPy
    on the same array-likes (of arrays). None where NumPy itself refuses them (its docs
    say array_like, its code does not: ``apply_over_axes`` reads ``a.ndim``; ``block``
    takes lists as its block structure)."""
    samples = [np.asarray(x) for x in case.inputs]

    def given(xs):
        return [_pieces(x, s, k) if k else x for x, s, k in zip(xs, samples, kinds)]

    def fn(*xs):
        return case.fn(*given(xs))

    def ref(*xs):
        return case.ref(*given(xs))

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got, want = ref(*samples), case.ref(*samples)
        for g, w in zip(_flat(got), _flat(want)):
            if not np.allclose(g, w, equal_nan=True):
                return None
    except Exception:
        return None
    used = "; ".join(sorted({k for k in kinds if k}))
    return Case(f"{case.id}[array_like: {used}]", fn, ref, case.inputs,
                dict(case.opts, dispatch=False), case.func)


def _flat(out) -> list:
    return [np.asarray(o) for o in out] if isinstance(out, (tuple, list)) else [np.asarray(out)]


def _array_like_variants(cases: list[Case]) -> list[Case]:
    out: list[Case] = []
    turn: dict[str, int] = {}
    for case in cases:
        takes = array_like_params(case.func)
        if not takes:
            continue
        kinds: list = []
        for p, x in zip(reached_params(case), case.inputs):
            x = np.asarray(x)
            if p not in takes or x.ndim == 0 or x.size == 0 or x.dtype.kind not in "fc":
                kinds.append(None)
                continue
            k = ARRAY_LIKE_KINDS[turn.get(case.func, 0) % len(ARRAY_LIKE_KINDS)]
            turn[case.func] = turn.get(case.func, 0) + 1
            if k == "tuple of rows, one a NumPy constant" and x.shape[0] < 2:
                k = "list of rows"
            if k == "list with Python scalars" and x.shape[-1] < 2:
                k = "nested lists of 0-d pieces"
            kinds.append(k)
        variant = _variant(case, kinds) if any(kinds) else None
        if variant is not None:
            out.append(variant)
    return out


ARRAY_LIKE_CASES: list[Case] = _array_like_variants(CASES)
