"""Reliability: determinism, persistence and concurrency.

The same random_state gives the same bits; the spellings of one batch size
give the same bits; a pickled or joblib-dumped model predicts and trains on
exactly as the original; a clone is unfitted with the same parameters; and
predictions from many threads, or a grid search on several processes, equal
the serial ones.
"""

import pickle
import warnings
from concurrent.futures import ThreadPoolExecutor

import joblib
import numpy as np
import pytest
from _reliability_helpers import (
    CLASSIFIERS,
    ESTIMATORS,
    MLPS,
    X_DET,
    Y_DET,
    assert_same,
    det_estimator,
    det_targets,
    fitted_state,
    predictions,
)
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV

from sklearn_nn import MLPClassifierScratch

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


# ----------------------------------------------------------------------------
# Determinism and persistence
# ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "settings",
    [dict(solver="sgd"), dict(solver="adam"), dict(solver="lbfgs"), dict(solver="adam", early_stopping=True)],
    ids=["sgd", "adam", "lbfgs", "es"],
)
@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_same_random_state_same_bits(name, settings):
    if name in MLPS:
        settings = dict(settings, batch_size=32)
    a = det_estimator(name, **settings).fit(X_DET, det_targets(name))
    b = det_estimator(name, **settings).fit(X_DET, det_targets(name))
    assert_same(fitted_state(a), fitted_state(b), "fitted")


@pytest.mark.parametrize(
    ("spelling", "same_as"),
    [("auto", 200), ("full", 250), (10_000, "full")],
    ids=["auto=200", "full=n", "big=full"],
)
@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_batch_size_spellings_give_the_same_bits(name, spelling, same_as):
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Got `batch_size`", category=UserWarning)
        a = det_estimator(name, solver="adam", batch_size=spelling).fit(X_DET, det_targets(name))
        b = det_estimator(name, solver="adam", batch_size=same_as).fit(X_DET, det_targets(name))
    assert len(a.loss_curve_) > 1
    assert_same(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_)
    assert_same(a.loss_curve_, b.loss_curve_)


def test_batch_larger_than_the_data_warns_that_it_is_clipped():
    with pytest.warns(UserWarning, match="Got `batch_size` less than 1 or larger than sample size"):
        MLPClassifierScratch(hidden_layer_sizes=(3,), batch_size=1000, max_iter=2).fit(X_DET, Y_DET)


def round_trip(est, how, tmp_path):
    """A copy of ``est`` through pickle in memory or through a joblib file."""
    if how == "pickle":
        return pickle.loads(pickle.dumps(est))
    path = tmp_path / "model.joblib"
    joblib.dump(est, path)
    return joblib.load(path)


@pytest.mark.parametrize("how", ["pickle", "joblib"])
@pytest.mark.parametrize("stage", ["fitted", "mid-partial_fit"])
@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_round_trip_predicts_and_trains_on_identically(name, stage, how, tmp_path):
    y = det_targets(name)
    est = det_estimator(name, solver="adam", batch_size=64)
    if stage == "fitted":
        est.fit(X_DET, y)
    else:
        kwargs = {"classes": np.unique(y)} if name in CLASSIFIERS else {}
        est.partial_fit(X_DET[:120], y[:120], **kwargs)
    copy_ = round_trip(est, how, tmp_path)
    assert_same(predictions(copy_, X_DET), predictions(est, X_DET))
    assert_same(fitted_state(copy_), fitted_state(est))
    est.partial_fit(X_DET, y)
    copy_.partial_fit(X_DET, y)
    assert_same(fitted_state(copy_), fitted_state(est))
    assert_same(predictions(copy_, X_DET), predictions(est, X_DET))


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_lbfgs_round_trip_resumes_identically(name, tmp_path):
    y = det_targets(name)
    est = det_estimator(name, solver="lbfgs", warm_start=True, max_iter=5).fit(X_DET, y)
    copy_ = round_trip(est, "joblib", tmp_path)
    est.fit(X_DET, y)
    copy_.fit(X_DET, y)
    assert_same(fitted_state(copy_), fitted_state(est))


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_clone_is_unfitted_with_the_same_params(name):
    est = det_estimator(name, alpha=0.3).fit(X_DET, det_targets(name))
    twin = clone(est)
    assert twin.get_params() == est.get_params()
    assert not [k for k in vars(twin) if k.endswith("_")]
    assert_same(fitted_state(twin.fit(X_DET, det_targets(name))), fitted_state(est))


# ----------------------------------------------------------------------------
# Concurrency
# ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_predictions_from_many_threads_equal_serial_ones(name):
    est = det_estimator(name).fit(X_DET, det_targets(name))
    chunks = [X_DET[i % 5 :: 5] for i in range(20)]
    serial = [predictions(est, chunk) for chunk in chunks]
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(8):
            threaded = list(pool.map(lambda chunk: predictions(est, chunk), chunks))
            for a, b in zip(threaded, serial):
                assert_same(a, b)


@pytest.mark.slow
def test_grid_search_in_parallel_equals_serial():
    grid = {"alpha": [1e-4, 1.0], "hidden_layer_sizes": [(4,), (8,)]}
    est = MLPClassifierScratch(max_iter=30, learning_rate_init=0.01, random_state=0)
    serial = GridSearchCV(est, grid, cv=3).fit(X_DET, Y_DET)
    parallel = GridSearchCV(est, grid, cv=3, n_jobs=2).fit(X_DET, Y_DET)
    assert parallel.best_params_ == serial.best_params_
    for key in ("mean_test_score", "std_test_score", "split0_test_score", "rank_test_score"):
        np.testing.assert_array_equal(parallel.cv_results_[key], serial.cv_results_[key])
