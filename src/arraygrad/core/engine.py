"""Backward: walk the graph from the outputs in reverse creation order, run each node's
rules once all its gradient has arrived, and hand the results to leaves.

Every node carries a creation number (``seq``) and a node's inputs were always created
before it, so popping the largest ``seq`` from a heap visits nodes in a topological
order: no recursion (a 100,000-op chain is fine) and no separate sorting pass.
"""

from __future__ import annotations

import heapq
import weakref
from collections.abc import Sequence
from typing import Any

import numpy as np

from .._backend import array_module
from .mode import STATE, SWITCHES
from .node import AccumulateGrad, GraphError, Node
from .primitive import ADD_INTO, WRITE_INTO, call, unbroadcast
from .tensor import Tensor

__all__ = ["backward", "grad", "retain_grad_hook"]

_FREED = (
    "Trying to backward through the graph a second time (or to use saved values after "
    "they were freed). Saved intermediate values are freed when you call .backward() or "
    "autograd.grad(); pass retain_graph=True to the first call if you need to backward "
    "through the graph again."
)


def backward(
    tensors: Sequence[Tensor],
    grad_tensors: Sequence[Any] | None = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    inputs: Any = None,
) -> None:
    """Accumulate d(tensors)/d(leaves) into the leaves' ``.grad`` (``Tensor.backward``)."""
    if isinstance(tensors, Tensor):
        tensors = [tensors]
    roots = _roots(tensors, grad_tensors, "backward")
    if retain_graph is None:
        retain_graph = create_graph
    if inputs is not None:
        inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
        got = _run(roots, retain_graph, create_graph, capture=inputs)
        for t, g in zip(inputs, got):
            if g is not None:
                _accumulate_leaf(t, g, create_graph)
        return
    _run(roots, retain_graph, create_graph, capture=None)


def grad(
    outputs: Any,
    inputs: Any,
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool | None = None,
    materialize_grads: bool = False,
) -> tuple[Tensor | None, ...]:
    """The gradients of ``outputs`` with respect to ``inputs``, returned, not accumulated."""
    single_out = isinstance(outputs, Tensor)
    outputs = [outputs] if single_out else list(outputs)
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    if grad_outputs is not None and (isinstance(grad_outputs, Tensor) or not isinstance(
            grad_outputs, (list, tuple))):
        grad_outputs = [grad_outputs]
    for t in inputs:
        if not isinstance(t, Tensor) or not t._rg:
            raise RuntimeError(
                "autograd.grad: one of the inputs does not require grad; call "
                "requires_grad_() (or attach_grad()) on it before computing the outputs"
            )
    roots = _roots(outputs, grad_outputs, "autograd.grad")
    if retain_graph is None:
        retain_graph = create_graph
    got = _run(roots, retain_graph, create_graph, capture=inputs)
    result = []
    for t, g in zip(inputs, got):
        if g is None:
            if materialize_grads:
                g = _zeros_like(t._data)
            elif not allow_unused:
                raise RuntimeError(
                    "autograd.grad: one of the differentiated tensors appears not to have "
                    "been used in the graph; pass allow_unused=True if this is intended"
                )
        result.append(g)
    return tuple(result)


# ---------------------------------------------------------------------------- internals


def _zeros_like(data: Any) -> Tensor:
    return _make(array_module(data).zeros_like(data))


def _roots(tensors: Sequence[Tensor], grads: Sequence[Any] | None, where: str) -> list:
    if grads is None:
        grads = [None] * len(tensors)
    if len(grads) != len(tensors):
        raise ValueError(f"{where}: got {len(tensors)} outputs but {len(grads)} gradients")
    roots = []
    for t, g in zip(tensors, grads):
        if not isinstance(t, Tensor):
            raise TypeError(f"{where}: expected Tensors, got {type(t).__name__}")
        if not t._rg:
            raise RuntimeError(
                f"{where}: element 0 of tensors does not require grad and does not have a "
                "grad_fn. Call x.requires_grad_() (PyTorch style), or x.attach_grad() and "
                "compute inside `with autograd.record():` (MXNet style), before the ops."
            )
        if g is None:
            # The seed's rule: backward on a non-scalar means backward on its sum.
            g = _make(array_module(t._data).ones_like(t._data))
        else:
            g = g if isinstance(g, Tensor) else Tensor(g)
            if g.shape != t.shape:
                raise ValueError(
                    f"{where}: the gradient has shape {g.shape} but the output has shape "
                    f"{t.shape}; pass a gradient of the output's shape (a Jacobian's "
                    "row weights), or omit it to differentiate the sum of the output"
                )
            if g.dtype != t.dtype and t.dtype.kind in "fc":
                g = g.astype(t.dtype)
        node = t._node
        if node is None:
            roots.append((t._accumulator(), 0, g))
        else:
            roots.append((node, t._out, g))
    return roots


def _run(roots: list, retain_graph: bool, create_graph: bool, capture: list | None) -> list:
    """The backward loop. With ``capture`` (autograd.grad), return the gradients arriving
    at those tensors and leave every ``.grad`` untouched."""
    buffers: dict[Any, list] = {}
    heap: list = []
    for node, idx, g in roots:
        buf = buffers.get(node)
        if buf is None:
            buf = buffers[node] = [None] * node.nout
            heap.append((-node.seq, node))
        buf[idx] = g if buf[idx] is None else buf[idx] + g
    heapq.heapify(heap)

    wanted: dict[tuple, int] = {}
    needed = None
    if capture is not None:
        for k, t in enumerate(capture):
            key = (t._accumulator(), 0) if t._node is None else (t._node, t._out)
            wanted[key] = k
        needed = _needed_nodes([r[0] for r in roots], {key[0] for key in wanted})
    captured: list = [None] * (len(capture) if capture is not None else 0)

    # Sums this backward made (node -> {output index: tensor}): nothing else references
    # them until their node runs, so later contributions can be added in place.
    owned: dict[Any, dict] = {}
    state = STATE
    prev_level = state.level
    state.level = 2 if create_graph else 0
    apply = _apply_checked if SWITCHES.detect_anomaly else _apply  # one check per run
    fast = apply is _apply
    heappop = heapq.heappop
    try:
        while heap:
            node = heappop(heap)[1]
            grads = buffers.pop(node)
            mine = owned.pop(node, None) if owned else None
            extras = node.extras  # hooks and metadata: None for almost every node
            if extras is not None and extras.pre_hooks:
                grads = _run_pre_hooks(node, grads)
            if wanted:
                for i, g in enumerate(grads):
                    k = wanted.get((node, i))
                    if k is not None and g is not None:
                        captured[k] = g if captured[k] is None else captured[k] + g
            if type(node) is AccumulateGrad:
                if capture is None:
                    leaf = node._leaf()
                    g = grads[0]
                    if leaf is not None and g is not None:
                        # a sum the engine made that no hook has seen: no need to copy it
                        fresh = mine is not None and mine.get(0) is g and (
                            extras is None or not extras.pre_hooks)
                        _accumulate_leaf(leaf, g, create_graph, fresh)
                if extras is not None and extras.post_hooks:
                    for hook in extras.post_hooks:
                        hook(grads, grads)
                continue
            if fast and extras is None and node.nout == 1 and node.args is not None:
                # The common case, inlined (what _apply does, then the distribution below,
                # without the results list): one output, no hooks, saved values present.
                args = node.args
                versions = node.versions
                if versions:
                    for i, version in versions:
                        if args[i]._version != version:
                            raise GraphError(_modified(node, f"argument {i}", args[i], version))
                op = node.op
                if op.save_ans:
                    ans = _output(node, create_graph)
                else:
                    ans = None
                g = grads[0]
                kwargs = node.kwargs if op.rule_kwargs else _NO_KWARGS
                vjps = op.vjps
                for argnum, nxt, idx in node.edges:
                    if needed is not None and nxt not in needed:
                        continue
                    gi = _edge_gradient(vjps[argnum], g, ans, args, kwargs, argnum)
                    if gi is not None:
                        _deliver(buffers, heap, nxt, idx, gi, create_graph, owned)
                if not retain_graph and (op.save is not False or node.ans is not None):
                    node.args = node.ans = node.out_ref = None  # saved values freed
                continue
            results = apply(node, grads, create_graph, needed)
            extras = node.extras
            if extras is not None and extras.post_hooks:
                results = _run_post_hooks(node, results, grads)
            if not retain_graph and _holds_values(node):
                node.args = node.ans = node.out_ref = None  # saved values freed
            for (_argnum, nxt, idx), gi in zip(node.edges, results):
                if gi is None or (needed is not None and nxt not in needed):
                    continue
                _deliver(buffers, heap, nxt, idx, gi, create_graph, owned)
    except Exception as exc:
        if not retain_graph and not getattr(exc, "_ag_freed", False):
            _remember_failure(roots, exc)
        raise
    finally:
        state.level = prev_level
    return captured


# Nodes a failed backward had already freed, with its error: a retry raises that error
# again (not "backward a second time"). Saved values are freed as backward goes, not at
# its end, so that peak memory stays what checkpointing promises.
_FAILED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _remember_failure(roots: list, exc: BaseException) -> None:
    stack = [r[0] for r in roots]
    seen = set()
    while stack:
        n = stack.pop()
        if n in seen:
            continue
        seen.add(n)
        if type(n) is Node and n.args is None:
            _FAILED[n] = exc
        stack.extend(e[1] for e in n.edges)


def _holds_values(node: Any) -> bool:
    """Did ``node`` keep values (not only shapes) for its rules? Only those are freed: as
    in PyTorch, backward through ``(x + 1).sum()`` a second time is fine."""
    op = node.op
    return op.save is not False or node.ans is not None


def _deliver(buffers: dict, heap: list, nxt: Any, idx: int, gi: Tensor, create_graph: bool,
             owned: Any) -> None:
    """Add ``gi`` to output ``idx`` of ``nxt``'s gradient buffer; queue ``nxt`` when its
    first gradient arrives."""
    buf = buffers.get(nxt)
    if buf is None:
        buf = buffers[nxt] = [None] * nxt.nout
        heapq.heappush(heap, (-nxt.seq, nxt))
        buf[idx] = gi
        return
    prev = buf[idx]
    if prev is None:
        buf[idx] = gi
    elif create_graph:
        buf[idx] = prev + gi
    else:
        buf[idx] = _sum_into(prev, gi, nxt, idx, owned)


def _apply(node: Node, grads: list, create_graph: bool, needed: set | None = None) -> list:
    """Run ``node``'s rules: one gradient per edge, in edge order (None for edges that
    lead to nothing ``needed``: autograd.grad pruned them)."""
    args = node.args
    if args is None:
        args = _unpack_saved(node)  # saved-tensor hooks packed them; else the graph was freed
    op = node.op
    versions = node.versions
    if versions:
        for i, version in versions:
            if args[i]._version != version:
                raise GraphError(_modified(node, f"argument {i}", args[i], version))
    if node.nout == 1:
        g = grads[0]
        ans = _output(node, create_graph) if op.save_ans else None
    else:
        g, ans = _multi_output_grads(node, grads, create_graph)
    kwargs = node.kwargs if op.rule_kwargs else _NO_KWARGS
    vjps = op.vjps
    results = []
    for argnum, nxt, _idx in node.edges:
        if needed is not None and nxt not in needed:
            results.append(None)
        else:
            results.append(_edge_gradient(vjps[argnum], g, ans, args, kwargs, argnum))
    return results


def _edge_gradient(rule: Any, g: Any, ans: Any, args: tuple, kwargs: dict,
                   argnum: int) -> Tensor | None:
    """One rule's gradient for argument ``argnum``, broadcasting undone."""
    gi = rule(g, ans, *args, **kwargs)
    if gi is None:
        return None
    if not isinstance(gi, Tensor):
        gi = Tensor(gi)
    # unbroadcast's no-op case, inlined: same shape and dtype as the argument
    target = args[argnum]
    t = target._data if type(target) is Tensor else target
    data = gi._data
    dt = data.dtype
    if data.shape != t.shape or (dt is not t.dtype and dt != t.dtype):
        gi = unbroadcast(gi, target)
    return gi


def _output(node: Node, create_graph: bool) -> Tensor:
    """The saved output of a single-output node, as its rule receives it."""
    ref = node.out_ref
    out = ref() if ref is not None else None
    if out is not None and out._version != 0:
        raise GraphError(_modified(node, "its output", out, 0))
    return _make(node.ans, node, 0, node.rg) if create_graph else _make(node.ans)


def _multi_output_grads(node: Node, grads: list, create_graph: bool) -> tuple:
    """The gradient tuple and output tuple a multi-output rule receives."""
    ans = tuple(
        _make(a, node, k, node.rg) if create_graph else _make(a)
        for k, a in enumerate(node.ans)
    )
    if node.op.materialize:
        g = tuple(
            gk if gk is not None else _zeros_like(a)
            for gk, a in zip(grads, node.ans)
        )
    else:  # a custom Function that asked for None (set_materialize_grads(False))
        g = tuple(grads)
    return g, ans


_make = Tensor._make
_NO_KWARGS: dict = {}
_ndarray = np.ndarray
_np_add = np.add


def _sum_into(prev: Tensor, gi: Tensor, node: Any, idx: int, owned: dict) -> Tensor:
    """``prev + gi`` for a gradient buffer (no graph being built). A rule may return a
    tensor that is referenced elsewhere (``add``'s rule returns ``g`` itself), so the first
    sum makes a new array; the engine owns that one, and later sums go into it in place."""
    mine = owned.get(node)
    if mine is not None and mine.get(idx) is prev:
        pd = prev._data
        gd = gi._data
        if (type(pd) is _ndarray and type(gd) is _ndarray and pd.shape == gd.shape
                and pd.dtype == gd.dtype):
            if SWITCHES.extras:  # a tracer watches: through the one entry
                return call(ADD_INTO, (prev, gi), {}, out=prev)
            _np_add(pd, gd, out=pd)
            return prev
    total = prev + gi
    if mine is None:
        owned[node] = {idx: total}
    else:
        mine[idx] = total
    return total



# ---------------------------------------------------------------------------- tools
# Anomaly mode (``autograd.detect_anomaly``) and saved-tensor hooks
# (``autograd.graph.saved_tensors_hooks``) live off the fast path: ``_run`` picks
# ``_apply_checked`` once per backward, and ``_apply`` unpacks saved values only in the
# branch where it would otherwise report a freed graph. Both register with
# ``mode.SWITCHES``; the engine imports nothing of them.


def _apply_checked(node: Node, grads: list, create_graph: bool,
                   needed: set | None = None) -> list:
    """``_apply`` in anomaly mode: a NaN or Inf in a rule's result names the op and shows
    where the forward created it."""
    anomaly = SWITCHES.anomaly
    try:
        results = _apply(node, grads, create_graph, needed)
    except Exception as exc:
        anomaly.annotate(node, exc)
        raise
    anomaly.check_results(node, results)
    return results


def _unpack_saved(node: Node) -> tuple:
    meta = node.meta
    packed = meta.get("saved") if meta is not None else None
    if packed is None or packed.used:
        failed = _FAILED.get(node)
        if failed is not None:  # the error of the backward that freed it, again
            try:
                again = type(failed)(*failed.args)
            except Exception:  # noqa: BLE001 - an exception class that wants more
                again = GraphError(str(failed))
            raise again from failed
        err = GraphError(_FREED)
        err._ag_freed = True
        raise err
    return packed.unpack_into(node)


def _modified(node: Node, what: str, t: Tensor, version: int) -> str:
    return (
        f"one of the variables needed for gradient computation has been modified by an "
        f"inplace operation: {what} of {node.name()}, a tensor of shape {tuple(t.shape)} "
        f"and dtype {t.dtype}, is at version {t._version}; expected version {version}. "
        "Use an out-of-place op (y = y + 1 instead of y += 1), or .copy() the value "
        "before modifying it."
    )


def _run_pre_hooks(node: Any, grads: list) -> list:
    grads = list(grads)
    for idx, hooks in node.extras.pre_hooks.items():
        if idx == -1:
            for hook in list(hooks):
                new = hook(tuple(grads))
                if new is not None:
                    grads = list(new)
            continue
        for hook in list(hooks):
            if grads[idx] is None:
                break
            new = hook(grads[idx])
            if new is not None:
                grads[idx] = new if isinstance(new, Tensor) else Tensor(new)
    return grads


def _run_post_hooks(node: Node, results: list, grads: list) -> list:
    for hook in node.extras.post_hooks:
        new = hook(tuple(results), tuple(grads))
        if new is not None:
            results = list(new)
    return results


def _needed_nodes(starts: list, targets: set) -> set:
    """Nodes from which some target is reachable (the only ones autograd.grad must run)."""
    order: list = []
    seen = set()
    stack = list(starts)
    while stack:
        n = stack.pop()
        if n in seen:
            continue
        seen.add(n)
        order.append(n)
        stack.extend(e[1] for e in n.edges)
    needed = set()
    # Children were created before parents: visiting by increasing seq sees children first.
    for n in sorted(order, key=lambda x: x.seq):
        if n in targets or any(e[1] in needed for e in n.edges):
            needed.add(n)
    return needed


def _accumulate_leaf(leaf: Tensor, g: Tensor, create_graph: bool, fresh: bool = False) -> None:
    """Deliver a leaf's gradient: MXNet buffers are written in place, PyTorch's accumulate.
    ``fresh``: ``g`` is a sum the engine made, referenced nowhere else (no copy needed)."""
    meta = leaf._leaf_meta()
    if g.dtype != leaf.dtype:
        g = g.astype(leaf.dtype)
    with meta.lock:  # atomic per leaf: backwards in several threads lose nothing
        req = meta.grad_req
        buf = meta.grad
        if req == "write" or req == "add":
            if create_graph or buf is None or buf.shape != leaf.shape:
                meta.grad = g if req == "write" or buf is None else buf + g
                return
            if SWITCHES.extras:  # a tracer watches: through the one entry
                call(WRITE_INTO if req == "write" else ADD_INTO, (buf, g), {}, out=buf)
            elif req == "write":
                buf._data[...] = g._data  # the seed: the same memory, every time
                buf._version += 1
            else:
                buf._data += g._data  # in place; rebinding the attribute keeps Dask's result
                buf._version += 1
            return
        if buf is None:
            meta.grad = g if create_graph or fresh else Tensor._make(_own(g._data))
        elif create_graph or buf._rg:
            meta.grad = buf + g
        elif SWITCHES.extras:
            call(ADD_INTO, (buf, g), {}, out=buf)
        else:
            buf._data += g._data
            buf._version += 1


def _own(data: Any) -> Any:
    """A copy of ``data`` that nothing else references (rules may return shared arrays)."""
    return data.copy()


def retain_grad_hook(t: Tensor):
    ref = weakref.ref(t)

    def hook(g: Tensor) -> None:
        owner = ref()
        if owner is None:
            return
        meta = owner._leaf_meta()
        with meta.lock:
            if meta.grad is None:
                meta.grad = g if STATE.level else Tensor._make(_own(g._data))
            else:
                meta.grad = meta.grad + g
        return None

    hook.retains_grad = True  # runs after the tensor's other hooks, as in PyTorch
    return hook
