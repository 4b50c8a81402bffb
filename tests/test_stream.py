"""fit_stream: epochs over chunks read anew, against fit and partial_fit on the same rows."""

import json
import os
import subprocess
import sys
import textwrap
import warnings
import weakref

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_digits, make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import log_loss
from sklearn.preprocessing import StandardScaler

from sklearn_nn import LogisticRegressionGD, MLPClassifierScratch, MLPRegressorScratch, SoftmaxRegressionGD
from sklearn_nn.stream import fit_stream

X, Y = make_classification(n_samples=700, n_features=8, n_informative=5, n_classes=3, random_state=0)
X_TR, Y_TR, X_VA, Y_VA = X[:500], Y[:500], X[500:], Y[500:]
CLASSES = [0, 1, 2]
# The linear models' solver='sgd' settings before their default became the full-batch step rule
# learning_rate='barzilai_borwein', which fit_stream refuses (one step per chunk is not a full batch).
CONSTANT = dict(learning_rate="constant", tol=1e-8)
XR, YR = make_regression(n_samples=500, n_features=6, noise=5.0, random_state=0)
YR = YR / YR.std()


def _fit(est, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(*args, **kwargs)


def _chunks(X, y, sizes, sample_weight=None):
    bounds = np.cumsum([0, *sizes])
    assert bounds[-1] == len(X)
    return [
        (X[a:b], y[a:b]) if sample_weight is None else (X[a:b], y[a:b], sample_weight[a:b])
        for a, b in zip(bounds[:-1], bounds[1:])
    ]


def _params(est):
    return np.concatenate([a.ravel() for a in (*est.coefs_, *est.intercepts_)])


MODELS = {
    "mlp": lambda **kw: MLPClassifierScratch(hidden_layer_sizes=(7,), batch_size=64, random_state=0, **kw),
    "logistic": lambda **kw: LogisticRegressionGD(alpha=1.0, learning_rate="constant", **kw),
    "softmax-adam": lambda **kw: SoftmaxRegressionGD(solver="adam", batch_size=32, alpha=0.1, **kw),
    "regressor": lambda **kw: MLPRegressorScratch(
        hidden_layer_sizes=(7,), batch_size=64, random_state=0, **kw
    ),
}


def _data(name):
    if name == "regressor":
        return XR[:400], YR[:400], XR[400:], YR[400:], None
    return X_TR, Y_TR, X_VA, Y_VA, CLASSES


# ----------------------------------------------------------------------------
# The same training as fit and partial_fit
# ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", MODELS)
def test_one_chunk_without_shuffling_trains_exactly_like_fit(name):
    """One chunk holding all the rows: the same updates, records and validation as fit."""
    Xt, yt, Xv, yv, classes = _data(name)
    settings = dict(shuffle=False, max_iter=6, tol=0.0, n_iter_no_change=100)
    fitted = _fit(MODELS[name](**settings), Xt, yt, X_val=Xv, y_val=yv)
    streamed = fit_stream(
        MODELS[name](**settings), [(Xt, yt)], epochs=6, classes=classes, shuffle=False, validation=(Xv, yv)
    )
    np.testing.assert_array_equal(_params(streamed), _params(fitted))
    for key in ("loss", "val_loss", "val_score", "learning_rate"):
        np.testing.assert_allclose(streamed.history_[key], fitted.history_[key], rtol=1e-12)
    assert (streamed.n_iter_, streamed.t_, streamed.best_loss_) == (
        fitted.n_iter_,
        fitted.t_,
        fitted.best_loss_,
    )
    assert streamed.validation_scores_ == fitted.validation_scores_
    assert streamed.best_validation_score_ == fitted.best_validation_score_


def test_early_stopping_on_the_validation_rows_stops_and_restores_like_fit():
    settings = dict(
        hidden_layer_sizes=(20,),
        learning_rate_init=0.05,
        shuffle=False,
        early_stopping=True,
        n_iter_no_change=2,
        restore_best_weights=True,
        random_state=0,
    )
    fitted = _fit(MLPClassifierScratch(max_iter=200, **settings), X_TR, Y_TR, X_val=X_VA, y_val=Y_VA)
    streamed = fit_stream(
        MLPClassifierScratch(**settings),
        [(X_TR, Y_TR)],
        epochs=200,
        classes=CLASSES,
        shuffle=False,
        validation=(X_VA, Y_VA),
    )
    assert streamed.n_iter_ == fitted.n_iter_ < 200
    assert streamed.best_epoch_ == fitted.best_epoch_ < streamed.n_iter_
    np.testing.assert_array_equal(_params(streamed), _params(fitted))
    assert streamed.score(X_VA, Y_VA) == streamed.best_validation_score_


def test_without_early_stopping_the_training_loss_rule_of_fit_stops_it():
    est = fit_stream(
        SoftmaxRegressionGD(batch_size="full", learning_rate="constant", tol=1e-2, n_iter_no_change=3),
        _chunks(X_TR, Y_TR, [250, 250]),
        epochs=500,
        classes=CLASSES,
    )
    assert est.n_iter_ < 500 and len(est.loss_curve_) == est.n_iter_


def test_an_epoch_is_the_partial_fit_calls_over_its_chunks():
    """Without penalty and shuffling, the updates of partial_fit chunk after chunk; one record per epoch."""
    sizes = [100, 150, 250]
    sw = np.random.default_rng(0).uniform(0.5, 2.0, size=500)
    chunks = _chunks(X_TR, Y_TR, sizes, sample_weight=sw)

    def model():
        return MLPClassifierScratch(
            hidden_layer_sizes=(7,), batch_size=64, alpha=0.0, shuffle=False, random_state=0
        )

    calls = model()
    for _ in range(3):
        for Xc, yc, swc in chunks:
            calls.partial_fit(Xc, yc, sample_weight=swc, classes=CLASSES)
    streamed = fit_stream(model(), chunks, epochs=3, classes=CLASSES, shuffle=False)
    np.testing.assert_array_equal(_params(streamed), _params(calls))
    chunk_weights = [swc.sum() for _, _, swc in chunks]
    per_call = np.reshape(calls.history_["loss"], (3, len(chunks)))
    np.testing.assert_allclose(streamed.history_["loss"], per_call @ chunk_weights / sw.sum(), rtol=1e-12)
    assert len(streamed.history_["time"]) == streamed.n_iter_ == 3
    assert streamed.t_ == calls.t_ == 1500


def test_the_penalty_counts_the_weight_of_the_whole_stream():
    """After an epoch, J on validation rows uses n = all the rows of the stream, not a chunk's."""
    alpha = 5.0
    est = fit_stream(
        SoftmaxRegressionGD(solver="adam", batch_size=50, alpha=alpha, random_state=0),
        _chunks(X_TR, Y_TR, [100] * 5),
        epochs=2,
        classes=CLASSES,
        validation=(X_VA, Y_VA),
    )
    penalty = alpha / (2 * len(X_TR)) * (est.coefs_[0] ** 2).sum()
    expected = log_loss(Y_VA, est.predict_proba(X_VA)) + penalty
    assert est.history_["val_loss"][-1] == pytest.approx(expected, rel=1e-10)


def test_sample_weights_of_a_chunk_act_as_in_fit():
    sw = np.random.default_rng(1).uniform(0.0, 3.0, size=len(X_TR))
    settings = dict(shuffle=False, max_iter=4, learning_rate="constant", tol=0.0, n_iter_no_change=100)
    fitted = _fit(LogisticRegressionGD(**settings), X_TR, Y_TR, sample_weight=sw)
    streamed = fit_stream(
        LogisticRegressionGD(**settings), [(X_TR, Y_TR, sw)], epochs=4, classes=CLASSES, shuffle=False
    )
    np.testing.assert_array_equal(_params(streamed), _params(fitted))


def test_warm_start_continues_like_more_epochs():
    # alpha=0: in the first epoch of a call the penalty's n is the weight read so far.
    def model():
        return MLPClassifierScratch(
            hidden_layer_sizes=(7,), alpha=0.0, tol=0, warm_start=True, random_state=0
        )

    chunks = _chunks(X_TR, Y_TR, [200, 300])
    twice = fit_stream(model(), chunks, epochs=2, classes=CLASSES, shuffle=False)
    fit_stream(twice, chunks, epochs=3, classes=CLASSES, shuffle=False)
    once = fit_stream(model(), chunks, epochs=5, classes=CLASSES, shuffle=False)
    np.testing.assert_array_equal(_params(twice), _params(once))
    np.testing.assert_allclose(twice.loss_curve_, once.loss_curve_, rtol=1e-12)


def test_a_regressor_and_multilabel_targets_need_no_classes():
    reg = fit_stream(MLPRegressorScratch(hidden_layer_sizes=(10,), random_state=0), (XR, YR), chunk_size=100)
    assert reg.n_iter_ == 1 and reg.t_ == len(XR)
    Y2 = np.column_stack([Y_TR == 0, Y_TR == 1]).astype(int)
    clf = fit_stream(
        MLPClassifierScratch(hidden_layer_sizes=(5,), random_state=0), (X_TR, Y2), chunk_size=100
    )
    assert clf.predict(X_TR).shape == Y2.shape


# ----------------------------------------------------------------------------
# Shuffling
# ----------------------------------------------------------------------------
def _recording_chunks(sizes):
    """Chunk loaders that record the order in which they are read."""
    reads = []

    def loader(i, chunk):
        def load():
            reads.append(i)
            return chunk

        return load

    return [loader(i, c) for i, c in enumerate(_chunks(X_TR, Y_TR, sizes))], reads


def test_every_epoch_reads_each_chunk_once_in_a_new_seeded_order():
    loaders, reads = _recording_chunks([50] * 10)
    first = fit_stream(SoftmaxRegressionGD(random_state=0, **CONSTANT), loaders, epochs=3, classes=CLASSES)
    orders = np.reshape(reads, (3, 10))
    for order in orders:
        assert sorted(order) == list(range(10))
    assert len({tuple(order) for order in orders}) == 3 and list(orders[0]) != list(range(10))
    reads.clear()
    again = fit_stream(SoftmaxRegressionGD(random_state=0, **CONSTANT), loaders, epochs=3, classes=CLASSES)
    np.testing.assert_array_equal(np.reshape(reads, (3, 10)), orders)
    np.testing.assert_array_equal(_params(again), _params(first))
    reads.clear()
    other = fit_stream(
        SoftmaxRegressionGD(random_state=0, **CONSTANT), loaders, epochs=3, classes=CLASSES, random_state=1
    )
    assert not np.array_equal(np.reshape(reads, (3, 10)), orders)
    assert not np.array_equal(_params(other), _params(first))
    reads.clear()
    fit_stream(
        SoftmaxRegressionGD(random_state=0, **CONSTANT), loaders, epochs=2, classes=CLASSES, shuffle=False
    )
    assert reads == list(range(10)) * 2


def test_rows_are_shuffled_within_a_chunk():
    """One chunk in shuffled order gives other updates than in stored order, but the same row count."""
    model = dict(solver="sgd", batch_size=20, random_state=0, **CONSTANT)
    shuffled = fit_stream(SoftmaxRegressionGD(**model), [(X_TR, Y_TR)], epochs=2, classes=CLASSES)
    stored = fit_stream(
        SoftmaxRegressionGD(**model), [(X_TR, Y_TR)], epochs=2, classes=CLASSES, shuffle=False
    )
    assert not np.array_equal(_params(shuffled), _params(stored))
    assert shuffled.t_ == stored.t_ == 2 * len(X_TR)


# ----------------------------------------------------------------------------
# Sources of chunks
# ----------------------------------------------------------------------------
def test_memory_maps_train_like_the_same_rows_in_memory(tmp_path):
    np.save(tmp_path / "X.npy", X_TR)
    np.save(tmp_path / "y.npy", Y_TR)
    Xm = np.load(tmp_path / "X.npy", mmap_mode="r")
    ym = np.load(tmp_path / "y.npy", mmap_mode="r")
    model = dict(hidden_layer_sizes=(7,), batch_size=16, random_state=0)
    # A view that starts inside the file checks the offsets of the chunks' own maps.
    mapped = fit_stream(
        MLPClassifierScratch(**model), (Xm[37:], ym[37:]), chunk_size=64, epochs=2, classes=CLASSES
    )
    in_memory = fit_stream(
        MLPClassifierScratch(**model), (X_TR[37:], Y_TR[37:]), chunk_size=64, epochs=2, classes=CLASSES
    )
    np.testing.assert_array_equal(_params(mapped), _params(in_memory))
    # The same rows as a list of memory-mapped chunks, and as .npy files read per chunk.
    listed = fit_stream(
        MLPClassifierScratch(**model),
        [(Xm[a : a + 64], ym[a : a + 64]) for a in range(37, 500, 64)],
        epochs=2,
        classes=CLASSES,
    )
    np.testing.assert_array_equal(_params(listed), _params(in_memory))


def test_npy_files_are_read_chunk_by_chunk(tmp_path):
    files = []
    for i, (Xc, yc) in enumerate(_chunks(X_TR, Y_TR, [100] * 5)):
        np.save(tmp_path / f"X{i}.npy", Xc)
        np.save(tmp_path / f"y{i}.npy", yc)
        files.append((tmp_path / f"X{i}.npy", str(tmp_path / f"y{i}.npy")))
    from_files = fit_stream(SoftmaxRegressionGD(random_state=0, **CONSTANT), files, epochs=2, classes=CLASSES)
    in_memory = fit_stream(
        SoftmaxRegressionGD(random_state=0, **CONSTANT),
        _chunks(X_TR, Y_TR, [100] * 5),
        epochs=2,
        classes=CLASSES,
    )
    np.testing.assert_array_equal(_params(from_files), _params(in_memory))


def test_a_function_returning_a_generator_is_called_once_per_epoch():
    calls = []

    def chunks():
        calls.append(1)
        for a in range(0, 500, 100):
            yield X_TR[a : a + 100], Y_TR[a : a + 100]

    generated = fit_stream(SoftmaxRegressionGD(random_state=0, **CONSTANT), chunks, epochs=3, classes=CLASSES)
    assert len(calls) == 3 and generated.n_iter_ == 3
    # A generator keeps its order: with full batches (row order does not matter) as a list not shuffled.
    listed = fit_stream(
        SoftmaxRegressionGD(random_state=0, **CONSTANT),
        lambda: list(chunks()),
        epochs=3,
        classes=CLASSES,
        shuffle=False,
    )
    np.testing.assert_array_equal(_params(generated), _params(listed))
    shuffled = fit_stream(
        SoftmaxRegressionGD(random_state=0, **CONSTANT), lambda: list(chunks()), epochs=3, classes=CLASSES
    )
    assert not np.array_equal(_params(shuffled), _params(listed))
    once = fit_stream(SoftmaxRegressionGD(random_state=0, **CONSTANT), chunks(), epochs=1, classes=CLASSES)
    assert once.n_iter_ == 1
    with pytest.raises(ValueError, match="read only once"):
        fit_stream(SoftmaxRegressionGD(**CONSTANT), chunks(), epochs=2, classes=CLASSES)


def test_a_pair_of_data_frames_keeps_the_feature_names():
    frame = pd.DataFrame(X_TR, columns=[f"f{i}" for i in range(X_TR.shape[1])])
    est = fit_stream(
        SoftmaxRegressionGD(random_state=0, **CONSTANT),
        (frame, pd.Series(Y_TR)),
        chunk_size=128,
        classes=CLASSES,
    )
    np.testing.assert_array_equal(est.feature_names_in_, frame.columns)
    assert est.t_ == len(frame)


def test_callbacks_see_one_task_per_epoch():
    pytest.importorskip("sklearn.callback", reason="scikit-learn < 1.9 has no callback API")

    class Recorder:
        def __init__(self):
            self.calls = []

        def setup(self, estimator, context):
            pass

        def teardown(self, estimator, context):
            pass

        def on_fit_task_begin(self, estimator, context, **kwargs):
            self.calls.append(("begin", context.task_name))

        def on_fit_task_end(self, estimator, context, **kwargs):
            self.calls.append(("end", context.task_name))

    rec = Recorder()
    est = SoftmaxRegressionGD(learning_rate="constant", tol=0, random_state=0).set_callbacks(rec)
    fit_stream(est, _chunks(X_TR, Y_TR, [250, 250]), epochs=4, classes=CLASSES)
    assert rec.calls.count(("end", "epoch")) == rec.calls.count(("begin", "epoch")) == 4
    assert rec.calls.count(("end", "fit")) == 1


# ----------------------------------------------------------------------------
# Errors
# ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "est, kwargs, error, match",
    [
        (SGDClassifier(), {}, TypeError, "estimators of sklearn_nn"),
        (SoftmaxRegressionGD(solver="lbfgs"), {}, ValueError, "stochastic solver"),
        (SoftmaxRegressionGD(learning_rate="cosine"), {}, ValueError, "cosine"),
        (SoftmaxRegressionGD(class_weight="balanced"), {}, ValueError, "balanced"),
        (MLPClassifierScratch(early_stopping=True), {}, ValueError, "validation="),
        (SoftmaxRegressionGD(), {"epochs": 0}, ValueError, "epochs"),
        (SoftmaxRegressionGD(), {"classes": None}, ValueError, "classes="),
        (SoftmaxRegressionGD(), {"validation": (X_VA,)}, ValueError, "validation must"),
    ],
)
def test_invalid_settings_are_refused(est, kwargs, error, match):
    kwargs = {"classes": CLASSES, **kwargs}
    with pytest.raises(error, match=match):
        fit_stream(est, _chunks(X_TR, Y_TR, [250, 250]), **kwargs)
    assert not hasattr(est, "coefs_")


@pytest.mark.parametrize(
    "chunks, kwargs, error, match",
    [
        ([X_TR, Y_TR], {}, TypeError, "tuple"),
        ([(X_TR, Y_TR)], {"chunk_size": 10}, ValueError, "chunk_size applies"),
        ((X_TR, Y_TR[:-1]), {}, ValueError, "numbers of rows"),
        ([], {}, ValueError, "no chunks"),
        (42, {}, TypeError, "chunks must be"),
    ],
)
def test_invalid_chunks_are_refused(chunks, kwargs, error, match):
    with pytest.raises(error, match=match):
        fit_stream(SoftmaxRegressionGD(), chunks, classes=CLASSES, **kwargs)


def test_a_bad_chunk_leaves_the_estimator_as_it_was():
    bad = _chunks(X_TR, Y_TR, [200, 200, 100])
    bad[2] = (X_TR[400:, :5], Y_TR[400:])  # fewer features
    est = SoftmaxRegressionGD(random_state=0, **CONSTANT)
    with pytest.raises(ValueError, match="features"):
        fit_stream(est, bad, classes=CLASSES, epochs=2, shuffle=False)
    assert not hasattr(est, "coefs_") and not hasattr(est, "history_")
    fit_stream(est, _chunks(X_TR, Y_TR, [250, 250]), classes=CLASSES)
    before = (_params(est), list(est.loss_curve_), est.n_iter_)
    unknown_class = [(X_TR[:100], Y_TR[:100]), (X_TR[100:200], np.full(100, 7))]
    with pytest.raises(ValueError, match="classes"):
        fit_stream(est, unknown_class, classes=CLASSES, epochs=2)
    np.testing.assert_array_equal(_params(est), before[0])
    assert (list(est.loss_curve_), est.n_iter_) == before[1:]


def test_divergence_stops_with_finite_parameters_like_fit():
    est = MLPRegressorScratch(
        hidden_layer_sizes=(8,), solver="sgd", learning_rate_init=10.0, momentum=0.0, random_state=0
    )
    with pytest.raises(ValueError, match="learning_rate_init"):
        fit_stream(est, (XR * 1e3, np.abs(YR)), chunk_size=100, epochs=5)
    assert np.isfinite(_params(est)).all() and np.isfinite(est.loss_curve_).all()
    assert est.n_iter_ == len(est.loss_curve_) < 5


# ----------------------------------------------------------------------------
# Memory: a memory map several times the size of a small memory budget
# ----------------------------------------------------------------------------
_CHILD = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    from sklearn_nn import SoftmaxRegressionGD
    from sklearn_nn.stream import fit_stream

    path, n_rows, n_features, n_train = sys.argv[1], *map(int, sys.argv[2:])

    def status(key):
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) * 1024 for line in f if line.startswith(key + ":"))

    X = np.memmap(path + ".X", dtype=np.float64, mode="r", shape=(n_rows, n_features))
    y = np.load(path + ".y.npy")
    model = dict(solver="adam", batch_size=500, learning_rate_init=0.01, alpha=1e-4, random_state=0)
    fit_stream(SoftmaxRegressionGD(**model), (X[:1000], y[:1000]), classes=[0, 1, 2])  # warm up
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # VmHWM restarts from the current resident size
    before = status("VmRSS")
    est = fit_stream(
        SoftmaxRegressionGD(**model), (X[:n_train], y[:n_train]), epochs=2, classes=[0, 1, 2],
        chunk_size=25_000,
    )
    growth = status("VmHWM") - before
    score = est.score(X[n_train:], y[n_train:])
    print(json.dumps({"growth": growth, "score": score, "epochs": est.n_iter_, "rows": est.t_}))
    """
)


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads peak memory from Linux's /proc")
def test_streaming_a_memory_map_uses_a_fraction_of_its_size_and_learns_like_fit(tmp_path):
    n_rows, n_features, n_train = 440_000, 64, 400_000  # training rows: 205 MB of float64
    budget = 64 * 2**20
    assert n_train * n_features * 8 > max(3 * budget, 200e6)
    path = str(tmp_path / "data")
    rng = np.random.default_rng(0)
    W = rng.standard_normal((n_features, 3))
    y = np.empty(n_rows, dtype=np.int64)
    with open(path + ".X", "wb") as f:  # written in chunks: the whole X is never in memory here either
        for a in range(0, n_rows, 50_000):
            Xc = rng.standard_normal((min(50_000, n_rows - a), n_features))
            y[a : a + len(Xc)] = np.argmax(Xc @ W + rng.standard_normal((len(Xc), 3)), axis=1)
            f.write(Xc.tobytes())
    np.save(path + ".y.npy", y)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [os.getcwd(), os.environ.get("PYTHONPATH")])),
    }
    child = subprocess.run(
        [sys.executable, "-c", _CHILD, path, str(n_rows), str(n_features), str(n_train)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert child.returncode == 0, child.stderr
    result = json.loads(child.stdout)
    assert result["epochs"] == 2 and result["rows"] == 2 * n_train
    assert result["growth"] < budget, f"peak memory grew by {result['growth'] / 2**20:.0f} MiB"

    X = np.fromfile(path + ".X").reshape(n_rows, n_features)
    est = SoftmaxRegressionGD(
        solver="adam", batch_size=500, learning_rate_init=0.01, alpha=1e-4, max_iter=2, random_state=0
    )
    in_memory = _fit(est, X[:n_train], y[:n_train]).score(X[n_train:], y[n_train:])
    assert in_memory > 0.9
    assert abs(result["score"] - in_memory) < 0.01


def test_digits_streamed_in_small_chunks_reach_the_accuracy_of_fit():
    Xd, yd = load_digits(return_X_y=True)
    Xd = StandardScaler().fit_transform(Xd)
    order = np.random.default_rng(0).permutation(len(Xd))
    Xd, yd = Xd[order], yd[order]
    Xt, yt, Xv, yv = Xd[:1400], yd[:1400], Xd[1400:], yd[1400:]
    model = dict(hidden_layer_sizes=(32,), batch_size=50, random_state=0)
    fitted = _fit(MLPClassifierScratch(max_iter=20, **model), Xt, yt).score(Xv, yv)
    streamed = fit_stream(
        MLPClassifierScratch(**model), (Xt, yt), chunk_size=100, epochs=20, classes=np.unique(yd)
    ).score(Xv, yv)
    assert fitted > 0.95 and abs(streamed - fitted) <= 0.01


@pytest.mark.parametrize("batch_size", ["full", 32])
def test_no_chunk_is_held_while_the_next_one_is_read(batch_size):
    """Each chunk is freed before the next is loaded, the first one included, in every epoch."""
    alive, held = [], []

    def loader(a, b):
        def load():
            held.append(sum(ref() is not None for ref in alive))  # chunks still in memory now
            Xc = np.ascontiguousarray(X_TR[a:b])  # float64 C-ordered: the model trains on this array
            alive.append(weakref.ref(Xc))
            return Xc, Y_TR[a:b]

        return load

    chunks = [loader(a, a + 100) for a in range(0, 500, 100)]
    fit_stream(
        SoftmaxRegressionGD(batch_size=batch_size, **CONSTANT),
        chunks,
        classes=CLASSES,
        epochs=3,
        shuffle=False,
    )
    assert len(held) == 15 and max(held) == 0


def test_the_validation_penalty_divides_by_this_epochs_training_weight():
    """A stream that grows between epochs: the validation J of an epoch uses that epoch's weight."""
    epochs = [  # 300 rows in epoch 1, 500 in epoch 2
        _chunks(X_TR[:300], Y_TR[:300], [200, 100]),
        _chunks(X_TR, Y_TR, [200, 100, 200]),
    ]
    source = iter(epochs).__next__
    est = SoftmaxRegressionGD(alpha=5.0, solver="adam", learning_rate_init=0.05, shuffle=False)
    fit_stream(est, source, classes=CLASSES, epochs=2, shuffle=False, validation=(X_VA, Y_VA))
    penalty = 5.0 / (2 * 500) * (est.coefs_[0] ** 2).sum()
    assert est.validation_loss_curve_[-1] == pytest.approx(log_loss(Y_VA, est.predict_proba(X_VA)) + penalty)
