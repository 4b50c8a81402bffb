"""
=================================================
Training on a memory-mapped array with fit_stream
=================================================

When the training data do not fit in memory, they can stay on disk:
:func:`sklearn_nn.stream.fit_stream` reads them chunk by chunk, shuffles the
order of the chunks and the rows inside each chunk, and runs the same
training loop as ``fit``: one ``history_`` entry per epoch, validation after
every epoch, the same stopping rule.

This example writes a data set to a ``numpy.memmap`` file, trains an MLP on it
in chunks of 2000 rows, and compares the result with an ordinary ``fit`` on
the same rows loaded in memory.
"""

# %%
# Data on disk
# ------------
# The rows are written to a temporary file in blocks, as data that never fit
# in memory at once would be.
import tempfile
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning

from sklearn_nn import MLPClassifierScratch
from sklearn_nn.stream import fit_stream

X_all, y_all = make_classification(
    n_samples=24000, n_features=20, n_informative=10, n_classes=3, random_state=0
)
X_test, y_test = X_all[20000:], y_all[20000:]

folder = tempfile.mkdtemp()
X_disk = np.memmap(Path(folder) / "X.dat", dtype=np.float64, mode="w+", shape=(20000, 20))
for start in range(0, 20000, 5000):
    X_disk[start : start + 5000] = X_all[start : start + 5000]
X_disk.flush()
y_train = y_all[:20000]
print(f"{X_disk.nbytes / 2**20:.1f} MiB on disk")

# %%
# Streaming against fitting in memory
# -----------------------------------
# Both models have the same settings; ``fit_stream`` reads the memory map in
# chunks of 2000 rows, ``fit`` gets the array itself.
params = dict(hidden_layer_sizes=(32,), max_iter=15, tol=0, n_iter_no_change=100, random_state=0)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)  # both stop at max_iter on purpose
    streamed = fit_stream(
        MLPClassifierScratch(**params),
        (X_disk, y_train),
        epochs=15,
        classes=np.unique(y_all),
        validation=(X_test, y_test),
        chunk_size=2000,
    )
    in_memory = MLPClassifierScratch(**params).fit(np.asarray(X_disk), y_train)

print(f"test accuracy, fit_stream: {streamed.score(X_test, y_test):.3f}")
print(f"test accuracy, fit:        {in_memory.score(X_test, y_test):.3f}")

# %%
# The training curves
# -------------------
# Each epoch of ``fit_stream`` is one entry of ``history_``, like an epoch of
# ``fit``; the streamed model also records its validation loss. The curves
# differ a little: rows of different chunks never share a mini-batch, and the
# shuffling differs.
epochs = np.arange(1, 16)
fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(epochs, streamed.history_["loss"], label="fit_stream: training loss")
ax.plot(epochs, streamed.history_["val_loss"], "--", label="fit_stream: validation loss")
ax.plot(epochs, in_memory.history_["loss"], label="fit: training loss")
ax.set_xlabel("epoch")
ax.set_ylabel("objective J")
ax.legend()
fig.tight_layout()
plt.show()

# %%
# The file is deleted at the end.
del X_disk
(Path(folder) / "X.dat").unlink()
