"""Pictures of the computational graph, and what it keeps in memory for backward.

The graph is drawn the way seed 004 draws it: variables (tensors) as boxes, operators as
ellipses, data flowing from the inputs to the output. Parameters are named (from a dict
or a Module's ``named_parameters``), every variable shows its shape and dtype, and every
operator shows how many bytes it keeps for the backward pass (the inputs it saved and
its saved output).

    dot_text = ag.viz.to_dot(J, params=model)         # DOT source, no dependencies
    ag.viz.render(J, "graph.svg", params=model)        # needs Graphviz's `dot` program
    ag.viz.draw(J, params=model)                       # a Graph; Jupyter shows it inline
    print(ag.viz.memory_report(J))                     # bytes retained for backward

Colours: parameters (leaves that require grad) blue, other inputs grey, the output
green, intermediate variables white, operators yellow.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from .core.node import AccumulateGrad, Node
from .core.primitive import Spec
from .core.tensor import Tensor

__all__ = ["to_dot", "draw", "render", "memory_report", "Graph", "MemoryReport",
           "GraphvizNotFoundError"]

_COLORS = {
    "param": "#cfe2ff",
    "input": "#e9ecef",
    "output": "#c3e6cb",
    "var": "#ffffff",
    "op": "#fff3cd",
}

_INSTALL_HINT = (
    "Graphviz's `dot` program is needed to render the graph as SVG/PNG, and it is not on "
    "PATH. Install it: `apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` "
    "(macOS), or `conda install graphviz`. (`pip install graphviz` installs only the Python "
    "binding, not the program.) Without it, ag.viz.to_dot(y) still gives the DOT text, "
    "which any Graphviz viewer renders."
)


class GraphvizNotFoundError(RuntimeError):
    """Graphviz's ``dot`` binary is not installed."""


# ---------------------------------------------------------------------------- bytes


def _root(arr: Any) -> Any:
    while isinstance(getattr(arr, "base", None), np.ndarray):
        arr = arr.base
    return arr


def _arrays_of(value: Any) -> list:
    """The arrays a saved value holds (a Tensor's data, an ndarray, tuples of them)."""
    if isinstance(value, Tensor):
        return [value._data]
    if isinstance(value, np.ndarray):
        return [value]
    if isinstance(value, (tuple, list)):
        out = []
        for v in value:
            out.extend(_arrays_of(v))
        return out
    if hasattr(value, "nbytes") and hasattr(value, "dtype") and not isinstance(value, Spec):
        return [value]
    return []


def _nbytes(arrays: list) -> int:
    return int(sum(int(getattr(a, "nbytes", 0)) for a in arrays))


def _saved(node: Node) -> tuple[list, list, list]:
    """(saved input arrays that are leaves, saved intermediate input arrays, saved output
    arrays) of an op node; empty once backward freed them."""
    if node.args is None:
        return [], [], []
    leaves, inter = [], []
    for a in node.args:
        if isinstance(a, Tensor):
            (leaves if a._node is None else inter).append(a._data)
        else:
            leaves.extend(_arrays_of(a))
    for v in (node.kwargs or {}).values():
        leaves.extend(_arrays_of(v))
    out = _arrays_of(node.ans) if node.ans is not None else []
    return leaves, inter, out


def _fmt_bytes(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    for unit in ("KiB", "MiB", "GiB"):
        n /= 1024
        if n < 1024 or unit == "GiB":
            return f"{n:.1f} {unit}"
    return f"{n} B"  # pragma: no cover


# ---------------------------------------------------------------------------- traversal


def _outputs(y: Any) -> list[Tensor]:
    if isinstance(y, Tensor):
        return [y]
    if isinstance(y, (list, tuple)) and all(isinstance(t, Tensor) for t in y):
        return list(y)
    raise TypeError(f"expected a Tensor (or a list of Tensors), got {type(y).__name__}")


def _walk(outs: list[Tensor], max_nodes: int) -> tuple[list, int]:
    """Nodes reachable from the outputs (op nodes and leaf accumulators), by creation
    order; and how many were left out beyond ``max_nodes``."""
    seen: dict[int, Any] = {}
    stack = [t._node for t in outs if t._node is not None]
    stack += [t._accumulator() for t in outs if t._node is None and t._rg]
    dropped = 0
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        if len(seen) >= max_nodes:
            dropped += 1
            continue
        seen[id(n)] = n
        stack.extend(e[1] for e in n.edges)
    return sorted(seen.values(), key=lambda n: n.seq), dropped


def _names(params: Any) -> dict[Any, str]:
    """id(tensor) and id(tensor.data) -> name; ('out', id(node), index) -> name for
    computed values."""
    if params is None:
        return {}
    if hasattr(params, "named_parameters") and callable(params.named_parameters):
        items = list(params.named_parameters())
        if hasattr(params, "named_buffers"):
            items += list(params.named_buffers())
    elif isinstance(params, Mapping):
        items = list(params.items())
    elif isinstance(params, Iterable):
        items = list(params)
    else:
        raise TypeError("params must be a dict of name -> Tensor, a Module, or (name, "
                        f"tensor) pairs; got {type(params).__name__}")
    names: dict[Any, str] = {}
    for name, t in items:
        if isinstance(t, Tensor):
            names.setdefault(id(t), str(name))
            names.setdefault(id(t._data), str(name))
            if t._node is not None:  # a computed value: name its node's output
                names.setdefault(("out", id(t._node), t._out), str(name))
        elif isinstance(t, np.ndarray):
            names.setdefault(id(t), str(name))
    return names


def _name_of(t: Any, names: dict[int, str]) -> str | None:
    if isinstance(t, Tensor):
        return names.get(id(t)) or names.get(id(t._data))
    if isinstance(t, np.ndarray):
        return names.get(id(t))
    return None


def _shape_dtype(t: Any) -> str:
    if t is None:
        return "(freed)"
    shape = tuple(int(s) for s in t.shape)
    text = "()" if not shape else "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1
                                                                      else "") + ")"
    return f"{text} {np.dtype(t.dtype)}"


def _short(v: Any) -> str:
    if isinstance(v, (Tensor, np.ndarray, Spec)):
        return "·"
    if isinstance(v, float):
        return f"{v:.4g}"
    text = repr(v)
    return text if len(text) <= 16 else text[:15] + "…"


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


# ---------------------------------------------------------------------------- DOT


def to_dot(y: Any, params: Any = None, *, rankdir: str = "LR", show_saved: bool = True,
           legend: bool = True, max_nodes: int = 1000, title: str | None = None,
           output_names: Any = None) -> str:
    """The graph that produced ``y`` (a Tensor or a list of them) in Graphviz's DOT
    language. No dependencies.

    ``params``: names for tensors — a dict ``{name: tensor}``, a Module (its
    ``named_parameters``), or (name, tensor) pairs; inputs and intermediate values may be
    named too. ``rankdir`` 'LR' (left to right) or 'BT' (bottom to top, as seed 004's
    figure). ``show_saved`` prints on each operator the bytes it keeps for backward.
    """
    outs = _outputs(y)
    names = _names(params)
    if output_names is not None:
        extra = [output_names] if isinstance(output_names, str) else list(output_names)
        for t, n in zip(outs, extra):
            names.setdefault(id(t), n)
    nodes, dropped = _walk(outs, max_nodes)
    title_attr = f', label="{_esc(title)}", labelloc=t' if title else ""
    lines = [
        "digraph arraygrad {",
        f'  graph [rankdir={rankdir}, fontname="Helvetica", fontsize=11, nodesep=0.25, '
        f"ranksep=0.35{title_attr}];",
        '  node [fontname="Helvetica", fontsize=10, style=filled, penwidth=1.2];',
        '  edge [arrowsize=0.7, color="#555555"];',
    ]

    def var(key: str, label: str, kind: str) -> None:
        extra = ", penwidth=2.2" if kind == "output" else ""
        style = 'style="filled,dashed", ' if kind == "input" else ""
        lines.append(f'  {key} [shape=box, {style}fillcolor="{_COLORS[kind]}", '
                     f'label="{_esc(label)}"{extra}];')

    made: set[str] = set()
    const_keys: dict[int, str] = {}

    # the outputs
    for k, t in enumerate(outs):
        key = f"out{k}"
        name = _name_of(t, names) or (names.get(("out", id(t._node), t._out)) if t._node
                                      else None) or ("output" if len(outs) == 1 else f"output {k}")
        var(key, f"{name}\n{_shape_dtype(t)}", "output")
        made.add(key)

    # one pass over the op nodes: operator vertex, its input variables and edges
    out_of: dict[tuple, str] = {}
    for k, t in enumerate(outs):
        if t._node is not None:
            out_of[(id(t._node), t._out)] = f"out{k}"
        else:
            out_of[(id(t._accumulator()), 0)] = f"out{k}"

    for n in nodes:
        if isinstance(n, AccumulateGrad):
            key = out_of.get((id(n), 0), f"leaf{id(n)}")
            if key not in made:
                leaf = n.variable
                name = _name_of(leaf, names) if leaf is not None else None
                label = (name or "leaf") + "\n" + _shape_dtype(leaf)
                var(key, label, "param")
                made.add(key)
            continue
        op_key = f"op{id(n)}"
        leaves_b, inter_b, out_b = _saved(n)
        label = n.op.name
        args = n.args
        if args is not None:
            scalars = [_short(a) for a in args]
            if any(s != "·" for s in scalars):
                label += "\n(" + ", ".join(scalars) + ")"
        kw = {k: v for k, v in (n.kwargs or {}).items() if v is not None}
        if kw:
            label += "\n" + ", ".join(f"{k}={_short(v)}" for k, v in kw.items())
        if show_saved:
            if args is None:
                label += "\nsaved: freed"
            else:
                total = _nbytes(leaves_b) + _nbytes(inter_b) + _nbytes(out_b)
                label += f"\nkeeps {_fmt_bytes(total)}"
        lines.append(f'  {op_key} [shape=ellipse, fillcolor="{_COLORS["op"]}", '
                     f'label="{_esc(label)}", tooltip="{n.name()}"];')
        # this node's outputs
        for k in range(n.op.nout):
            okey = out_of.get((id(n), k))
            if okey is not None:
                lines.append(f"  {op_key} -> {okey};")
        # inputs with an edge (they require grad)
        edge_args = set()
        for argnum, nxt, idx in n.edges:
            edge_args.add(argnum)
            arg = args[argnum] if args is not None else None
            if isinstance(nxt, AccumulateGrad):
                key = out_of.get((id(nxt), 0), f"leaf{id(nxt)}")
                if key not in made:
                    leaf = nxt.variable
                    name = _name_of(leaf, names) if leaf is not None else None
                    var(key, (name or "leaf") + "\n" + _shape_dtype(leaf), "param")
                    made.add(key)
                lines.append(f"  {key} -> {op_key};")
                continue
            key = out_of.get((id(nxt), idx), _var_key(nxt, idx))
            if key not in made:
                name = names.get(("out", id(nxt), idx)) or _name_of(arg, names)
                var(key, (name + "\n" if name else "") + _shape_dtype(arg), "var")
                made.add(key)
                lines.append(f"  op{id(nxt)} -> {key};")
            lines.append(f"  {key} -> {op_key};")
        # array inputs without an edge: data and constants
        if args is not None:
            for i, a in enumerate(args):
                if i in edge_args or not isinstance(a, (Tensor, np.ndarray, Spec)):
                    continue
                if isinstance(a, Spec):
                    key = f"c{id(n)}_{i}"
                else:
                    data = a._data if isinstance(a, Tensor) else a
                    key = const_keys.setdefault(id(_root(data)), f"c{id(_root(data))}")
                if key not in made:
                    name = _name_of(a, names)
                    var(key, (name or "constant") + "\n" + _shape_dtype(a), "input")
                    made.add(key)
                lines.append(f'  {key} -> {op_key} [color="#999999"];')
    if dropped:
        lines.append(f'  more [shape=note, label="… {dropped} more nodes not drawn '
                     f'(max_nodes={max_nodes})"];')
    if legend:
        lines.append(_legend())
    lines.append("}")
    return "\n".join(lines) + "\n"


def _var_key(node: Any, idx: int) -> str:
    return f"v{id(node)}_{idx}"


def _legend() -> str:
    rows = "".join(
        f'<tr><td bgcolor="{_COLORS[k]}">{text}</td></tr>'
        for k, text in (("param", "parameter (requires grad)"), ("input", "input / constant"),
                        ("var", "intermediate variable"), ("output", "output"),
                        ("op", "operator: bytes kept for backward"))
    )
    return ('  legend [shape=plaintext, style="", fontsize=9, label=<<table border="0" '
            f'cellborder="1" cellspacing="0" cellpadding="3">{rows}</table>>];')


# ---------------------------------------------------------------------------- rendering


def _dot_binary() -> str:
    exe = shutil.which("dot")
    if exe is None:
        raise GraphvizNotFoundError(_INSTALL_HINT)
    return exe


def _pipe(source: str, fmt: str) -> bytes:
    exe = _dot_binary()
    proc = subprocess.run([exe, f"-T{fmt}"], input=source.encode(), capture_output=True,
                          timeout=120)
    if proc.returncode != 0:
        raise RuntimeError(f"dot failed ({proc.returncode}): "
                           f"{proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout


class Graph:
    """A drawn graph: ``.source`` is the DOT text; Jupyter displays it inline as SVG
    (when Graphviz is installed); ``.render(path)`` writes SVG, PNG, PDF or DOT."""

    def __init__(self, source: str) -> None:
        self.source = source

    def __str__(self) -> str:
        return self.source

    def __repr__(self) -> str:
        n_ops = self.source.count("shape=ellipse")
        return f"<arraygrad.viz.Graph: {n_ops} operators; .source, .render(path)>"

    def pipe(self, format: str = "svg") -> bytes:
        """The picture as bytes, made by Graphviz's ``dot``."""
        return _pipe(self.source, format)

    def _repr_svg_(self) -> str | None:
        try:
            return self.pipe("svg").decode()
        except (GraphvizNotFoundError, RuntimeError, OSError, subprocess.SubprocessError):
            return None

    def render(self, path: str | Path, format: str | None = None) -> Path:
        """Write the picture to ``path``; the format comes from the suffix (.svg, .png,
        .pdf, .dot, .gv) unless given."""
        path = Path(path)
        fmt = (format or path.suffix.lstrip(".") or "svg").lower()
        if fmt in ("dot", "gv"):
            path.write_text(self.source)
            return path
        data = self.pipe(fmt)
        path.write_bytes(data)
        return path

    def save(self, path: str | Path) -> Path:
        """Write the DOT source (no Graphviz needed)."""
        path = Path(path)
        path.write_text(self.source)
        return path


def draw(y: Any, params: Any = None, **kwargs: Any) -> Graph:
    """The graph of ``y`` as a ``Graph`` (shown inline in Jupyter); see ``to_dot``."""
    return Graph(to_dot(y, params, **kwargs))


def render(y: Any, path: str | Path, params: Any = None, format: str | None = None,
           **kwargs: Any) -> Path:
    """Draw the graph of ``y`` into ``path`` (``graph.svg``, ``graph.png``, ``graph.dot``).
    SVG/PNG/PDF need Graphviz's ``dot`` (a clear error says how to install it)."""
    return draw(y, params, **kwargs).render(path, format)


# ---------------------------------------------------------------------------- memory


class MemoryReport:
    """What a graph keeps alive for its backward pass, by node and in total.

    ``rows``: one dict per operator (``node``, ``op``, ``inputs``: saved input bytes,
    ``output``: saved output bytes). ``total_bytes`` counts every array the graph
    references once; ``intermediate_bytes`` the arrays that exist only because the graph
    keeps them (values computed by the forward pass); ``leaf_bytes`` the inputs and
    parameters it references (which exist anyway).
    """

    def __init__(self, rows: list[dict], total: int, intermediate: int, leaves: int,
                 recorded: bool, freed: bool) -> None:
        self.rows = rows
        self.total_bytes = total
        self.intermediate_bytes = intermediate
        self.leaf_bytes = leaves
        self.recorded = recorded
        self.freed = freed

    def __str__(self) -> str:
        if not self.recorded:
            return ("No graph: this value was computed without recording (under no_grad(), "
                    "or in prediction with nothing requiring grad), so nothing is retained "
                    "for a backward pass: 0 B.")
        width = max([len(r["node"]) for r in self.rows] + [4])
        lines = [f"{'node':<{width}}  {'saved inputs':>12}  {'saved output':>12}"]
        for r in self.rows:
            lines.append(f"{r['node']:<{width}}  {_fmt_bytes(r['inputs']):>12}  "
                         f"{_fmt_bytes(r['output']):>12}")
        lines.append(
            f"retained for backward: {_fmt_bytes(self.total_bytes)} in total, each array once "
            f"({_fmt_bytes(self.intermediate_bytes)} of intermediate values kept only for "
            f"backward, {_fmt_bytes(self.leaf_bytes)} of inputs and parameters)"
        )
        if self.freed:
            lines.append("(some nodes were already freed by a backward pass)")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"<MemoryReport: {len(self.rows)} nodes, {self.total_bytes} bytes retained, "
                f"{self.intermediate_bytes} intermediate>")


def memory_report(y: Any, max_nodes: int = 100_000) -> MemoryReport:
    """Bytes the graph behind ``y`` retains for backward (seed 004: why training needs
    more memory than prediction). A value computed under ``no_grad()`` has no graph and
    retains nothing."""
    outs = _outputs(y)
    nodes, _ = _walk(outs, max_nodes)
    ops = [n for n in nodes if isinstance(n, Node)]
    rows = []
    seen_inter: dict[int, int] = {}
    seen_leaf: dict[int, int] = {}
    freed = False
    for n in ops:
        leaves_b, inter_b, out_b = _saved(n)
        freed = freed or n.args is None
        rows.append({"node": n.name(), "op": n.op.name,
                     "inputs": _nbytes(leaves_b) + _nbytes(inter_b), "output": _nbytes(out_b)})
        for a in inter_b + out_b:
            r = _root(a)
            seen_inter[id(r)] = int(getattr(r, "nbytes", 0))
        for a in leaves_b:
            r = _root(a)
            seen_leaf[id(r)] = int(getattr(r, "nbytes", 0))
    for k in list(seen_leaf):
        if k in seen_inter:
            del seen_leaf[k]
    inter = sum(seen_inter.values())
    leaves = sum(seen_leaf.values())
    return MemoryReport(rows, inter + leaves, inter, leaves, recorded=bool(ops), freed=freed)
