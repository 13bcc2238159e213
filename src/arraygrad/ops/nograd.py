"""NumPy functions whose results carry no gradient by nature: integers and booleans
(indices, counts, predicates), sets, histograms, I/O and introspection. Each runs NumPy on
the raw arrays and returns Tensors outside any graph, so calling one on a tensor that
requires grad is fine (as ``torch.unique``), it just does not record."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._compose import as_tensor, constant, records
from .index import scatter_add

NAMES = (
    # indices and counts
    "argwhere", "flatnonzero", "digitize", "ravel_multi_index", "unravel_index",
    "diag_indices", "diag_indices_from", "tril_indices", "tril_indices_from", "triu_indices",
    "triu_indices_from", "mask_indices", "indices", "ix_", "packbits", "unpackbits",
    # predicates and comparisons of whole arrays
    "isneginf", "isposinf", "isreal", "iscomplex", "isrealobj", "isfortran", "isin",
    "array_equiv", "may_share_memory", "shares_memory", "iterable", "isdtype",
    # sets and histograms
    "intersect1d", "union1d", "setdiff1d", "setxor1d", "histogram2d", "histogramdd",
    "histogram_bin_edges",
    # types
    "min_scalar_type", "common_type", "mintypecode", "broadcast_shapes", "typename",
    # text and files
    "array2string", "array_repr", "array_str", "base_repr", "binary_repr",
    "format_float_positional", "format_float_scientific", "save", "savez",
    "savez_compressed", "savetxt",
    # dates
    "busday_count", "busday_offset", "is_busday", "datetime_as_string", "datetime_data",
    # windows (functions of an integer length)
    "bartlett", "blackman", "hamming", "hanning", "kaiser",
)

__all__ = ["bincount", "histogram"]

for _name in NAMES:
    _fn = getattr(np, _name, None)
    if _fn is not None:  # (an older NumPy lacks a few)
        globals()[_name] = constant(_fn, _name)
        __all__.append(_name)
del _name, _fn


def bincount(x: Any, /, weights: Any = None, minlength: int = 0) -> Any:
    """``numpy.bincount``; with ``weights`` it is a sum of the weights per bin, linear in
    them, and differentiable in them."""
    if not records(weights):
        return constant(np.bincount)(x, weights=weights, minlength=minlength)
    weights = as_tensor(weights)
    idx = np.asarray(x._data if hasattr(x, "_data") and not isinstance(x, np.ndarray) else x)
    n = max(int(idx.max()) + 1 if idx.size else 0, int(minlength))
    w = weights if weights.dtype == np.float64 else weights.astype(np.float64)
    return scatter_add(w, (idx,), (n,))


def histogram(a: Any, bins: Any = 10, range: Any = None, density: Any = None,  # noqa: A002
              weights: Any = None) -> Any:
    """``numpy.histogram``: counts and bin edges, without gradient."""
    if records(weights):
        raise TypeError("numpy.histogram(..., weights=...) is not differentiable in arraygrad "
                        "(yet); use bincount of digitize(a, edges) with weights")
    return constant(np.histogram)(a, bins, range, density, weights)
