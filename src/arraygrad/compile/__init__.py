"""Staging: ``ag.compile`` traces a step once per input signature and replays it as the
plain array calls it made.

    step = ag.compile(train_step)         # or @ag.compile
    loss = step(x, y)                     # 1st call: eager, traced; later: replayed
    step.explain(x, y)                    # the program, its kernels, buffers, guards

How it works, one module per job:

- ``trace.py`` / ``tracearray.py``: the first call runs eagerly while the tracer listens
  at the kernel's one record path (``core.mode.SWITCHES.tracer``, every primitive call) and
  at the arrays themselves (``TracedArray``: every NumPy call on an array the step computed
  or loaded, wherever it is made — derivative rules, the engine's accumulation, user code
  on ``.array``). Tensors the step reads but was not passed are loaded by reference;
  changes to their state (``.grad``, data, version) are written back. Optimizer steps are
  replayed as Python (their state, like Adam's step count, lives in Python numbers);
  random draws are made afresh. Values read into Python become guards; what cannot be
  replayed makes the function run eagerly, with one warning saying why.
- ``program.py``: the flat program (instructions over numbered slots).
- ``passes/``: constant folding, common subexpressions, dead code, copy elision, guard
  hoisting, scalar lowering, the buffer plan, elementwise fusion (numba).
- ``vjp.py``: outputs that keep a graph get a compiled backward of their own.
- ``emit.py``: the program as Python source, exec'd; ``explain.py`` and ``dot.py`` show it.
- ``api.py``: the cache (signature -> programs, one per guard path), entry checks, fallback.
- ``reach.py``: which tensors a function can reach (its closure, globals, ``self``), so that
  a replaced parameter re-traces.
"""

from .api import Compiled, CompileError, CompileWarning, compile

__all__ = ["compile", "Compiled", "CompileError", "CompileWarning"]
