"""Functional transforms: grad, value_and_grad, vjp, jvp, linearize, jacobian, hessian, hvp.

Closed forms, nesting (3 deep, closures, perturbation confusion), consistency of forward and
reverse mode, pytrees, has_aux, argnums, error messages, and PyTorch as a reference.
"""

from __future__ import annotations

import numpy as np
import pytest

import arraygrad as ag
from arraygrad import numpy as anp


def _values(t):
    # A tensor that requires grad refuses np.asarray (as PyTorch): compare its values.
    if isinstance(t, (list, tuple)):
        return np.array([_values(i) for i in t])
    return np.asarray(t.detach() if isinstance(t, ag.Tensor) else t)


def close(a, b, rtol=1e-10, atol=1e-12):
    np.testing.assert_allclose(_values(a), _values(b), rtol=rtol, atol=atol)


# ---------------------------------------------------------------------------- closed forms


@pytest.mark.parametrize("x0", [-1.5, 0.0, 0.7, 2.0])
def test_cube_derivatives_to_third_order(x0):
    f = lambda x: x**3  # noqa: E731
    d1, d2, d3 = ag.grad(f), ag.grad(ag.grad(f)), ag.grad(ag.grad(ag.grad(f)))
    close(d1(x0), 3 * x0**2)
    close(d2(x0), 6 * x0)
    close(d3(x0), 6.0)
    assert ag.grad(ag.grad(ag.grad(ag.grad(f))))(x0).item() == 0.0


def test_python_float_gives_0d_float64():
    g = ag.grad(lambda x: x * x)(3.0)
    assert isinstance(g, ag.Tensor)
    assert g.shape == () and g.dtype == np.float64
    assert g.item() == 6.0
    assert not g.requires_grad  # nothing outside recorded: a plain value


def test_dtypes_are_kept():
    f = lambda x: (x * x).sum()  # noqa: E731
    assert ag.grad(f)(np.ones(3)).dtype == np.float64
    assert ag.grad(f)(np.ones(3, dtype=np.float32)).dtype == np.float32
    assert ag.grad(f)(ag.tensor([1.0, 2.0], dtype="float32")).dtype == np.float32
    assert ag.grad(f)(2).dtype == np.float64  # a Python int is taken as a float


def test_sin_derivatives():
    x = np.linspace(-3, 3, 7)
    d = ag.grad(lambda x: anp.sin(x).sum())
    close(d(x), np.cos(x))
    dd = ag.grad(lambda x: ag.grad(lambda y: anp.sin(y).sum())(x).sum())
    close(dd(x), -np.sin(x))


def test_hessian_of_quadratic_form():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((5, 5))
    At = ag.tensor(A)
    H = ag.hessian(lambda x: x @ At @ x)(rng.standard_normal(5))
    close(H, A + A.T)
    H2 = ag.jacobian(ag.jacobian(lambda x: x @ At @ x), mode="fwd")(rng.standard_normal(5))
    close(H2, A + A.T)


def _softmax(x):
    e = anp.exp(x - x.max().detach())
    return e / e.sum()


@pytest.mark.parametrize("mode", ["rev", "fwd"])
def test_known_jacobians(mode):
    rng = np.random.default_rng(1)
    x = rng.standard_normal(4)
    J = ag.jacobian(_softmax, mode=mode)(x)
    s = np.exp(x - x.max()) / np.exp(x - x.max()).sum()
    close(J, np.diag(s) - np.outer(s, s))
    close(ag.jacobian(anp.sin, mode=mode)(x), np.diag(np.cos(x)))
    A = rng.standard_normal((3, 4))
    At = ag.tensor(A)
    close(ag.jacobian(lambda v: At @ v + 1.0, mode=mode)(x), A)
    # matrix input and output: shape out.shape + in.shape
    M = rng.standard_normal((2, 3))
    J = ag.jacobian(lambda m: m * 2.0, mode=mode)(M)
    assert J.shape == (2, 3, 2, 3)
    close(J, 2 * np.eye(6).reshape(2, 3, 2, 3))


def test_jacrev_equals_jacfwd_tall_and_wide():
    rng = np.random.default_rng(2)
    A = ag.tensor(rng.standard_normal((7, 3)))
    tall = lambda x: anp.tanh(A @ x)  # noqa: E731
    wide = lambda x: anp.tanh(A.T @ x)  # noqa: E731
    x3, x7 = rng.standard_normal(3), rng.standard_normal(7)
    close(ag.jacrev(tall)(x3), ag.jacfwd(tall)(x3))
    close(ag.jacrev(wide)(x7), ag.jacfwd(wide)(x7))


def test_value_and_grad():
    v, g = ag.value_and_grad(lambda x: (x**2).sum())(np.array([1.0, 2.0]))
    close(v, 5.0)
    close(g, [2.0, 4.0])
    assert not v.requires_grad


# ---------------------------------------------------------------------------- nesting


def test_perturbation_confusion_siskind_pearlmutter():
    # d/dx [ x * (d/dy (x + y))|_{y=1} ] at x = 1 is 1 (the confused answer is 2)
    inner = lambda x: ag.grad(lambda y: x + y)(1.0)  # noqa: E731
    assert ag.grad(lambda x: x * inner(x))(1.0).item() == 1.0
    # the same with the inner derivative taken at y = x (same value, separate perturbation)
    assert ag.grad(lambda x: x * ag.grad(lambda y: x + y)(x))(1.0).item() == 1.0
    # d/dx [ x * d/dy (x * y) ] = d/dx x^2 = 2x
    assert ag.grad(lambda x: x * ag.grad(lambda y: x * y)(2.0))(3.0).item() == 6.0
    # through jvp as the inner derivative
    inner_jvp = lambda x: ag.jvp(lambda y: x * y, (2.0,), (1.0,))[1]  # noqa: E731
    assert ag.grad(lambda x: x * inner_jvp(x))(3.0).item() == 6.0


def test_grad_of_closure_calling_grad():
    # f(x) = d/dy [sin(x * y)] at y = 2 = x cos(2x);  f'(x) = cos(2x) - 2x sin(2x)
    f = lambda x: ag.grad(lambda y: anp.sin(x * y))(2.0)  # noqa: E731
    for x0 in (0.3, 1.1):
        close(f(x0), x0 * np.cos(2 * x0))
        close(ag.grad(f)(x0), np.cos(2 * x0) - 2 * x0 * np.sin(2 * x0))
        # and once more: f''(x) = -4 sin(2x) - 4x cos(2x)
        close(ag.grad(ag.grad(f))(x0), -4 * np.sin(2 * x0) - 4 * x0 * np.cos(2 * x0))


def test_three_deep_mixed_transforms():
    rng = np.random.default_rng(3)
    x = rng.standard_normal(3)
    f = lambda x: (anp.sin(x) * anp.exp(0.5 * x)).sum()  # noqa: E731

    # third derivative tensor by jacobian(jacobian(grad)) == jacfwd(hessian)
    T1 = ag.jacobian(ag.jacobian(ag.grad(f)))(x)
    T2 = ag.jacfwd(ag.hessian(f))(x)
    close(T1, T2, rtol=1e-9)
    # separable function: T is diagonal with the third derivative of each term
    expect = np.zeros((3, 3, 3))
    for i in range(3):
        expect[i, i, i] = _third(x[i])
    close(T1, expect, rtol=1e-9, atol=1e-12)


def _third(t):
    # d^3/dt^3 [sin t * e^{t/2}] by the product rule
    s, c, e = np.sin(t), np.cos(t), np.exp(0.5 * t)
    # (sin e)''' = sin''' e + 3 sin'' e' + 3 sin' e'' + sin e'''
    return (-c) * e + 3 * (-s) * 0.5 * e + 3 * c * 0.25 * e + s * 0.125 * e


def test_hvp_three_ways():
    rng = np.random.default_rng(4)
    A = ag.tensor(rng.standard_normal((6, 6)) / 3)
    f = lambda w: anp.tanh(A @ w).sum()  # noqa: E731
    w, v = rng.standard_normal(6), rng.standard_normal(6)
    H = ag.hessian(f)(w).numpy()
    _, hv = ag.hvp(f, (w,), (v,))
    _, vh = ag.vhp(f, (w,), (v,))
    _, fo = ag.jvp(ag.grad(f), (w,), (v,))  # forward over reverse
    close(hv[0], H @ v)
    close(vh[0], v @ H)
    close(fo, H @ v)
    out, hv_bare = ag.hvp(f, w, v)
    close(hv_bare, H @ v)
    close(out, f(ag.tensor(w)))


def test_results_stay_connected_to_outer_recording():
    x = ag.tensor([0.5, 1.5], requires_grad=True)
    g = ag.grad(lambda x: (x**3).sum())(x)  # 3x^2, connected to x
    assert g.requires_grad
    g.sum().backward()
    close(x.grad, 6 * x.detach().numpy())
    # an outer PyTorch-style tensor used through a closure
    w = ag.tensor(2.0, requires_grad=True)
    d = ag.grad(lambda y: w * y * y)(3.0)  # 2 w y = 12
    close(d, 12.0)
    d.backward()
    close(w.grad, 6.0)  # d(2 w y)/dw = 2y


def test_no_grad_inside_transform_body_and_around_it():
    def f(x):
        with ag.no_grad():
            c = x * 10.0  # a constant for the derivative
        return (x * c.detach()).sum()

    close(ag.grad(f)(np.array([1.0, 2.0])), [10.0, 20.0])
    with ag.no_grad():  # transforms work inside no_grad and return plain values
        g = ag.grad(lambda x: (x**2).sum())(ag.tensor([1.0, 3.0], requires_grad=True))
    close(g, [2.0, 6.0])
    assert not g.requires_grad


def test_gradgradcheck_of_transforms():
    f = lambda x: (anp.sin(x) * x**2).sum()  # noqa: E731
    x = ag.tensor(np.array([0.3, -0.8, 1.2]))
    assert ag.gradcheck(lambda x: ag.grad(f)(x), [x])
    assert ag.gradgradcheck(lambda x: ag.grad(f)(x), [x])
    v = ag.tensor(np.array([1.0, -2.0, 0.5]))
    assert ag.gradgradcheck(lambda x: ag.hvp(f, x, v)[1], [x])
    assert ag.gradgradcheck(lambda x: ag.jvp(lambda y: anp.tanh(y) * y, (x,), (v,))[1], [x])
    assert ag.gradcheck(lambda x, v: ag.jvp(lambda y: anp.exp(y) * y, (x,), (v,))[1], [x, v])


# ---------------------------------------------------------------------------- jvp / vjp


OPS = {
    "sin": lambda x: anp.sin(x),
    "tanh*x": lambda x: anp.tanh(x) * x,
    "exp-sum": lambda x: anp.exp(0.3 * x).sum(axis=0),
    "matmul": lambda x: x @ x.T,
    "reshape-T": lambda x: (x.reshape(-1) ** 2).reshape(x.shape[::-1]),
    "div": lambda x: x / (1.0 + x * x),
    "max": lambda x: x.max(axis=1),
    "index": lambda x: x[:, 1] * x[:, 0],
    "concat": lambda x: anp.concatenate([x, anp.sin(x)], axis=0),
    "pow": lambda x: (x * x + 1.0) ** 1.5,
}


@pytest.mark.parametrize("name", sorted(OPS))
def test_jvp_vjp_adjoint(name):
    fn = OPS[name]
    rng = np.random.default_rng(5)
    x = rng.standard_normal((3, 2))
    v = rng.standard_normal(x.shape)
    out, jv = ag.jvp(fn, (x,), (v,))
    u = rng.standard_normal(out.shape)
    _, pull = ag.vjp(fn, x)
    (ju,) = pull(u)
    close(np.sum(u * jv.numpy()), np.sum(ju.numpy() * v), rtol=1e-9)
    eps = 1e-6
    fd = (fn(ag.tensor(x + eps * v)).numpy() - fn(ag.tensor(x - eps * v)).numpy()) / (2 * eps)
    close(jv, fd, rtol=1e-5, atol=1e-7)
    # linearize gives the same J v, and again for a second tangent
    _, f_jvp = ag.linearize(fn, x)
    close(f_jvp(v), jv)
    close(f_jvp(2 * v), 2 * jv.numpy())


def test_jvp_complex_holomorphic():
    z = np.array([1.0 + 2.0j, -0.5 + 0.3j])
    v = np.array([0.3 - 1.0j, 2.0 + 0.0j])
    _, t = ag.jvp(lambda z: z * z * z, (z,), (v,))
    close(t, 3 * z**2 * v)


def test_vjp_many_calls_and_structure():
    out, pull = ag.vjp(lambda x, y: {"p": x * y, "s": (x + y).sum()}, np.ones(2), 3.0)
    close(out["p"], [3.0, 3.0])
    gx, gy = pull({"p": np.array([1.0, 2.0]), "s": 1.0})
    close(gx, [4.0, 7.0])
    close(gy, 5.0)
    gx2, _ = pull({"p": np.zeros(2), "s": 2.0})  # again: the graph is kept
    close(gx2, [2.0, 2.0])


def test_vjp_has_aux_and_jvp_has_aux():
    out, pull, aux = ag.vjp(lambda x: (x * 2, {"n": x.sum()}), np.ones(3), has_aux=True)
    close(aux["n"], 3.0)
    close(pull(np.ones(3))[0], 2 * np.ones(3))
    o, t, aux = ag.jvp(lambda x: (anp.sin(x), x * 0 + 7), (np.zeros(2),), (np.ones(2),),
                       has_aux=True)
    close(t, np.ones(2))
    close(aux, [7.0, 7.0])


# ---------------------------------------------------------------------------- pytrees etc.


def test_pytrees_in_grad():
    params = {"w": np.array([1.0, 2.0]), "b": [0.5, (np.array([3.0]),)]}

    def loss(p):
        return (p["w"] ** 2).sum() * p["b"][0] + (p["b"][1][0] ** 3).sum()

    g = ag.grad(loss)(params)
    assert set(g) == {"w", "b"} and isinstance(g["b"], list) and isinstance(g["b"][1], tuple)
    close(g["w"], 2 * params["w"] * 0.5)
    close(g["b"][0], 5.0)
    close(g["b"][1][0], [27.0])


def test_argnums_tuple_and_negative():
    f = lambda a, b, c: (a * b * c).sum()  # noqa: E731
    ga, gc = ag.grad(f, argnums=(0, 2))(np.ones(2), np.full(2, 2.0), np.full(2, 3.0))
    close(ga, [6.0, 6.0])
    close(gc, [2.0, 2.0])
    close(ag.grad(f, argnums=-1)(1.0, 2.0, 3.0), 2.0)
    # a non-differentiated argument can be anything
    h = lambda x, n, flag: (x**n).sum() if flag else x.sum()  # noqa: E731
    close(ag.grad(h)(np.array([2.0]), 3, True), [12.0])


def test_has_aux():
    def f(x):
        y = anp.sin(x)
        return y.sum(), {"y": y, "tag": "ok"}

    g, aux = ag.grad(f, has_aux=True)(np.array([0.0, 1.0]))
    close(g, np.cos([0.0, 1.0]))
    close(aux["y"], np.sin([0.0, 1.0]))
    assert aux["tag"] == "ok" and not aux["y"].requires_grad
    (v, aux2), g2 = ag.value_and_grad(f, has_aux=True)(np.array([0.0, 1.0]))
    close(v, np.sin(1.0))
    close(g2, g)


def test_jacobian_pytree_layout_and_argnums():
    def f(x, y):
        return {"a": x * y, "b": (x**2).sum()}

    J = ag.jacobian(f, argnums=(0, 1))(np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    close(J["a"][0], np.diag([3.0, 4.0]))
    close(J["a"][1], np.diag([1.0, 2.0]))
    close(J["b"][0], [2.0, 4.0])
    close(J["b"][1], [0.0, 0.0])
    Jf = ag.jacfwd(f, argnums=(0, 1))(np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    for k in ("a", "b"):
        for i in (0, 1):
            close(Jf[k][i], J[k][i])
    H = ag.hessian(lambda x, y: (x**2 * y).sum(), argnums=(0, 1))(np.ones(2), np.full(2, 3.0))
    close(H[0][0], 6 * np.eye(2))
    close(H[0][1], 2 * np.eye(2))
    close(H[1][1], np.zeros((2, 2)))


def test_unused_inputs_get_zeros():
    g = ag.grad(lambda x, y: (x * 2).sum(), argnums=(0, 1))(np.ones(2), np.ones(3))
    close(g[1], np.zeros(3))
    close(ag.grad(lambda x: ag.tensor(5.0))(1.0), 0.0)
    close(ag.jacobian(lambda x: anp.ones(2))(np.ones(3)), np.zeros((2, 3)))
    _, t = ag.jvp(lambda x: anp.ones(2) * 3, (np.ones(2),), (np.ones(2),))
    close(t, np.zeros(2))


# ---------------------------------------------------------------------------- errors


def test_error_messages():
    with pytest.raises(TypeError, match="scalar"):
        ag.grad(lambda x: x * 2)(np.ones(3))
    with pytest.raises(TypeError, match="floating point"):
        ag.grad(lambda x: (x * 2).sum())(np.arange(3))
    with pytest.raises(ValueError, match="argnums 3 is out of range"):
        ag.grad(lambda x, y: x * y, argnums=3)(1.0, 2.0)
    with pytest.raises(TypeError, match="argnums must be"):
        ag.grad(lambda x: x, argnums="0")
    with pytest.raises(TypeError, match="has_aux=True"):
        ag.grad(lambda x: x * 2, has_aux=True)(1.0)
    with pytest.raises(ValueError, match="mode must be"):
        ag.jacobian(lambda x: x, mode="sideways")
    _, pull = ag.vjp(lambda x: x * 2, np.ones(3))
    with pytest.raises(ValueError, match="shape"):
        pull(np.ones(4))
    with pytest.raises(ValueError, match="shape"):
        ag.jvp(lambda x: x * 2, (np.ones(3),), (np.ones(2),))
    with pytest.raises(TypeError, match="complex"):
        ag.grad(lambda z: (z * z).sum())(np.array([1j]))
    with pytest.raises(TypeError, match="expected Tensors"):
        ag.grad(lambda s: 1.0)("text")


# ---------------------------------------------------------------------------- against PyTorch


def _composition(seed: int):
    """A random composition of sin/exp/tanh/mul/matmul, the same for arraygrad and torch."""
    rng = np.random.default_rng(seed)
    n = 4
    mats = [rng.standard_normal((n, n)) / 2 for _ in range(3)]
    steps = [int(rng.integers(0, 6)) for _ in range(int(rng.integers(3, 7)))]

    def build(lib, tensor):
        Ms = [tensor(M) for M in mats]

        def vec(x):
            h = x
            for k, s in enumerate(steps):
                if s == 0:
                    h = lib.sin(h)
                elif s == 1:
                    h = lib.exp(0.3 * h)
                elif s == 2:
                    h = lib.tanh(h)
                elif s == 3:
                    h = h * x
                elif s == 4:
                    h = Ms[k % 3] @ h
                else:
                    h = h * lib.sin(x) + h
            return h

        return vec, (lambda x: vec(x).sum())

    return build, rng.standard_normal(n), rng.standard_normal(n)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("seed", range(20))
def test_against_torch_func(seed):
    torch = pytest.importorskip("torch")
    from torch.func import grad as tgrad
    from torch.func import jacrev as tjacrev
    from torch.func import jvp as tjvp

    build, x, v = _composition(seed)
    vec_a, f_a = build(anp, ag.tensor)
    vec_t, f_t = build(torch, lambda a: torch.tensor(a, dtype=torch.float64))
    xt = torch.tensor(x, dtype=torch.float64)
    vt = torch.tensor(v, dtype=torch.float64)

    close(ag.grad(f_a)(x), tgrad(f_t)(xt).numpy(), rtol=1e-10)
    _, hv = ag.hvp(f_a, (x,), (v,))
    _, hv_t = torch.autograd.functional.hvp(f_t, xt, vt)
    close(hv[0], hv_t.numpy(), rtol=1e-9, atol=1e-11)
    close(ag.jacobian(vec_a)(x), tjacrev(vec_t)(xt).numpy(), rtol=1e-10)
    close(ag.jacfwd(vec_a)(x), tjacrev(vec_t)(xt).numpy(), rtol=1e-10)
    _, jv = ag.jvp(vec_a, (x,), (v,))
    close(jv, tjvp(vec_t, (xt,), (vt,))[1].numpy(), rtol=1e-10, atol=1e-12)
    close(ag.hessian(f_a)(x), torch.func.hessian(f_t)(xt).numpy(), rtol=1e-9, atol=1e-11)
    d3 = ag.grad(lambda y: ag.grad(lambda z: ag.grad(f_a)(z).sum())(y).sum())(x)
    d3_t = tgrad(lambda y: tgrad(lambda z: tgrad(f_t)(z).sum())(y).sum())(xt)
    close(d3, d3_t.numpy(), rtol=1e-9, atol=1e-11)
