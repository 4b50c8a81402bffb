"""fit_stream(checkpoint=PATH): a run stopped after any chunk resumes to the bits of an uninterrupted run.

The stop is an exception raised right after a checkpoint was written (the
process of a real crash is tested in test_checkpoint_kill.py with SIGKILL).
The resumed run must end with exactly the parameters, records and counters
of a run that was never stopped: every position of the checkpoint (first
epoch, epoch boundaries, last chunk), every estimator and kind of source.
"""

import os
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning

import sklearn_nn._checkpoint as checkpoint_module
from sklearn_nn import LogisticRegressionGD, MLPClassifierScratch, MLPRegressorScratch, SoftmaxRegressionGD
from sklearn_nn._checkpoint import Checkpoint
from sklearn_nn.stream import fit_stream

X, Y = make_classification(n_samples=480, n_features=6, n_informative=4, n_classes=3, random_state=0)
XR, YR = make_regression(n_samples=480, n_features=6, noise=3.0, random_state=0)
YR = YR / YR.std()
SW = np.random.RandomState(1).uniform(0.2, 2.0, size=480)
EPOCHS = 5

CASES = {
    # early stopping on validation rows, a momentum, an adaptive rate, dropout: all their state
    "mlp_sgd_validation": dict(
        make=lambda: MLPClassifierScratch(
            hidden_layer_sizes=(7,), batch_size=32, solver="sgd", momentum=0.9, learning_rate="adaptive",
            learning_rate_init=0.1, dropout=0.2, early_stopping=True, n_iter_no_change=2, random_state=0,
        ),
        data=lambda: [(X[i : i + 80], Y[i : i + 80]) for i in range(0, 400, 80)],
        kwargs=dict(classes=[0, 1, 2], validation=(X[400:], Y[400:])),
    ),
    "softmax_adam_weights_arrays": dict(
        make=lambda: SoftmaxRegressionGD(solver="adam", batch_size=25, alpha=0.1, random_state=3),
        data=lambda: (X, Y, SW),
        kwargs=dict(classes=[0, 1, 2], chunk_size=96),
    ),
    "logistic_sgd_binary_generator": dict(
        make=lambda: LogisticRegressionGD(learning_rate="invscaling", learning_rate_init=0.5, random_state=0),
        data=lambda: lambda: ((X[i : i + 120], Y[i : i + 120] == 1) for i in range(0, 480, 120)),
        kwargs=dict(classes=[False, True]),
    ),
    "regressor_rmsprop_stops_on_tol": dict(
        make=lambda: MLPRegressorScratch(
            hidden_layer_sizes=(5,), solver="rmsprop", batch_size=40, tol=0.05, n_iter_no_change=1,
            random_state=0,
        ),
        data=lambda: [(XR[i : i + 160], YR[i : i + 160]) for i in range(0, 480, 160)],
        kwargs=dict(),
    ),
}  # fmt: skip


class Stop(Exception):
    """Raised right after the n-th checkpoint write."""


def _fit(case, path=None, stop_after=None, monkeypatch=None):
    spec = CASES[case]
    if stop_after is not None:
        original, writes = Checkpoint.after_part, [0]

        def after_part(self, *args):
            original(self, *args)
            writes[0] += 1
            if writes[0] == stop_after:
                raise Stop

        monkeypatch.setattr(Checkpoint, "after_part", after_part)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        try:
            return fit_stream(
                spec["make"](), spec["data"](), epochs=EPOCHS, checkpoint=path, **spec["kwargs"]
            )
        finally:
            if stop_after is not None:
                monkeypatch.setattr(Checkpoint, "after_part", original)


def _assert_same_fit(a, b):
    for x, y in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        np.testing.assert_array_equal(x, y)
    for key in ("loss", "val_loss", "val_score", "learning_rate"):
        np.testing.assert_array_equal(a.history_[key], b.history_[key])
    for name in ("n_iter_", "t_", "loss_", "best_loss_", "best_epoch_", "stop_reason_", "n_fun_evals_"):
        assert getattr(a, name) == getattr(b, name), name
    assert a._trainer.n_updates == b._trainer.n_updates
    for key, value in a._trainer.opt_state.items():
        np.testing.assert_array_equal(value, b._trainer.opt_state[key])
    np.testing.assert_array_equal(a.predict(X[:50]), b.predict(X[:50]))


def _n_chunks(case):
    data = CASES[case]["data"]()
    if isinstance(data, tuple):
        return -(-len(data[0]) // CASES[case]["kwargs"]["chunk_size"])
    return len(data) if isinstance(data, list) else len(list(data()))


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_run_stopped_after_any_chunk_resumes_to_the_same_bits(case, tmp_path, monkeypatch):
    reference = _fit(case)
    n_chunks = _n_chunks(case)
    total = reference.n_iter_ * n_chunks
    positions = sorted({1, n_chunks - 1, n_chunks, n_chunks + 1, total // 2, total - 1})
    for stop_after in positions:
        path = tmp_path / f"after_{stop_after}.npz"
        with pytest.raises(Stop):
            _fit(case, path, stop_after, monkeypatch)
        assert path.exists()
        resumed = _fit(case, path)
        _assert_same_fit(resumed, reference)
        again = _fit(case, path)  # the checkpoint of the finished call: the fitted model, no training
        _assert_same_fit(again, reference)


def test_the_checkpoint_of_a_finished_run_reads_no_chunk(tmp_path):
    path = tmp_path / "done.npz"
    first = _fit("mlp_sgd_validation", path)
    reads = []

    def load(i):
        reads.append(i)
        return X[i : i + 80], Y[i : i + 80]

    chunks = [lambda i=i: load(i) for i in range(0, 400, 80)]
    spec = CASES["mlp_sgd_validation"]
    again = fit_stream(spec["make"](), chunks, epochs=EPOCHS, checkpoint=path, **spec["kwargs"])
    assert reads == []
    _assert_same_fit(again, first)


def test_a_checkpoint_of_other_settings_is_refused_and_the_estimator_is_untouched(tmp_path, monkeypatch):
    path = tmp_path / "ck.npz"
    with pytest.raises(Stop):
        _fit("mlp_sgd_validation", path, 3, monkeypatch)
    spec = CASES["mlp_sgd_validation"]
    data = spec["data"]()
    est = spec["make"]().set_params(alpha=0.5)
    with pytest.raises(ValueError, match=r"other settings \(alpha: 0.0001 then, 0.5 now\)"):
        fit_stream(est, data, epochs=EPOCHS, checkpoint=path, **spec["kwargs"])
    assert not hasattr(est, "coefs_")
    with pytest.raises(ValueError, match="epochs: 5 then, 6 now"):
        fit_stream(spec["make"](), data, epochs=6, checkpoint=path, **spec["kwargs"])
    other_val = dict(spec["kwargs"], validation=(X[400:], Y[400:][::-1]))
    with pytest.raises(ValueError, match="validation"):
        fit_stream(spec["make"](), data, epochs=EPOCHS, checkpoint=path, **other_val)


def test_a_chunk_that_differs_from_the_checkpoint_s_is_refused(tmp_path, monkeypatch):
    """Chunks read before the other one were checked equal: the file stays a checkpoint of the data."""
    path = tmp_path / "ck.npz"
    with pytest.raises(Stop):  # two epochs done: every chunk has been read
        _fit("mlp_sgd_validation", path, 11, monkeypatch)
    spec = CASES["mlp_sgd_validation"]
    data = spec["data"]()
    data[3] = (data[3][0] + 1e-9, data[3][1])
    with pytest.raises(ValueError, match="Chunk 3 of the data differs"):
        fit_stream(spec["make"](), data, epochs=EPOCHS, checkpoint=path, **spec["kwargs"])
    _assert_same_fit(_fit("mlp_sgd_validation", path), _fit("mlp_sgd_validation"))


def test_a_save_that_fails_midway_leaves_the_previous_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / "ck.npz"
    with pytest.raises(Stop):
        _fit("softmax_adam_weights_arrays", path, 2, monkeypatch)
    saved = path.read_bytes()

    def half_written(file, **arrays):
        file.write(b"PK\x03\x04 half of a zip")
        raise OSError("disk full")

    monkeypatch.setattr(checkpoint_module.np, "savez", half_written)
    with pytest.raises(OSError, match="disk full"):
        _fit("softmax_adam_weights_arrays", path)
    monkeypatch.undo()
    assert path.read_bytes() == saved
    assert sorted(os.listdir(tmp_path)) == ["ck.npz"]  # no temporary file left
    _assert_same_fit(_fit("softmax_adam_weights_arrays", path), _fit("softmax_adam_weights_arrays"))


def test_a_file_that_is_not_a_checkpoint_is_refused(tmp_path):
    path = tmp_path / "model.npz"
    np.savez(path, coef=np.zeros(3))
    with pytest.raises(ValueError, match="is not a checkpoint of fit_stream"):
        _fit("mlp_sgd_validation", path)
    path.write_bytes(b"not a zip file")
    with pytest.raises(ValueError, match="is not a checkpoint of fit_stream"):
        _fit("mlp_sgd_validation", path)


def test_checkpoint_every_writes_after_every_k_chunks(tmp_path, monkeypatch):
    writes = []
    original = Checkpoint.write

    def write(self, finished, loop=None):
        writes.append((finished, None if loop is None else loop["progress"]["parts"]))
        original(self, finished, loop)

    monkeypatch.setattr(Checkpoint, "write", write)
    spec = CASES["mlp_sgd_validation"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est = fit_stream(
            spec["make"](), spec["data"](), epochs=2, checkpoint=tmp_path / "ck.npz", checkpoint_every=3,
            **spec["kwargs"],
        )  # fmt: skip
    assert est.n_iter_ == 2
    assert writes == [(False, 3), (False, 1), (False, 4), (True, None)]  # chunks 3, 6 and 9 of 10
    for bad in (0, 1.5, True):
        with pytest.raises(ValueError, match="checkpoint_every must be an integer >= 1"):
            fit_stream(
                spec["make"](),
                spec["data"](),
                checkpoint=tmp_path / "x.npz",
                checkpoint_every=bad,
                **spec["kwargs"],
            )


def test_a_callable_learning_rate_is_taken_from_the_estimator_on_resume(tmp_path, monkeypatch):
    def rate(k):
        return 0.1 / (1 + 0.01 * k)

    def run(path=None):
        est = SoftmaxRegressionGD(solver="sgd", learning_rate=rate, batch_size=40, random_state=0)
        return fit_stream(est, (X, Y), epochs=3, classes=[0, 1, 2], chunk_size=120, checkpoint=path)

    original, calls = Checkpoint.after_part, [0]

    def after_part(self, *args):
        original(self, *args)
        calls[0] += 1
        if calls[0] == 6:
            raise Stop

    monkeypatch.setattr(Checkpoint, "after_part", after_part)
    with pytest.raises(Stop):
        run(tmp_path / "ck.npz")
    monkeypatch.undo()
    _assert_same_fit(run(tmp_path / "ck.npz"), run())
