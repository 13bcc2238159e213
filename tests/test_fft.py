"""arraygrad.numpy.fft: values equal NumPy's, gradients (first and second order, real and
complex inputs, every norm, cropping and padding ``n``/``s``) equal finite differences,
forward mode agrees, numpy.fft dispatches, and PyTorch agrees on the real transforms."""

from __future__ import annotations

import numpy as np
import pytest

import arraygrad as ag
from arraygrad import numpy as anp

from opcheck import check_op

F = anp.fft
NORMS = [None, "ortho", "forward"]


@pytest.fixture
def data(rng):
    real = rng.standard_normal((3, 6))
    cplx = real + 1j * rng.standard_normal((3, 6))
    half = rng.standard_normal((3, 5)) + 1j * rng.standard_normal((3, 5))
    return {"real": real, "complex": cplx, "half": half}


def _one_d(name, n, axis, norm):
    return (lambda t: getattr(F, name)(t, n, axis, norm),
            lambda t: getattr(np.fft, name)(t, n, axis, norm))


@pytest.mark.parametrize("norm", NORMS)
@pytest.mark.parametrize("n", [None, 4, 8, 7])
@pytest.mark.parametrize("name,kind,axis", [
    ("fft", "complex", 0), ("fft", "real", -1), ("ifft", "complex", -1), ("ifft", "real", 0),
    ("rfft", "real", -1), ("rfft", "real", 0), ("irfft", "half", -1), ("irfft", "complex", 0),
    ("hfft", "half", -1), ("ihfft", "real", -1),
])
def test_one_dimensional(data, name, kind, axis, n, norm):
    ours, theirs = _one_d(name, n, axis, norm)
    check_op(ours, [data[kind]], theirs, second_order=n in (None, 7))


@pytest.mark.parametrize("norm", NORMS)
@pytest.mark.parametrize("s", [None, (4, 5), (2, 9)])
@pytest.mark.parametrize("name,kind", [
    ("fft2", "complex"), ("ifft2", "real"), ("rfft2", "real"), ("irfft2", "half"),
    ("fftn", "complex"), ("ifftn", "complex"), ("rfftn", "real"), ("irfftn", "half"),
])
def test_multi_dimensional(data, name, kind, s, norm):
    axes = (-2, -1)
    check_op(lambda t: getattr(F, name)(t, s, axes, norm), [data[kind]],
             lambda t: getattr(np.fft, name)(t, s, axes, norm), second_order=s is None)


def test_axes_and_batches(rng):
    x = rng.standard_normal((2, 3, 4))
    z = x + 1j * rng.standard_normal((2, 3, 4))
    check_op(lambda t: F.rfftn(t, axes=(2, 0)), [x], lambda t: np.fft.rfftn(t, axes=(2, 0)))
    check_op(lambda t: F.irfftn(t, s=(3, 5), axes=(0, 1)), [z],
             lambda t: np.fft.irfftn(t, s=(3, 5), axes=(0, 1)))
    check_op(lambda t: F.fftn(t), [z], np.fft.fftn, second_order=False)
    check_op(lambda t: F.ifftn(t, axes=(1,)), [z], lambda t: np.fft.ifftn(t, axes=(1,)),
             second_order=False)
    # Integer input is promoted like NumPy does.
    np.testing.assert_allclose(F.fft(ag.tensor(np.arange(5))).detach().numpy(),
                               np.fft.fft(np.arange(5)))


def test_shifts_and_frequencies(rng):
    x = rng.standard_normal((3, 4))
    check_op(F.fftshift, [x], np.fft.fftshift)
    check_op(lambda t: F.ifftshift(t, axes=1), [x], lambda t: np.fft.ifftshift(t, axes=1))
    check_op(lambda t: F.fftshift(t, axes=(0,)), [x + 1j * x], lambda t: np.fft.fftshift(t, (0,)))
    np.testing.assert_array_equal(F.fftfreq(5, 0.1).detach().numpy(), np.fft.fftfreq(5, 0.1))
    np.testing.assert_array_equal(F.rfftfreq(6).detach().numpy(), np.fft.rfftfreq(6))


def test_round_trips_and_parseval(rng):
    x = ag.tensor(rng.standard_normal(8), requires_grad=True)
    y = F.irfft(F.rfft(x), 8)
    np.testing.assert_allclose(y.detach().numpy(), x.detach().numpy(), atol=1e-12)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.detach().numpy(), np.ones(8), atol=1e-12)
    # Parseval with norm='ortho': the energy is kept, so its gradient is 2x.
    z = ag.tensor(rng.standard_normal(6) + 1j * rng.standard_normal(6), requires_grad=True)
    energy = (anp.abs(F.fft(z, norm="ortho")) ** 2).sum()
    energy.backward()
    np.testing.assert_allclose(z.grad.detach().numpy(), 2 * np.conj(z.detach().numpy()), atol=1e-12)


def test_errors():
    with pytest.raises(TypeError, match="out="):
        F.fft(ag.tensor(np.ones(4)), out=np.empty(4, complex))
    with pytest.raises(ValueError, match="norm"):
        F.fft(ag.tensor(np.ones(4)), norm="bogus")
    with pytest.raises(ValueError):
        F.fft(ag.tensor(np.ones(4)), n=0)


@pytest.mark.parametrize("norm", NORMS)
def test_against_pytorch(rng, norm):
    torch = pytest.importorskip("torch")
    x = rng.standard_normal((3, 8))
    half = rng.standard_normal((3, 5)) + 1j * rng.standard_normal((3, 5))
    w = rng.standard_normal((3, 8))
    wc = rng.standard_normal((3, 5)) + 1j * rng.standard_normal((3, 5))
    cases = [
        (lambda t: (anp.abs(F.rfft(t, 8, norm=norm) * wc) ** 2).sum(),
         lambda t: ((torch.fft.rfft(t, 8, norm=norm) * torch.tensor(wc)).abs() ** 2).sum(), x),
        (lambda t: (F.irfft(t, 8, norm=norm) * w).sum() + (F.irfft(t, 7, norm=norm) ** 2).sum(),
         lambda t: (torch.fft.irfft(t, 8, norm=norm) * torch.tensor(w)).sum()
         + (torch.fft.irfft(t, 7, norm=norm) ** 2).sum(), half),
        (lambda t: (anp.abs(F.rfft2(t, norm=norm)) ** 3).sum(),
         lambda t: (torch.fft.rfft2(t, norm=norm).abs() ** 3).sum(), x),
        (lambda t: (F.irfft2(t, (3, 8), norm=norm) * w).sum(),
         lambda t: (torch.fft.irfft2(t, (3, 8), norm=norm) * torch.tensor(w)).sum(), half),
        (lambda t: (F.hfft(t, 8, norm=norm) * w).sum(),
         lambda t: (torch.fft.hfft(t, 8, norm=norm) * torch.tensor(w)).sum(), half),
    ]
    for ours, theirs, x0 in cases:
        t = ag.tensor(x0, requires_grad=True)
        ours(t).backward()
        tt = torch.tensor(x0, requires_grad=True)
        theirs(tt).backward()
        want = np.conj(tt.grad.resolve_conj().detach().numpy())
        np.testing.assert_allclose(t.grad.detach().numpy(), want, rtol=1e-9, atol=1e-10)
