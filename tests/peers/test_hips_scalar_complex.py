"""Ported from HIPS/autograd ``tests/test_scalar_ops.py`` and ``tests/test_complex.py``.

Adapted: ``grad(f)(x)`` returns a 0-d Tensor (HIPS: a float); compared with
``np.allclose``. The complex checks pair cotangents bilinearly (JAX's convention,
arraygrad's), so ``grad`` of a real function of ``z`` is ``dL/dx - i dL/dy`` (HIPS
returns the conjugate).
"""

import numpy as np
import pytest
from _peer_util import check_grads

import arraygrad as ag
from arraygrad import numpy as anp

rng = np.random.default_rng(1)

SCALAR = {
    "abs": (anp.abs, [1.1, -1.1]),
    "sin": (anp.sin, [rng.standard_normal()]),
    "sign": (anp.sign, [1.1, -1.1]),
    "exp": (anp.exp, [rng.standard_normal()]),
    "log": (anp.log, [abs(rng.standard_normal()) + 0.1]),
    "log2": (anp.log2, [abs(rng.standard_normal()) + 0.1]),
    "log10": (anp.log10, [abs(rng.standard_normal()) + 0.1]),
    "log1p": (anp.log1p, [abs(rng.standard_normal())]),
    "expm1": (anp.expm1, [rng.standard_normal()]),
    "exp2": (anp.exp2, [rng.standard_normal()]),
    "neg": (lambda x: -x, [rng.standard_normal()]),
    "cos": (anp.cos, [rng.standard_normal()]),
    "tan": (anp.tan, [rng.standard_normal()]),
    "cosh": (anp.cosh, [rng.standard_normal()]),
    "sinh": (anp.sinh, [rng.standard_normal()]),
    "tanh": (anp.tanh, [rng.standard_normal()]),
    "arccos": (anp.arccos, [0.1]),
    "arcsin": (anp.arcsin, [0.1]),
    "arctan": (anp.arctan, [0.2]),
    "arccosh": (anp.arccosh, [rng.standard_normal() ** 2 + 1.2]),
    "arcsinh": (anp.arcsinh, [rng.standard_normal()]),
    "arctanh": (anp.arctanh, [0.2]),
    "sqrt": (anp.sqrt, [rng.standard_normal() ** 2 + 0.1]),
    "reciprocal": (anp.reciprocal, [rng.standard_normal() ** 2 + 0.5]),
    "negative": (anp.negative, [rng.standard_normal()]),
    "rad2deg": (anp.rad2deg, [rng.standard_normal()]),
    "deg2rad": (anp.deg2rad, [rng.standard_normal()]),
    "radians": (anp.radians, [rng.standard_normal()]),
    "degrees": (anp.degrees, [rng.standard_normal()]),
    "sinc": (anp.sinc, [rng.standard_normal()]),
    "power_arg0": (lambda x: anp.power(x, 1.7), [rng.standard_normal() ** 2 + 0.2]),
    "power_arg1": (lambda y: anp.power(1.7, y), [rng.standard_normal()]),
    "power_arg1_zero": (lambda y: anp.power(0.0, y), [rng.random() ** 2 + 0.5]),
    "mod_arg0": (lambda x: anp.mod(x, 1.7), [0.3]),
    "mod_arg1": (lambda y: anp.mod(1.7, y), [0.5]),
    "divide_arg0": (lambda x: anp.divide(x, 1.7), [rng.standard_normal()]),
    "divide_arg1": (lambda y: anp.divide(1.7, y), [1.3]),
    "multiply_arg0": (lambda x: anp.multiply(x, 1.7), [rng.standard_normal()]),
    "multiply_arg1": (lambda y: anp.multiply(1.7, y), [rng.standard_normal()]),
    "true_divide_arg0": (lambda x: anp.true_divide(x, 1.7), [rng.standard_normal()]),
    "true_divide_arg1": (lambda y: anp.true_divide(1.7, y), [1.3]),
    "square": (anp.square, [rng.standard_normal()]),
}


@pytest.mark.parametrize("name", list(SCALAR))
def test_scalar_op(name):
    fn, points = SCALAR[name]
    fun = lambda x: 3.0 * fn(x)  # noqa: E731  (HIPS scales every op by 3)
    d_fun = ag.grad(fun)
    for x in points:
        check_grads(fun, x)
        check_grads(d_fun, x)


def test_grad_returns_tensor_of_input_dtype():
    g = ag.grad(lambda x: 3.0 * anp.sin(x))(0.5)
    assert isinstance(g, ag.Tensor) and g.shape == () and g.dtype == np.float64
    assert np.allclose(g, 3.0 * np.cos(0.5))
    assert float(g) == pytest.approx(3.0 * np.cos(0.5))


# ------------------------------------------------------------------ test_complex.py


def test_real_type():
    df = ag.grad(lambda x: anp.sum(anp.real(x)))
    assert np.isrealobj(df(2.0))
    assert np.iscomplexobj(df(1.0j))
    assert np.allclose(df(1.0j), 1.0)


def test_imag_grad_is_jax_convention():
    # L = Im(z): JAX (and arraygrad) give dL/dx - i dL/dy = -i; HIPS gives +i.
    assert np.allclose(ag.grad(lambda z: anp.imag(z))(1.0 + 2.0j), -1j)


def test_abs_complex_grad_value():
    z = 1.1 + 1.2j
    # |z|: dL/dx - i dL/dy = (x - i y)/|z| = conj(z)/|z|
    assert np.allclose(ag.grad(anp.abs)(z), np.conj(z) / abs(z))


@pytest.mark.parametrize("x", [0.7, 0.3 + 0.8j])
def test_angle(x):
    check_grads(anp.angle, x)
    check_grads(lambda z: ag.grad(anp.angle)(z), x)


@pytest.mark.parametrize("x,dx", [(1.1, 2.1), (1.1 + 1.2j, 1.1 + 1.3j)])
def test_abs(x, dx):
    check_grads(anp.abs, x)
    check_grads(lambda z: ag.grad(anp.abs)(z), dx)


def test_holomorphic_vjp_is_g_times_derivative():
    z = 0.3 + 0.4j
    _, vjp_fn = ag.vjp(anp.exp, z)
    assert np.allclose(vjp_fn(1.0 + 0j)[0], np.exp(z))
