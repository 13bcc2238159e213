"""Graph nodes: one per recorded op (its ``grad_fn``), plus one accumulator per leaf.

A node keeps what its derivative rule needs (the saved inputs, the output's data) and the
edges to the nodes that produced its inputs. It knows nothing about traversal order; the
engine drives it through ``apply``.
"""

from __future__ import annotations

import itertools
import weakref
from typing import Any

_sequence = itertools.count()


class GraphError(RuntimeError):
    """A backward pass that cannot run: freed graph, modified saved value, bad gradient."""


class _Extras:
    """A node's rarely used state (hooks, metadata), made on first use: one slot on the
    node, one ``is None`` test per node in the backward loop."""

    __slots__ = ("pre_hooks", "post_hooks", "meta")

    def __init__(self) -> None:
        self.pre_hooks: dict | None = None
        self.post_hooks: list | None = None
        self.meta: dict | None = None


class _GraphNode:
    """What every node shares: creation order, edges and hooks."""

    __slots__ = ("seq", "edges", "extras", "__weakref__")

    def _extras(self) -> _Extras:
        extras = self.extras
        if extras is None:
            extras = self.extras = _Extras()
        return extras

    @property
    def pre_hooks(self) -> dict | None:
        return self.extras.pre_hooks if self.extras is not None else None

    @property
    def post_hooks(self) -> list | None:
        return self.extras.post_hooks if self.extras is not None else None

    @property
    def meta(self) -> dict | None:
        return self.extras.meta if self.extras is not None else None

    def register_hook(self, fn) -> _RemovableHandle:
        """``fn(grad_inputs, grad_outputs)`` after this node ran; may return new grad_inputs."""
        extras = self._extras()
        if extras.post_hooks is None:
            extras.post_hooks = []
        extras.post_hooks.append(fn)
        return _RemovableHandle(extras.post_hooks, fn)

    def register_prehook(self, fn) -> _RemovableHandle:
        """``fn(grad_outputs)`` before this node runs; may return new grad_outputs."""
        return self._add_pre_hook(-1, fn)

    def _add_pre_hook(self, index: int, fn) -> _RemovableHandle:
        """Hooks on output ``index`` (a tensor hook) or, with -1, on all outputs together."""
        extras = self._extras()
        if extras.pre_hooks is None:
            extras.pre_hooks = {}
        hooks = extras.pre_hooks.setdefault(index, [])
        hooks.append(fn)
        # ``retain_grad`` keeps the gradient after the tensor's other hooks changed it,
        # in whichever order they were registered (PyTorch's rule).
        hooks.sort(key=lambda h: getattr(h, "retains_grad", False))
        return _RemovableHandle(hooks, fn)

    @property
    def metadata(self) -> dict:
        extras = self._extras()
        if extras.meta is None:
            extras.meta = {}
        return extras.meta


class Node(_GraphNode):
    """The backward function of one op. ``y.grad_fn`` is one of these; ``new_node`` makes
    them."""

    __slots__ = (
        "op",  # the Primitive whose rules this node runs
        "args",  # the op's positional args: saved Tensors, or _Spec stand-ins
        "kwargs",  # the op's non-differentiable keyword arguments
        "ans",  # the output's data (never the output Tensor: that would be a cycle)
        "out_ref",  # weak reference to the output when the rule needs it (version check)
        "versions",  # ((argnum, version), ...) of the saved Tensors at save time
        "rg",  # recording style of the output (1 PyTorch, 2 MXNet)
        "nout",  # number of outputs (the engine sizes gradient buffers by it)
    )

    # --- PyTorch-style introspection -------------------------------------------------
    def name(self) -> str:
        return self.op.node_name

    @property
    def next_functions(self) -> tuple:
        """``((node, output_index), ...)``, one per differentiable input; ``(None, 0)`` for
        inputs that need no gradient."""
        by_arg = {argnum: (node, idx) for argnum, node, idx in self.edges}
        return tuple(by_arg.get(i, (None, 0)) for i in self.op.diff_positions(self.nargs))

    @property
    def nargs(self) -> int:
        if self.args is not None:
            return len(self.args)
        return max((e[0] for e in self.edges), default=-1) + 1

    @property
    def freed(self) -> bool:
        return self.args is None

    def __repr__(self) -> str:
        return f"<{self.name()} object at {id(self):#x}>"


_new = object.__new__


def new_node(op: Any, args: tuple, kwargs: dict, ans: Any, edges: tuple, rg: int,
             versions: tuple | None) -> Node:
    """The one way to make a Node (``core.primitive.call`` is its only caller): a plain
    function, because a class call with ``__init__`` costs more, once per recorded op."""
    node = _new(Node)
    node.op = op
    node.args = args
    node.kwargs = kwargs
    node.ans = ans
    node.out_ref = None
    node.versions = versions
    node.nout = op.nout
    node.edges = edges
    node.seq = next(_sequence)
    node.rg = rg
    node.extras = None
    return node


class AccumulateGrad(_GraphNode):
    """The sink for a leaf's gradient: ``next_functions`` of a node reaches leaves through it."""

    __slots__ = ("_leaf",)
    nout = 1

    def __init__(self, leaf: Any):
        # A weak reference: the graph must not keep a deleted leaf (and its buffers) alive.
        self._leaf = weakref.ref(leaf)
        self.seq = next(_sequence)
        self.edges = ()
        self.extras = None

    @property
    def variable(self) -> Any:
        return self._leaf()

    def name(self) -> str:
        return "AccumulateGrad"

    @property
    def next_functions(self) -> tuple:
        return ()

    def __repr__(self) -> str:
        return f"<AccumulateGrad object at {id(self):#x}>"


class _RemovableHandle:
    __slots__ = ("_hooks", "_fn")

    def __init__(self, hooks: list, fn: Any):
        self._hooks, self._fn = hooks, fn

    def remove(self) -> None:
        try:
            self._hooks.remove(self._fn)
        except ValueError:
            pass

    def __enter__(self) -> _RemovableHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()
