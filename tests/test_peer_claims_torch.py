"""docs/peer-compat.md says these behave as in PyTorch: each claim, run in both."""

from __future__ import annotations

import numpy as np
import pytest

import arraygrad as ag

torch = pytest.importorskip("torch")

X0 = [0.5, -1.5, 2.0]
LEAVES = (lambda: ag.tensor(np.array(X0), requires_grad=True),
          lambda: torch.tensor(X0, dtype=torch.float64, requires_grad=True))


def both(program):
    """Run ``program(lib, make)`` with arraygrad and PyTorch; compare what it returns."""
    ours = program(ag, lambda v: ag.tensor(np.array(v), requires_grad=True))
    theirs = program(torch, lambda v: torch.tensor(v, dtype=torch.float64, requires_grad=True))
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        if a is None or b is None:
            assert a is None and b is None
        else:
            np.testing.assert_allclose(np.asarray(a.detach().numpy() if hasattr(a, "detach")
                                                  else a),
                                       b.detach().numpy() if hasattr(b, "detach") else b,
                                       rtol=1e-12)


def test_hooks_replace_the_gradient_and_handles_remove_them():
    def program(lib, make):
        x = make(X0)
        h = x * 2
        handle = h.register_hook(lambda g: g * 3)
        (h * h).sum().backward(retain_graph=True)
        first = x.grad.clone()
        handle.remove()
        x.grad = None
        (h * h).sum().backward()
        return first, x.grad

    both(program)


def test_leaf_hook_and_accumulation_across_backwards():
    def program(lib, make):
        x = make(X0)
        x.register_hook(lambda g: g + 1)
        for _ in range(3):
            (x * x).sum().backward()
        return (x.grad,)

    both(program)


@pytest.mark.parametrize("retain_first", [True, False])
def test_retain_grad_with_hooks_in_either_order(retain_first):
    def program(lib, make):
        x = make(X0)
        h = x.exp()
        if retain_first:
            h.retain_grad()
        h.register_hook(lambda g: g * 10)
        if not retain_first:
            h.retain_grad()
        (h * 2).sum().backward()
        return h.grad, x.grad

    both(program)


def test_retain_graph_and_the_second_time_error():
    for make in LEAVES:
        x = make()
        y = (x * x).sum()
        y.backward(retain_graph=True)
        y.backward()
        with pytest.raises(RuntimeError, match="second time"):
            y.backward()
        z = (x + 1).sum()  # keeps no values: a second backward is fine in both
        z.backward()
        z.backward()


def test_grad_modes_as_context_managers_and_decorators():
    def program(lib, make):
        x = make(X0)
        with lib.no_grad():
            a = x * 2
            with lib.enable_grad():
                b = x * 2
        with lib.set_grad_enabled(False):
            c = x * 2

        @lib.no_grad()
        def f(t):
            return t * 2

        d = f(x)
        return [float(t.requires_grad) for t in (a, b, c, d)]

    both(program)


def test_detach_and_the_version_error():
    for make in LEAVES:
        x = make()
        assert not x.detach().requires_grad
        h = x * 1.0
        y = h.sin()
        h += 1
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.sum().backward()


def test_autograd_grad_keywords():
    def program(lib, make):
        x = make(X0)
        u = make(X0)
        y = (x ** 3).sum()
        (g,) = lib.autograd.grad(y, [x], create_graph=True)
        (gg,) = lib.autograd.grad(g, [x], grad_outputs=[lib.ones_like(g) if lib is torch
                                                        else ag.tensor(np.ones(3))])
        gx, gu = lib.autograd.grad((x * 2).sum(), [x, u], allow_unused=True)
        return g, gg, gx, gu

    both(program)


def test_relu_and_sigmoid_methods():
    def program(lib, make):
        x = make(X0)
        (x.relu() + x.sigmoid()).sum().backward()
        return x.relu(), x.sigmoid(), x.grad

    both(program)


def test_non_leaf_grad_is_none():
    x = ag.tensor(np.array(X0), requires_grad=True)
    h = x * 2
    h.sum().backward()
    assert h.grad is None
