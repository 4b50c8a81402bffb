r"""
===================================
Dropout against overfitting
===================================

A network with many more weights than training rows can learn its training
set by heart. With ``dropout=p`` every training pass of
:class:`~sklearn_nn.MLPClassifierScratch` drops each hidden unit of each row
with probability :math:`p` and multiplies the kept activations by
:math:`1 / (1 - p)` ("inverted" dropout). Every update thus trains a
different thinned network, and no unit can rely on a particular set of
others being there. Predictions, validation losses and scores use the whole
network, deterministically.

This example trains a large network on 200 digits, with and without
dropout, for three seeds, and draws the training and validation losses per
epoch. The user guide describes the masks and their backpropagation under
"Dropout" in :ref:`training`.
"""

# %%
# A large network on a small training set
# ---------------------------------------
# 200 training rows of the digits (pixels scaled to [0, 1] by dividing by
# 16) and 500 held-out rows. The network has two hidden layers of 256 units
# (about 83,000 weights), no L2 penalty (``alpha=0``), and is trained with
# Adam at its default rate on mini-batches of 32 rows for exactly 100 epochs
# (``tol=0`` and an infinite patience, so that every run has the same
# length). The held-out rows are passed to ``fit`` as ``X_val, y_val``:
# without ``early_stopping`` they are only evaluated after every epoch, in
# ``validation_loss_curve_``, and stop nothing.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

from sklearn_nn import MLPClassifierScratch

threadpool_limits(1)  # small matrices: one BLAS thread is the fastest
# The runs stop after max_iter epochs on purpose; no need to be warned.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = load_digits(return_X_y=True)
X = X / 16
X_train, X_val, y_train, y_val = train_test_split(
    X,
    y,
    train_size=200,
    test_size=500,
    stratify=y,
    random_state=0,
)

network = dict(
    hidden_layer_sizes=(256, 256),
    alpha=0.0,
    batch_size=32,
    max_iter=100,
    tol=0.0,
    n_iter_no_change=np.inf,
)
SEEDS = (0, 1, 2)
RATES = {"no dropout": 0.0, "dropout=0.5": 0.5}

models = {name: [] for name in RATES}
for name, rate in RATES.items():
    for seed in SEEDS:
        model = MLPClassifierScratch(dropout=rate, random_state=seed, **network)
        models[name].append(model.fit(X_train, y_train, X_val=X_val, y_val=y_val))

# %%
# The losses per epoch
# --------------------
# ``loss_curve_`` is the mean training loss of each epoch, over its
# mini-batches; with dropout it is the loss of the thinned networks that the
# updates saw, not that of the whole network. ``validation_loss_curve_`` is
# the log loss of the whole network on the 500 held-out rows. One line per
# seed.
COLORS = {"no dropout": "tab:red", "dropout=0.5": "tab:blue"}
fig, (ax_train, ax_val) = plt.subplots(
    1,
    2,
    figsize=(12, 4.6),
    layout="constrained",
)
for name, runs in models.items():
    for i, model in enumerate(runs):
        epochs = np.arange(1, model.n_iter_ + 1)
        label = name if i == 0 else None
        ax_train.plot(epochs, model.loss_curve_, color=COLORS[name], label=label)
        ax_val.plot(
            epochs,
            model.validation_loss_curve_,
            color=COLORS[name],
            label=label,
        )
ax_train.set(
    yscale="log",
    xlabel="epoch",
    ylabel="training loss (log loss)",
    title="Training loss",
)
ax_val.set(
    xlabel="epoch",
    ylabel="validation loss (log loss)",
    title="Validation loss (500 held-out rows)",
)
_ = ax_train.legend()
_ = ax_val.legend()

# %%
# The numbers at the end of training
# ----------------------------------
# The lowest validation loss of each run, the epoch where it was reached,
# the final validation loss and the final accuracy on the held-out rows,
# as mean ± standard deviation over the three seeds.


def mean_std(values, digits=3):
    """``mean ± std`` of an array, with ``digits`` decimals."""
    return f"{values.mean():.{digits}f} ± {values.std():.{digits}f}"


for name, runs in models.items():
    final_train = np.array([model.loss_curve_[-1] for model in runs])
    val = np.array([model.validation_loss_curve_ for model in runs])
    accuracy = np.array([model.score(X_val, y_val) for model in runs])
    best_epochs = (val.argmin(axis=1) + 1).tolist()
    print(f"{name}:")
    print(f"  final training loss   {mean_std(final_train, 4)}")
    best = mean_std(val.min(axis=1))
    print(f"  best validation loss  {best} at epochs {best_epochs}")
    print(f"  final validation loss {mean_std(val[:, -1])}")
    print(f"  held-out accuracy     {mean_std(accuracy)}")

# %%
# Reading the curves
# ------------------
# * **Without dropout** the training loss falls to about :math:`10^{-3}`:
#   the network classifies its 200 rows with near certainty. The validation
#   loss reaches its lowest value after 30 to 40 epochs and then rises
#   again, by about a sixth: the network keeps growing its confidence on the
#   training rows, and on the held-out rows that it gets wrong that
#   confidence costs more and more log loss. This is overfitting.
# * **With dropout=0.5** the recorded training loss stays about twenty
#   times higher: it is the loss of networks that have lost half their
#   hidden units at random, which cannot be as sure of every row. The
#   whole network's validation loss falls further, reaches its minimum
#   later (after 50 to 70 epochs) and is lower at the end of training, and
#   the three seeds end closer together.
# * **The accuracy** on the held-out rows is not better: about 93% in both
#   cases, the differences between the two settings being of the size of the
#   differences between seeds (one row in 500 is 0.2%). On this problem
#   dropout improves the probabilities (the log loss), not the decisions.
#
# At these settings dropout slows overfitting down rather than stopping it:
# its validation loss also creeps up in the last epochs. A higher rate
# (``dropout=0.7``) keeps it flat over the 100 epochs, but then the network
# also fits less and the accuracy drops by about a point; ``dropout=0.8``
# is too much for 256 units, and both losses stay high. Dropout can be
# combined with early stopping
# (:ref:`sphx_glr_auto_examples_plot_early_stopping.py`) or with an L2
# penalty (``alpha``). It needs a first-order solver (``'sgd'``, ``'adam'``
# and the other update rules): L-BFGS and the step rules need the exact
# objective, and refuse it.
plt.show()
