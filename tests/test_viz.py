"""Graph pictures (DOT text, rendering with Graphviz) and the memory report."""

from __future__ import annotations

import re
import shutil

import numpy as np
import pytest

import arraygrad as ag
from arraygrad import nn, viz
from arraygrad.nn import functional as F

HAS_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(not HAS_DOT, reason="Graphviz's `dot` is not installed "
                               "(apt-get install graphviz)")


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
    assert re.search(r'label="Mm\\nkeeps 256 B"', dot)  # x (160 B) + W (96 B)
    assert re.search(r'label="Relu\\nkeeps 120 B"', dot)  # its output (5, 3) float64
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


def test_graph_object_and_missing_graphviz(tmp_path, monkeypatch):
    *_, L = small_graph()
    g = viz.draw(L)
    assert isinstance(g, viz.Graph) and g.source == viz.to_dot(L)
    assert "4 operators" in repr(g)
    assert g.save(tmp_path / "g.dot").read_text() == g.source
    viz.render(L, tmp_path / "also.dot")
    assert (tmp_path / "also.dot").read_text().startswith("digraph")
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(viz.GraphvizNotFoundError, match="apt-get install graphviz"):
        viz.render(L, tmp_path / "g.svg")
    assert g._repr_svg_() is None  # Jupyter falls back to the text repr
    assert not (tmp_path / "g.svg").exists()


@needs_dot
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
