"""Exercise (d2l, "Automatic Differentiation"): second derivatives, and why they cost more.

Second derivatives of sin(x) and x**3, three ways (the functional ``ag.grad``, PyTorch's
``create_graph=True``, TensorFlow's nested tapes), then a timing of a gradient against a
Hessian-vector product on f(w) = sum(tanh(A w)) with A 512 x 512.

Why more expensive: the first backward pass must itself be *recorded* (each rule becomes
new graph nodes, with their saved values) so that a second backward pass can run through
it. A Hessian-vector product is one forward, one recorded backward and one backward of
that backward; the full Hessian of an n-vector function needs n of those.

    python examples/second_derivative.py [--n 512] [--repeat 7]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import arraygrad as ag
from arraygrad import numpy as anp


def median_ms(fn, repeat: int) -> float:
    fn()  # warm up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times)) * 1e3


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=512, help="size of A (n x n)")
    p.add_argument("--repeat", type=int, default=7, help="timed repeats (median)")
    args = p.parse_args()

    x = np.array([0.0, 0.5, 1.0, 2.0])

    # 1. functional: grad of grad
    d2_sin = ag.grad(ag.grad(lambda t: anp.sin(t)))
    d2_cube = ag.grad(ag.grad(lambda t: t**3))
    print("x                 ", x)
    print("sin''(x)  (ag.grad twice)", np.array([d2_sin(v).item() for v in x]))
    print("-sin(x)   (closed form)  ", -np.sin(x))
    print("(x^3)''   (ag.grad twice)", np.array([d2_cube(v).item() for v in x]))
    print("6x        (closed form)  ", 6 * x)
    print("(x^3)'''  (ag.grad x3)   ", ag.grad(ag.grad(ag.grad(lambda t: t**3)))(1.0).item())

    # 2. PyTorch idiom: create_graph=True records the first backward
    xt = ag.tensor(x, requires_grad=True)
    (dy,) = ag.autograd.grad(anp.sin(xt).sum(), xt, create_graph=True)
    (d2y,) = ag.autograd.grad(dy.sum(), xt)
    print("sin''(x)  (create_graph) ", d2y.numpy())

    # 3. TensorFlow idiom: nested tapes
    xv = ag.Variable(x)
    with ag.GradientTape() as outer:
        with ag.GradientTape() as inner:
            y = xv**3
        dy = inner.gradient(y, xv)
    print("(x^3)''   (nested tapes) ", outer.gradient(dy, xv).numpy())

    # Why it costs more: time a gradient and a Hessian-vector product
    rng = np.random.default_rng(0)
    n = args.n
    A = ag.tensor(rng.standard_normal((n, n)) / np.sqrt(n))
    w = rng.standard_normal(n)
    v = rng.standard_normal(n)

    def f(w):
        return anp.tanh(A @ w).sum()

    g_ms = median_ms(lambda: ag.grad(f)(w), args.repeat)
    h_ms = median_ms(lambda: ag.hvp(f, (w,), (v,)), args.repeat)
    print(f"\nf(w) = sum(tanh(A w)), A {n}x{n} float64, median of {args.repeat}:")
    print(f"  gradient                 {g_ms:8.3f} ms")
    print(f"  Hessian-vector product   {h_ms:8.3f} ms   ({h_ms / g_ms:.2f}x the gradient)")
    print(f"  full Hessian would need {n} such products (~{n * h_ms / 1e3:.1f} s)")
    print("The second backward runs through the recorded first backward: more nodes, "
          "more saved values, more passes.")


if __name__ == "__main__":
    main()
