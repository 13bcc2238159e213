"""Run d2l.ai's PyTorch chapters (tests/d2l/torch_chapters/*.py) on arraygrad's front door
or, with the same source, on real PyTorch, and make the two runs comparable.

A chapter file is the book's pytorch code cells, verbatim, separated by ``# %%`` lines;
its import lines name ``arraygrad.compat.torch`` (for ``torch``), ``d2l_torch`` (for
``from d2l import torch as d2l``) and ``torchvision_standin``. ``backend="torch"``
rewrites exactly those import lines back to PyTorch and loads d2l_torch.py and
torchvision_standin.py the same way, so the oracle run executes the same text.

``shared=True`` (both runs of a comparison) makes the runs' randomness the same without
touching the chapter: draws the chapter makes through ``torch.normal/randn/rand`` and
``d2l.normal`` come from one seeded NumPy stream, shuffling loaders take their orders
from another, and every optimizer copies the initial parameter values recorded in the
arraygrad run into the oracle's parameters when it is made (so ``nn.Linear``'s and
``nn.init``'s draws need not agree). ``d2l.train_epoch_ch3`` and ``d2l.evaluate_loss``
results are recorded per call for comparison.
"""

from __future__ import annotations

import ast
import contextlib
import io
import os
import random
import re
import sys
import types
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("MPLBACKEND", "Agg")

HERE = Path(__file__).resolve().parent
CHAPTERS = HERE / "torch_chapters"

# import-line rewrites for the oracle run (applied to lines starting with import/from)
_ORACLE_IMPORTS = [
    ("arraygrad.compat.torch", "torch"),
    ("import d2l_torch as d2l", "import d2l_torch__oracle as d2l"),
    ("torchvision_standin", "torchvision_standin__oracle"),
]


def oracle_source(text: str) -> str:
    out = []
    for line in text.split("\n"):
        if re.match(r"\s*(import|from)\s", line):
            for old, new in _ORACLE_IMPORTS:
                line = line.replace(old, new)
        out.append(line)
    return "\n".join(out)


def _load_oracle_module(stem: str) -> types.ModuleType:
    name = stem + "__oracle"
    if name in sys.modules:
        return sys.modules[name]
    mod = types.ModuleType(name)
    mod.__file__ = str(HERE / f"{stem}.py")
    sys.modules[name] = mod
    code = oracle_source((HERE / f"{stem}.py").read_text())
    try:
        exec(compile(code, mod.__file__, "exec"), mod.__dict__)
    except BaseException:
        del sys.modules[name]  # never leave a half-made module for the next test
        raise
    return mod


def d2l_module(backend: str) -> types.ModuleType:
    if backend == "torch":
        import torchvision_standin

        vision = _load_oracle_module("torchvision_standin")
        # one data set for both runs: the oracle's copy reads the same pixels and size
        vision.SIZE, vision._SPLITS = torchvision_standin.SIZE, torchvision_standin._SPLITS
        return _load_oracle_module("d2l_torch")
    import d2l_torch

    return d2l_torch


def torch_module(backend: str) -> Any:
    if backend == "torch":
        import torch
    else:
        import arraygrad.compat.torch as torch
    return torch


def cells(chapter: str, backend: str = "arraygrad") -> list[str]:
    text = (CHAPTERS / f"{chapter}.py").read_text()
    if backend == "torch":
        text = oracle_source(text)
    return re.split(r"^# %%.*$", text, flags=re.M)[1:]  # (before the first: the docstring)


# ---------------------------------------------------------------------------- shared randomness


class Shared:
    """What both runs of one comparison share: seeded streams and recorded initial values
    (recorded by the first, arraygrad, run; replayed into the second)."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self.initial: list[list[np.ndarray]] = []

    def start(self) -> None:
        self.draws = np.random.default_rng(self.seed)
        self.orders = np.random.default_rng(self.seed + 1)
        self.n_optimizers = 0


class _Proxy(types.ModuleType):
    def __init__(self, real: Any, **overrides: Any) -> None:
        super().__init__(getattr(real, "__name__", "proxy"))
        self.__dict__["_real"] = real
        self.__dict__.update(overrides)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.__dict__["_real"], name)


class _Orders:
    """A sampler: a fresh permutation from the shared stream at every epoch."""

    def __init__(self, n: int, rng: Any) -> None:
        self.n, self.rng = n, rng

    def __len__(self) -> int:
        return self.n

    def __iter__(self):
        return iter(self.rng.permutation(self.n).tolist())


def _shared_patches(torch: Any, d2l: Any, shared: Shared, records: dict, backend: str):
    f32 = torch.float32

    def from_draw(arr, requires_grad=False, dtype=None):
        return torch.tensor(arr.astype(np.float32), dtype=dtype or f32,
                            requires_grad=requires_grad)

    def shape_of(size):
        if len(size) == 1 and isinstance(size[0], (tuple, list)) or (
                len(size) == 1 and hasattr(size[0], "__len__")):
            return tuple(size[0])
        return tuple(int(s) for s in size)

    def normal(mean=0.0, std=1.0, size=None, *, requires_grad=False, dtype=None, **kw):
        return from_draw(shared.draws.normal(mean, std, tuple(size)), requires_grad, dtype)

    def randn(*size, requires_grad=False, dtype=None, **kw):
        shape = shape_of(size) if size else tuple(kw.pop("size"))
        return from_draw(shared.draws.standard_normal(shape), requires_grad, dtype)

    def rand(*size, requires_grad=False, dtype=None, **kw):
        shape = shape_of(size) if size else tuple(kw.pop("size"))
        return from_draw(shared.draws.random(shape), requires_grad, dtype)

    real_sgd = torch.optim.SGD

    def SGD(params, *args, **kwargs):  # noqa: N802 - torch.optim's name
        opt = real_sgd(params, *args, **kwargs)
        ps = [p for g in opt.param_groups for p in g["params"]]
        k = shared.n_optimizers
        shared.n_optimizers += 1
        if backend == "arraygrad":
            del shared.initial[k:]
            shared.initial.append([np.array(p.detach().numpy()) for p in ps])
        else:
            with torch.no_grad():
                for p, arr in zip(ps, shared.initial[k]):
                    p.copy_(torch.from_numpy(arr))
        return opt

    real_loader = torch.utils.data.DataLoader

    def DataLoader(dataset, batch_size=1, shuffle=False, **kw):  # noqa: N802
        if shuffle:
            kw["sampler"] = _Orders(len(dataset), shared.orders)
        kw.pop("num_workers", None)  # the same batches, made in this process
        return real_loader(dataset, batch_size, **kw)

    def recording(name, fn):
        def wrapped(*args, **kwargs):
            out = fn(*args, **kwargs)
            records.setdefault(name, []).append(out)
            return out

        wrapped._recording = True
        return wrapped

    data_proxy = _Proxy(torch.utils.data, DataLoader=DataLoader)
    torch_proxy = _Proxy(torch, normal=normal, randn=randn, rand=rand,
                         optim=_Proxy(torch.optim, SGD=SGD),
                         utils=_Proxy(torch.utils, data=data_proxy))
    d2l_patches = {"normal": normal, "data": data_proxy, "torch": torch_proxy,
                   "train_epoch_ch3": recording("train_epoch_ch3", d2l.train_epoch_ch3),
                   "evaluate_loss": recording("evaluate_loss", d2l.evaluate_loss)}
    return torch_proxy, data_proxy, d2l_patches, recording


RECORDED = ("train_epoch_ch3", "evaluate_loss")


# ---------------------------------------------------------------------------- running


def _from_book_check(exc: AssertionError) -> bool:
    """Is this one of the d2l helpers' own accuracy checks (``train_ch3``'s asserts)?"""
    tb = exc.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    return tb.tb_frame.f_code.co_name == "train_ch3"


def _exec_cell(cell: str, name: str, ns: dict) -> None:
    """Run a cell as a notebook does: a final expression's value is displayed (its repr
    printed) unless it is None or the line ends with ``;``."""
    tree = ast.parse(cell, name)
    last = tree.body[-1] if tree.body else None
    shown = isinstance(last, ast.Expr) and not cell.rstrip().endswith(";")
    if shown:
        tree.body.pop()
    exec(compile(tree, name, "exec"), ns)
    if shown:
        value = eval(compile(ast.Expression(last.value), name, "eval"), ns)
        if value is not None:
            print(repr(value))


def run(chapter: str, backend: str = "arraygrad", shared: Shared | None = None,
        seed: int = 0, upto: int | None = None, keep_going: bool = False,
        then: Any = None) -> dict:
    """Execute the chapter's cells (the first ``upto``) in one namespace; returns it, with
    ``__outputs__`` (each cell's printed and displayed text), ``__records__`` (see the
    module docstring) and ``__book_checks__`` (the messages of the book's ``train_ch3``
    asserts that failed: with ``keep_going`` such a failure ends its cell only;
    comparisons on small data sets use it, since the book's thresholds are for 60,000
    images). ``then(ns)``, if given,
    runs after the cells, as one more cell would (e.g. a chapter function called with
    other arguments)."""
    import matplotlib.pyplot as plt

    torch = torch_module(backend)
    d2l = d2l_module(backend)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    ns: dict = {"__name__": f"chapter_{chapter}"}
    outputs, records, failed_checks = [], {}, []
    saved = {}
    patches = None
    if shared is not None:
        shared.start()
        torch_proxy, data_proxy, d2l_patches, recording = _shared_patches(
            torch, d2l, shared, records, backend)
        saved = {k: d2l.__dict__[k] for k in d2l_patches}
        d2l.__dict__.update(d2l_patches)
        patches = {"torch": torch_proxy, "data": data_proxy}
    style = contextlib.nullcontext()
    if backend == "arraygrad":  # PyTorch's printing, whatever another test left set
        from arraygrad.compat import print_style

        style = print_style("torch")
    try:
        style.__enter__()
        for i, cell in enumerate(cells(chapter, backend)[:upto]):
            buf = io.StringIO()
            with contextlib.redirect_stdout(buf):
                try:
                    _exec_cell(cell, f"<{chapter} cell {i} ({backend})>", ns)
                except AssertionError as exc:
                    if not (keep_going and _from_book_check(exc)):
                        raise
                    failed_checks.append(str(exc))
            outputs.append(buf.getvalue())
            if patches:  # names the chapter imported: the shared-randomness proxies
                for name, proxy in patches.items():
                    if ns.get(name) is proxy.__dict__["_real"]:
                        ns[name] = proxy
                for name in RECORDED:  # the chapter's own copies of the helpers
                    fn = ns.get(name)
                    if callable(fn) and not getattr(fn, "_recording", False):
                        ns[name] = recording(name, fn)
        if then is not None:
            buf = io.StringIO()
            with contextlib.redirect_stdout(buf):
                then(ns)
            outputs.append(buf.getvalue())
    finally:
        style.__exit__(None, None, None)
        d2l.__dict__.update(saved)
        plt.close("all")
    ns["__outputs__"], ns["__records__"] = outputs, records
    ns["__book_checks__"] = failed_checks
    return ns


def numbers(text: str) -> list[float]:
    """The decimal numbers printed in ``text``, in order."""
    return [float(m) for m in re.findall(r"-?\d+\.\d+(?:e[-+]?\d+)?", text)]
