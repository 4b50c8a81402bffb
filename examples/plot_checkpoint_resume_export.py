"""
=====================================================
Checkpoints: a training run killed, resumed, exported
=====================================================

A long :func:`~sklearn_nn.stream.fit_stream` run should not be lost when its
process dies. With ``checkpoint=PATH`` the whole training state (parameters,
optimizer state, update count, random generator, position in the epoch,
history, early-stopping record) is written after every chunk, atomically: a
crash at any moment leaves a complete checkpoint. Calling ``fit_stream``
again with the same settings, data and path resumes from it, and the
resumed run ends with exactly the bits of a run that was never interrupted.

This example starts a training run in another process, kills it with no
warning halfway through, resumes it here, checks the result against an
uninterrupted run, and exports the model to ONNX.
"""

# %%
# A run in another process, killed
# --------------------------------
# The script trains an MLP for 6 epochs over 12 chunks of a data set and
# writes a checkpoint after every chunk. We kill its process as soon as the
# checkpoint shows that two epochs are done: ``Popen.kill`` sends SIGKILL
# (on Windows, TerminateProcess), which no program can catch or clean up
# after.
import json
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

folder = Path(tempfile.mkdtemp())
checkpoint = folder / "training.ckpt.npz"
script = textwrap.dedent(
    """
    import numpy as np
    from sklearn.datasets import make_classification
    from sklearn_nn import MLPClassifierScratch
    from sklearn_nn.stream import fit_stream

    def data():
        X, y = make_classification(n_samples=12000, n_features=30, n_informative=15, n_classes=4,
                                   random_state=0)
        return (X[:10800], y[:10800]), (X[10800:], y[10800:])

    def model():
        return MLPClassifierScratch(hidden_layer_sizes=(128, 64), batch_size=64, early_stopping=True,
                                    n_iter_no_change=3, random_state=0)

    def train(checkpoint=None):
        train_rows, validation = data()
        return fit_stream(model(), train_rows, epochs=6, classes=[0, 1, 2, 3], chunk_size=900,
                          validation=validation, checkpoint=checkpoint)

    if __name__ == "__main__":
        import sys
        train(sys.argv[1])
    """
)
(folder / "train.py").write_text(script, encoding="utf-8")


def epochs_done(path):
    """The epochs a checkpoint records (0 before the first write)."""
    try:
        with np.load(path, allow_pickle=False) as npz:
            meta = json.loads(npz["__meta__"].tobytes())
    except (OSError, ValueError, KeyError):
        return 0
    return meta["loop"]["n_epochs"] if meta["loop"] else float("inf")  # inf: the run finished


process = subprocess.Popen([sys.executable, str(folder / "train.py"), str(checkpoint)])
while process.poll() is None and epochs_done(checkpoint) < 2:
    time.sleep(0.02)
process.kill()
process.wait()
print(f"killed after {epochs_done(checkpoint)} epochs (exit status {process.returncode})")

# %%
# Resume, and compare with a run that was never killed
# ----------------------------------------------------
# The same function, with the same checkpoint path, picks up where the dead
# process left off. The uninterrupted run is trained here without a
# checkpoint.
recipe = {"__name__": "recipe"}
exec(script, recipe)  # the functions of the script above: data(), model(), train()

resumed = recipe["train"](checkpoint)
uninterrupted = recipe["train"]()
same = all(
    np.array_equal(a, b)
    for a, b in zip(resumed.coefs_ + resumed.intercepts_, uninterrupted.coefs_ + uninterrupted.intercepts_)
)
print(f"same parameters, bit for bit: {same}")
print(f"same validation scores: {resumed.validation_scores_ == uninterrupted.validation_scores_}")
print(f"epochs: {resumed.n_iter_}, stopped by: {resumed.stop_reason_}, best epoch: {resumed.best_epoch_}")

fig, ax = plt.subplots(figsize=(6.4, 3.8), layout="constrained")
epochs = np.arange(1, resumed.n_iter_ + 1)
ax.plot(epochs, uninterrupted.validation_scores_, "o-", label="never interrupted")
ax.plot(epochs, resumed.validation_scores_, "x--", markersize=10, label="killed after epoch 2, resumed")
ax.axvline(2.5, color="0.5", linestyle=":", label="the kill")
ax.set_xlabel("epoch")
ax.set_ylabel("validation accuracy")
ax.set_title("A resumed run retraces the uninterrupted one")
ax.legend()
# %%
# The checkpoint is data, not code
# --------------------------------
# A checkpoint is NumPy's ``.npz`` (a zip of ``.npy`` arrays and one JSON
# member), read with ``allow_pickle=False``: loading it runs no code. A
# call with other settings is refused instead of mixing two trainings.
from sklearn_nn.stream import fit_stream  # noqa: E402

train_rows, validation = recipe["data"]()
try:
    model = recipe["model"]().set_params(alpha=0.01)
    fit_stream(model, train_rows, epochs=6, classes=[0, 1, 2, 3], chunk_size=900,
               validation=validation, checkpoint=checkpoint)  # fmt: skip
except ValueError as error:
    print(str(error)[:160], "...")

# %%
# Export to ONNX
# --------------
# The fitted model runs in any ONNX runtime: :mod:`sklearn_nn.onnx` registers
# converters for the package's estimators with ``skl2onnx`` (the ``[onnx]``
# extra). The labels of onnxruntime are those of ``predict``.
import onnxruntime as ort  # noqa: E402

from sklearn_nn.onnx import to_onnx  # noqa: E402

X_test = validation[0].astype(np.float32)
onx = to_onnx(resumed, X_test[:1], options={"zipmap": False})
session = ort.InferenceSession(onx.SerializeToString(), providers=["CPUExecutionProvider"])
labels, probabilities = session.run(None, {session.get_inputs()[0].name: X_test})
print(f"ONNX labels equal predict: {np.array_equal(labels, resumed.predict(X_test))}")
print(f"largest probability difference: {np.abs(probabilities - resumed.predict_proba(X_test)).max():.1e}")
