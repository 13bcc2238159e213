"""Results that are values of a recorded input but have no derivative here (``unique``,
set operations, histogram bin edges): as in PyTorch (``torch.unique``), the result stays
in the graph and a backward through it raises, naming the function; the gradient is never
a silent zero."""

from __future__ import annotations

from typing import Any

from ..core.primitive import defvjp, primitive


@primitive("NotDifferentiable", arity=2)
def _refused(values, source, name="this function"):
    return values


def _raise(g, ans, values, source, name="this function"):
    raise NotImplementedError(
        f"the derivative of numpy.{name} is not implemented in arraygrad (as in PyTorch, "
        f"where the derivative for {name} is not implemented either); its result was used "
        "in a gradient computation. Use .detach() on its input, or index the input with the "
        "integer results (return_index=True / return_inverse=True), which records."
    )


defvjp(_refused, None, _raise, save=False)


def refuse_backward(values: Any, source: Any, name: str) -> Any:
    """``values`` (a constant tensor made from ``source``'s data) joined to the graph of
    ``source`` so that a backward through it raises, naming ``name``."""
    return _refused(values, source, name=name)
