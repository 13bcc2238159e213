"""What peers' code finds in NumPy/SciPy, found in arraygrad: every scalar type, alias and
constant NumPy exports (scripted against numpy's namespace), ``r_``/``c_`` with NumPy's
directives (values equal, gradients checked by finite differences), and SciPy's result
dtypes for every arraygrad.scipy.special function on float32 and float64."""

from __future__ import annotations

import numpy as np
import pytest

import arraygrad as ag
from arraygrad import numpy as anp

TYPES = sorted(n for n in dir(np) if not n.startswith("_") and isinstance(getattr(np, n), type)
               and issubclass(getattr(np, n), (np.generic, np.dtype)))
CONSTANTS = sorted(n for n in dir(np) if not n.startswith("_")
                   and isinstance(getattr(np, n), (float, int, np.generic, str)))


@pytest.mark.parametrize("name", TYPES + CONSTANTS)
def test_numpy_types_aliases_and_constants_are_numpys_own(name):
    theirs = getattr(np, name)
    ours = getattr(anp, name)
    assert ours is theirs or (isinstance(theirs, float) and np.isnan(theirs) and np.isnan(ours))


def test_the_scan_found_the_aliases_peers_use():
    for name in ("longdouble", "clongdouble", "single", "double", "intc", "uintp", "int_",
                 "half", "byte", "ubyte", "short", "longlong", "csingle", "cdouble", "str_",
                 "object_", "datetime64", "timedelta64", "void", "character", "flexible"):
        assert name in TYPES and getattr(anp, name) is getattr(np, name)
    assert anp.newaxis is None and anp.pi == np.pi


def _keys(a, b, m):
    """Index keys over a (3,), b (3,) and m (2, 3) (tensors or arrays), NumPy's forms."""
    return {
        "tensors": (a, b), "scalars": (a, 0.5, 2, b), "slice": (slice(0, 3), a),
        "slice_step": (a, slice(5, 0, -2)), "linspace": (slice(0, 1, 4j), b),
        "axis_str": ("0", m, m), "axis_last": ("-1", m, m), "ndmin": ("0,2", a, b),
        "trans1d": ("0,2,0", a, b), "row": ("r", a, b), "col": ("c", a, b),
        "list": ([1.0, 2.0], a), "matrix_rows": (m, a[None, :]),
    }


KEY_NAMES = sorted(_keys(np.zeros(3), np.zeros(3), np.zeros((2, 3))))


@pytest.mark.filterwarnings("ignore:the matrix subclass")  # NumPy's 'r'/'c' make matrices
@pytest.mark.parametrize("which", ["r_", "c_"])
@pytest.mark.parametrize("case", KEY_NAMES)
def test_r_and_c_match_numpy_and_differentiate(which, case):
    rng = np.random.default_rng(abs(hash(case)) % 2**32)
    raw = [rng.standard_normal(3), rng.standard_normal(3), rng.standard_normal((2, 3))]

    def theirs(*arrays):
        return np.asarray(getattr(np, which)[_keys(*arrays)[case]])

    leaves = [ag.tensor(v, requires_grad=True) for v in raw]
    try:
        expected = theirs(*raw)
    except ValueError:
        with pytest.raises(ValueError):
            getattr(anp, which)[_keys(*leaves)[case]]
        return
    got = getattr(anp, which)[_keys(*leaves)[case]]
    assert got.shape == expected.shape
    np.testing.assert_allclose(got.detach().numpy(), expected)
    w = rng.standard_normal(expected.shape)
    anp.sum(got * w).backward()
    for k, leaf in enumerate(leaves):
        fd = np.zeros_like(raw[k])
        for i in np.ndindex(*raw[k].shape):
            plus, minus = [r.copy() for r in raw], [r.copy() for r in raw]
            plus[k][i] += 1e-6
            minus[k][i] -= 1e-6
            fd[i] = (np.sum(theirs(*plus) * w) - np.sum(theirs(*minus) * w)) / 2e-6
        g = np.zeros_like(raw[k]) if leaf.grad is None else leaf.grad.detach().numpy()
        np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-8)


# ---------------------------------------------------------------------------- SciPy dtypes

sc = pytest.importorskip("scipy.special")
from arraygrad.scipy import special as asp  # noqa: E402

# In-domain arguments for the functions whose natural domain is not (0.5, 1.25).
ARGS = {
    "polygamma": lambda x: (np.array([1, 2]), x), "multigammaln": lambda x: (x + 3, 2),
    "erfinv": lambda x: (x * 0.3,), "erfcinv": lambda x: (x * 0.3 + 0.5,),
    "ndtri": lambda x: (x * 0.3 + 0.4,), "logit": lambda x: (x * 0.3 + 0.4,),
    "betainc": lambda x: (x + 1, x + 2, x * 0.3 + 0.4), "gammainc": lambda x: (x + 1, x),
    "gammaincc": lambda x: (x + 1, x), "stdtr": lambda x: (x + 2, x),
    "pdtr": lambda x: (x + 1, x), "pdtrc": lambda x: (x + 1, x),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(asp.__all__))
def test_special_functions_return_scipys_dtype_and_values(name, dtype):
    theirs = getattr(sc, name)
    x = np.array([0.5, 1.25], dtype=dtype)
    if name in ARGS:
        args = ARGS[name](x)
    else:
        args = (x,) * (theirs.nin if isinstance(theirs, np.ufunc) else 1)
    args = tuple(a.astype(dtype) if isinstance(a, np.ndarray) and a.dtype.kind == "f" else a
                 for a in args)
    expected = np.asarray(theirs(*args))
    got = getattr(asp, name)(*[ag.tensor(a) if isinstance(a, np.ndarray) else a for a in args])
    assert got.dtype == expected.dtype, f"{name}({dtype.__name__}): {got.dtype} vs SciPy's"
    tol = 1e-5 if expected.dtype == np.float32 else 1e-12
    np.testing.assert_allclose(got.numpy(), expected, rtol=tol, atol=tol)


def test_functions_returning_types_return_them_plain():
    # a scalar type is not an array: it must not come back wrapped in a tensor
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    assert anp.common_type(x) is np.common_type(np.array([1.0, 2.0]))
    assert anp.common_type(ag.tensor([1, 2], dtype="int32")) is np.float64
