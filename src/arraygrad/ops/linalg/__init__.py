"""Linear algebra, one module per kind:

- ``products``: matmul, dot, tensordot, inner, outer, vdot, vecdot, matvec, vecmat,
  cross, kron;
- ``norms``: ``numpy.linalg.norm`` for every ``ord``;
- ``solve``: inv, solve, det, slogdet, triangular solves;
- ``factorizations``: cholesky, qr, svd, svdvals;
- ``eigen``: eigh, eigvalsh, eig, eigvals;
- ``least_squares``: pinv, lstsq, matrix_rank;
- ``matfun``: expm, sqrtm, logm (primary matrix functions, one shared rule).

Each forward is NumPy's (or SciPy's) own LAPACK call, its VJP rule right below it.
"""

from .eigen import EighResult, EigResult, eig, eigh, eigvals, eigvalsh  # noqa: F401
from .factorizations import QRResult, SVDResult, cholesky, qr, svd, svdvals  # noqa: F401
from .least_squares import lstsq, matrix_rank, pinv  # noqa: F401
from .matfun import expm, logm, matrix_function_vjp, sqrtm  # noqa: F401
from .norms import norm  # noqa: F401
from .products import (  # noqa: F401
    cross,
    dot,
    inner,
    kron,
    matmul,
    matvec,
    outer,
    tensordot,
    vdot,
    vecdot,
    vecmat,
)
from .solve import SlogdetResult, det, inv, slogdet, solve, solve_triangular  # noqa: F401
