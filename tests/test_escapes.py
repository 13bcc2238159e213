"""No way out of the graph without an error: a tensor that requires grad (or is being
recorded) never silently becomes a plain array. Where NumPy maps a Python function over
elements (vectorize, frompyfunc, apply_along_axis, apply_over_axes, piecewise,
fromfunction) arraygrad records instead; plain NumPy/SciPy code that converts the tensor
raises, naming the function and the fix."""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest

import arraygrad as ag
from arraygrad import numpy as anp
from arraygrad.compat import print_style
from arraygrad.compat.mxnet import autograd as mx_autograd

sc = pytest.importorskip("scipy.special")


def leaf(*values):
    return ag.tensor(np.array(values, dtype=np.float64), requires_grad=True)


# ---------------------------------------------------------------------------- conversions

CONVERSIONS = {
    "np.asarray": lambda t: np.asarray(t),
    "np.array": lambda t: np.array(t),
    "np.asanyarray": lambda t: np.asanyarray(t),
    "np.ascontiguousarray": lambda t: np.ascontiguousarray(t),
    "np.array(list)": lambda t: np.array([t, t]),
    "numpy()": lambda t: t.numpy(),
    "__array__": lambda t: t.__array__(),
    "np.float64 cast": lambda t: np.asarray(t, dtype=np.float64),
}


@pytest.mark.parametrize("how", sorted(CONVERSIONS))
def test_a_tensor_that_requires_grad_refuses_to_become_an_array(how):
    x = leaf(1.0, 2.0)
    with pytest.raises(RuntimeError, match="requires grad") as info:
        CONVERSIONS[how](x)
    assert "detach()" in str(info.value)
    with ag.no_grad():  # PyTorch refuses under no_grad too: requires_grad is a property
        with pytest.raises(RuntimeError):
            CONVERSIONS[how](x)
    # a computed tensor is refused like its leaf
    with pytest.raises(RuntimeError):
        CONVERSIONS[how](x * 2)


@pytest.mark.parametrize("how", sorted(CONVERSIONS))
def test_the_fixes_named_in_the_message_work(how):
    x = leaf(1.0, 2.0)
    np.testing.assert_array_equal(CONVERSIONS[how](x.detach()).ravel()[:2], [1.0, 2.0])
    np.testing.assert_array_equal(x.numpy(force=True), [1.0, 2.0])
    np.testing.assert_array_equal(x.asnumpy(), [1.0, 2.0])  # MXNet's explicit copy


def test_pytorch_message():
    with pytest.raises(RuntimeError, match=r"Can't call numpy\(\) on a tensor that requires "
                                           r"grad.*tensor.detach\(\).numpy\(\)"):
        leaf(1.0).numpy()


def test_mxnet_tensors_convert_outside_record_and_refuse_inside():
    x = ag.tensor(np.array([1.0, 2.0]))
    x.attach_grad()
    np.testing.assert_array_equal(np.asarray(x), [1.0, 2.0])  # not being recorded
    with mx_autograd.record():
        y = x * 2
        with pytest.raises(RuntimeError, match="requires grad"):
            np.asarray(y)
        np.testing.assert_array_equal(y.asnumpy(), [2.0, 4.0])  # MXNet: always allowed
    np.testing.assert_array_equal(np.asarray(y), [2.0, 4.0])


def test_integer_and_boolean_casts_have_no_gradient_and_pass():
    x = leaf(1.7, 2.2)
    np.testing.assert_array_equal(np.int64(x), [1, 2])
    np.testing.assert_array_equal(np.asarray(x, dtype=bool), [True, True])
    with print_style("arraygrad"):  # a front door imported earlier may have set its own
        assert x.tolist() == [1.7, 2.2] and repr(x).startswith("tensor(")


# ---------------------------------------------------------------------------- Python maps

FUNCS = {
    "poly": lambda t: 3 * t * t - t,
    "branch": lambda t: t * t if t > 1.5 else -2 * t,
    "trig": lambda t: anp.sin(t) * anp.exp(t / 3),
    "const": lambda t: 2.0,
}


def _fd(f, x, eps=1e-6):
    g = np.zeros_like(x)
    for i in np.ndindex(*x.shape):
        e = np.zeros_like(x)
        e[i] = eps
        g[i] = (f(x + e) - f(x - e)) / (2 * eps)
    return g


def _np_version(fn):
    # The NumPy oracle: the same Python function on floats (anp.* on floats are plain).
    return lambda t: float(np.asarray(fn(float(t)) if not isinstance(fn(float(t)), ag.Tensor)
                                      else fn(float(t)).numpy()))


MAPS = {
    "vectorize": (lambda f, x: anp.vectorize(f)(x),
                  lambda f, x: np.vectorize(_np_version(f))(x)),
    "vectorize_otypes": (lambda f, x: anp.vectorize(f, otypes=[np.float64])(x),
                         lambda f, x: np.vectorize(_np_version(f), otypes=[np.float64])(x)),
    "frompyfunc": (lambda f, x: anp.frompyfunc(f, 1, 1)(x),
                   lambda f, x: np.frompyfunc(_np_version(f), 1, 1)(x).astype(float)),
    "apply_along_axis": (
        lambda f, x: anp.apply_along_axis(lambda r: anp.stack([f(v) * 1.0 for v in r]), 1, x),
        lambda f, x: np.apply_along_axis(lambda r: np.array([_np_version(f)(v) for v in r]),
                                         1, x)),
    "piecewise": (lambda f, x: anp.piecewise(x, [x.detach().numpy() > 1.0],
                                             [lambda t: anp.vectorize(f)(t), lambda t: t * 0.5]),
                  lambda f, x: np.piecewise(x, [x > 1.0], [np.vectorize(_np_version(f)),
                                                           lambda t: t * 0.5])),
}


@pytest.mark.parametrize("fname", sorted(FUNCS))
@pytest.mark.parametrize("mname", sorted(MAPS))
def test_python_maps_record_and_match_numpy(mname, fname):
    ours, theirs = MAPS[mname]
    f = FUNCS[fname]
    x0 = np.array([[0.5, 1.25, 2.0], [1.75, -0.5, 3.0]])
    w = np.random.default_rng(0).standard_normal(x0.shape)
    x = ag.tensor(x0, requires_grad=True)
    out = ours(f, x)
    np.testing.assert_allclose(out.detach().numpy(), theirs(f, x0), rtol=1e-12)
    numeric = _fd(lambda a: float(np.sum(theirs(f, a) * w)), x0)
    if out.grad_fn is None:  # a function of nothing: no graph, and none is needed
        np.testing.assert_array_equal(numeric, 0)
        return
    anp.sum(out * w).backward()
    got = np.zeros_like(x0) if x.grad is None else x.grad.detach().numpy()
    np.testing.assert_allclose(got, numeric, rtol=1e-6, atol=1e-7)


def test_apply_over_axes_and_fromfunction_record():
    x0 = np.arange(6.0).reshape(2, 3) + 1
    x = ag.tensor(x0, requires_grad=True)
    out = anp.apply_over_axes(anp.sum, x * x, [0, 1])
    np.testing.assert_allclose(out.detach().numpy(), np.apply_over_axes(np.sum, x0 * x0, [0, 1]))
    out.sum().backward()
    np.testing.assert_allclose(x.grad.detach().numpy(), 2 * x0)
    x.grad = None
    grid = anp.fromfunction(lambda i, j: x[i, j] * (i + 1), (2, 3), dtype=int)
    np.testing.assert_allclose(grid.detach().numpy(), x0 * np.array([[1], [2]]))
    grid.sum().backward()
    np.testing.assert_allclose(x.grad.detach().numpy(), np.array([[1.0] * 3, [2.0] * 3]))


@pytest.mark.parametrize("name,call", [
    ("unique", lambda x: anp.unique(x)),
    ("unique", lambda x: np.unique(x, return_counts=True)[0]),
    ("union1d", lambda x: np.union1d(x, [5.0])),
    ("histogram_bin_edges", lambda x: np.histogram_bin_edges(x, 3)),
    ("histogram", lambda x: np.histogram(x, 3)[1]),
])
def test_values_without_a_derivative_raise_at_backward_as_torch_unique(name, call):
    x = leaf(0.4, 1.6, -2.5, 1.6)
    out = call(x)
    assert out.requires_grad  # torch.unique: requires_grad, grad_fn=Unique2Backward0
    with pytest.raises(NotImplementedError, match=rf"derivative of numpy\.{name} "):
        out.sum().backward()
    assert not np.histogram(x, 3)[0].requires_grad  # counts: integers, no gradient
    values, index = np.unique(x.detach(), return_index=True)
    anp.sum(x[index] * 2).backward()  # the fix the message names records
    np.testing.assert_array_equal(x.grad.numpy(), [2, 2, 2, 0])


def test_plain_numpy_vectorize_names_the_recording_twin():
    with pytest.raises(RuntimeError, match=r"numpy\.vectorize .*arraygrad\.numpy\.vectorize"):
        np.vectorize(lambda t: 2 * t)(leaf(1.0, 2.0))


# ---------------------------------------------------------------------------- SciPy

# SciPy's Python-level functions with an arraygrad twin: the message points there.
TWINNED = {
    "logsumexp": lambda f, x: f(x), "softmax": lambda f, x: f(x),
    "log_softmax": lambda f, x: f(x), "polygamma": lambda f, x: f(1, x),
    "multigammaln": lambda f, x: f(x + 3, 2),
}


@pytest.mark.parametrize("name", sorted(TWINNED))
def test_scipy_python_functions_raise_and_point_to_the_twin(name):
    with pytest.raises(RuntimeError, match=rf"scipy\.special\.{name} .*"
                                           rf"arraygrad\.scipy\.special\.{name}"):
        TWINNED[name](getattr(sc, name), leaf(0.5, 1.5))
    from arraygrad.scipy import special as asp

    x = leaf(0.5, 1.5)  # ...and the twin records
    assert TWINNED[name](getattr(asp, name), x).grad_fn is not None


def test_scipy_ufuncs_dispatch_or_name_scipy_special():
    code = ("import numpy as np, scipy.special as sc, arraygrad as ag\n"
            "x = ag.tensor(np.array([0.3, 0.6]), requires_grad=True)\n"
            "y = sc.erf(x); y.sum().backward()\n"  # arraygrad.scipy was never imported
            "assert np.allclose(x.grad.numpy(), 2 / np.sqrt(np.pi) * np.exp(-x.detach().numpy()"
            " ** 2))\n"
            "try:\n    sc.airy(x)\nexcept TypeError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "scipy.special.airy is not differentiable" in out.stdout
    assert "numpy.airy" not in out.stdout


def _float_result(out) -> bool:
    if isinstance(out, ag.Tensor):
        return out.grad_fn is None and out.dtype.kind in "fc"
    if isinstance(out, (np.ndarray, np.generic)):
        return out.dtype.kind in "fc" and out.size > 0
    if isinstance(out, float):
        return True
    return isinstance(out, (tuple, list)) and any(_float_result(o) for o in out)


ARG_PATTERNS = [lambda x: (x,), lambda x: (x, x), lambda x: (x, 2), lambda x: (x, x, x)]
# (2, x) style calls pass the tensor where an integer/dtype goes; no values leak.
SCIPY_MODULES = ["scipy.special", "scipy.linalg", "scipy.signal", "scipy.stats"]
# Functions of counts: they cast the tensor to integers (allowed: no gradient by nature).
COUNTS = {"cumfreq", "fisher_exact"}


def _python_level(modname):
    import importlib

    mod = importlib.import_module(modname)
    for name in sorted(dir(mod)):
        f = getattr(mod, name)
        if name.startswith("_") or not callable(f) or isinstance(f, (np.ufunc, type)):
            continue
        yield name, f


@pytest.mark.parametrize("modname", SCIPY_MODULES)
def test_no_scipy_python_function_returns_a_constant_for_a_recording_tensor(modname):
    escaped = []
    checked = 0
    for name, f in _python_level(modname):
        for make in ARG_PATTERNS:
            x = ag.tensor(np.eye(3) + 0.25, requires_grad=True)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    out = f(*make(x))
            except Exception as exc:  # noqa: BLE001 - a refusal or a signature mismatch
                if "requires grad" in str(exc) or "not differentiable" in str(exc):
                    checked += 1
                    break  # refused, by name
                continue
            checked += 1
            if _float_result(out) and name not in COUNTS:
                escaped.append(name)
            break
    assert not escaped, f"{modname}: silently constant on a recording tensor: {escaped}"
    assert checked > 0
