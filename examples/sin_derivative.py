"""Exercise (d2l): plot f(x) = sin(x) and df/dx, computing the derivative by autograd
(never using f'(x) = cos(x)).

    python examples/sin_derivative.py [--out arraygrad-examples/sin_derivative.png]

Needs matplotlib for the picture (``pip install matplotlib``); without it the script
still computes the derivative, checks it against cos(x) and says how to install it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import arraygrad as ag
from arraygrad import numpy as anp


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default="arraygrad-examples/sin_derivative.png",
                   help="where to save the PNG (its folder is created)")
    p.add_argument("--points", type=int, default=201)
    args = p.parse_args()

    x = anp.linspace(-2 * np.pi, 2 * np.pi, args.points)
    x.requires_grad_()
    y = anp.sin(x)
    y.backward()  # non-scalar y: the gradient of y.sum(), i.e. dy_i/dx_i for each point
    dydx = x.grad.detach().numpy()
    # the functional form gives the same: ag.grad of the sum
    assert np.allclose(dydx, ag.grad(lambda t: anp.sin(t).sum())(x.detach()).detach().numpy())
    err = np.max(np.abs(dydx - np.cos(x.detach().numpy())))
    print(f"max |autograd derivative - cos(x)| = {err:.2e} over {args.points} points")

    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed, so no plot was drawn; install it with:\n"
              "    python -m pip install matplotlib")
        return
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.plot(x.detach().numpy(), y.detach().numpy(), label="f(x) = sin(x)")
    ax.plot(x.detach().numpy(), dydx, "--", label="df/dx by autograd")
    ax.set_xlabel("x")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False)
    fig.tight_layout()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=100)
    print(f"saved the plot to {out}")


if __name__ == "__main__":
    main()
