"""The optimum workload: ten default linear fits, their objective J and its optimum J*.

Data sets
---------
Every X is standardised with ``StandardScaler`` (fitted on all rows):
``load_breast_cancer`` (569 x 30, binary), ``load_wine`` (178 x 13, 3
classes), ``load_iris`` (150 x 4, 3 classes), ``load_digits`` (1797 x 64, 10
classes), ``make_classification(n_samples=20000, n_features=100,
random_state=0)`` (binary) and ``make_classification(n_samples=5000,
n_features=50, n_informative=10, n_classes=5, random_state=0)``; the two
generated sets have fewer rows in smoke mode (``Settings.opt_samples``).
``ROWS`` lists the (data set, estimator) pairs of the table, in its order.

Objective
---------
With ``alpha = 1``, n rows, logits Z = X W^T + b (one column per unit) and
``objective`` recomputing everything in float64 from ``coef_`` (W) and
``intercept_`` (b):

- one unit (binary, either estimator): J = mean_i [log(1 + exp(z_i)) - t_i z_i]
  + alpha / (2 n) ||w||^2, t_i = 1 for the second class;
- ``link='softmax'`` (``SoftmaxRegressionGD``, K > 2 units): J = mean_i
  [logsumexp_k Z_ik - Z_i,y_i] + alpha / (2 n) ||W||^2;
- ``link='sigmoid'`` (``LogisticRegressionGD``, K > 2 units, one-vs-rest):
  J = mean_i sum_k [log(1 + exp(Z_ik)) - T_ik Z_ik] + alpha / (2 n) ||W||^2,
  T the one-hot targets: the sum of the K binary objectives.

The binary and softmax J are scikit-learn's ``LogisticRegression(C=1/alpha)``
objective C sum_i loss_i + 1/2 ||W||^2 divided by C n, so they share its
minimiser; the one-vs-rest J is a different function, and scikit-learn's own
optimum for those data is the softmax one.

Optimum
-------
``reference`` fits the package's L-BFGS very tightly (``REFERENCE``); J* is
``objective`` at that fit, and its ``loss_`` must equal J to 1e-10
(``LOSS_CHECK``), which checks the formula. ``sklearn_reference`` fits
scikit-learn's ``LogisticRegression`` just as tightly (``SKLEARN_TIGHT``): its
softmax (or binary) J checks our softmax (or binary) J* to ~1e-9, and is the
optimum against which scikit-learn's own default fits are measured.

Systems
-------
``ours_default(cls)``: ``cls()``, every default (full-batch gradient descent
with Barzilai-Borwein steps, tol 1e-6 on max |grad J|); ``sklearn_default()``:
``LogisticRegression()`` (lbfgs, default tol). ``fit_recorded`` times one fit
and records the warnings it raised.

Variants
--------
``BB_VARIANTS`` and ``bb_variant`` switch the Barzilai-Borwein rule's two
refinements (one length per output unit, ABBmin's short step) for the
variants table, which counts iterations on the ten rows and on
``generated_problems``.
"""

import warnings
from contextlib import contextmanager

import numpy as np
from harness import quiet, timed
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from sklearn_nn import LogisticRegressionGD, SoftmaxRegressionGD
from sklearn_nn._step_rules import BarzilaiBorwein

ALPHA = 1.0
#: The package's tight L-BFGS fit that gives J*.
REFERENCE = dict(solver="lbfgs", tol=1e-14, max_iter=20000, max_fun=100000)
#: scikit-learn's tight fit that checks J* and gives scikit-learn's own optimum.
SKLEARN_TIGHT = dict(C=1.0 / ALPHA, tol=1e-12, max_iter=10000)
#: Largest |J - loss_| (relative to max(1, J)) of the reference fit: the formula's check.
LOSS_CHECK = 1e-10

#: {estimator class: how its multiclass units link, see ``objective``}.
LINKS = {LogisticRegressionGD: "sigmoid", SoftmaxRegressionGD: "softmax"}

#: The (data set, estimator) rows of the table, in order.
ROWS = (
    ("breast_cancer", LogisticRegressionGD),
    ("wine", SoftmaxRegressionGD),
    ("wine", LogisticRegressionGD),
    ("iris", SoftmaxRegressionGD),
    ("iris", LogisticRegressionGD),
    ("digits", SoftmaxRegressionGD),
    ("digits", LogisticRegressionGD),
    ("binary", LogisticRegressionGD),
    ("5-class", SoftmaxRegressionGD),
    ("5-class", LogisticRegressionGD),
)

_LOADERS = {
    "breast_cancer": load_breast_cancer,
    "wine": load_wine,
    "iris": load_iris,
    "digits": load_digits,
}


def make_datasets(samples):
    """{name: (label, X, y)} of every data set, standardised; ``samples`` is ``Settings.opt_samples``.

    The label names the data set, its shape and its number of classes.
    """
    raw = {f"load_{name}": loader(return_X_y=True) for name, loader in _LOADERS.items()}
    raw["make_classification binary"] = make_classification(
        n_samples=samples["binary"], n_features=100, random_state=0
    )
    raw["make_classification 5-class"] = make_classification(
        n_samples=samples["5-class"], n_features=50, n_informative=10, n_classes=5, random_state=0
    )
    out = {}
    for (name, (X, y)), key in zip(raw.items(), (*_LOADERS, "binary", "5-class")):
        X = StandardScaler().fit_transform(X)
        out[key] = (f"{name} ({X.shape[0]} x {X.shape[1]}, {np.unique(y).size} classes)", X, y)
    return out


def objective(X, y, coef, intercept, classes, link, alpha=ALPHA):
    """J in float64 from a fitted model's ``coef_`` (K x p) and ``intercept_`` (K,); see the module.

    ``classes`` is the model's ``classes_``; one row of ``coef`` means a
    binary model (sigmoid of the second class), whatever ``link`` says.
    """
    X = np.asarray(X, dtype=np.float64)
    W = np.atleast_2d(np.asarray(coef, dtype=np.float64))
    b = np.ravel(np.asarray(intercept, dtype=np.float64))
    classes = np.asarray(classes)
    Z = X @ W.T + b
    if W.shape[0] == 1:
        z = Z[:, 0]
        t = (y == classes[1]).astype(np.float64)
        data = np.mean(np.logaddexp(0.0, z) - t * z)
    else:
        T = (np.asarray(y)[:, None] == classes[None, :]).astype(np.float64)
        if link == "sigmoid":
            data = np.mean(np.sum(np.logaddexp(0.0, Z) - T * Z, axis=1))
        elif link == "softmax":
            top = Z.max(axis=1, keepdims=True)
            logsumexp = top[:, 0] + np.log(np.exp(Z - top).sum(axis=1))
            data = np.mean(logsumexp - np.sum(T * Z, axis=1))
        else:
            raise ValueError(f"unknown link {link!r}")
    return float(data + alpha / (2 * X.shape[0]) * np.sum(W * W))


def objective_of(est, X, y, link):
    """``objective`` of a fitted estimator (ours or scikit-learn's) under ``link``."""
    return objective(X, y, est.coef_, est.intercept_, est.classes_, link)


def gap_of(est, X, y, link, J_star):
    """The relative gap (J - J*) / J* of a fitted estimator, J by ``objective_of``."""
    return (objective_of(est, X, y, link) - J_star) / J_star


def reference(cls, X, y):
    """The package's tight L-BFGS fit of ``cls`` (``REFERENCE``), whose J is J*."""
    with quiet():
        return cls(alpha=ALPHA, **REFERENCE).fit(X, y)


def sklearn_reference(X, y):
    """scikit-learn's tight ``LogisticRegression`` fit (``SKLEARN_TIGHT``)."""
    with quiet():
        return LogisticRegression(**SKLEARN_TIGHT).fit(X, y)


def ours_default(cls):
    """Ours with every default."""
    return cls()


def sklearn_default():
    """scikit-learn's ``LogisticRegression()`` with every default (lbfgs)."""
    return LogisticRegression()


#: The Barzilai-Borwein variants of the variants table: (name, ``per_unit``, ``short_memory``), default first.
BB_VARIANTS = (
    ("default: per-unit lengths, ABBmin", True, 3),
    ("one shared length, ABBmin", False, 3),
    ("per-unit lengths, last BB2", True, 1),
    ("one shared length, last BB2", False, 1),
)


@contextmanager
def bb_variant(per_unit, short_memory):
    """``BarzilaiBorwein`` with another ``per_unit`` and ``short_memory`` (class attributes) meanwhile."""
    saved = BarzilaiBorwein.per_unit, BarzilaiBorwein.short_memory
    BarzilaiBorwein.per_unit, BarzilaiBorwein.short_memory = per_unit, short_memory
    try:
        yield
    finally:
        BarzilaiBorwein.per_unit, BarzilaiBorwein.short_memory = saved


def generated_problems(count):
    """``count`` standardised ``make_classification`` problems, seeds 0 to count - 1: [(X, y)].

    Seed s draws the rows (300, 1000 or 3000), the features (5, 20 or 60;
    half of them informative, at least 3), the classes (3, 5 or 8, one
    cluster each), the class separation (0.5, 1 or 2) and a scale of the
    standardised X (1 or 3), from ``np.random.RandomState(s)``.
    """
    problems = []
    for seed in range(count):
        rng = np.random.RandomState(seed)
        n, p, k = (int(rng.choice(options)) for options in ((300, 1000, 3000), (5, 20, 60), (3, 5, 8)))
        X, y = make_classification(
            n_samples=n,
            n_features=p,
            n_informative=min(p, max(3, p // 2)),
            n_redundant=0,
            n_classes=k,
            n_clusters_per_class=1,
            class_sep=float(rng.choice([0.5, 1.0, 2.0])),
            random_state=seed,
        )
        problems.append((StandardScaler().fit_transform(X) * rng.choice([1.0, 3.0]), y))
    return problems


#: The tolerances tried, largest first, for scikit-learn's fit at the gap of ours (``sklearn_at``).
SKLEARN_TOLS = (1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10)


def sklearn_at(tol):
    """scikit-learn's ``LogisticRegression(tol=tol)``, with room for the iterations a small tol needs."""
    return LogisticRegression(tol=tol, max_iter=10000)


def fit_recorded(est, X, y):
    """(seconds, fitted estimator, whether it raised a ConvergenceWarning) of one timed fit.

    Every warning is recorded (none is printed); the recording wraps both
    systems' fits alike.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        seconds, _ = timed(est.fit, X, y)
    return seconds, est, any(issubclass(w.category, ConvergenceWarning) for w in caught)
