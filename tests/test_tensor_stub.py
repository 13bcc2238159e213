"""core/tensor.pyi is generated from the finished Tensor class: it must be current."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import arraygrad as ag

ROOT = Path(__file__).resolve().parents[1]
STUB = ROOT / "src" / "arraygrad" / "core" / "tensor.pyi"


def test_stub_is_current():
    res = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_tensor_stub.py"), "--check"],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr


def test_stub_declares_the_operators_and_methods():
    tree = ast.parse(STUB.read_text())
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Tensor")
    names = {n.name for n in cls.body if isinstance(n, ast.FunctionDef)}
    for name in ("__add__", "__matmul__", "__getitem__", "sum", "reshape", "backward", "grad",
                 "T", "to", "numpy"):
        assert name in names, name
        assert hasattr(ag.Tensor, name)
