"""Pictures of the computational graph, and what it keeps in memory for backward.

The graph is drawn the way seed 004 (d2l.ai's "Forward Propagation, Backward Propagation,
and Computational Graphs") draws it: variables (tensors) as boxes, operators as ellipses.
Two pictures of the same graph:

- the forward pass (``to_dot(y)``): data flows from the inputs down to the output; every
  variable shows its shape and dtype, every operator the bytes it keeps for backward,
  each array counted once (at the first operator that keeps it), so the operators'
  labels add up to ``memory_report(y).total_bytes``;
- the backward pass (``to_dot(y, backward=True)``): the gradient flows from the output
  down to the parameters; every edge is labelled with the gradient it carries
  (``dJ/dh``, its shape), every backward function with the saved values it uses, every
  parameter's ``.grad`` with how many parts are summed into it. ``notes`` adds formulas
  (``{"W1": "dJ/dW1 = dJ/dz x^T + lambda W1"}``).

    dot_text = ag.viz.to_dot(J, params=model)         # DOT source, no dependencies
    ag.viz.render(J, "graph.svg", params=model)        # SVG/PNG: see find_renderer()
    ag.viz.draw(J, params=model, backward=True)        # a Graph; Jupyter shows it inline
    print(ag.viz.memory_report(J))                     # bytes retained for backward

Rendering uses Graphviz's ``dot`` when it is installed, and otherwise ``graphviz-pure``
(a self-contained build of ``dot`` that ships as a wheel on PyPI and comes with
``pip install 'arraygrad[demo]'``), so the pictures need nothing but the package index.

Colours: parameters (leaves that require grad) blue, other inputs grey, the output
green, intermediate variables white, operators yellow, backward functions red.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sysconfig
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from .core.node import AccumulateGrad, Node
from .core.primitive import Spec
from .core.tensor import Tensor

__all__ = ["to_dot", "draw", "render", "memory_report", "find_renderer", "Graph",
           "MemoryReport", "GraphvizNotFoundError"]

_COLORS = {
    "param": "#cfe2ff",
    "input": "#e9ecef",
    "output": "#c3e6cb",
    "var": "#ffffff",
    "op": "#fff3cd",
    "backward": "#f8d7da",
    "grad": "#b02a37",
}

_INSTALL_HINT = (
    "No program to render the graph as SVG/PNG was found: neither Graphviz's `dot` on "
    "PATH nor graphviz-pure. Install one: `python -m pip install graphviz-pure` (a "
    "self-contained wheel; `pip install 'arraygrad[demo]'` brings it too), or the system "
    "Graphviz: `apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` (macOS), "
    "`conda install graphviz`. (`pip install graphviz` installs only the Python binding, "
    "not the program.) Without either, ag.viz.to_dot(y) still gives the DOT text, which "
    "any Graphviz viewer renders."
)


class GraphvizNotFoundError(RuntimeError):
    """Neither Graphviz's ``dot`` nor ``graphviz-pure`` is installed."""


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


class _Kept(NamedTuple):
    """One array an op node keeps for backward."""

    array: Any
    what: Any            # the saved Tensor / ndarray, or ("out", k) for its own output
    intermediate: bool   # computed by the forward pass (exists only because it is kept)
    is_input: bool       # an argument (else the node's saved output)


def _kept(node: Node) -> list[_Kept]:
    """The arrays an op node keeps for backward; empty once backward freed them."""
    if node.args is None:
        return []
    kept = []
    for a in node.args:
        if isinstance(a, Tensor):
            kept.append(_Kept(a._data, a, a._node is not None, True))
        else:
            kept += [_Kept(arr, arr, False, True) for arr in _arrays_of(a)]
    for v in (node.kwargs or {}).values():
        kept += [_Kept(arr, arr, False, True) for arr in _arrays_of(v)]
    if node.ans is not None:
        kept += [_Kept(arr, ("out", k), True, False)
                 for k, arr in enumerate(_arrays_of(node.ans))]
    return kept


def _attribute(ops: list[Node]) -> dict[int, list[tuple[_Kept, Node]]]:
    """For each op node (in creation order), its kept arrays, each paired with the node
    it is counted at: the first node that keeps it (an array several nodes keep, such as
    a weight used twice, is counted once)."""
    first: dict[int, Node] = {}
    out: dict[int, list[tuple[_Kept, Node]]] = {}
    for n in ops:
        rows = []
        for k in _kept(n):
            rows.append((k, first.setdefault(id(_root(k.array)), n)))
        out[id(n)] = rows
    return out


def _counted_bytes(node: Node, rows: list[tuple[_Kept, Node]]) -> int:
    """Bytes first counted at ``node`` (each root array once)."""
    roots = {id(_root(k.array)): _root(k.array) for k, at in rows if at is node}
    return int(sum(int(getattr(r, "nbytes", 0)) for r in roots.values()))


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


def _shape_text(t: Any) -> str:
    return _shape_dtype(t).rsplit(" ", 1)[0] if t is not None else "?"


class _Namer:
    """Names for the values in a graph: the given ones, else the shape."""

    def __init__(self, names: dict) -> None:
        self.names = names

    def of_output(self, node: Any, idx: int) -> str | None:
        return self.names.get(("out", id(node), idx))

    def of_arg(self, arg: Any) -> str | None:
        if isinstance(arg, Tensor) and arg._node is not None:
            return self.of_output(arg._node, arg._out) or _name_of(arg, self.names)
        return _name_of(arg, self.names)

    def kept(self, node: Node, k: _Kept) -> str:
        if isinstance(k.what, tuple):  # the node's own output
            name = self.of_output(node, k.what[1])
            return "its output " + (name or _shape_text(k.array))
        return self.of_arg(k.what) or ("a scalar" if k.array.ndim == 0
                                       else _shape_text(k.array))


def _join(items: list[str], limit: int = 3) -> str:
    items = list(dict.fromkeys(items))
    if len(items) > limit:
        items = items[:limit] + [f"+{len(items) - limit} more"]
    return ", ".join(items)


def _keeps_label(node: Node, rows: list[tuple[_Kept, Node]], namer: _Namer) -> str:
    """'keeps x, W1: 80.0 KiB' and 'also uses W1 (counted at Mm)': the bytes add up
    over the graph to the memory report's total."""
    if node.args is None:
        return "saved: freed"
    mine = [namer.kept(node, k) for k, at in rows if at is node]
    lines = [f"keeps {_join(mine)}: {_fmt_bytes(_counted_bytes(node, rows))}" if mine
             else "keeps 0 B"]
    for at in dict.fromkeys(at for _, at in rows if at is not node):
        shared = [namer.kept(node, k) for k, a in rows if a is at]
        lines.append(f"also uses {_join(shared)} (counted at {at.op.name})")
    return "\n".join(lines)


def to_dot(y: Any, params: Any = None, *, backward: bool = False, notes: Mapping | None = None,
           rankdir: str = "TB", show_saved: bool = True, legend: bool = True,
           max_nodes: int = 1000, title: str | None = None, output_names: Any = None) -> str:
    """The graph that produced ``y`` (a Tensor or a list of them) in Graphviz's DOT
    language. No dependencies.

    ``params``: names for tensors — a dict ``{name: tensor}``, a Module (its
    ``named_parameters``), or (name, tensor) pairs; inputs and intermediate values may be
    named too. ``backward=False`` draws the forward pass, ``True`` the backward pass (the
    gradient each edge carries). ``notes``: ``{name: text}`` added where that value's
    gradient is drawn (backward) — a formula such as ``"dJ/dh = W2^T dJ/do"``.
    ``rankdir`` 'TB' (top to bottom, readable at screen width), 'LR', or 'BT'.
    ``show_saved`` prints on each operator the bytes it keeps for backward.
    """
    outs = _outputs(y)
    names = _names(params)
    if output_names is not None:
        extra = [output_names] if isinstance(output_names, str) else list(output_names)
        for t, n in zip(outs, extra):
            names.setdefault(id(t), n)
            if t._node is not None:
                names.setdefault(("out", id(t._node), t._out), n)
    nodes, dropped = _walk(outs, max_nodes)
    title_attr = f', label="{_esc(title)}", labelloc=t' if title else ""
    lines = [
        "digraph arraygrad {",
        f'  graph [rankdir={rankdir}, fontname="Helvetica", fontsize=12, nodesep=0.3, '
        f"ranksep=0.3{title_attr}];",
        '  node [fontname="Helvetica", fontsize=11, style=filled, penwidth=1.2];',
        '  edge [fontname="Helvetica", fontsize=10, arrowsize=0.7, color="#555555"];',
    ]
    build = _backward_body if backward else _forward_body
    build(lines, outs, nodes, _Namer(names), dict(notes or {}), show_saved)
    if dropped:
        lines.append(f'  more [shape=note, label="… {dropped} more nodes not drawn '
                     f'(max_nodes={max_nodes})"];')
    if legend:
        lines.append(_legend(backward))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _output_name(outs: list[Tensor], k: int, namer: _Namer) -> str:
    t = outs[k]
    return (_name_of(t, namer.names) or (namer.of_output(t._node, t._out) if t._node else None)
            or ("output" if len(outs) == 1 else f"output {k}"))


def _out_keys(outs: list[Tensor]) -> dict[tuple, str]:
    keys: dict[tuple, str] = {}
    for k, t in enumerate(outs):
        node = t._node if t._node is not None else t._accumulator()
        keys[(id(node), t._out if t._node is not None else 0)] = f"out{k}"
    return keys


def _box(lines: list[str], key: str, label: str, kind: str) -> None:
    extra = ", penwidth=2.2" if kind == "output" else ""
    style = 'style="filled,dashed", ' if kind == "input" else ""
    lines.append(f'  {key} [shape=box, {style}fillcolor="{_COLORS[kind]}", '
                 f'label="{_esc(label)}"{extra}];')


def _forward_body(lines: list[str], outs: list[Tensor], nodes: list, namer: _Namer,
                  notes: dict, show_saved: bool) -> None:
    """Data flows from the inputs to the outputs; operators say what they keep."""
    names = namer.names
    made: set[str] = set()
    const_keys: dict[int, str] = {}
    out_of = _out_keys(outs)
    for k, t in enumerate(outs):
        _box(lines, f"out{k}", f"{_output_name(outs, k, namer)}\n{_shape_dtype(t)}", "output")
        made.add(f"out{k}")
    kept = _attribute([n for n in nodes if isinstance(n, Node)])

    def leaf_box(acc: AccumulateGrad) -> str:
        key = out_of.get((id(acc), 0), f"leaf{id(acc)}")
        if key not in made:
            leaf = acc.variable
            name = _name_of(leaf, names) if leaf is not None else None
            _box(lines, key, (name or "leaf") + "\n" + _shape_dtype(leaf), "param")
            made.add(key)
        return key

    for n in nodes:
        if isinstance(n, AccumulateGrad):
            leaf_box(n)
            continue
        op_key = f"op{id(n)}"
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
            label += "\n" + _keeps_label(n, kept[id(n)], namer)
        lines.append(f'  {op_key} [shape=ellipse, fillcolor="{_COLORS["op"]}", '
                     f'label="{_esc(label)}", tooltip="{n.name()}"];')
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
                lines.append(f"  {leaf_box(nxt)} -> {op_key};")
                continue
            key = out_of.get((id(nxt), idx), f"v{id(nxt)}_{idx}")
            if key not in made:
                name = namer.of_output(nxt, idx) or _name_of(arg, names)
                _box(lines, key, (name + "\n" if name else "") + _shape_dtype(arg), "var")
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
                    _box(lines, key, (name or "constant") + "\n" + _shape_dtype(a), "input")
                    made.add(key)
                lines.append(f'  {key} -> {op_key} [color="#999999"];')


def _backward_body(lines: list[str], outs: list[Tensor], nodes: list, namer: _Namer,
                   notes: dict, show_saved: bool) -> None:
    """The gradient flows from the outputs to the leaves: one vertex per backward
    function, one edge per gradient it sends, labelled with what that gradient is."""
    wrt = _output_name(outs, 0, namer) if len(outs) == 1 else "y"
    grad_color = _COLORS["grad"]
    incoming: dict[int, int] = {}
    for n in nodes:
        for _, nxt, _ in n.edges:
            incoming[id(nxt)] = incoming.get(id(nxt), 0) + 1

    def vertex(n: Any) -> str:
        return f"g{id(n)}"

    def grad_label(name: str, shape: str, parts: int, via: str) -> str:
        if parts > 1:
            return f"part of d{wrt}/d{name}, via {via}\n{shape}"
        return (notes.get(name) or f"d{wrt}/d{name}") + f"\n{shape}"

    # where the gradient starts: dJ/dJ = 1 (a non-scalar output: ones, the seed's sum)
    for k, t in enumerate(outs):
        name = _output_name(outs, k, namer)
        seed = "1" if t.ndim == 0 else f"ones{_shape_text(t)}"
        _box(lines, f"out{k}", f"{name}  {_shape_dtype(t)}\nthe gradient starts here", "output")
        start = t._node if t._node is not None else t._accumulator()
        incoming[id(start)] = incoming.get(id(start), 0) + 1
        lines.append(f'  out{k} -> {vertex(start)} [color="{grad_color}", '
                     f'fontcolor="{grad_color}", label="{_esc(f"d{wrt}/d{name} = {seed}")}"];')
    kept = _attribute([n for n in nodes if isinstance(n, Node)])
    for n in nodes:
        parts = incoming.get(id(n), 0)
        if isinstance(n, AccumulateGrad):
            leaf = n.variable
            name = _name_of(leaf, namer.names) if leaf is not None else None
            name = name or "leaf"
            label = f"{name}.grad  {_shape_dtype(leaf)}"
            if name in notes:
                label += "\n" + notes[name]
            if parts > 1:
                label += f"\nthe sum of the {parts} parts that arrive"
            _box(lines, vertex(n), label, "param")
            continue
        label = n.name()
        if show_saved:
            used = [namer.kept(n, k) for k, _ in kept[id(n)]]
            label += ("\nuses " + _join(used, 4) + " (kept by forward)" if used else
                      "\nneeds no saved value" if n.args is not None else "\nsaved: freed")
        if parts > 1:
            label += f"\nfirst sums the {parts} parts that arrive"
        lines.append(f'  {vertex(n)} [shape=ellipse, fillcolor="{_COLORS["backward"]}", '
                     f'label="{_esc(label)}"];')
        for argnum, nxt, idx in n.edges:
            arg = n.args[argnum] if n.args is not None else None
            if isinstance(nxt, AccumulateGrad):
                leaf = nxt.variable
                name = (_name_of(leaf, namer.names) if leaf is not None else None) or "leaf"
                shape = _shape_text(leaf)
            else:
                name = namer.of_output(nxt, idx) or namer.of_arg(arg) or f"[{nxt.op.name}]"
                shape = _shape_text(arg)
            text = grad_label(name, shape, incoming.get(id(nxt), 0), n.op.name)
            lines.append(f'  {vertex(n)} -> {vertex(nxt)} [color="{grad_color}", '
                         f'fontcolor="{grad_color}", label="{_esc(text)}"];')


def _legend(backward: bool = False) -> str:
    if backward:
        entries = (("output", "output: the gradient starts here"),
                   ("backward", "backward function (grad_fn): uses values the forward kept"),
                   ("param", "parameter: its .grad, the sum of the parts that arrive"))
        rows = "".join(f'<tr><td bgcolor="{_COLORS[k]}">{text}</td></tr>' for k, text in entries)
        rows += (f'<tr><td><font color="{_COLORS["grad"]}">edge: the gradient it carries, '
                 "and its shape;<br/>[Op]: the unnamed output of operator Op</font></td></tr>")
    else:
        entries = (("param", "parameter (requires grad)"), ("input", "input / constant"),
                   ("var", "intermediate variable"), ("output", "output"),
                   ("op", "operator: bytes it keeps for backward,<br/>each array counted once"))
        rows = "".join(f'<tr><td bgcolor="{_COLORS[k]}">{text}</td></tr>' for k, text in entries)
    return ('  legend [shape=plaintext, style="", fontsize=9, label=<<table border="0" '
            f'cellborder="1" cellspacing="0" cellpadding="3">{rows}</table>>];')


# ---------------------------------------------------------------------------- rendering


def _scripts_dirs() -> list[str]:
    """Where pip puts console programs for this interpreter (a venv that was not
    activated is not on PATH, but its graphviz-pure is still this Python's)."""
    dirs = []
    for scheme in (None, f"{os.name}_user"):
        try:
            path = sysconfig.get_path("scripts") if scheme is None else \
                sysconfig.get_path("scripts", scheme)
        except KeyError:
            continue
        if path and path not in dirs:
            dirs.append(path)
    return dirs


def find_renderer() -> str:
    """The program that renders DOT to SVG/PNG: Graphviz's ``dot`` when it is on PATH,
    else ``graphviz-pure`` (the wheel the ``demo`` extra installs). Raises
    ``GraphvizNotFoundError`` with the install commands when there is neither."""
    exe = shutil.which("dot")
    if exe is None:
        for folder in _scripts_dirs():
            exe = shutil.which("graphviz-pure", path=folder)
            if exe:
                break
        else:
            exe = shutil.which("graphviz-pure")
    if exe is None:
        raise GraphvizNotFoundError(_INSTALL_HINT)
    return exe


def _pipe(source: str, fmt: str) -> bytes:
    exe = find_renderer()
    proc = subprocess.run([exe, f"-T{fmt}"], input=source.encode(), capture_output=True,
                          timeout=120)
    if proc.returncode != 0 or not proc.stdout:
        raise RuntimeError(f"{Path(exe).name} -T{fmt} failed ({proc.returncode}): "
                           f"{proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout


class Graph:
    """A drawn graph: ``.source`` is the DOT text; Jupyter displays it inline as SVG
    (when a renderer is installed); ``.render(path)`` writes SVG, PNG or DOT."""

    def __init__(self, source: str) -> None:
        self.source = source

    def __str__(self) -> str:
        return self.source

    def __repr__(self) -> str:
        n_ops = self.source.count("shape=ellipse")
        return f"<arraygrad.viz.Graph: {n_ops} operators; .source, .render(path)>"

    def pipe(self, format: str = "svg") -> bytes:
        """The picture as bytes, made by ``find_renderer()``'s program."""
        return _pipe(self.source, format)

    def _repr_svg_(self) -> str | None:
        try:
            return self.pipe("svg").decode()
        except (GraphvizNotFoundError, RuntimeError, OSError, subprocess.SubprocessError):
            return None

    def render(self, path: str | Path, format: str | None = None) -> Path:
        """Write the picture to ``path``; the format comes from the suffix (.svg, .png,
        .dot, .gv; .pdf with the system Graphviz) unless given."""
        path = Path(path)
        fmt = (format or path.suffix.lstrip(".") or "svg").lower()
        if fmt in ("dot", "gv"):
            path.write_text(self.source)
            return path
        data = self.pipe(fmt)
        path.write_bytes(data)
        return path

    def save(self, path: str | Path) -> Path:
        """Write the DOT source (no renderer needed)."""
        path = Path(path)
        path.write_text(self.source)
        return path


def draw(y: Any, params: Any = None, **kwargs: Any) -> Graph:
    """The graph of ``y`` as a ``Graph`` (shown inline in Jupyter); see ``to_dot``."""
    return Graph(to_dot(y, params, **kwargs))


def render(y: Any, path: str | Path, params: Any = None, format: str | None = None,
           **kwargs: Any) -> Path:
    """Draw the graph of ``y`` into ``path`` (``graph.svg``, ``graph.png``, ``graph.dot``).
    SVG/PNG need a renderer (see ``find_renderer``; a clear error says how to get one)."""
    return draw(y, params, **kwargs).render(path, format)


# ---------------------------------------------------------------------------- memory


class MemoryReport:
    """What a graph keeps alive for its backward pass, by node and in total.

    ``rows``: one dict per operator (``node``, ``op``, ``inputs``: saved input bytes,
    ``output``: saved output bytes, ``counted``: the bytes first counted at this node,
    so that the ``counted`` column adds up to ``total_bytes``). ``total_bytes`` counts
    every array the graph references once; ``intermediate_bytes`` the arrays that exist
    only because the graph keeps them (values computed by the forward pass);
    ``leaf_bytes`` the inputs and parameters it references (which exist anyway).
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
        lines = [f"{'node':<{width}}  {'saved inputs':>12}  {'saved output':>12}  "
                 f"{'counted here':>12}"]
        for r in self.rows:
            lines.append(f"{r['node']:<{width}}  {_fmt_bytes(r['inputs']):>12}  "
                         f"{_fmt_bytes(r['output']):>12}  {_fmt_bytes(r['counted']):>12}")
        lines.append(
            f"retained for backward: {_fmt_bytes(self.total_bytes)} in total, each array once "
            f"(the 'counted here' column; {_fmt_bytes(self.intermediate_bytes)} of "
            f"intermediate values kept only for backward, {_fmt_bytes(self.leaf_bytes)} of "
            f"inputs and parameters)"
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
    kept = _attribute(ops)
    rows = []
    roots: dict[int, tuple[Any, bool]] = {}  # id(root) -> (root, intermediate anywhere)
    for n in ops:
        mine = kept[id(n)]
        rows.append({"node": n.name(), "op": n.op.name,
                     "inputs": _nbytes([k.array for k, _ in mine if k.is_input]),
                     "output": _nbytes([k.array for k, _ in mine if not k.is_input]),
                     "counted": _counted_bytes(n, mine)})
        for k, _ in mine:
            r = _root(k.array)
            roots[id(r)] = (r, k.intermediate or roots.get(id(r), (r, False))[1])
    inter = sum(int(getattr(r, "nbytes", 0)) for r, i in roots.values() if i)
    leaves = sum(int(getattr(r, "nbytes", 0)) for r, i in roots.values() if not i)
    return MemoryReport(rows, inter + leaves, inter, leaves, recorded=bool(ops),
                        freed=any(n.args is None for n in ops))
