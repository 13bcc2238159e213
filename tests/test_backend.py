"""The backend layer: which module owns the data, devices, moves, scatter-add, errors.

Runs on any machine: device moves are exercised between ``array_api_strict``'s CPU device
and its second device (``Device('device1')``), which behave like two GPUs to arraygrad
(different devices, arrays that refuse to mix). CuPy itself is tested in test_cupy.py.
"""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

import arraygrad as ag
from arraygrad import _backend as B
from arraygrad import numpy as anp

HAS_CUPY = importlib.util.find_spec("cupy") is not None


# ---------------------------------------------------------------------------- modules


def test_array_module_numpy_fast_path():
    assert B.array_module(np.zeros(2)) is np
    assert B.array_module(np.float64(1.0)) is np
    assert B.array_module([1, 2]) is np
    assert B.to_numpy(np.zeros(2)) is not None


def test_array_module_dask():
    da = pytest.importorskip("dask.array", reason="Dask is not installed")
    x = da.ones((4,), chunks=2)
    assert B.array_module(x) is da
    assert B.is_dask(x) and not B.is_dask(np.ones(2))
    t = ag.Tensor(x)
    assert isinstance(anp.zeros_like(t).array, da.Array)
    assert isinstance(anp.ones_like(t, shape=(3,)).array, da.Array)
    np.testing.assert_array_equal(B.to_numpy(x), np.ones(4))


def test_add_at_numpy_and_dask():
    idx = np.array([0, 2, 2, 2])
    out = B.add_at(np.zeros(4), idx, np.ones(4))
    np.testing.assert_array_equal(out, [1, 0, 3, 0])
    da = pytest.importorskip("dask.array", reason="Dask is not installed")
    lazy = B.add_at(da.zeros(4, chunks=2), idx, da.ones(4, chunks=2))
    assert isinstance(lazy, da.Array) and lazy.chunks == ((2, 2),)
    np.testing.assert_array_equal(lazy.compute(), [1, 0, 3, 0])


# ---------------------------------------------------------------------------- devices


def test_parse_device():
    assert B.parse_device("cpu") == "cpu"
    assert B.parse_device("CUDA") == "cuda:0"
    assert B.parse_device("gpu") == "cuda:0"
    assert B.parse_device("cuda:1") == "cuda:1"
    assert B.parse_device(2) == "cuda:2"
    d = B.parse_device("cuda:3")
    assert d.type == "cuda" and d.index == 3
    assert B.parse_device("cpu").index is None
    with pytest.raises(ValueError, match="unknown device 'tpu'"):
        B.parse_device("tpu")


def test_device_and_to_on_numpy_are_free():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    assert x.device == "cpu" and x.device.type == "cpu"
    assert x.to("cpu") is x and x.cpu() is x and x.to(device="cpu") is x
    y = x.to("cpu", copy=True)
    assert y is not x and y.array is not x.array


def test_to_dtype_is_differentiable():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x.to("float32")
    assert y.dtype == np.float32 and y.grad_fn is not None
    (y * y).sum().backward()
    assert x.grad.dtype == np.float64
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 4.0])
    z = x.to(dtype=np.float32, device="cpu")
    assert z.dtype == np.float32
    w = x.to(ag.tensor(np.zeros(1, np.float32)))  # like PyTorch: another tensor's device+dtype
    assert w.dtype == np.float32


@pytest.mark.skipif(HAS_CUPY, reason="CuPy is installed: test_cupy.py covers real moves")
def test_cuda_without_cupy_is_a_clear_error():
    x = ag.tensor([1.0])
    with pytest.raises(RuntimeError, match="needs CuPy"):
        x.cuda()
    with pytest.raises(RuntimeError, match="needs CuPy"):
        ag.tensor([1.0], device="cuda")


# ---------------------------------------------------------------------------- two devices
# array_api_strict has a CPU device and two more; arrays on different ones refuse to mix.


@pytest.fixture
def strict():
    return pytest.importorskip("array_api_strict", reason="array-api-strict is not installed")


def test_move_between_devices_is_differentiable(strict):
    dev1 = strict.Device("device1")
    x = ag.tensor(strict.asarray([0.5, -1.0, 2.0]), requires_grad=True)
    y = x.to(dev1)
    assert y.device == dev1 and y.grad_fn.name() == "ToDeviceBackward0"
    w = ag.tensor(strict.asarray([1.0, 2.0, 3.0]), device=None).to(dev1)
    loss = (anp.tanh(y) * w).sum()
    assert loss.device == dev1
    loss.backward()
    assert x.grad.device == "cpu"  # the gradient came back to x's device
    xn = np.array([0.5, -1.0, 2.0])
    np.testing.assert_allclose(x.grad.numpy(), (1 - np.tanh(xn) ** 2) * [1, 2, 3])
    # and back again: .cpu() of a device1 tensor
    z = y.cpu()
    assert z.device == "cpu" and z.grad_fn is not None


def test_second_order_through_a_move(strict):
    dev1 = strict.Device("device1")
    x = ag.tensor(strict.asarray([0.3, 1.5]), requires_grad=True)
    y = (x.to(dev1) ** 3).sum()
    (g,) = ag.autograd.grad(y, [x], create_graph=True)
    assert g.device == "cpu"
    (h,) = ag.autograd.grad(g.sum(), [x])
    np.testing.assert_allclose(h.numpy(), 6 * np.array([0.3, 1.5]))


def test_mixed_devices_name_both_devices_and_the_op(strict):
    dev1 = strict.Device("device1")
    a = strict.asarray([1.0, 2.0])
    b = a.to_device(dev1)
    with pytest.raises(RuntimeError, match=r"add: expected all tensors to be on the same "
                       r"device.*cpu.*device1"):
        B.check_same_device("add", a, b)
    B.check_same_device("add", a, 2.0, np.float64(1.0))  # scalars never mix
    # what an op would do with the backend's own error (see docs/backends.md)
    try:
        a + b
    except ValueError as exc:
        with pytest.raises(RuntimeError, match="add:.*device1") as info:
            B.raise_if_mixed_devices("add", (a, b), exc)
        assert info.value.__cause__ is exc
    # same device: nothing to explain, the caller re-raises the original error
    B.raise_if_mixed_devices("add", (a, a), ValueError("other"))


def test_ops_on_mixed_devices_name_the_op_and_both_devices(strict):
    # the op wrappers (core/primitive.py) turn the backend's error into the named one
    dev1 = strict.Device("device1")
    a = ag.tensor(strict.asarray([1.0, 2.0]), device=None)
    b = a.to(dev1)
    for fn, name in ((lambda: a + b, "Add"), (lambda: a * b, "Mul"),
                     (lambda: anp.where(a > 0, a, b), "Where")):
        with pytest.raises(RuntimeError, match=rf"{name}: .*same device.*cpu.*device1") as info:
            fn()
        assert isinstance(info.value.__cause__, (TypeError, ValueError))
    a.requires_grad_()  # the recording path too, binary and general (it once lacked it)
    for fn, name in ((lambda: a + b, "Add"), (lambda: anp.where(a > 0, a, b), "Where")):
        with pytest.raises(RuntimeError, match=rf"{name}: .*same device.*cpu.*device1"):
            fn()


def test_numpy_and_dask_mix_by_design():
    da = pytest.importorskip("dask.array", reason="Dask is not installed")
    B.check_same_device("mul", np.ones(2), da.ones(2, chunks=1))
    x = ag.tensor(np.ones(2), requires_grad=True)
    y = x * ag.Tensor(da.ones(2, chunks=1))
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 1.0])


def test_item_on_every_backend():
    assert B.item(np.arange(6.0).reshape(2, 3), 4) == 4.0
    assert B.item(np.float32(1.5)) == 1.5
    assert ag.tensor([[3]]).item() == 3 and float(ag.tensor([2.5])) == 2.5


# ---------------------------------------------------------------------------- Module.to


def _strict_module(strict):
    class Affine(ag.nn.Module):
        def __init__(self):
            super().__init__()
            self.w = ag.nn.Parameter(ag.tensor(strict.asarray([1.0, 2.0])))
            self.register_buffer("shift", ag.tensor(strict.asarray([0.5, -0.5])))

        def forward(self, x):
            return (self.w * x + self.shift).sum()

    return Affine()


def test_module_to_moves_parameters_buffers_and_grads(strict):
    dev1 = strict.Device("device1")
    m = _strict_module(strict)
    x = ag.tensor(strict.asarray([3.0, 4.0]))
    m(x).backward()
    w = m.w
    assert m.to(dev1) is m and m.w is w  # in place: an optimizer's references stay valid
    assert m.w.device == dev1 and m.shift.device == dev1
    assert m.w.grad.device == dev1, "the gradient must follow its parameter"
    np.testing.assert_array_equal(m.w.grad.numpy(), [3.0, 4.0])
    # and it keeps accumulating there
    m(x.to(dev1)).backward()
    assert m.w.grad.device == dev1
    np.testing.assert_array_equal(m.w.grad.numpy(), [6.0, 8.0])
    m.cpu()
    assert m.w.device == "cpu" and m.w.grad.device == "cpu" and m.shift.device == "cpu"


def test_module_to_dtype_and_positional_forms():
    m = ag.nn.Linear(3, 2)
    m(ag.tensor(np.ones((1, 3)))).sum().backward()
    v = m.weight._version
    assert m.to("cpu", "float32") is m  # PyTorch's (device, dtype), either order
    assert m.weight.dtype == np.float32 and m.weight.grad.dtype == np.float32
    assert m.weight._version == v + 1
    m.to(np.float64, "cpu")
    assert m.weight.dtype == np.float64 and m.weight.grad.dtype == np.float64
    m.to(dtype="float32", device="cpu")
    assert m.bias.grad.dtype == np.float32
    np.testing.assert_array_equal(m.bias.grad.numpy(), [1.0, 1.0])
    with pytest.raises(TypeError, match="unexpected argument"):
        m.to("cpu", "float32", "float64")


# ---------------------------------------------------------------------------- MXNet devices


def test_mxnet_devices_are_arraygrad_devices():
    from arraygrad.compat.mxnet import np as mnp
    from arraygrad.compat.mxnet import npx

    assert npx.cpu() == "cpu" and npx.cpu(3) == "cpu" and npx.current_device() == "cpu"
    assert npx.gpu() == "cuda:0" and npx.gpu(1) == "cuda:1"
    assert npx.gpu(2).type == "cuda" and npx.gpu(2).index == 2
    assert B.parse_device(npx.gpu(1)) == "cuda:1"
    x = mnp.ones(3)
    assert x.device == npx.cpu() and x.to(npx.cpu()) is x
    assert npx.num_gpus() >= 0
