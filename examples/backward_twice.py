"""Exercise (d2l): "After running y.backward(), immediately run it again and see what happens."

The first backward frees the values the graph saved for its rules, so a second one has
nothing to work with and raises an error that says what to do. With
``retain_graph=True`` the graph is kept, and the second backward *accumulates* into
``.grad`` (PyTorch idiom) -- or overwrites it in MXNet's ``attach_grad`` idiom.

    python examples/backward_twice.py
"""

from __future__ import annotations

import arraygrad as ag
from arraygrad import autograd
from arraygrad import numpy as anp


def main() -> None:
    # PyTorch idiom: .grad accumulates
    x = anp.arange(4.0)
    x.requires_grad_()
    y = 2 * anp.dot(x, x)
    y.backward()
    print("after one backward:        x.grad =", x.grad.numpy())
    try:
        y.backward()
    except ag.GraphError as e:
        print("second backward raises GraphError:\n   ", e)

    x.grad = None
    y = 2 * anp.dot(x, x)
    y.backward(retain_graph=True)
    y.backward()
    print("retain_graph=True, twice:  x.grad =", x.grad.numpy(), "(accumulated: 2 * 4x)")
    x.grad.zero_()
    print("after x.grad.zero_():      x.grad =", x.grad.numpy())

    # MXNet idiom: attach_grad writes (grad_req='write') or adds (grad_req='add')
    for req in ("write", "add"):
        x = anp.arange(4.0)
        x.attach_grad(grad_req=req)
        with autograd.record():
            y = 2 * anp.dot(x, x)
        y.backward(retain_graph=True)
        y.backward()
        print(f"MXNet grad_req={req!r:7} twice: x.grad =", x.grad.numpy())


if __name__ == "__main__":
    main()
