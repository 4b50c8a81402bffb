"""The linear workload: the logistic-regression data set, its objective and the solvers under test.

Data and objective
------------------
Binary ``make_classification(n_samples=20000, n_features=100, random_state=0)``,
standardised with ``StandardScaler``; ``alpha = 1``. The objective of
``LogisticRegressionGD(alpha)`` is

    J(w, b) = mean_i log(1 + exp(-u_i (x_i . w + b))) + alpha / (2 n) ||w||^2,   u_i = 2 y_i - 1,

whose minimiser is that of scikit-learn's ``LogisticRegression(C=1/alpha)``
(objective C sum_i loss_i + 1/2 ||w||^2 = C n J) and of
``SGDClassifier(loss='log_loss', penalty='l2', alpha=alpha/n)`` (objective
mean_i loss_i + alpha_sgd / 2 ||w||^2 = J). J is always recomputed in float64
from ``coef_`` and ``intercept_``; J* comes from
``LogisticRegression(C=1/alpha, tol=1e-12, max_iter=10000)``.

Systems
-------
``fit_ours_epochs``: ``LogisticRegressionGD(alpha=1, max_iter=E, tol=0,
learning_rate='constant')`` (full batch, one evaluation of J and one update
per epoch: the cost of an epoch, which the default Barzilai-Borwein rule pays
once per accepted first trial) for a fixed number of epochs.
``time_to_accuracy_systems``: the solvers that race to J - J* <= 1e-4: ours
with its defaults, with the stopping rule off and a given epoch budget, and
with ``solver='lbfgs'`` at a given ``tol``; scikit-learn's
``LogisticRegression`` (lbfgs, default tol); ``SGDClassifier`` with its
defaults, and with ``learning_rate='adaptive', eta0=0.1, tol=1e-6``.
"""

import numpy as np
from harness import quiet, timed
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.preprocessing import StandardScaler

from sklearn_nn import LogisticRegressionGD

N_FEATURES = 100
ALPHA = 1.0
GAP = 1e-4
NO_STOP = dict(tol=0.0, n_iter_no_change=10**9)
LBFGS_TOLS = (1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-8)


def make_data(samples):
    """The standardised binary data set (X, y) of ``samples`` rows."""
    X, y = make_classification(n_samples=samples, n_features=N_FEATURES, random_state=0)
    X = StandardScaler().fit_transform(X)
    return X, y


def objective(X, y, coef, intercept, alpha=ALPHA):
    """J in float64 from a fitted binary model's ``coef_`` and ``intercept_``."""
    w = np.asarray(coef, dtype=np.float64).ravel()
    z = X @ w + float(np.ravel(intercept)[0])
    return float(np.mean(np.logaddexp(0.0, z) - y * z) + alpha / (2 * X.shape[0]) * (w @ w))


def optimum(X, y):
    """J*, the objective at scikit-learn's tightly converged ``LogisticRegression``."""
    with quiet():
        ref = LogisticRegression(C=1.0 / ALPHA, tol=1e-12, max_iter=10000).fit(X, y)
    return objective(X, y, ref.coef_, ref.intercept_)


def ours_default():
    """Ours with its defaults (solver 'sgd' full batch with Barzilai-Borwein steps, tol 1e-6)."""
    return LogisticRegressionGD(alpha=ALPHA)


def ours_no_stop(epochs):
    """Ours with the stopping rule off: exactly ``epochs`` epochs."""
    return LogisticRegressionGD(alpha=ALPHA, max_iter=epochs, **NO_STOP)


def ours_lbfgs(tol):
    """Ours with ``solver='lbfgs'`` at ``tol``."""
    return LogisticRegressionGD(alpha=ALPHA, solver="lbfgs", tol=tol)


def fit_ours_epochs(X, y, epochs):
    """One fixed-epoch fit: (wall time, per-epoch durations from ``history_['time']``)."""
    est = ours_no_stop(epochs).set_params(learning_rate="constant")
    with quiet():
        seconds, _ = timed(est.fit, X, y)
    return seconds, np.diff(est.history_["time"], prepend=0.0)


def fit_timed(est, X, y):
    """(seconds, fitted estimator) of one timed fit."""
    with quiet():
        seconds, _ = timed(est.fit, X, y)
    return seconds, est


def time_to_accuracy_systems(n, epochs_free, lbfgs_tol):
    """{row name: estimator factory} of the time-to-accuracy race on ``n`` rows, in report order.

    ``epochs_free`` is the epoch budget of our fit without a stopping rule and
    ``lbfgs_tol`` the ``tol`` of our lbfgs fit, both found beforehand (untimed).
    """
    return {
        "ours, defaults (sgd, Barzilai-Borwein steps, tol=1e-6)": ours_default,
        "ours, sgd with tol=0, stopped at the target epoch": lambda: ours_no_stop(epochs_free),
        f"ours, solver='lbfgs', tol={lbfgs_tol:g}": lambda: ours_lbfgs(lbfgs_tol),
        "scikit-learn LogisticRegression (lbfgs, default tol)": lambda: LogisticRegression(C=1.0 / ALPHA),
        "scikit-learn SGDClassifier (defaults)": lambda: SGDClassifier(
            loss="log_loss", penalty="l2", alpha=ALPHA / n, random_state=0
        ),
        "scikit-learn SGDClassifier (adaptive, eta0=0.1, tol=1e-6)": lambda: SGDClassifier(
            loss="log_loss",
            penalty="l2",
            alpha=ALPHA / n,
            learning_rate="adaptive",
            eta0=0.1,
            tol=1e-6,
            random_state=0,
        ),
    }
