r"""
=====================================
An L1 regularisation path, with saga
=====================================

With ``l1_ratio=1.0`` the penalty of
:class:`~sklearn_nn.LogisticRegressionGD` is an L1 norm,

.. math::

    J(w, b) = \frac1n \sum_i \ell(y_i, x_i^\top w + b)
        + \frac{\alpha}{n} \lVert w \rVert_1 ,

the objective of scikit-learn's ``LogisticRegression(C=C, l1_ratio=1.0)``
with :math:`\alpha = 1/C`. The default fit (full batch,
``learning_rate='barzilai_borwein'``) takes proximal steps: after each
gradient step of length :math:`\eta` every weight is soft-thresholded,
:math:`w \leftarrow \operatorname{sign}(w) \max(|w| - \eta\alpha/n, 0)`,
and the weights that the data pull on less than :math:`\alpha / n` land
exactly on zero.

This example follows the optimum from strong to weak regularisation on the
breast-cancer data, with ``LogisticRegressionGD`` and with scikit-learn's
saga solver, and draws the two regularisation paths side by side. The
proximal step is described in the user guide, under "Elastic net:
l1_ratio" in :doc:`../user_guide/objective`.
"""

# %%
# The data and the grid
# ---------------------
# 569 tumours, 30 standardised features, two classes. The grid holds 17
# values of :math:`C = 1/\alpha` from :math:`10^{-2.5}` to
# :math:`10^{-0.5}`, evenly spaced on a log scale. Below about
# :math:`C = 0.005` every weight is zero; from :math:`C \approx 0.7` on the
# classes are nearly separable, the optimum is badly conditioned and saga
# needs more than 10,000 epochs per value of :math:`C` (with a
# ``ConvergenceWarning``), so the grid stops below to keep the example
# short.
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from sklearn_nn import LogisticRegressionGD

threadpool_limits(1)  # small matrices: one BLAS thread is the fastest

X, y = load_breast_cancer(return_X_y=True)
X = StandardScaler().fit_transform(X)
Cs = np.logspace(-2.5, -0.5, 17)
print(f"{X.shape[0]} rows, {X.shape[1]} features, {len(Cs)} values of C")

# %%
# Two paths, warm-started
# -----------------------
# Both estimators are fitted with ``warm_start=True``, from the smallest
# :math:`C` to the largest: each fit starts from the previous optimum,
# which is close, and needs few iterations. ``LogisticRegressionGD`` stops
# when its smallest subgradient is below ``tol=1e-9``; saga stops when no
# weight moves by more than ``tol=1e-8`` (relative to the largest weight)
# in an epoch. Both stopping rules end far closer to the optimum than the
# defaults. Any ``ConvergenceWarning`` is recorded and counted, not hidden.
# The times are those of the whole path, on one BLAS thread.
gd = LogisticRegressionGD(
    alpha=1 / Cs[0],
    l1_ratio=1.0,
    tol=1e-9,
    max_iter=20000,
    warm_start=True,
)
saga = LogisticRegression(
    C=Cs[0],
    l1_ratio=1.0,
    solver="saga",
    tol=1e-8,
    max_iter=10000,
    warm_start=True,
)


def path(model, parameter, values):
    """Coefficients, iterations and seconds along a warm-started path."""
    coefs, n_iter = [], []
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always", ConvergenceWarning)
        start = time.perf_counter()
        for value in values:
            model.set_params(**{parameter: value}).fit(X, y)
            coefs.append(model.coef_.ravel().copy())
            n_iter.append(int(np.max(model.n_iter_)))
        seconds = time.perf_counter() - start
    warned = sum(issubclass(r.category, ConvergenceWarning) for r in records)
    return np.array(coefs), np.array(n_iter), seconds, warned


coef_gd, iter_gd, time_gd, warned_gd = path(gd, "alpha", 1 / Cs)
coef_saga, iter_saga, time_saga, warned_saga = path(saga, "C", Cs)
for name, n_iter, seconds, warned in (
    ("LogisticRegressionGD", iter_gd, time_gd, warned_gd),
    ("saga", iter_saga, time_saga, warned_saga),
):
    print(
        f"{name:21s} {seconds:5.2f} s for the path, {n_iter.sum():6d} "
        f"iterations in all, {warned} ConvergenceWarning(s)"
    )

# %%
# The paths
# ---------
# One line per feature, in the same colour in both panels; the third panel
# counts the nonzero coefficients.
colors = plt.cm.tab20(np.linspace(0, 1, X.shape[1]))
fig, (ax_gd, ax_saga, ax_nnz) = plt.subplots(
    1,
    3,
    figsize=(13, 4.4),
    layout="constrained",
    gridspec_kw={"width_ratios": [2, 2, 1.2]},
)
for ax, coef, title in (
    (ax_gd, coef_gd, "LogisticRegressionGD, l1_ratio=1"),
    (ax_saga, coef_saga, "LogisticRegression, saga"),
):
    for j in range(X.shape[1]):
        ax.plot(Cs, coef[:, j], color=colors[j], lw=1)
    ax.set(xscale="log", xlabel="C = 1 / alpha", title=title)
ax_gd.set_ylabel("coefficient")
ax_saga.sharey(ax_gd)
nnz_gd = np.count_nonzero(coef_gd, axis=1)
nnz_saga = np.count_nonzero(coef_saga, axis=1)
ax_nnz.step(Cs, nnz_gd, where="mid", lw=3, alpha=0.5, label="GD")
ax_nnz.step(Cs, nnz_saga, where="mid", ls="--", color="k", label="saga")
ax_nnz.set(
    xscale="log",
    xlabel="C = 1 / alpha",
    ylabel="nonzero coefficients",
    title="Sparsity",
)
_ = ax_nnz.legend()

# %%
# Soft thresholding lets the weights in one by one
# ------------------------------------------------
# At a zero weight the optimality condition is :math:`|\partial L /
# \partial w_j| \le \alpha / n`, with :math:`L` the mean log loss: a weight
# stays at exactly zero as long as the data pull on it less than the
# threshold. As :math:`C` grows the threshold :math:`1 / (C n)` falls, and
# the features enter the model one by one (two at once here and there on
# this coarse grid), the most useful first. A
# weight can also leave again (the count is not monotone) when features
# that entered later explain the same thing better.
#
# The two paths coincide because both solvers minimise the same convex
# :math:`J`, whose optimum is unique here, and two good solvers find it,
# zeros included: saga's proximal updates produce exact zeros too.
diff = np.abs(coef_gd - coef_saga).max(axis=1)
print(f"{'C':>8s} {'nonzero GD':>10s} {'saga':>5s} {'max |diff|':>11s}")
for C, a, b, d in zip(Cs, nnz_gd, nnz_saga, diff):
    print(f"{C:8.4f} {a:10d} {b:5d} {d:11.1e}")
print(f"largest difference over the path: {diff.max():.1e}")
print(f"largest coefficient: {np.abs(coef_saga).max():.2f}")

# %%
# The remaining differences are of the order of the stopping tolerances.
# On this problem the full-batch proximal Barzilai-Borwein fit is several
# times faster than saga along the whole path: each of its iterations is
# one pass over the data in a few matrix products, and the Barzilai-Borwein
# steps adapt to the curvature, which grows as :math:`C` does.
plt.show()
