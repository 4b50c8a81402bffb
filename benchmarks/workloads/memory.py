"""The memory workload: a large X and y on disk, and the one-epoch MLP fit each fresh process measures.

X: ``rows`` x 100 float64 (262144 rows = 210 MB in the full run), standard
normal, generated in chunks with ``numpy.random.default_rng(0)`` straight into
a preallocated array; y: ``argmax(X @ W)`` of a random linear teacher W
(100 x 10), so 10 classes. Both are saved with ``np.save``, so that no
generation temporaries sit in the measured processes.

The fit: ours (``MLPClassifierScratch``) or scikit-learn's ``MLPClassifier``,
``max_iter=1``, hidden (256, 128), adam, default batch 200, ``random_state=0``,
with ``early_stopping`` off or on; before it, a tiny warm-up fit on 256 other
rows loads the lazily imported code.

This module imports only NumPy: it is loaded by the measured processes, and
each system's estimator is imported there by ``estimator_class`` alone.
"""

from pathlib import Path

import numpy as np

N_FEATURES, N_CLASSES = 100, 10
SYSTEMS = ("ours", "sklearn")
WARM_UP_ROWS = 256


def make_data(directory, rows, chunk=16384):
    """Write X.npy (rows x 100 float64) and y.npy; return the size of X in bytes."""
    rng = np.random.default_rng(0)
    teacher = rng.standard_normal((N_FEATURES, N_CLASSES))
    X = np.empty((rows, N_FEATURES))
    y = np.empty(rows, dtype=np.int64)
    for start in range(0, rows, chunk):
        block = X[start : start + chunk]
        rng.standard_normal(out=block)
        y[start : start + chunk] = np.argmax(block @ teacher, axis=1)
    np.save(Path(directory) / "X.npy", X)
    np.save(Path(directory) / "y.npy", y)
    return X.nbytes


def load_data(directory):
    """(X, y) as written by ``make_data``."""
    X = np.load(Path(directory) / "X.npy")
    y = np.load(Path(directory) / "y.npy")
    return X, y


def estimator_class(system):
    """The estimator class of ``system`` ("ours" or "sklearn"), imported on demand."""
    if system == "ours":
        from sklearn_nn import MLPClassifierScratch as cls
    else:
        from sklearn.neural_network import MLPClassifier as cls
    return cls


def fit_params(early_stopping):
    """Constructor parameters of the measured one-epoch fit (and of the warm-up fit)."""
    params = dict(hidden_layer_sizes=(256, 128), solver="adam", max_iter=1, random_state=0)
    params["early_stopping"] = early_stopping
    return params
