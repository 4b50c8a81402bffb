"""Dask: grid search on a local cluster, fit_stream over dask arrays, dask-ml's wrappers.

dask, distributed and dask-ml are in the ``test`` extra: without them these
tests fail at import, they are not skipped.
"""

import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import dask
import dask.array as da
import joblib
import numpy as np
import pytest
from dask.distributed import Client, LocalCluster, get_task_stream
from dask_ml.wrappers import Incremental, ParallelPostFit
from sklearn.base import clone
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_nn import LogisticRegressionGD, MLPClassifierScratch, MLPRegressorScratch, SoftmaxRegressionGD
from sklearn_nn.stream import fit_stream

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X, Y = make_classification(n_samples=1200, n_features=8, n_informative=5, n_classes=3, random_state=0)
CLASSES = [0, 1, 2]


def _params(est):
    return np.concatenate([a.ravel() for a in (*est.coefs_, *est.intercepts_)])


@pytest.fixture(scope="module")
def client():
    """A cluster of 2 worker processes with 1 thread each, on this machine only."""
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            memory_limit="1GiB",
            dashboard_address=None,
            host="127.0.0.1",
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


# ----------------------------------------------------------------------------
# Distributed search
# ----------------------------------------------------------------------------
def _search():
    pipe = make_pipeline(StandardScaler(), MLPClassifierScratch(max_iter=15, random_state=0))
    grid = {
        "mlpclassifierscratch__hidden_layer_sizes": [(8,), (16,)],
        "mlpclassifierscratch__alpha": [1e-4, 1.0],
        "mlpclassifierscratch__learning_rate_init": [1e-3, 1e-2],
    }
    return GridSearchCV(pipe, grid, cv=3, n_jobs=2)


@pytest.mark.slow
def test_grid_search_on_a_cluster_scores_like_the_default_backend(client):
    X_digits, y_digits = load_digits(return_X_y=True)
    X_digits, y_digits = X_digits[:450], y_digits[:450]
    with get_task_stream(client) as tasks, joblib.parallel_config(backend="dask"):
        on_cluster = _search().fit(X_digits, y_digits)
    local = _search().set_params(n_jobs=None).fit(X_digits, y_digits)  # joblib's default: in this process

    n_fits = len(local.cv_results_["params"]) * 3
    assert len(local.cv_results_["params"]) == 8
    # joblib sends the fits in batches, named after the number of calls they hold
    batches = [re.search(r"batch_of__fit_and_score_(\d+)_calls", task["key"]) for task in tasks.data]
    assert sum(int(batch.group(1)) for batch in batches if batch) == n_fits
    assert {task["worker"] for task in tasks.data} == set(client.scheduler_info()["workers"])  # both fitted
    assert on_cluster.best_params_ == local.best_params_
    for key in local.cv_results_:
        if key.endswith("test_score"):  # split<i>_, mean_, std_, rank_
            np.testing.assert_array_equal(on_cluster.cv_results_[key], local.cv_results_[key], err_msg=key)
    np.testing.assert_array_equal(on_cluster.predict(X_digits), local.predict(X_digits))


def _fit_copy(est, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return clone(est).fit(X, y)


@pytest.mark.slow
@pytest.mark.parametrize(
    "est",
    [
        LogisticRegressionGD(max_iter=20),
        SoftmaxRegressionGD(solver="lbfgs", max_iter=20),
        MLPClassifierScratch(hidden_layer_sizes=(8,), max_iter=20, early_stopping=True, random_state=0),
        MLPRegressorScratch(
            hidden_layer_sizes=(8,), max_iter=20, learning_rate=lambda k: 1e-3, random_state=0
        ),
    ],
    ids=lambda est: type(est).__name__,
)
def test_a_model_fitted_in_a_worker_process_predicts_like_one_fitted_here(client, est):
    """Estimators travel to workers and back pickled, and keep no state tied to a process."""
    y = Y.astype(float) if isinstance(est, MLPRegressorScratch) else Y
    remote = client.submit(_fit_copy, est, X, y, pure=False).result()
    local = _fit_copy(est, X, y)
    np.testing.assert_array_equal(_params(remote), _params(local))
    np.testing.assert_array_equal(remote.predict(X), local.predict(X))
    assert remote.loss_curve_ == local.loss_curve_
    # Training goes on from the returned model.
    if est.solver != "lbfgs" and not est.early_stopping:
        remote.partial_fit(X, y, **({} if isinstance(est, MLPRegressorScratch) else {"classes": CLASSES}))
        assert remote.n_iter_ == 1 and len(remote.loss_curve_) == len(local.loss_curve_) + 1


# ----------------------------------------------------------------------------
# fit_stream over the blocks of dask arrays
# ----------------------------------------------------------------------------
def test_fit_stream_reads_dask_blocks_like_the_same_chunks_in_memory():
    Xd = da.from_array(X, chunks=(100, 3))  # 12 row blocks, split columns are joined
    yd = da.from_array(Y, chunks=300)  # other row blocks: aligned to X's
    assert Xd.numblocks[0] == 12

    def model():
        return MLPClassifierScratch(hidden_layer_sizes=(8,), batch_size=32, random_state=0)

    with dask.config.set(scheduler="synchronous"):
        streamed = fit_stream(model(), (Xd, yd), epochs=3, classes=CLASSES)
    in_memory = fit_stream(model(), [(X[a : a + 100], Y[a : a + 100]) for a in range(0, 1200, 100)], epochs=3,
                           classes=CLASSES)  # fmt: skip
    np.testing.assert_array_equal(_params(streamed), _params(in_memory))
    assert streamed.n_iter_ == 3 and streamed.t_ == 3 * len(X)
    rechunked = fit_stream(
        model(), (da.from_array(X, chunks=400), Y), chunk_size=100, epochs=3, classes=CLASSES
    )
    np.testing.assert_array_equal(_params(rechunked), _params(in_memory))


@pytest.mark.slow
def test_fit_stream_computes_the_blocks_on_the_cluster(client):
    Xd = da.from_array(X, chunks=100) * 2.0  # a graph to compute on the workers, block by block
    yd = da.from_array(Y, chunks=100)
    constant = dict(learning_rate="constant", tol=1e-8)  # one step per chunk: a schedule, not a step rule
    with get_task_stream(client) as tasks:
        streamed = fit_stream(
            SoftmaxRegressionGD(random_state=0, **constant), (Xd, yd), epochs=2, classes=CLASSES
        )
    local = fit_stream(
        SoftmaxRegressionGD(random_state=0, **constant),
        (2.0 * X, Y),
        chunk_size=100,
        epochs=2,
        classes=CLASSES,
    )
    np.testing.assert_array_equal(_params(streamed), _params(local))
    assert len(tasks.data) >= 2 * Xd.numblocks[0]


def test_fit_stream_refuses_dask_data_frames():
    ddf = pytest.importorskip("dask.dataframe", reason="dask-ml installs dask's dataframe module")
    frame = ddf.from_array(X, chunksize=300)
    with pytest.raises(TypeError, match="to_dask_array"):
        fit_stream(SoftmaxRegressionGD(), (frame, da.from_array(Y, chunks=300)), classes=CLASSES)


# ----------------------------------------------------------------------------
# dask-ml: Incremental (partial_fit per block) and ParallelPostFit
# ----------------------------------------------------------------------------
def test_incremental_calls_partial_fit_once_per_block():
    Xd, yd = da.from_array(X, chunks=100), da.from_array(Y, chunks=100)
    assert Xd.numblocks[0] == 12
    est = SoftmaxRegressionGD(solver="adam", batch_size=25, learning_rate_init=0.01, random_state=0)
    inc = Incremental(est, scoring="accuracy", shuffle_blocks=False).fit(Xd, yd, classes=CLASSES)
    by_hand = clone(est)
    for a in range(0, len(X), 100):
        by_hand.partial_fit(X[a : a + 100], Y[a : a + 100], classes=CLASSES)
    np.testing.assert_array_equal(_params(inc.estimator_), _params(by_hand))
    assert len(inc.estimator_.loss_curve_) == 12 and inc.estimator_.t_ == len(X)
    assert inc.score(Xd, yd) == pytest.approx(by_hand.score(X, Y)) and inc.score(Xd, yd) > 0.6
    shuffled = Incremental(clone(est), shuffle_blocks=True, random_state=0).fit(Xd, yd, classes=CLASSES)
    assert shuffled.estimator_.t_ == len(X) and not np.array_equal(
        _params(shuffled.estimator_), _params(by_hand)
    )


@pytest.mark.slow
def test_incremental_on_the_cluster_trains_like_partial_fit_here(client):
    Xd, yd = da.from_array(X, chunks=100), da.from_array(Y, chunks=100)
    est = MLPClassifierScratch(hidden_layer_sizes=(8,), batch_size=25, random_state=0)
    inc = Incremental(est, shuffle_blocks=False).fit(Xd, yd, classes=CLASSES)
    by_hand = clone(est)
    for a in range(0, len(X), 100):
        by_hand.partial_fit(X[a : a + 100], Y[a : a + 100], classes=CLASSES)
    np.testing.assert_array_equal(_params(inc.estimator_), _params(by_hand))
    np.testing.assert_array_equal(inc.predict(Xd).compute(), by_hand.predict(X))


def test_parallel_post_fit_predicts_dask_arrays_block_by_block():
    est = MLPClassifierScratch(hidden_layer_sizes=(8,), max_iter=30, random_state=0)
    post = ParallelPostFit(est).fit(X, Y)
    Xd = da.from_array(X, chunks=100)
    predicted = post.predict(Xd)
    assert isinstance(predicted, da.Array) and predicted.numblocks[0] == 12
    np.testing.assert_array_equal(predicted.compute(), post.estimator.predict(X))
    np.testing.assert_allclose(post.predict_proba(Xd).compute(), post.estimator.predict_proba(X), rtol=1e-12)


# ----------------------------------------------------------------------------
# The example
# ----------------------------------------------------------------------------
@pytest.mark.slow
def test_the_grid_search_example_runs_as_a_script(tmp_path):
    """examples/plot_dask_grid_search.py starts its own cluster, searches, compares and closes it."""
    script = Path(__file__).resolve().parents[1] / "examples" / "plot_dask_grid_search.py"
    root = str(script.parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    run = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "workers: 2" in run.stdout
    assert "same best parameters: True, same scores: True" in run.stdout
