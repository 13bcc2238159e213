"""In-place writes through views while recording (core/views.py).

For each view kind and each in-place op: the base and the view after the write equal
plain NumPy's (and arraygrad's with nothing requiring grad: values never depend on
whether gradients are on), the gradients equal PyTorch's, and float64 central differences
(``ag.gradcheck``, whose finite-difference pass runs the same program without recording).
"""

from __future__ import annotations

import numpy as np
import pytest

import arraygrad as ag
from arraygrad import numpy as anp

torch = pytest.importorskip("torch")

# (name, base shape, the view of y: for arraygrad (and NumPy), for PyTorch (None: the
# same; False: none), for NumPy where it differs)
VIEWS = [
    ("y[0]", (3, 4), lambda y: y[0], None),
    ("y[:, 1]", (3, 4), lambda y: y[:, 1], None),
    ("y[1:, ::2]", (3, 4), lambda y: y[1:, ::2], None),
    ("y[..., None]", (3, 4), lambda y: y[..., None], None),
    ("reshape", (3, 4), lambda y: y.reshape(4, 3), None),
    ("reshape(-1)", (3, 4), lambda y: y.reshape(-1), None),
    ("ravel", (3, 4), lambda y: y.ravel(), None),
    (".T", (3, 4), lambda y: y.T, None),
    ("transpose", (2, 3, 4), lambda y: y.transpose(2, 0, 1), lambda y: y.permute(2, 0, 1)),
    ("swapaxes", (2, 3, 4), lambda y: y.swapaxes(0, 2), None),
    ("moveaxis", (2, 3, 4), lambda y: np.moveaxis(y, 0, -1), lambda y: torch.movedim(y, 0, -1)),
    ("squeeze", (3, 1, 4), lambda y: y.squeeze(1), None),
    ("expand_dims", (3, 4), lambda y: np.expand_dims(y, 1), lambda y: y.unsqueeze(1)),
    # NumPy's flip is a view, PyTorch's a copy: NumPy and gradcheck are the oracles
    ("flip", (3, 4), lambda y: np.flip(y, 1), False),
    # chains: views of views, each link written back in turn
    ("y.T[1:]", (3, 4), lambda y: y.T[1:], None),
    ("y[1:].T.reshape(-1)", (3, 4), lambda y: y[1:].T.reshape(-1), None),
    ("y.reshape(4, 3)[::2, 1:].T", (3, 4), lambda y: y.reshape(4, 3)[::2, 1:].T, None),
    ("squeeze(y[:, None])[0]", (3, 4), lambda y: y[:, None].squeeze(1)[0], None),
]


def _iadd(v, w):
    v += w


def _isub(v, w):
    v -= w


def _imul(v, w):
    v *= w


def _idiv(v, w):
    v /= w


def _set_all(v, w):
    v[...] = w


def _set_part(v, w):
    v[0] = w[0]


def _fill(v, w):
    if isinstance(v, np.ndarray):
        v[...] = 2.5
    else:
        v.fill_(2.5)


def _zero(v, w):
    if isinstance(v, np.ndarray):
        v[...] = 0
    else:
        v.zero_()


OPS = [("+=", _iadd), ("-=", _isub), ("*=", _imul), ("/=", _idiv), ("v[...] = w", _set_all),
       ("v[0] = w[0]", _set_part), ("fill_", _fill), ("zero_", _zero)]


def _data(shape, seed):
    rng = np.random.default_rng(seed)
    return rng.uniform(0.5, 2.0, shape)


def _program(view, op, x, w):
    """y = x * x; v = view(y); op(v, w); what depends on both afterwards."""
    y = x * x
    v = view(y)
    op(v, w)
    return y, v


def _same_grads(x, w, tx, tw):
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12, atol=1e-14)
    # (w feeds nothing under fill_/zero_: no gradient at all, in both)
    assert (w.grad is None) == (tw.grad is None)
    if tw.grad is not None:
        np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("opname,op", OPS, ids=[o[0] for o in OPS])
@pytest.mark.parametrize("name,shape,view,tview,npview", [v + (None,) * (5 - len(v))
                                                          for v in VIEWS],
                         ids=[v[0] for v in VIEWS])
def test_write_through_a_view(name, shape, view, tview, npview, opname, op):
    tview = view if tview is None else tview
    xd = _data(shape, 0)
    wd = _data(view(ag.tensor(np.empty(shape))).shape, 1)
    vshape = wd.shape

    # values: NumPy, arraygrad with and without gradients
    yn, vn = _program(npview or view, op, xd.copy(), wd.copy())
    for rg in (False, True):
        x = ag.tensor(xd, requires_grad=rg)
        w = ag.tensor(wd, requires_grad=rg)
        y, v = _program(view, op, x, w)
        np.testing.assert_allclose(y.detach().numpy(), yn, rtol=1e-13, err_msg=f"base, rg={rg}")
        np.testing.assert_allclose(v.detach().numpy(), vn, rtol=1e-13, err_msg=f"view, rg={rg}")

    # gradients: PyTorch, through both the base and the view after the write
    r1, r2 = _data(shape, 2), _data(vshape, 3)
    x = ag.tensor(xd, requires_grad=True)
    w = ag.tensor(wd, requires_grad=True)
    y, v = _program(view, op, x, w)
    loss = (y * r1).sum() + (v * r2).sum()
    tx = torch.tensor(xd, requires_grad=True)
    tw = torch.tensor(wd, requires_grad=True)
    if tview is not False:
        ty, tv = _program(tview, op, tx, tw)
        ((ty * torch.tensor(r1)).sum() + (tv * torch.tensor(r2)).sum()).backward()
    if not loss.requires_grad:
        # fill_/zero_ through a view that covers the whole base: arraygrad's fill_ makes a
        # constant (it always has), PyTorch a tensor whose gradient is zero
        assert opname in ("fill_", "zero_")
        assert tview is False or (not tx.grad.numpy().any() and tw.grad is None)
        return
    loss.backward()
    if tview is not False:
        _same_grads(x, w, tx, tw)

    # gradients: float64 central differences
    def f(x, w):
        y, v = _program(view, op, x, w)
        return anp.concatenate([(y * r1).ravel(), (v * r2).ravel()])

    assert ag.gradcheck(f, (ag.tensor(xd, requires_grad=True), ag.tensor(wd, requires_grad=True)))


def test_item_augmented_assignment_stays_exact():
    """``y[0] += 10`` is getitem, an in-place add on the view (rebasing y), then item
    assignment of the view into y: still one exact value and gradient."""
    xd = np.array([[1.0, 2.0], [3.0, 4.0]])
    x = ag.tensor(xd, requires_grad=True)
    y = x * x
    y[0] += 10 * x[1]
    y[:, 1] *= x[0]
    yn = xd * xd
    yn[0] += 10 * xd[1]
    yn[:, 1] *= xd[0]
    np.testing.assert_allclose(y.detach().numpy(), yn)
    (y * y).sum().backward()
    tx = torch.tensor(xd, requires_grad=True)
    ty = tx * tx
    ty[0] += 10 * tx[1]
    ty[:, 1] *= tx[0]
    (ty * ty).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-13)

    def f(x):
        y = x * x
        y[0] += 10 * x[1]
        y[:, 1] *= x[0]
        return y * y

    assert ag.gradcheck(f, (ag.tensor(xd, requires_grad=True),))


def _siblings(y):
    """Views of one base, written through one another and through the base."""
    row, col, flat = y[0], y[:, 1], y.reshape(-1)
    inner = flat[2:6]
    row += 100
    y *= 2
    inner -= 1
    return y, row, col, flat, inner


def test_siblings_and_views_of_views_follow_the_base():
    """A write through one view changes every other live view of the same base (they share
    its memory in NumPy), and a write into the base changes its views."""
    xd = np.arange(1.0, 13.0).reshape(3, 4)
    want = _siblings(xd.copy())
    for rg in (False, True):
        x = ag.tensor(xd, requires_grad=rg)
        got = _siblings(x * 1)
        for g, w in zip(got, want):
            np.testing.assert_array_equal(g.detach().numpy(), w, err_msg=f"rg={rg}")
    y, _, col, _, _ = got
    (y.sum() + (col * col).sum()).backward()
    tx = torch.tensor(xd, requires_grad=True)
    ty, _, tcol, _, _ = _siblings(tx * 1)
    (ty.sum() + (tcol * tcol).sum()).backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy())


def test_a_write_through_a_view_of_a_leaf_that_requires_grad_raises():
    x = ag.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    v = x[0]
    with pytest.raises(RuntimeError, match=r"\+=: a view .* of a leaf tensor that requires grad"):
        v += 1
    np.testing.assert_array_equal(x.detach().numpy(), [[1.0, 2.0], [3.0, 4.0]])  # untouched
    with ag.no_grad():  # an optimizer-style update writes through the memory
        v += 1
    np.testing.assert_array_equal(x.detach().numpy(), [[2.0, 3.0], [3.0, 4.0]])


def test_a_view_that_cannot_be_written_back_raises_naming_the_fix():
    x = ag.tensor(np.array([1 + 2j, 3 - 1j]), requires_grad=True)
    y = x * 1
    v = anp.imag(y)
    with pytest.raises(RuntimeError, match=r"\+=: in-place write into a view made by imag.*"
                                           r"\.clone\(\)"):
        v += 1
    np.testing.assert_array_equal(y.detach().numpy(), [1 + 2j, 3 - 1j])
    c = anp.imag(y).clone()
    c += 1  # the fix: a copy is no view
    np.testing.assert_array_equal(c.detach().numpy(), [3.0, 0.0])


def test_a_view_whose_base_is_gone_is_written_alone():
    x = ag.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    v = (x * 2)[1]  # the base is freed at once
    v += 1
    np.testing.assert_array_equal(v.detach().numpy(), [7.0, 9.0])
    v.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0.0, 0.0], [2.0, 2.0]])


def test_a_copying_reshape_is_no_view():
    """NumPy's reshape of a transposed array copies: a write into it leaves the base as it
    is, with gradients on or off."""
    xd = np.arange(6.0).reshape(2, 3)
    for rg in (False, True):
        x = ag.tensor(xd, requires_grad=rg)
        y = x * 1
        v = y.T.reshape(-1)
        v += 1
        np.testing.assert_array_equal(y.detach().numpy(), xd)
        np.testing.assert_array_equal(v.detach().numpy(), xd.T.reshape(-1) + 1)


def test_views_made_while_recording_keep_no_base_alive():
    import gc
    import weakref

    x = ag.tensor(np.ones((3, 3)), requires_grad=True)
    y = x * 2
    v = y[0]
    ref = weakref.ref(y)
    del y
    gc.collect()
    assert ref() is None
    assert v._meta.view.base() is None


def test_a_write_through_a_diagonal_while_recording_is_written_back():
    """NumPy's diagonal is a read-only view (a write raises, as arraygrad's without
    gradients); PyTorch's is writable, and so is arraygrad's while recording."""
    xd, wd = _data((3, 4), 0), _data((3,), 1)
    x = ag.tensor(xd, requires_grad=True)
    w = ag.tensor(wd, requires_grad=True)
    y, v = _program(anp.diagonal, _imul, x, w)
    tx = torch.tensor(xd, requires_grad=True)
    tw = torch.tensor(wd, requires_grad=True)
    ty, tv = _program(torch.diagonal, _imul, tx, tw)
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=1e-14)
    np.testing.assert_allclose(v.detach().numpy(), tv.detach().numpy(), rtol=1e-14)
    r = _data((3, 4), 2)
    ((y * r).sum() + (v * v).sum()).backward()
    ((ty * torch.tensor(r)).sum() + (tv * tv).sum()).backward()
    _same_grads(x, w, tx, tw)
    with pytest.raises(ValueError, match="read-only"):
        _program(anp.diagonal, _imul, ag.tensor(xd), ag.tensor(wd))


def test_broadcast_views():
    """A broadcast that repeats no element is written back (as PyTorch's expand); one that
    repeats elements cannot be (NumPy's is read-only, PyTorch refuses): it raises."""
    xd = np.array([1.0, 2.0, 3.0])
    x = ag.tensor(xd, requires_grad=True)
    y = x * 1
    v = anp.broadcast_to(y, (1, 3))
    v *= x
    np.testing.assert_array_equal(y.detach().numpy(), xd * xd)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), 2 * xd)
    y = x * 1
    v = anp.broadcast_to(y, (2, 3))
    with pytest.raises(RuntimeError, match=r"\+=: in-place write into a view made by "
                                           r"broadcast_to.*\.clone\(\)"):
        v += 1
    np.testing.assert_array_equal(y.detach().numpy(), xd)


@pytest.mark.parametrize("make", [lambda y: anp.repeat(y, 1, axis=0),
                                  lambda y: anp.tile(y, 1)], ids=["repeat", "tile"])
def test_repeat_and_tile_are_copies_as_in_numpy(make):
    xd = np.arange(4.0).reshape(2, 2)
    for rg in (False, True):
        y = ag.tensor(xd, requires_grad=rg) * 1
        v = make(y)
        v += 1
        np.testing.assert_array_equal(y.detach().numpy(), xd)
        np.testing.assert_array_equal(v.detach().numpy(), xd + 1)


def test_a_saved_view_outside_the_written_part_stays_usable():
    """``out[t] = f(out[t - 1])``: the rows read before lie outside each write, so their
    saved values hold and the backward runs (PyTorch's shared version counter refuses
    this; the gradient is the same as with a list of rows). A saved view that a write
    does reach makes the backward refuse, naming the in-place change."""
    wd = np.array([[0.5, -0.2], [0.3, 0.8]])

    def rows(w, fill):
        out = fill(w)
        for t in range(1, 3):
            out[t] = anp.tanh(out[t - 1] @ w)
        return out

    w = ag.tensor(wd, requires_grad=True)
    rows(w, lambda w: anp.concatenate([ag.tensor([[1.0, 2.0]]) @ w, anp.zeros((2, 2))])
         ).sum().backward()
    tw = torch.tensor(wd, requires_grad=True)
    h = [torch.tensor([[1.0, 2.0]], dtype=torch.float64) @ tw]
    for _ in range(2):
        h.append(torch.tanh(h[-1] @ tw))
    torch.cat(h).sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy(), rtol=1e-13)

    w = ag.tensor(wd, requires_grad=True)
    y = w * 1
    row = y[0]
    z = (row * row).sum()  # saves row
    y[:, 0] = 0.0  # reaches row's first element
    with pytest.raises(Exception, match="modified by an inplace operation"):
        z.backward()
