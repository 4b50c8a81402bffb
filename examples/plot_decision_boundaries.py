r"""
=========================================
Straight and curved decision boundaries
=========================================

Logistic regression draws a single straight line through the input space: its
decision function is :math:`w^\top x + b`, and the predicted class flips where
that quantity changes sign. A multi-layer perceptron first maps the input
through a layer of non-linear hidden units and only then draws a line, so the
boundary it draws in the *original* space can bend.

This example puts :class:`~sklearn_nn.LogisticRegressionGD` next to
:class:`~sklearn_nn.MLPClassifierScratch` on two problems that no line can
solve, XOR and the two moons, and then watches the boundary of an MLP on XOR
as the hidden layer grows from one unit to eight.
"""

# %%
# Two data sets that are not linearly separable
# ---------------------------------------------
# In XOR the label is 1 when both coordinates have the same sign: the positive
# class fills two opposite quadrants. The moons are two interleaved half
# circles with some noise. Both are generated with fixed seeds.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_moons
from sklearn.inspection import DecisionBoundaryDisplay
from threadpoolctl import threadpool_limits

from sklearn_nn import LogisticRegressionGD, MLPClassifierScratch

# The networks here are tiny: one BLAS thread is the fastest setting.
threadpool_limits(1)

rng = np.random.RandomState(0)
X_xor = rng.uniform(-1, 1, size=(400, 2))
y_xor = (X_xor[:, 0] * X_xor[:, 1] > 0).astype(int)

X_moons, y_moons = make_moons(n_samples=300, noise=0.2, random_state=0)

datasets = {"XOR": (X_xor, y_xor), "moons": (X_moons, y_moons)}


def plot_boundary(model, X, y, ax, title):
    """Shade the predicted class over the plane and scatter the training points."""
    DecisionBoundaryDisplay.from_estimator(
        model, X, response_method="predict", cmap="RdBu", alpha=0.3, ax=ax, grid_resolution=200
    )
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap="RdBu", edgecolor="k", s=15)
    ax.set_title(f"{title}\ntraining accuracy {model.score(X, y):.2f}", fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])


# %%
# A line against a network
# ------------------------
# The logistic regression uses its defaults. The MLP has a hidden layer of 16
# ``tanh`` units and is trained with L-BFGS, which suits such small, full-batch
# problems well.
fig, axes = plt.subplots(2, 2, figsize=(8, 8), layout="constrained")
for row, (name, (X, y)) in zip(axes, datasets.items()):
    logistic = LogisticRegressionGD().fit(X, y)
    mlp = MLPClassifierScratch(
        hidden_layer_sizes=(16,), activation="tanh", solver="lbfgs", max_iter=1000, random_state=0
    ).fit(X, y)
    plot_boundary(logistic, X, y, row[0], f"{name}: LogisticRegressionGD")
    plot_boundary(mlp, X, y, row[1], f"{name}: MLPClassifierScratch (16 tanh units)")

# %%
# Whatever its weights, the logistic regression splits the plane into two
# half-planes. On XOR that is hopeless: every line leaves points of both
# classes on each side, and the accuracy stays not far above the one half of
# guessing. On the moons a tilted line gets most points right, but the tips of
# the moons stay on the wrong side. The network follows both shapes. Two
# things in its panels are worth a second look: far from the data, where no
# point constrains it, the XOR boundary wanders off in arbitrary directions;
# and on the noisy moons a training accuracy of 1.00 means the boundary bends
# around a few stray points, which is the beginning of overfitting (a larger
# ``alpha`` or early stopping, see :ref:`sphx_glr_auto_examples_plot_early_stopping.py`,
# would smooth it).
#
# How many hidden units does XOR need?
# ------------------------------------
# Each ``tanh`` unit contributes one smooth step across a line in the plane; the
# output unit adds the steps up with its weights and thresholds the sum. The
# XOR boundary is made of two perpendicular lines, the axes, so we can count
# what each network size can draw.
sizes = [1, 2, 3, 8]
fig, axes = plt.subplots(1, len(sizes), figsize=(13, 3.6), layout="constrained")
for ax, size in zip(axes, sizes):
    mlp = MLPClassifierScratch(
        hidden_layer_sizes=(size,), activation="tanh", solver="lbfgs", max_iter=5000, random_state=0
    ).fit(X_xor, y_xor)
    units = "unit" if size == 1 else "units"
    plot_boundary(mlp, X_xor, y_xor, ax, f"{size} hidden {units}")

# %%
# * **One unit** gives one step across one line: the output is a monotone
#   function of a single linear combination of the inputs, so the boundary is
#   still a straight line, and the network is no better than logistic
#   regression.
# * **Two units** give two lines. Their steps can only be added, so the
#   class regions are bounded by two lines: here one class gets a diagonal
#   band and the other the two regions outside it. That recovers a good part
#   of XOR but cannot match two opposite quadrants.
# * **Three units** have enough steps to follow both axes, and the boundary
#   separates the quadrants almost perfectly.
# * **Eight units** do it comfortably; extra units mostly round the corners
#   and make training less dependent on the starting point.
#
# This is the idea behind the universal approximation theorem: with enough
# hidden units, the sum of such steps can approximate any continuous decision
# function on a bounded region. The theorem says nothing about how many units
# a problem needs, nor whether gradient descent finds the weights: with other
# seeds the two- and three-unit networks can end in poorer local minima.
plt.show()
