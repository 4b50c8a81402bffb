"""In-place linear-algebra helpers shared by the network and the optimizers.

Both write into arrays the caller owns, so the training loop allocates
nothing per update:

* ``matmul_into(A, B, out)``: ``out = A @ B`` for dense or sparse ``A``;
* ``axpy(a, x, y)``: ``y += a * x`` in a single pass (BLAS ``axpy``), where
  NumPy would first build the temporary ``a * x``.
"""

import numpy as np
from scipy.linalg import blas

_AXPY = {np.dtype(np.float64): blas.daxpy, np.dtype(np.float32): blas.saxpy}


def matmul_into(A, B, out):
    """out = A @ B for a dense or sparse A; returns out.

    A product whose inner dimension is 1 (the weight gradient of a single
    row) is an outer product, which broadcasting computes faster than GEMM.
    """
    if not isinstance(A, np.ndarray):
        out[...] = A @ B  # sparse
    elif A.shape[1] == 1:
        np.multiply(A, B, out=out)
    else:
        np.dot(A, B, out=out)
    return out


def axpy(a, x, y):
    """y += a * x in place, for arrays of the same shape; returns y.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.ones(3)
    >>> axpy(2.0, np.arange(3.0), y)
    array([1., 3., 5.])
    """
    routine = _AXPY.get(y.dtype)
    if routine is None or x.dtype != y.dtype or not (x.flags.c_contiguous and y.flags.c_contiguous):
        y += a * x
        return y
    flat = y if y.ndim == 1 else y.reshape(-1)
    result = routine(x if x.ndim == 1 else x.reshape(-1), flat, a=a)
    if result is not flat:  # pragma: no cover - BLAS wrappers update contiguous arrays in place
        flat[...] = result
    return y
