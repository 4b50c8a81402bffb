r"""
=================
Gradient clipping
=================

With ``clip_grad_norm=c`` every update of a first-order solver rescales the
gradient :math:`g` of the data term (over all weights and biases together)
before stepping,

.. math::

    g \leftarrow g \min\Bigl(1, \frac{c}{\lVert g \rVert}\Bigr),

as ``torch.nn.utils.clip_grad_norm_`` does. A gradient shorter than
:math:`c` is left alone; a longer one keeps its direction and gets length
:math:`c`. A plain SGD step :math:`\eta g` is then at most :math:`\eta c`
long, however large the gradient. This example takes a regression whose
gradients are huge at the start, because the target is not scaled, and
which diverges without clipping, and trains it with clipping.
"""

# %%
# A fit that diverges
# -------------------
# The diabetes data: 442 rows, 10 standardised features, and a target
# between 25 and 346, left as it is. A network with 32 hidden units,
# plain SGD at rate 0.01 (with the default momentum 0.9) and the squared
# error: the first residuals are of the order of 150, and so are the first
# gradients. The updates overshoot, and the loss explodes in the second
# epoch; ``fit`` stops and raises a ``ValueError``.
import textwrap
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from sklearn_nn import MLPRegressorScratch

threadpool_limits(1)  # small matrices: one BLAS thread is the fastest
# Some runs stop after max_iter epochs on purpose; no need to be warned.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = load_diabetes(return_X_y=True)
X = StandardScaler().fit_transform(X)
print(f"target from {y.min():.0f} to {y.max():.0f}, mean {y.mean():.0f}")

network = dict(
    hidden_layer_sizes=(32,),
    solver="sgd",
    learning_rate_init=0.01,
    max_iter=200,
    random_state=0,
)
try:
    MLPRegressorScratch(**network).fit(X, y)
except ValueError as exc:
    print(textwrap.fill(f"ValueError: {str(exc).splitlines()[0]}", 79))

# %%
# The same fit with clipping
# --------------------------
# Three thresholds, 1, 10 and 100. The loss is the mean of
# :math:`\tfrac12 (y - z)^2` over the rows; a model that predicts the mean
# target for every row has a loss of half the target's variance. The
# :math:`R^2` is that of the training rows: the question here is whether
# the optimisation works, not how well the model generalises.
THRESHOLDS = (1.0, 10.0, 100.0)
clipped = {}
for c in THRESHOLDS:
    clipped[c] = MLPRegressorScratch(clip_grad_norm=c, **network).fit(X, y)
print(f"loss of the constant prediction: {y.var() / 2:.0f}")
for c, model in clipped.items():
    print(
        f"clip_grad_norm={c:5g}: {model.n_iter_:3d} epochs, final loss "
        f"{model.loss_:6.0f}, training R^2 {model.score(X, y):.3f}"
    )

# %%
# The gradient norm along the fit
# -------------------------------
# The estimator does not record :math:`\lVert g \rVert`, but it is easy to
# compute for a one-hidden-layer ReLU network from ``coefs_`` and
# ``intercepts_``. To see it along a fit, the run with ``c = 10`` is made
# again one epoch at a time with ``partial_fit`` (its batches are shuffled
# differently from those of ``fit``, so its losses differ a little), and
# the norm of the full-batch gradient is taken before every epoch. The
# gradients of the mini-batches that the updates use scatter around it.


def gradient_norm(model, X, y):
    """L2 norm of the gradient of the mean of 1/2 (y - z)^2 (all parameters)."""
    (W1, W2), (b1, b2) = model.coefs_, model.intercepts_
    pre = X @ W1 + b1
    hidden = np.maximum(pre, 0.0)
    dz = (hidden @ W2 + b2 - y[:, None]) / len(y)
    dpre = (dz @ W2.T) * (pre > 0)
    parts = (hidden.T @ dz, dz.sum(0), X.T @ dpre, dpre.sum(0))
    return np.sqrt(sum(np.sum(part**2) for part in parts))


stepwise = MLPRegressorScratch(clip_grad_norm=10.0, **network)
norms = []
for epoch in range(200):
    if epoch:
        norms.append(gradient_norm(stepwise, X, y))
    stepwise.partial_fit(X, y)
print(f"gradient norm after the first epoch: {norms[0]:.0f}")
print(f"gradient norm after 200 epochs:      {norms[-1]:.1f}")

# %%
# The training loss of the three clipped fits (left) and the full-batch
# gradient norm along the step-by-step run (right), on log axes.
fig, (ax_loss, ax_norm) = plt.subplots(
    1,
    2,
    figsize=(12, 4.6),
    layout="constrained",
)
for c, model in clipped.items():
    epochs = np.arange(1, model.n_iter_ + 1)
    ax_loss.plot(epochs, model.loss_curve_, label=f"clip_grad_norm={c:g}")
constant = dict(color="k", ls="--", lw=1, label="constant prediction")
ax_loss.axhline(y.var() / 2, **constant)
ax_loss.set(
    yscale="log",
    xlabel="epoch",
    ylabel="training loss J",
    title="Training loss with clipping",
)
_ = ax_loss.legend()
ax_norm.plot(
    np.arange(1, len(norms) + 1),
    norms,
    label="full-batch gradient norm (partial_fit run, c = 10)",
)
ax_norm.axhline(10.0, color="k", ls="--", lw=1, label="c = 10")
ax_norm.set(
    yscale="log",
    xlabel="epochs done",
    ylabel="||g||",
    title="Gradient norm along the clipped fit",
)
_ = ax_norm.legend()

# %%
# Reading the curves
# ------------------
# The full-batch gradient norm is in the hundreds during the first twenty
# epochs, and then stays between about 15 and 40, above 10 all along: the
# updates of ``c = 1`` and ``c = 10`` are (nearly) all clipped, and go in the
# direction of the gradient with length :math:`\eta c` (momentum adds up
# the clipped gradients of successive updates). ``c = 100`` clips only the
# large gradients of the start, the ones that made the unclipped fit
# diverge, and afterwards takes the plain SGD steps :math:`\eta g`.
#
# * **c = 1** takes steps so short that the loss needs 80 epochs to come
#   near that of the others, and after 200 epochs it is still falling: the
#   fit has not finished.
# * **c = 10** brings the loss down within twenty epochs and keeps lowering
#   it; it ends with the lowest loss of the three and a training
#   :math:`R^2` of about 0.6.
# * **c = 100** falls as fast at first, then stops after 48 epochs, when the
#   loss no longer improves by ``tol``, above the loss of ``c = 10``.
#
# Clipping is a safeguard for the rare huge gradients, not a cure for a
# badly scaled problem. Here the simpler fix is to scale the target, as
# the input already is: with a standardised target the first residuals are
# of the order of 1, the gradients are small, and the same network at the
# same rate trains without any clipping.
y_scaled = StandardScaler().fit_transform(y[:, None]).ravel()
scaled = MLPRegressorScratch(**network).fit(X, y_scaled)
r2 = scaled.score(X, y_scaled)
print(f"standardised target, no clipping: {scaled.n_iter_} epochs, R^2 {r2:.3f}")

# %%
# :class:`~sklearn.compose.TransformedTargetRegressor` does this scaling
# inside a pipeline and turns the predictions back into the target's units.
plt.show()
