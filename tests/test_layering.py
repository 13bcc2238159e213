"""The layers of src/arraygrad, read from the source (an AST walk, nothing imported).

Each module imports only its own layer and the layers below it (docs/architecture.md)::

    compat                                   the idioms
    autograd (the transforms), compile       above the namespaces
    numpy, scipy, nn, optim, data,           the namespaces (and save/load, which
    serialization                            the front doors' save/load build on)
    _methods                                 Tensor's operators and methods
    ops                                      the primitives
    core                                     Tensor, Node, modes, the record path, backward
    _backend, _printing, _progress           which array module; how tensors print;
                                             progress bars

The tools at the top (viz, demo, gradcheck, __main__, the package
``__init__``) may import anything; compat, the outermost idiom layer, may also use the
package's own namespace (``import arraygrad as ag``). Function-level imports count too:
a lazy import is still a dependency. (The kernel's one upward reach, ``unbroadcast``'s
sum and reshape under create_graph, is a Tensor method call, not an import.) The
module-level import graph must have no cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "src" / "arraygrad"

LAYERS = {
    "_backend": 0, "_printing": 0, "_progress": 0,
    "core": 1,
    "ops": 2,
    "_methods": 3,
    "numpy": 4, "scipy": 4, "nn": 4, "optim": 4, "data": 4, "serialization": 4,
    "autograd": 5, "compile": 5,
    "compat": 6,
}
TOOLS = {"viz", "demo", "gradcheck", "__main__", "__init__"}
TOP = 99


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def _layer(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1:  # the package's own __init__
        return TOP
    head = parts[1]
    if head in TOOLS and len(parts) == 2:
        return TOP
    if head not in LAYERS:
        raise AssertionError(f"{module}: not in any layer; add it to LAYERS in this test "
                             "and to docs/architecture.md")
    return LAYERS[head]


def _resolve(module: str, is_package: bool, node: ast.ImportFrom | ast.Import) -> list[str]:
    """The arraygrad modules an import statement loads (submodules resolved to files)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.split(".")[0] == "arraygrad"]
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    if target.split(".")[0] != "arraygrad":
        return []
    out = []
    for alias in node.names:
        sub = f"{target}.{alias.name}"
        out.append(sub if sub in MODULES else target)
    return out


def _imports(module: str) -> list[tuple[str, bool, int]]:
    """(imported module, at module level?, line) for every arraygrad import."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(), filename=str(path))
    is_package = path.name == "__init__.py"
    found = []

    def walk(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                for target in _resolve(module, is_package, child):
                    found.append((target, not in_function, child.lineno))
            elif isinstance(child, ast.If) and _is_type_checking(child.test):
                continue  # imports for type checkers only
            else:
                walk(child, in_function or isinstance(
                    child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)))

    walk(tree, False)
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def test_every_module_is_in_a_layer():
    for module in MODULES:
        _layer(module)


def _above(module: str, target: str) -> bool:
    if target == "arraygrad" and module.startswith("arraygrad.compat"):
        return False
    return _layer(target) > _layer(module)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_only_its_layer_and_below(module):
    up = [(t, top, line) for t, top, line in _imports(module) if _above(module, t)]
    bad = [f"line {line}: {t} ({'module' if top else 'function'} level)" for t, top, line in up]
    assert not bad, f"{module} (layer {_layer(module)}) imports from above: " + "; ".join(bad)


def test_backend_imports_nothing_of_arraygrad():
    assert not _imports("arraygrad._backend")


def test_core_imports_only_itself_and_the_backend():
    for module in MODULES:
        if module.startswith("arraygrad.core"):
            for target, _top, line in _imports(module):
                assert target.startswith("arraygrad.core") or target == "arraygrad._backend", (
                    f"{module} line {line} imports {target}")


def test_module_level_import_graph_has_no_cycle():
    graph = {m: sorted({t for t, top, _ in _imports(m) if top and t != m}) for m in MODULES}
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for t in graph.get(m, ()):
            if state.get(t) == 1:
                cycle = stack[stack.index(t):] + [t]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if t not in state:
                visit(t)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)


def test_the_layer_check_can_fail(tmp_path):
    # The walk sees a lazy upward import inside a function, and a relative one.
    src = "def f():\n    from ..numpy import asarray\n    return asarray\n"
    tree = ast.parse(src)
    fn = tree.body[0]
    imp = fn.body[0]
    targets = _resolve("arraygrad.ops.example", False, imp)
    assert targets == ["arraygrad.numpy"]
    assert _layer(targets[0]) > _layer("arraygrad.ops.example")


def test_core_loads_and_runs_without_anything_above_it():
    # A fresh interpreter with the package's __init__ bypassed: core (and _backend) load
    # alone, record and backpropagate a primitive declared on the spot.
    import subprocess
    import sys

    code = f"""
import sys, types
pkg = types.ModuleType("arraygrad"); pkg.__path__ = [{str(ROOT)!r}]
sys.modules["arraygrad"] = pkg
import numpy as np
from arraygrad.core.primitive import defvjp, primitive
from arraygrad.core.tensor import Tensor
from arraygrad.core import engine

@primitive("Square", arity=1)
def square(x):
    return x * x

defvjp(square, lambda g, ans, x: Tensor._make(2 * g._data * x._data))
x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
engine.backward([square(x)])
assert x.grad._data.tolist() == [2.0, 4.0], x.grad._data
loaded = sorted(m for m in sys.modules if m.startswith("arraygrad."))
assert all(m.startswith(("arraygrad.core", "arraygrad._backend")) for m in loaded), loaded
print("ok", loaded)
"""
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("ok")
