r"""
=======================
Learning-rate schedules
=======================

The learning rate :math:`\eta_k` of update :math:`k` need not stay fixed.
In ``sklearn_nn`` it is a function of :math:`k`, the number of parameter
updates made so far, chosen with the ``learning_rate`` parameter, and it
applies to the ``'sgd'`` and ``'adam'`` solvers alike. With
:math:`\eta` = ``learning_rate_init``:

==================  ===================================================
``learning_rate``   rate :math:`\eta_k` of update :math:`k`
==================  ===================================================
``'constant'``      :math:`\eta`
``'invscaling'``    :math:`\eta / (1 + k)^{p}`
``'exponential'``   :math:`\eta\, r^{k / s}`
``'step'``          :math:`\eta\, r^{\lfloor k / s \rfloor}`
``'cosine'``        :math:`\tfrac{\eta}{2}\,(1 + \cos(\pi k / K))`
``'adaptive'``      :math:`\eta`, divided by 5 whenever the loss stops improving
a callable          any positive function of :math:`k`
==================  ===================================================

where :math:`p` is ``power_t``, :math:`r` is ``decay_rate``, :math:`s` is
``decay_steps`` and :math:`K` the number of updates in ``max_iter`` epochs.

This example trains the same network with each of them, plots the rate and
the training loss per epoch, and ends with a rate so large that training
diverges.
"""

# %%
# Seven schedules on the digits
# -----------------------------
# A network with 32 hidden units, SGD with momentum and mini-batches of 32
# rows, so that an epoch of the 1797 digits makes 57 updates and 30 epochs
# make 1710. Every run lasts the 30 epochs (``tol=0`` and an infinite
# patience), except ``'adaptive'``, which needs a notion of "no longer
# improving": there an epoch must lower the loss by ``tol=1e-3``, and more
# than ``n_iter_no_change=2`` epochs in a row without that cut the rate.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from sklearn_nn import MLPClassifierScratch

threadpool_limits(1)  # small matrices: one BLAS thread is the fastest
# The runs stop after max_iter epochs on purpose; no need to be warned.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = load_digits(return_X_y=True)
X = StandardScaler().fit_transform(X)

ETA = 0.1


def warmup_then_decay(k):
    """Grow the rate linearly over 300 updates, then decay it as 1 / sqrt(k)."""
    return ETA * min((k + 1) / 300, (300 / (k + 1)) ** 0.5)


schedules = {
    "constant": dict(learning_rate="constant"),
    "invscaling (power_t=0.5)": dict(learning_rate="invscaling", power_t=0.5),
    "exponential (rate 0.5 per 500 updates)": dict(learning_rate="exponential"),
    "step (rate 0.5 per 500 updates)": dict(learning_rate="step"),
    "cosine": dict(learning_rate="cosine"),
    "adaptive": dict(learning_rate="adaptive", tol=1e-3, n_iter_no_change=2),
    "callable: warm-up, then 1/sqrt(k)": dict(learning_rate=warmup_then_decay),
}

models = {}
for name, params in schedules.items():
    settings = {"tol": 0.0, "n_iter_no_change": np.inf, **params}  # adaptive overrides both
    models[name] = MLPClassifierScratch(
        hidden_layer_sizes=(32,),
        solver="sgd",
        momentum=0.9,
        batch_size=32,
        learning_rate_init=ETA,
        decay_rate=0.5,
        decay_steps=500,
        max_iter=30,
        random_state=0,
        **settings,
    ).fit(X, y)

# %%
# ``history_["learning_rate"]`` records, for every epoch, the rate of its
# first update, and ``history_["loss"]`` the epoch's mean training objective.
fig, (ax_rate, ax_loss) = plt.subplots(1, 2, figsize=(12, 4.6), layout="constrained")
for name, model in models.items():
    epochs = np.arange(1, model.n_iter_ + 1)
    ax_rate.step(epochs, model.history_["learning_rate"], where="post", label=name)
    ax_loss.plot(epochs, model.history_["loss"], label=name)
ax_rate.set(yscale="log", xlabel="epoch", ylabel="learning rate (first update of the epoch)")
ax_rate.set_title("Learning rate")
ax_loss.set(yscale="log", xlabel="epoch", ylabel="training loss J", title="Training loss")
ax_loss.legend(fontsize=8)

for name, model in models.items():
    print(f"{name:40s} final rate {model.history_['learning_rate'][-1]:.2e}   final loss {model.loss_:.5f}")

# %%
# Reading the curves
# ------------------
# * **invscaling** counts updates, not epochs: after the first epoch
#   :math:`k` is already 57, and the rate has fallen by a factor of about 8.
#   It keeps falling, and this run learns the slowest. With mini-batches, a
#   smaller ``power_t`` or a larger ``learning_rate_init`` suits it better.
# * **exponential** and **step** halve the rate every 500 updates, one
#   smoothly and one in stairs; the step schedule follows the constant rate
#   exactly until its first drop.
# * **cosine** stays close to :math:`\eta` at first and then brings the rate
#   down to almost zero at the last epoch. On this run it ends with the lowest
#   loss: large steps early, small careful ones at the end.
# * **adaptive** keeps :math:`\eta` until the loss fails to fall by ``tol``
#   for three epochs in a row, then divides the rate by 5, and again at every later
#   plateau. Here the first cut follows the bumps of the early epochs, and
#   the cuts come so often afterwards that the rate is soon too small to make
#   progress: the loss stalls above the others. ``tol`` and
#   ``n_iter_no_change`` decide how patient this schedule is.
# * **The callable** starts with a tiny rate and grows it over 300 updates (a
#   "warm-up", which protects the random initial weights from large first
#   steps), then lets it decay slowly.
#
# On a problem this easy every schedule fits the training data well; the
# differences are in how fast and how far the loss goes down. The schedules
# are as cheap as the constant rate: a number computed once per update.
#
# When the rate is too large
# --------------------------
# A step too large overshoots the minimum, and each update can land further
# away than the last one: the loss grows geometrically until it overflows.
# The training loop checks the objective at every update. When it becomes
# infinite or NaN, training stops, the parameters of the start of the failing
# epoch (the last finite ones) are put back, and ``fit`` raises a
# ``ValueError`` that says what to change.
diverging = MLPClassifierScratch(
    hidden_layer_sizes=(32,),
    solver="sgd",
    momentum=0.9,
    batch_size=32,
    learning_rate_init=3.0,
    max_iter=30,
    random_state=0,
)
try:
    diverging.fit(X, y)
except ValueError as exc:
    print(f"ValueError: {exc}")

# %%
# The model is not left with NaN weights, and ``history_`` keeps the epochs
# that were completed, which shows how fast the loss exploded:
print("all parameters finite:", all(np.isfinite(W).all() for W in diverging.coefs_))
print("completed epochs:", diverging.n_iter_)
print("their losses:", ", ".join(f"{loss:.1e}" for loss in diverging.history_["loss"]))

# %%
# Finite is not the same as useful: these weights are the result of five
# exploding epochs. The cure is the one the message names, a smaller
# ``learning_rate_init`` (the runs above use 0.1) or a schedule that starts
# small, like the warm-up above.
plt.show()
