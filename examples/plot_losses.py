r"""
=====================================
Choosing the loss: robust or not
=====================================

The ``loss`` parameter picks the per-sample loss :math:`\ell(y, z)` that the
objective averages over the training rows, :math:`z` being the raw output of
the model. The classifiers offer the log loss, the squared error of the
predicted probability and the hinge loss; the regressor the squared error, the
absolute error, the Huber loss and the Poisson deviance.

The choice matters most when some training rows are wrong or unusual: a loss
that grows fast with the error lets those rows pull the model towards them.
This example shows it twice, for a classifier with mislabelled points and
for a regressor with outliers in the target.
"""

# %%
# Three classification losses as functions of the margin
# ------------------------------------------------------
# For a binary problem write the label as :math:`u = \pm 1` and the margin as
# :math:`m = u z`: positive when the row is on the right side of the boundary,
# large when it is far on the right side. For a single sigmoid unit the three
# losses of :class:`~sklearn_nn.LogisticRegressionGD` are
#
# * log loss: :math:`\log(1 + e^{-m})`,
# * squared error of the probability: :math:`\tfrac12 (1 - \sigma(m))^2`,
# * hinge: :math:`\max(0, 1 - m)`.
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy.special import expit
from sklearn.datasets import make_blobs
from sklearn.inspection import DecisionBoundaryDisplay
from sklearn.metrics import accuracy_score, log_loss
from threadpoolctl import threadpool_limits

from sklearn_nn import LogisticRegressionGD, MLPRegressorScratch

threadpool_limits(1)  # small matrices: one BLAS thread is the fastest

margin = np.linspace(-4, 4, 401)
losses = {
    "log_loss": np.logaddexp(0, -margin),
    "squared_error": 0.5 * (1 - expit(margin)) ** 2,
    "hinge": np.maximum(0, 1 - margin),
}
fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
for name, values in losses.items():
    ax.plot(margin, values, label=name)
ax.axvline(0, color="0.6", linewidth=0.8)
ax.set(xlabel="margin m = u z", ylabel="loss", ylim=(0, 5))
_ = ax.legend()

# %%
# The log loss and the hinge grow linearly with a wrong margin: a row far on
# the wrong side costs a lot and keeps pulling with a constant force. The
# squared error of the probability is bounded by 1/2 and flattens out for
# large wrong margins: such a row pulls almost not at all. That makes it
# robust to mislabelled rows, at a price: the objective is no longer convex,
# and a row that is badly misclassified gets no push to be fixed. The hinge
# is exactly zero beyond a margin of 1, so rows that are safely classified do
# not influence the solution at all.
#
# Mislabelled points
# ------------------
# Two Gaussian classes, plus a tight group of 20 points labelled as the right
# class (blue) but lying far on the left side. A separate test set without
# such points measures how much each loss lets them tilt the boundary. The
# models are fitted with ``solver='lbfgs'``, which reaches the optimum of each
# objective precisely, so that the differences come from the losses alone.
rng = np.random.RandomState(0)
centers = [[-1.5, 0], [1.5, 0]]
X, y = make_blobs(n_samples=[200, 200], centers=centers, cluster_std=1.0, random_state=0)
X_odd = rng.normal([-8, 3], 0.5, size=(20, 2))
X_train = np.vstack([X, X_odd])
y_train = np.concatenate([y, np.ones(20, dtype=int)])
X_test, y_test = make_blobs(n_samples=[500, 500], centers=centers, cluster_std=1.0, random_state=1)

classifiers = {loss: LogisticRegressionGD(loss=loss, solver="lbfgs").fit(X_train, y_train) for loss in losses}

fig, axes = plt.subplots(1, 3, figsize=(13, 4), layout="constrained", sharey=True)
for ax, (loss, clf) in zip(axes, classifiers.items()):
    DecisionBoundaryDisplay.from_estimator(
        clf, X_train, response_method="predict", cmap="RdBu", alpha=0.3, ax=ax, grid_resolution=200
    )
    ax.scatter(X_train[:, 0], X_train[:, 1], c=y_train, cmap="RdBu", edgecolor="k", s=12)
    ax.set_title(f"loss='{loss}'")

pd.DataFrame(
    {
        "test accuracy": [accuracy_score(y_test, clf.predict(X_test)) for clf in classifiers.values()],
        "test log loss": [log_loss(y_test, clf.predict_proba(X_test)) for clf in classifiers.values()],
    },
    index=list(classifiers),
).round(3)

# %%
# The 20 odd points tilt the log-loss boundary by about 45 degrees, and the
# hinge boundary much less; the squared error of the probability gives up on
# them and keeps the boundary between the two real classes, close to the
# best possible one for this test set (the vertical line through the middle,
# about 93% accuracy). The test log loss of the hinge model is not a fair
# measure: its ``predict_proba`` turns margins into probabilities through the
# sigmoid, but the hinge loss never fitted them as probabilities.
#
# Regression with outliers
# ------------------------
# Now a regression: :math:`y = \sin(x)` plus a little noise, and one row in
# ten shifted upwards by between 4 and 8. The squared error averages the
# squares of the residuals, so its best constant prediction is the mean; the
# absolute error averages their absolute values, whose best constant is the
# median; the Huber loss is quadratic for residuals up to ``huber_delta`` and
# linear beyond, a compromise that behaves like the squared error on the
# noise and like the absolute error on the outliers.
n = 300
x = np.sort(rng.uniform(-3, 3, n))
y = np.sin(x) + rng.normal(0, 0.2, n)
outlier = rng.rand(n) < 0.1
y[outlier] += rng.uniform(4, 8, outlier.sum())
X = x[:, None]
grid = np.linspace(-3, 3, 300)[:, None]

regressors = {
    "squared_error": dict(loss="squared_error"),
    "huber (huber_delta=0.5)": dict(loss="huber", huber_delta=0.5),
    "absolute_error": dict(loss="absolute_error"),
}
fig, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
ax.scatter(x[~outlier], y[~outlier], s=8, color="0.6", label="data")
ax.scatter(x[outlier], y[outlier], s=12, color="k", marker="x", label="outliers")
ax.plot(grid, np.sin(grid), "k--", linewidth=1, label="sin(x), without noise")
errors = {}
for name, params in regressors.items():
    reg = MLPRegressorScratch(
        hidden_layer_sizes=(32,),
        activation="tanh",
        learning_rate_init=0.01,
        max_iter=1000,
        random_state=0,
        **params,
    ).fit(X, y)
    prediction = reg.predict(grid)
    ax.plot(grid, prediction, linewidth=2, label=name)
    errors[name] = np.mean(np.abs(prediction - np.sin(grid[:, 0])))
ax.set(xlabel="x", ylabel="y")
ax.legend(ncols=2)

for name, error in errors.items():
    print(f"{name:25s} mean distance to sin(x): {error:.3f}")

# %%
# The squared-error network follows the mean of the data, which the outliers
# lift by about 0.4 on average over the interval. The Huber and
# absolute-error networks follow the bulk of the data and stay close to
# :math:`\sin(x)`. ``huber_delta`` is in the units of the target: here the
# noise has a standard deviation of 0.2, so 0.5 treats the ordinary residuals
# quadratically and the outliers linearly.
plt.show()
