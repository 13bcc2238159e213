"""A differential fuzzer for arraygrad against PyTorch (a test oracle only).

A *program* is 1-4 steps over arraygrad's NumPy surface (``arraygrad.numpy``, Tensor
operators and methods, indexing, item assignment and in-place operators), drawn at random
from the op table in ``ops.py`` by ``programs.generate``. ``check.run_program`` runs it
through arraygrad and through an independent PyTorch implementation of the same NumPy
semantics, and compares the output value and dtype, the reverse-mode gradient of
``sum(out * W)`` with respect to every input, and a Hessian-vector product (double
backward) in every input direction.

    from fuzzlib import check, programs
    report = check.run_many(range(1000))       # seeds
    print(report.summary())

Used by ``tests/test_fuzz.py`` (a fixed seed in CI) and ``tools/fuzz.py`` (the long search).
"""

from .check import TOLERANCES, Outcome, Report, Tolerance, run_many, run_program
from .programs import Program, generate

__all__ = ["Outcome", "Program", "Report", "TOLERANCES", "Tolerance", "generate", "run_many",
           "run_program"]
