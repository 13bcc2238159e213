"""Graph pictures (DOT text, forward and backward; rendering) and the memory report.

Rendering needs a renderer: the system Graphviz's `dot` or the graphviz-pure wheel, which
the `test` and `demo` extras install, so these tests render for real everywhere."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import numpy as np
import pytest

import arraygrad as ag
from arraygrad import nn, viz
from arraygrad.nn import functional as F


def small_graph():
    x = ag.tensor(np.ones((5, 4)))
    W = nn.Parameter(np.ones((3, 4)))
    z = F.linear(x, W)
    h = F.relu(z)
    L = h.sum() * 0.5
    return x, W, z, h, L


def test_to_dot_draws_operators_variables_names_shapes_and_bytes():
    x, W, z, h, L = small_graph()
    dot = viz.to_dot(L, params={"W": W, "x": x, "z": z})
    assert dot.startswith("digraph arraygrad {") and dot.rstrip().endswith("}")
    # operators are ellipses with their op names and saved bytes
    assert dot.count("shape=ellipse") == 4
    assert 'label="Mm\\nkeeps x, W: 256 B"' in dot  # x (160 B) + W (96 B)
    assert 'label="Relu\\nkeeps its output (5, 3): 120 B"' in dot  # h, (5, 3) float64
    assert re.search(r'label="Sum[^"]*keeps 0 B"', dot)
    assert 'label="Mul\\n(·, 0.5)\\nkeeps' in dot  # a scalar argument is shown
    # variables are boxes: parameter, input, intermediate and output, each coloured
    assert 'label="W\\n(3, 4) float64"' in dot
    assert 'label="x\\n(5, 4) float64"' in dot
    assert 'label="z\\n(5, 3) float64"' in dot
    assert re.search(r'fillcolor="#c3e6cb", label="output\\n\(\) float64", penwidth=2.2', dot)
    for kind in ("param", "input", "output", "var", "op"):
        assert viz._COLORS[kind] in dot
    assert "legend" in dot and "legend" not in viz.to_dot(L, legend=False)
    assert "rankdir=BT" in viz.to_dot(L, rankdir="BT")
    assert "rankdir=TB" in dot  # top to bottom by default: readable at screen width


def _label_bytes(dot: str) -> int:
    """The bytes on the operators' 'keeps ...: N B' labels, added up."""
    units = {"B": 1, "KiB": 1024, "MiB": 1024**2}
    return sum(round(float(v) * units[u]) for v, u in re.findall(r"keeps [^\"]*?: ([\d.]+) "
                                                                   r"(B|KiB|MiB)", dot))


def test_operator_labels_add_up_to_the_memory_report():
    """An array several operators keep (W used twice, b kept by two products) is counted
    once, at the first, and the others say where; the labels sum to the report's total."""
    W = nn.Parameter(np.ones((3, 4)))
    x = np.ones((5, 4))
    b = F.linear(x, W)               # Mm keeps x and W
    c = (b * b) * b + (W * W).sum()  # the products keep b; W * W keeps W again
    rep = viz.memory_report(c)
    assert sum(r["counted"] for r in rep.rows) == rep.total_bytes
    assert sum(r["inputs"] + r["output"] for r in rep.rows) > rep.total_bytes
    dot = viz.to_dot(c, params={"W": W, "x": x, "b": b})
    assert _label_bytes(dot) == rep.total_bytes == 160 + 96 + 2 * 120
    assert "also uses W (counted at Mm)" in dot and "also uses b (counted at Mul)" in dot
    assert "counted here" in str(rep)


def test_backward_graph_labels_the_gradient_on_every_edge():
    x, W, z, h, L = small_graph()
    W2 = nn.Parameter(np.ones((3, 4)))
    J = L + (W2 * W).sum()           # W gets two parts of dJ/dW
    dot = viz.to_dot(J, params={"W": W, "W2": W2, "z": z, "h": h}, backward=True,
                     output_names="J", notes={"h": "dJ/dh = 0.5", "W2": "dJ/dW2 = W"})
    assert 'label="dJ/dJ = 1"' in dot                      # where the gradient starts
    assert 'label="dJ/dh = 0.5\\n(5, 3)"' in dot          # a note replaces the name
    assert 'label="dJ/dz\\n(5, 3)"' in dot
    assert 'label="part of dJ/dW, via Mm\\n(3, 4)"' in dot
    assert 'label="part of dJ/dW, via Mul\\n(3, 4)"' in dot
    assert "W.grad  (3, 4) float64\\nthe sum of the 2 parts that arrive" in dot
    assert "W2.grad  (3, 4) float64\\ndJ/dW2 = W" in dot
    assert "MmBackward0\\nuses (5, 4), W (kept by forward)" in dot  # x is unnamed
    assert "ReluBackward0\\nuses its output h" in dot
    # every edge between backward functions carries a label; the forward graph has none
    edges = [ln for ln in dot.splitlines() if " -> " in ln]
    assert len(edges) == 10 and all("label=" in ln for ln in edges)
    assert "label=" not in "".join(ln for ln in viz.to_dot(J).splitlines() if " -> " in ln)
    J.backward()
    assert "saved: freed" in viz.to_dot(J, backward=True)


def test_to_dot_names_from_a_module_and_freed_graphs():
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    y = F.cross_entropy(model(np.ones((2, 4))), np.array([0, 1]))
    dot = viz.to_dot(y, params=model, output_names="loss")
    for name in ("0.weight", "0.bias", "2.weight", "2.bias", "loss"):
        assert f'label="{name}\\n' in dot
    assert "Addmm" in dot and "NllLoss" in dot and "LogSoftmax" in dot
    y.backward()
    assert "saved: freed" in viz.to_dot(y)  # after backward the saved values are gone


def test_max_nodes_truncates_long_graphs():
    x = ag.tensor(np.ones(3), requires_grad=True)
    y = x
    for _ in range(50):
        y = y * 1.0
    dot = viz.to_dot(y, max_nodes=10)
    assert dot.count("shape=ellipse") == 10 and "more nodes not drawn" in dot


def test_memory_report_training_versus_prediction():
    x, W, z, h, L = small_graph()
    rep = viz.memory_report(L)
    assert rep.recorded and [r["node"] for r in rep.rows] == [
        "MmBackward0", "ReluBackward0", "SumBackward0", "MulBackward0"]
    assert rep.rows[0]["inputs"] == 256 and rep.rows[1]["output"] == 120
    # h kept by Relu (120 B); x and W referenced by Mm; Mul by the constant 0.5 keeps
    # nothing of h.sum() (its gradient needs only the constant)
    assert rep.intermediate_bytes == 120 and rep.leaf_bytes == 256
    assert rep.total_bytes == 376
    assert "retained for backward" in str(rep)
    with ag.no_grad():
        _, _, _, _, L2 = small_graph()
    none = viz.memory_report(L2)
    assert not none.recorded and none.total_bytes == 0 and "0 B" in str(none)
    # an array referenced by several nodes is counted once in the total
    a = ag.tensor(np.ones(1000), requires_grad=True)
    b = a * 2
    c = (b * b) * b
    rep2 = viz.memory_report(c)
    assert rep2.intermediate_bytes == 2 * 8000  # b, and b * b
    assert sum(r["inputs"] for r in rep2.rows) > rep2.total_bytes


def test_memory_report_seed_mlp_training_keeps_the_activations():
    rng = np.random.default_rng(0)
    W1 = nn.Parameter(rng.standard_normal((16, 8)))
    W2 = nn.Parameter(rng.standard_normal((3, 16)))
    x = rng.standard_normal((32, 8))
    h = F.relu(F.linear(x, W1))
    J = F.cross_entropy(F.linear(h, W2), rng.integers(0, 3, 32)) + F.l2_penalty([W1, W2])
    rep = viz.memory_report(J)
    # z is not kept (relu keeps its output h); h (32x16) and log-probabilities (32x3)
    assert rep.intermediate_bytes >= 32 * 16 * 8 + 32 * 3 * 8


def test_graph_object_and_missing_renderer(tmp_path, monkeypatch):
    *_, L = small_graph()
    g = viz.draw(L)
    assert isinstance(g, viz.Graph) and g.source == viz.to_dot(L)
    assert "4 operators" in repr(g)
    assert g.save(tmp_path / "g.dot").read_text() == g.source
    viz.render(L, tmp_path / "also.dot")
    assert (tmp_path / "also.dot").read_text().startswith("digraph")
    monkeypatch.setenv("PATH", str(tmp_path))  # neither dot nor graphviz-pure on PATH ...
    monkeypatch.setattr(viz, "_scripts_dirs", lambda: [])  # ... nor beside this Python
    with pytest.raises(viz.GraphvizNotFoundError, match="pip install graphviz-pure"):
        viz.render(L, tmp_path / "g.svg")
    assert g._repr_svg_() is None  # Jupyter falls back to the text repr
    assert not (tmp_path / "g.svg").exists()


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", data[:16]
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_render_without_system_graphviz_uses_graphviz_pure(tmp_path, monkeypatch):
    """A fresh machine: no `dot` on PATH (hidden here, whatever is installed), only the
    wheel the extras bring. The picture is real: a PNG of a sensible size, an SVG with the
    names in it, forward and backward."""
    monkeypatch.setenv("PATH", str(tmp_path))
    exe = viz.find_renderer()
    assert Path(exe).name.startswith("graphviz-pure")
    x, W, z, h, L = small_graph()
    width, height = _png_size(viz.render(L, tmp_path / "f.png", params={"W": W}).read_bytes())
    assert 200 < width < 1600 and 200 < height
    svg = viz.render(L, tmp_path / "b.svg", params={"W": W}, backward=True).read_text()
    assert "<svg" in svg and "MmBackward0" in svg and "W.grad" in svg


def test_system_dot_is_preferred_when_present(tmp_path, monkeypatch):
    fake = tmp_path / ("dot.bat" if os.name == "nt" else "dot")
    fake.write_text("#!/bin/sh\necho fake\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert Path(viz.find_renderer()) == fake


def test_render_png_and_svg(tmp_path):
    x, W, z, h, L = small_graph()
    png = viz.render(L, tmp_path / "graph.png", params={"W": W})
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 1000
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width > 100 and height > 50
    svg = viz.render(L, tmp_path / "graph.svg", params={"W": W}).read_text()
    assert "<svg" in svg and "Relu" in svg and ">W<" in svg
    assert viz.draw(L)._repr_svg_().lstrip().startswith("<?xml")
