"""Every Python snippet in README.md and docs/*.md runs, so the docs stay true.

How a Markdown file is read (whatever docs exist when the tests run):
- each fenced block whose info string is ``python`` or ``py`` is executed; a file's
  blocks run in order in one namespace, as a reader would type them into one session;
- a block whose first line starts with ``>>>`` (or fenced as ``pycon``) is a doctest:
  its printed outputs are checked;
- a block preceded by ``<!-- docs-test: repl -->`` is pasted into a real ``python -i``
  (so it must paste: blank lines after indented blocks), and every top-level expression
  line with a comment must print what the comment says (``...`` matches anything; the
  comment may go on after the output, e.g. ``x.grad   # tensor([0., 4.])  == 4 * x``);
- a block preceded by ``<!-- docs-test: requires NAME -->`` runs only where the
  environment check ``REQUIREMENTS[NAME]`` passes (e.g. ``gpu``: CuPy with a CUDA
  device); elsewhere it is reported as skipped with the reason. There is no other skip.
Code that is not meant to run (pseudo-code, shell, output) takes another fence
(``text``, ``bash``).
"""

from __future__ import annotations

import ast
import doctest
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

import arraygrad._printing

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

_FENCE = re.compile(r"^(?P<indent> *)(?P<fence>```+|~~~+)\s*(?P<info>[^`\s]*)[^\n]*$")
_MARK = re.compile(r"<!--\s*docs-test:\s*(?P<what>[\w-]+)(?:\s+(?P<arg>[\w-]+))?\s*-->")


def _has_cupy_gpu() -> tuple[bool, str]:
    try:
        import cupy

        return cupy.cuda.runtime.getDeviceCount() > 0, "no CUDA device"
    except Exception as e:  # ImportError, or CUDA errors when there is no driver
        return False, f"CuPy with a CUDA GPU is not available ({type(e).__name__})"


REQUIREMENTS = {"gpu": _has_cupy_gpu}


@dataclass
class Block:
    path: Path
    line: int          # 1-based line of the opening fence
    code: str
    kind: str          # "exec", "doctest" or "repl"
    requires: str | None = None

    def where(self) -> str:
        path = self.path.relative_to(ROOT) if self.path.is_relative_to(ROOT) else self.path
        return f"{path}:{self.line}"


def python_blocks(path: Path) -> list[Block]:
    """The Python blocks of a Markdown file, in order, with their markers."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, info = len(m["indent"]), m["fence"], m["info"].lower()
        start = i
        body = []
        i += 1
        while i < len(lines) and not lines[i].strip().startswith(fence):
            body.append(lines[i][indent:] if lines[i][:indent].strip() == "" else lines[i])
            i += 1
        i += 1
        if info not in ("python", "py", "python3", "pycon"):
            continue
        marks = {}
        j = start - 1
        while j >= 0 and (_MARK.search(lines[j]) or not lines[j].strip()) and j >= start - 3:
            for mk in _MARK.finditer(lines[j]):
                marks[mk["what"]] = mk["arg"]
            j -= 1
        code = "\n".join(body) + "\n"
        first = next((ln for ln in body if ln.strip()), "")
        if unknown := set(marks) - {"repl", "requires"}:
            raise ValueError(f"{path}:{start + 1}: unknown docs-test marker {unknown}")
        kind = ("repl" if "repl" in marks else
                "doctest" if info == "pycon" or first.lstrip().startswith(">>>") else "exec")
        blocks.append(Block(path, start + 1, code, kind, marks.get("requires")))
    return blocks


# ---------------------------------------------------------------------------- REPL


def _matches_comment(actual: str, comment: str) -> bool:
    """``actual`` is what the comment says, up to where the comment goes on with words;
    ``...`` in the comment matches anything."""
    for end in range(len(comment), 0, -1):
        if end < len(comment) and comment[end] not in " ,;:":
            continue
        pattern = ".*?".join(re.escape(p) for p in comment[:end].split("..."))
        if re.fullmatch(pattern, actual, flags=re.S):
            return True
    return False


def _trailing_comment(code_lines: list[str], node: ast.stmt) -> str | None:
    if node.lineno != node.end_lineno:
        return None
    rest = code_lines[node.lineno - 1][node.end_col_offset:]
    return rest.split("#", 1)[1].strip() if "#" in rest else None


def run_as_session(block: Block, namespace: dict) -> list[str]:
    """Run the block statement by statement, as the REPL does; every top-level expression
    with a comment must show (its repr, as the REPL echoes it) what the comment says.
    Returns the reprs of the expressions the REPL echoes (those that are not None)."""
    lines = block.code.splitlines()
    echoed = []
    for node in ast.parse(block.code).body:
        where = f"{block.where()} line {node.lineno}"
        if isinstance(node, ast.Expr):
            value = eval(compile(ast.Expression(node.value), where, "eval"), namespace)
            if value is None:
                continue
            echoed.append(repr(value))
            comment = _trailing_comment(lines, node)
            if comment is not None:
                src = ast.get_source_segment(block.code, node)
                assert _matches_comment(repr(value), comment), (
                    f"{where}: `{src}` prints {repr(value)!r}, its comment says {comment!r}")
        else:
            exec(compile(ast.Module([node], []), where, "exec"), namespace)
    return echoed


_ECHO_HOOK = """
import sys as _sys
def _docs_echo(value):
    if value is not None:
        print("=== " + repr(value).replace("\\n", "\\\\n"))
_sys.displayhook = _docs_echo
"""


def check_paste(block: Block, prelude: str, expected: list[str]) -> None:
    """Paste the block into a real ``python -i``, as a newcomer would: no error, and it
    echoes the values ``expected`` (from ``run_as_session``; addresses aside)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "MPLBACKEND": "Agg"}
    with tempfile.TemporaryDirectory() as tmp:  # never into the working directory
        script = Path(tmp) / f"docs_prelude_{block.line}.py"
        script.write_text(prelude + _ECHO_HOOK)
        proc = subprocess.run([sys.executable, "-q", "-i", str(script)], input=block.code,
                              capture_output=True, text=True, timeout=300, env=env)
    assert "Traceback" not in proc.stderr and "Error" not in proc.stderr, (
        f"{block.where()}: pasting into python -i fails:\n{proc.stderr}")

    def norm(text: str) -> str:
        return re.sub(r"0x[0-9a-fA-F]+", "0x?", text.replace("\n", "\\n"))

    echoed = [ln[4:] for ln in proc.stdout.splitlines() if ln.startswith("=== ")]
    assert [norm(e) for e in echoed] == [norm(e) for e in expected], proc.stdout


# ---------------------------------------------------------------------------- the test


def run_file(path: Path, namespace: dict) -> list[str]:
    """Run a file's blocks in order in ``namespace``; the skipped blocks' reasons."""
    skipped = []
    ran: list[str] = []
    for block in python_blocks(path):
        if block.requires is not None:
            if block.requires not in REQUIREMENTS:
                raise ValueError(f"{block.where()}: unknown requirement {block.requires!r}; "
                                 f"known: {sorted(REQUIREMENTS)}")
            ok, why = REQUIREMENTS[block.requires]()
            if not ok:
                skipped.append(f"{block.where()}: {why}")
                continue
        if block.kind == "repl":
            echoed = run_as_session(block, namespace)
            check_paste(block, "".join(ran), echoed)
            ran.append(block.code)
            continue
        ran.append(block.code if block.kind != "doctest" else
                   "".join(ex.source for ex in doctest.DocTestParser().get_examples(block.code)))
        if block.kind == "doctest":
            test = doctest.DocTestParser().get_doctest(block.code, namespace, block.where(),
                                                       str(path), block.line)
            runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS
                                           | doctest.NORMALIZE_WHITESPACE)
            failures = []
            runner.run(test, out=failures.append, clear_globs=False)
            assert not runner.failures, "".join(failures)
            continue
        try:
            exec(compile(block.code, block.where(), "exec"), namespace)
        except Exception as e:
            raise AssertionError(f"{block.where()}: the snippet raised "
                                 f"{type(e).__name__}: {e}\n{block.code}") from e
    return skipped


@pytest.mark.parametrize("path", DOCS, ids=[str(p.relative_to(ROOT)) for p in DOCS])
def test_doc_snippets_run(path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)          # snippets that write files write them here
    monkeypatch.setenv("MPLBACKEND", "Agg")
    # a front door imported by an earlier test sets its print style process-wide; each doc
    # starts from arraygrad's own, as in a fresh interpreter
    monkeypatch.setattr(arraygrad._printing, "_style", "arraygrad")
    if not python_blocks(path):
        return
    namespace = {"__name__": "__docs__"}
    skipped = run_file(path, namespace)
    if skipped:
        pytest.skip("blocks that need what this machine lacks: " + "; ".join(skipped))


def test_the_harness_finds_and_checks_blocks(tmp_path):
    doc = tmp_path / "x.md"
    doc.write_text("text\n\n```python\na = 2\n```\n\n```bash\nexit 1\n```\n\n"
                   "<!-- docs-test: repl -->\n```python\nfor i in range(2):\n    a += i\n\n"
                   "a   # 3, since 2 + 0 + 1\n```\n\n```python\n>>> a * 2\n6\n```\n\n"
                   "<!-- docs-test: requires gpu -->\n```python\nimport cupy\n```\n")
    blocks = python_blocks(doc)
    assert [b.kind for b in blocks] == ["exec", "repl", "doctest", "exec"]
    assert [b.requires for b in blocks] == [None, None, None, "gpu"]
    assert _matches_comment("tensor([ 0.,  4.])", "tensor([ 0.,  4.])  == 4 * x")
    assert _matches_comment("<SumBackward0 object at 0x7f12>", "<SumBackward0 object at ...>")
    assert not _matches_comment("tensor([0., 5.])", "tensor([ 0.,  4.])  == 4 * x")
    assert not _matches_comment("3", "30")
    # a block that would not paste (no blank line after the loop) fails the paste check
    bad = Block(doc, 1, "for i in range(2):\n    pass\nx = 1\n", "repl")
    with pytest.raises(AssertionError, match="pasting into python -i fails"):
        check_paste(bad, "", [])
    ns = {"a": 1}
    with pytest.raises(AssertionError, match="its comment says"):
        run_as_session(Block(doc, 2, "a + 1   # 3\n", "repl"), ns)
    block = Block(doc, 3, "a + 1   # 2, from the prelude\nNone\nstr(a)\n", "repl")
    assert run_as_session(block, ns) == ["2", "'1'"]
    check_paste(block, "a = 1\n", ["2", "'1'"])
    with pytest.raises(AssertionError):
        check_paste(block, "a = 1\n", ["2"])
