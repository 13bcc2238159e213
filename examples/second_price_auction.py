"""Exercise (d2l): in a second-price auction the winner pays the second-highest bid.
Compute the gradient of the price with respect to the bids with autograd.

price(bids) = the second-largest bid. Its gradient is 1 for the runner-up's bid and 0
for every other bid -- in particular 0 for the winner's own bid. What it tells us about
the mechanism: as long as she keeps winning, the winner cannot change what she pays by
changing her bid, so she has no reason to shade it; bidding her true value is safe
(the auction is "truthful", Vickrey 1961). Only the runner-up's bid sets the price.

    python examples/second_price_auction.py
"""

from __future__ import annotations

import numpy as np

import arraygrad as ag
from arraygrad import numpy as anp


def second_price(bids):
    """The price the winner pays: the highest bid once the top bid is removed."""
    winner = int(anp.argmax(bids).item())
    others = anp.concatenate([bids[:winner], bids[winner + 1:]])
    return anp.max(others)


def main() -> None:
    bids = np.array([12.0, 31.0, 25.0, 7.0, 19.0])
    names = ["Ann", "Bob", "Cao", "Dee", "Eli"]
    g = ag.grad(second_price)(bids)
    price = second_price(ag.tensor(bids)).item()
    winner = names[int(np.argmax(bids))]
    print(f"bids: {dict(zip(names, bids.tolist()))}")
    print(f"{winner} wins and pays {price} (the second-highest bid)")
    print("d price / d bid:", dict(zip(names, g.numpy().tolist())))
    print(f"d price / d winner's bid ({winner}) = {g.numpy()[np.argmax(bids)]:.0f}: "
          "the winner's bid does not move her price")
    runner_up = names[int(np.argsort(bids)[-2])]
    print(f"d price / d second bid ({runner_up}) = {g.numpy()[np.argsort(bids)[-2]]:.0f}: "
          "the runner-up's bid sets it, one for one")

    # the same with the PyTorch idiom
    b = ag.tensor(bids, requires_grad=True)
    second_price(b).backward()
    assert np.array_equal(b.grad.numpy(), g.numpy())


if __name__ == "__main__":
    main()
