"""arraygrad on CuPy: the core ops, device moves and the seed 004 MLP step on a CUDA GPU.

Skipped, with a reason, where CuPy or a GPU is missing (CI has neither): run it on a GPU
machine with ``pip install 'arraygrad[gpu,test]' && python -m pytest tests/test_cupy.py``.
Every case compares with the same code on NumPy and checks that the data stayed on the
GPU (a silent host round trip would be a performance bug even when the values agree).
"""

from __future__ import annotations

import numpy as np
import pytest

import arraygrad as ag
from arraygrad import autograd
from arraygrad import numpy as anp

REASON = "CuPy with a CUDA GPU is not available"


def _cupy():
    try:
        import cupy
    except Exception:  # ImportError, or a CuPy built for a CUDA that is not there
        return None
    try:
        if cupy.cuda.runtime.getDeviceCount() < 1:
            return None
    except Exception:
        return None
    return cupy


cp = _cupy()
pytestmark = pytest.mark.skipif(cp is None, reason=REASON)


def _gpu(a):
    return cp.asarray(a)


def _run(fn, arrays, backend):
    leaves = [ag.tensor(backend(a), requires_grad=a.dtype.kind == "f") for a in arrays]
    out = fn(*leaves)
    loss = out.sum() if out.ndim else out
    grads = ag.autograd.grad(loss, [t for t in leaves if t.requires_grad], allow_unused=True)
    return out, grads


def check(fn, *arrays, rtol=1e-10):
    out_n, grads_n = _run(fn, arrays, np.asarray)
    out_g, grads_g = _run(fn, arrays, _gpu)
    assert isinstance(out_g.array, cp.ndarray), f"forward left the GPU: {type(out_g.array)}"
    np.testing.assert_allclose(out_g.numpy(), out_n.numpy(), rtol=rtol, atol=1e-12)
    for gn, gg in zip(grads_n, grads_g):
        assert (gn is None) == (gg is None)
        if gg is None:
            continue
        assert isinstance(gg.array, cp.ndarray), f"gradient left the GPU: {type(gg.array)}"
        assert gg.device.type == "cuda"
        np.testing.assert_allclose(gg.numpy(), gn.numpy(), rtol=rtol, atol=1e-12)


R = np.random.default_rng(11)
A = R.standard_normal((3, 4))
B = R.standard_normal((3, 4))
M = R.standard_normal((4, 2))
V = R.standard_normal(4)
P = R.random((3, 4)) + 0.5

CASES = {
    "add_broadcast": (lambda x, v: x + v, (A, V)),
    "sub_mul_div": (lambda x, y: (x - y) * y / (x * x + 1), (A, B)),
    "pow": (lambda x: x ** 3 + x ** 2, (A,)),
    "pow_tensor_exponent": (lambda x, y: x ** y, (P, B)),
    "exp_log_tanh": (lambda x: anp.tanh(anp.exp(x) * anp.log(x)), (P,)),
    "sin_cos_sqrt": (lambda x: anp.sin(x) * anp.cos(x) + anp.sqrt(x), (P,)),
    "abs_maximum": (lambda x, y: anp.abs(x) + anp.maximum(x, y), (A, B)),
    "where_clip": (lambda x: anp.where(x.array > 0, x, x * 0.1) + anp.clip(x, -0.5, 0.5), (A,)),
    "sum_mean": (lambda x: x.sum(axis=1) + x.mean(axis=1), (A,)),
    "keepdims_broadcast": (lambda x: x - x.mean(axis=0, keepdims=True), (A,)),
    "max_min": (lambda x: x.max(axis=0) - x.min(axis=0), (A,)),
    "prod": (lambda x: x.prod(axis=1), (P,)),
    "matmul": (lambda x, m: x @ m, (A, M)),
    "matmul_vector": (lambda x, v: x @ v, (A, V)),
    "dot": (lambda v, w: anp.dot(v, w), (V, V * 3)),
    "reshape_transpose": (lambda x: x.reshape(6, 2).T @ x.reshape(6, 2), (A,)),
    "getitem_basic": (lambda x: x[1:, ::2] * x[0, 1], (A,)),
    "getitem_advanced_repeats": (lambda x: x[np.array([0, 2, 2, 0])] * 2, (A,)),
    "getitem_gpu_index": (lambda x: x[cp.asarray([1, 1, 2])] if cp is not None else x, (A,)),
    "getitem_bool": (lambda x: x[x.array > 0], (A,)),
    "setitem_in_graph": (lambda x: _setitem(x), (A,)),
    "concatenate_stack": (
        lambda x, y: anp.stack([anp.concatenate([x, y]), anp.concatenate([y, x])]), (A, B)),
    "norm": (lambda x: anp.linalg.norm(x), (A,)),
    "take_gpu_index": (lambda x: anp.take(x, cp.asarray([2, 0, 2, -1]), axis=1), (A,)),
    "take_gpu_index_flat": (lambda x: anp.take(x, cp.asarray([5, 5, 0])), (A,)),
}


def _setitem(x):
    y = x * 1.0
    y[0] = x[1] * 2
    return y


@pytest.mark.parametrize("name", sorted(CASES))
def test_core_op_on_cupy(name):
    fn, arrays = CASES[name]
    check(fn, *arrays)


def test_second_order_on_cupy():
    x = ag.tensor(cp.asarray([0.3, -1.2, 2.0]), requires_grad=True)
    (g,) = ag.autograd.grad(anp.tanh(x).sum(), [x], create_graph=True)
    (h,) = ag.autograd.grad(g.sum(), [x])
    t = np.tanh([0.3, -1.2, 2.0])
    assert isinstance(h.array, cp.ndarray)
    np.testing.assert_allclose(h.numpy(), -2 * t * (1 - t * t), rtol=1e-12)


# ---------------------------------------------------------------------------- devices


def test_device_moves_are_differentiable():
    x = ag.tensor([0.5, -1.0, 2.0], requires_grad=True)  # a CPU leaf
    y = x.cuda()
    assert y.device == "cuda:0" and y.device.type == "cuda" and y.device.index == 0
    assert isinstance(y.array, cp.ndarray) and y.grad_fn.name() == "ToDeviceBackward0"
    assert y.cuda() is y and y.to("cuda") is y and y.to("cuda:0") is y
    w = ag.tensor([1.0, 2.0, 3.0], device="cuda")
    loss = (anp.tanh(y) * w).sum()
    loss.backward()
    assert isinstance(x.grad.array, np.ndarray)  # the gradient came back to the host
    xn = np.array([0.5, -1.0, 2.0])
    np.testing.assert_allclose(x.grad.numpy(), (1 - np.tanh(xn) ** 2) * [1, 2, 3], rtol=1e-12)
    z = y.cpu()
    assert isinstance(z.array, np.ndarray) and z.grad_fn is not None


def test_creation_and_leaves_on_the_gpu():
    x = ag.tensor(np.arange(4.0), device="cuda")
    for t in (anp.zeros_like(x), anp.ones_like(x), anp.full_like(x, 2.0), anp.zeros((2,), like=x)):
        assert isinstance(t.array, cp.ndarray)
    x.attach_grad()  # the MXNet buffer lives on the GPU and is written in place
    buf = x.grad.array
    assert isinstance(buf, cp.ndarray)
    for _ in range(2):
        with autograd.record():
            y = 2 * anp.dot(x, x)
        y.backward()
    assert x.grad.array is buf
    np.testing.assert_array_equal(x.grad.numpy(), 4 * np.arange(4.0))


def test_mixing_devices_is_an_error():
    a = ag.tensor([1.0, 2.0])
    b = ag.tensor([1.0, 2.0], device="cuda")
    with pytest.raises((TypeError, ValueError, RuntimeError)):
        a + b


def test_mixing_devices_names_the_op_and_both_devices():
    a = ag.tensor([1.0, 2.0])
    b = ag.tensor([1.0, 2.0], device="cuda")
    with pytest.raises(RuntimeError, match=r"Add.*cpu.*cuda:0|Add.*cuda:0.*cpu"):
        a + b


def test_python_scalars_from_the_gpu():
    t = ag.tensor(cp.asarray([[2.5]]))
    assert float(t) == 2.5 and t.item() == 2.5 and int(t) == 2 and bool(t)
    assert ag.tensor(cp.arange(6.0)).item(4) == 4.0


def test_module_to_cuda_moves_grads_and_sgd_momentum_runs_there():
    m = ag.nn.Linear(3, 2)
    X = np.arange(6.0).reshape(2, 3)
    m(ag.tensor(X)).sum().backward()
    m.to("cuda")
    assert isinstance(m.weight.array, cp.ndarray) and isinstance(m.weight.grad.array, cp.ndarray)
    np.testing.assert_array_equal(m.weight.grad.numpy(), np.tile(X.sum(0), (2, 1)))
    w0 = m.weight.numpy().copy()
    opt = ag.optim.SGD(m.parameters(), lr=0.1, momentum=0.9)  # after .to(): state on the GPU
    for _ in range(2):
        opt.zero_grad()
        m(ag.tensor(X, device="cuda")).sum().backward()
        opt.step()
    assert isinstance(m.weight.array, cp.ndarray)
    g = np.tile(X.sum(0), (2, 1))
    np.testing.assert_allclose(m.weight.numpy(), w0 - 0.1 * g - 0.1 * (0.9 * g + g), rtol=1e-12)
    m.cpu()
    assert isinstance(m.weight.array, np.ndarray) and isinstance(m.weight.grad.array, np.ndarray)


def test_mxnet_gpu_device():
    from arraygrad.compat.mxnet import np as mnp
    from arraygrad.compat.mxnet import npx

    x = mnp.ones(3).to(npx.gpu(0))
    assert x.device == npx.gpu() == "cuda:0" and isinstance(x.array, cp.ndarray)
    assert npx.num_gpus() >= 1


# ---------------------------------------------------------------------------- seed 004


def _mlp_loss(W1, W2, X, Y, lam):
    """Seed 004: o = W2 relu(W1 x), cross-entropy L, l2 penalty s, J = L + s."""
    h = anp.maximum(X @ W1.T, 0.0)
    o = h @ W2.T
    m = o.max(axis=1, keepdims=True).detach()
    lse = anp.log(anp.exp(o - m).sum(axis=1, keepdims=True)) + m
    L = -(Y * (o - lse)).sum() / X.shape[0]
    s = lam / 2 * ((W1 * W1).sum() + (W2 * W2).sum())
    return L + s


def _train(backend, steps, dtype=np.float32):
    rng = np.random.default_rng(0)
    n, d, hdim, q = 64, 20, 32, 5
    W1 = (rng.standard_normal((hdim, d)) * np.sqrt(2 / d)).astype(dtype)
    W2 = (rng.standard_normal((q, hdim)) * np.sqrt(1 / hdim)).astype(dtype)
    X = rng.random((n, d), dtype=np.float32).astype(dtype)
    Y = np.zeros((n, q), dtype)
    Y[np.arange(n), rng.integers(0, q, n)] = 1
    params = [ag.tensor(W1, device=backend, requires_grad=True),
              ag.tensor(W2, device=backend, requires_grad=True)]
    Xt, Yt = ag.tensor(X, device=backend), ag.tensor(Y, device=backend)
    losses = []
    for _ in range(steps):
        J = _mlp_loss(*params, Xt, Yt, 1e-3)
        J.backward()
        with ag.no_grad():
            for p in params:
                p -= 0.5 * p.grad
                p.grad = None
        losses.append(float(J.numpy()))
    return [p for p in params], losses


def test_seed004_mlp_training_step_on_cupy():
    cpu, loss_cpu = _train("cpu", 5)
    gpu, loss_gpu = _train("cuda", 5)
    for p in gpu:
        assert isinstance(p.array, cp.ndarray) and p.dtype == np.float32
    for a, b in zip(cpu, gpu):
        np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(loss_gpu, loss_cpu, rtol=1e-4)
    assert loss_gpu[-1] < loss_gpu[0]
