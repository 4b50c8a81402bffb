r"""
===========================================
Early stopping on the validation loss
===========================================

A network with far more weights than there are training rows can learn the
training set by heart, noise included. Its training loss keeps falling, but
after a while its predictions on new data get worse: the loss on held-out
rows stops falling and turns up. Early stopping watches that held-out loss
after every epoch, stops when it has not improved for a while, and gives back
the weights of the best epoch.

This example provokes such overfitting on purpose (few rows, two wide hidden
layers and no L2 penalty), then trains the same network with
``early_stopping=True``, ``scoring='loss'`` and ``restore_best_weights=True``,
and draws both runs with :class:`~sklearn_nn.plot.LossCurveDisplay`.
"""

# %%
# Small, noisy data and a large network
# -------------------------------------
# 150 training rows of a generated binary problem in which 10% of the labels
# are flipped at random, 150 validation rows and 300 test rows. The network
# has two hidden layers of 256 units (about 71,000 weights) and ``alpha=0``.
import matplotlib.pyplot as plt
import pandas as pd
from sklearn.datasets import make_classification
from sklearn.metrics import accuracy_score, log_loss
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

from sklearn_nn import MLPClassifierScratch
from sklearn_nn.plot import LossCurveDisplay

threadpool_limits(1)  # small matrices: one BLAS thread is the fastest

X, y = make_classification(
    n_samples=600,
    n_features=20,
    n_informative=6,
    n_redundant=4,
    flip_y=0.1,
    class_sep=0.8,
    random_state=0,
)
X_train, X_rest, y_train, y_rest = train_test_split(X, y, train_size=150, stratify=y, random_state=0)
X_val, X_test, y_val, y_test = train_test_split(
    X_rest, y_rest, train_size=150, stratify=y_rest, random_state=0
)

network = dict(hidden_layer_sizes=(256, 256), alpha=0.0, max_iter=200, random_state=0)

# %%
# Training without early stopping
# -------------------------------
# Passing ``X_val`` and ``y_val`` to ``fit`` evaluates the validation loss and
# accuracy after every epoch without letting them stop anything. Training
# ends when the *training* loss stops improving by ``tol``.
overfit = MLPClassifierScratch(**network).fit(X_train, y_train, X_val=X_val, y_val=y_val)
LossCurveDisplay.from_estimator(overfit, name="no early stopping")
print(f"{overfit.n_iter_} epochs, final training loss {overfit.loss_:.4f}")

# %%
# The training loss falls towards zero. The validation loss falls for about
# twenty epochs, reaches its lowest value, and then climbs to twice that: the
# network has become very confident on the training rows, including the ones
# whose label was flipped, and that confidence is wrong on new rows. The
# validation accuracy, on the right, moves in steps of 1/150 and says much
# less about what happens.
#
# Stopping on the validation loss
# -------------------------------
# With ``early_stopping=True`` the validation set (here the explicit one;
# without it, ``validation_fraction`` of the training rows would be held out)
# drives the stopping rule. ``scoring='loss'`` makes the monitored quantity
# minus the validation loss. An epoch counts as an improvement when it beats
# the best value so far by at least ``tol``; after more than
# ``n_iter_no_change`` epochs in a row without one, training stops, and
# ``restore_best_weights=True`` (the default) puts back the parameters of the
# best epoch.
stopped = MLPClassifierScratch(early_stopping=True, scoring="loss", restore_best_weights=True, **network)
stopped.fit(X_train, y_train, X_val=X_val, y_val=y_val)
display = LossCurveDisplay.from_estimator(stopped, name="early stopping on the validation loss")
print(f"stopped after {stopped.n_iter_} epochs; best epoch {stopped.best_epoch_}")

# %%
# Training stopped ``n_iter_no_change + 1 = 11`` epochs after the best one,
# the first moment the patience rule could fire. Are the weights really those
# of the best epoch? With ``alpha=0`` the validation loss is the mean log
# loss on the validation rows, which we can compute from the model's
# probabilities and compare with the value recorded at the best epoch:
recorded = stopped.validation_loss_curve_[stopped.best_epoch_ - 1]
recomputed = log_loss(y_val, stopped.predict_proba(X_val))
print(f"validation loss recorded at epoch {stopped.best_epoch_}: {recorded:.6f}")
print(f"validation loss of the fitted model:         {recomputed:.6f}")

# %%
# Monitoring accuracy instead
# ---------------------------
# The default ``scoring=None`` monitors the validation accuracy. It is a
# coarse signal on 150 rows, but here it also stops early. The test rows,
# which none of the models has seen, tell how the three end up:
by_accuracy = MLPClassifierScratch(early_stopping=True, **network).fit(
    X_train, y_train, X_val=X_val, y_val=y_val
)
models = {
    "no early stopping": overfit,
    "early stopping on validation accuracy": by_accuracy,
    "early stopping on validation loss": stopped,
}
pd.DataFrame(
    {
        "epochs": [model.n_iter_ for model in models.values()],
        "best epoch": [model.best_epoch_ for model in models.values()],
        "test accuracy": [accuracy_score(y_test, model.predict(X_test)) for model in models.values()],
        "test log loss": [log_loss(y_test, model.predict_proba(X_test)) for model in models.values()],
    },
    index=list(models),
).round(3)

# %%
# Both early-stopped networks have less than half the test log loss of the
# network trained to the end: their probabilities are far better
# calibrated. Their test accuracies differ from the overfitted network's by a
# point or two, which on 300 test rows is within the noise; the damage of
# overfitting shows first in the confidence of the predictions. For the
# model without early stopping, ``best_epoch_`` is the epoch of the lowest
# *training* loss, its last one. Early stopping does not replace
# regularisation (``alpha``) but it is cheap: it also saves the epochs that
# would have been spent overfitting.
plt.show()
