r"""
======================================================
Full batch, mini-batch and stochastic gradient descent
======================================================

Every solver of ``sklearn_nn`` minimises the same objective :math:`J`, the
weighted mean loss over the training rows plus an L2 penalty. What changes
with ``batch_size`` is how much of the data each update looks at:

* ``batch_size='full'``: one update per epoch, with the exact gradient of
  :math:`J` (plain gradient descent);
* ``batch_size=1``: one update per row, each with the gradient of a single
  row's loss (stochastic gradient descent);
* ``batch_size=32`` (or any k): one update per group of k rows
  (mini-batch gradient descent).

The smaller the batch, the more updates an epoch makes, and the noisier each
one is. This example trains the same small network on the digits in the three
modes and compares them per epoch and per second, using the per-epoch records
in ``history_``.
"""

# %%
# The data and the three models
# -----------------------------
# Plain SGD without momentum keeps the comparison about the batches alone.
# Each mode gets a learning rate that suits it: a full-batch gradient is
# exact and tolerates a large step, while a single row's gradient is noisy
# and needs a small one. The full-batch model also gets many more epochs,
# since each of its epochs makes a single update.
import time
import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from sklearn_nn import MLPClassifierScratch

threadpool_limits(1)  # small matrices: one BLAS thread is the fastest
# Every run stops after max_iter epochs on purpose; no need to be warned.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = load_digits(return_X_y=True)
X = StandardScaler().fit_transform(X)

modes = {
    "full batch (1 update / epoch)": dict(batch_size="full", learning_rate_init=0.5, max_iter=300),
    "mini-batch of 32 (57 updates / epoch)": dict(batch_size=32, learning_rate_init=0.1, max_iter=30),
    "stochastic (1797 updates / epoch)": dict(batch_size=1, learning_rate_init=0.01, max_iter=15),
}

models = {}
for name, params in modes.items():
    model = MLPClassifierScratch(
        hidden_layer_sizes=(32,),
        solver="sgd",
        momentum=0.0,
        # Run every epoch that max_iter allows: no stopping on a plateau.
        tol=0.0,
        n_iter_no_change=1000,
        random_state=0,
        **params,
    )
    start = time.perf_counter()
    models[name] = model.fit(X, y)
    print(f"{name}: {model.n_iter_} epochs, {model.t_} samples seen, {time.perf_counter() - start:.2f} s")

# %%
# ``history_["loss"]`` holds one value per epoch. For a full batch it is
# :math:`J` at the start of the epoch; for the other modes it is the mean of
# the batch objectives met during the epoch, while the parameters were
# moving, which is why those curves start lower than the full-batch one: the
# first epoch already contains many updates. ``history_["time"]`` is the
# training time elapsed at the end of each epoch.
fig, (ax_epoch, ax_time) = plt.subplots(1, 2, figsize=(11, 4.4), layout="constrained")
for name, model in models.items():
    history = model.history_
    epochs = range(1, len(history["loss"]) + 1)
    ax_epoch.plot(epochs, history["loss"], label=name)
    ax_time.plot(history["time"], history["loss"], label=name)
ax_epoch.set(xscale="log", yscale="log", xlabel="epoch", ylabel="training loss J", title="Per epoch")
ax_time.set(yscale="log", xlabel="training time (s)", ylabel="training loss J", title="Per second")
ax_epoch.legend()
_ = ax_time.legend()

# %%
# What the two panels show
# ------------------------
# **Per epoch**, the stochastic mode is far ahead: after one pass over the
# data it has made 1797 small updates where the full batch has made one. The
# mini-batch mode sits in between, and the full batch needs tens of epochs
# to reach the loss the others have after a few.
#
# **Per second** the order changes. An update has a fixed cost in Python and
# NumPy on top of its arithmetic, and one row per update pays that cost 1797
# times per epoch with matrix products too small to run efficiently. The
# stochastic epochs are therefore by far the slowest, and the mode loses most
# of its lead once time is on the axis. A full-batch epoch is a few large
# matrix products, cheap on a data set this small. Mini-batches combine enough
# updates per epoch with products large enough to be efficient, and they
# reach a low loss soonest in seconds, which is why ``batch_size='auto'``
# (200 rows) is the default of the networks.
#
# The exact times depend on the machine; the ranking of the modes per second
# is what carries over. On data sets much larger than this one, a full-batch
# epoch becomes expensive too, and mini-batches win by a wider margin.
plt.show()
