"""scikit-learn's callback API: one fit task per fit, one subtask per epoch."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.preprocessing import StandardScaler

from sklearn_nn import LogisticRegressionGD, MLPClassifierScratch, MLPRegressorScratch, SoftmaxRegressionGD

callback = pytest.importorskip("sklearn.callback", reason="scikit-learn < 1.9 has no callback API")

X, Y = load_iris(return_X_y=True)
X = StandardScaler().fit_transform(X)


class Recorder:
    """Records every hook call; stops after ``stop_after`` epochs when given."""

    def __init__(self, stop_after=None):
        self.stop_after = stop_after
        self.calls = []

    def setup(self, estimator, context):
        self.calls.append(("setup", context.task_name))

    def teardown(self, estimator, context):
        self.calls.append(("teardown", context.task_name))

    def on_fit_task_begin(self, estimator, context, *, X=None, y=None, metadata=None):
        self.calls.append(("begin", context.task_name))

    def on_fit_task_end(self, estimator, context, *, X=None, y=None, metadata=None, fitted_estimator=None):
        self.calls.append(("end", context.task_name))
        self.last_epoch_model = fitted_estimator
        epochs = sum(1 for call in self.calls if call == ("end", "epoch"))
        return context.task_name == "epoch" and self.stop_after is not None and epochs >= self.stop_after

    def count(self, kind, task):
        return self.calls.count((kind, task))


def _fit(est, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(*args, **kwargs)


ESTIMATORS = [
    MLPClassifierScratch(hidden_layer_sizes=(5,), max_iter=7, tol=0, n_iter_no_change=100, random_state=0),
    LogisticRegressionGD(max_iter=7, tol=0, n_iter_no_change=100),
    SoftmaxRegressionGD(solver="adam", batch_size=16, max_iter=7, tol=0, n_iter_no_change=100),
    MLPRegressorScratch(hidden_layer_sizes=(5,), max_iter=7, tol=0, n_iter_no_change=100, random_state=0),
]


@pytest.mark.parametrize("est", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_one_fit_task_and_one_subtask_per_epoch(est):
    rec = Recorder()
    _fit(est.set_callbacks(rec), X, Y.astype(float) if "Regressor" in type(est).__name__ else Y)
    assert est.n_iter_ == 7
    assert rec.calls[0] == ("setup", "fit") and rec.calls[-1] == ("teardown", "fit")
    assert rec.count("begin", "fit") == rec.count("end", "fit") == 1
    assert rec.count("begin", "epoch") == rec.count("end", "epoch") == 7
    assert rec.calls[1] == ("begin", "fit") and rec.calls[-2] == ("end", "fit")


def test_the_epoch_model_predicts_with_that_epochs_parameters():
    """The fitted_estimator of an epoch is a copy that later epochs do not change."""
    snapshots = []

    class Keep(Recorder):
        def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
            if context.task_name == "epoch":
                snapshots.append((fitted_estimator, fitted_estimator.predict_proba(X)))

    est = MLPClassifierScratch(hidden_layer_sizes=(5,), max_iter=4, tol=0, random_state=0)
    _fit(est.set_callbacks(Keep()), X, Y)
    assert len(snapshots) == 4
    for model, proba in snapshots:
        np.testing.assert_array_equal(model.predict_proba(X), proba)  # unchanged by later epochs
    np.testing.assert_allclose(snapshots[-1][1], est.predict_proba(X), rtol=0, atol=0)
    assert not np.allclose(snapshots[0][1], snapshots[-1][1])


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_a_callback_can_stop_training(solver):
    rec = Recorder(stop_after=3)
    est = MLPClassifierScratch(hidden_layer_sizes=(5,), solver=solver, max_iter=50, tol=0, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # stopping on request is not a failure
        est.set_callbacks(rec).fit(X, Y)
    assert est.n_iter_ == 3 and est.stop_reason_ == "callback"
    assert len(est.loss_curve_) == 3
    assert rec.count("begin", "epoch") == rec.count("end", "epoch")


def test_lbfgs_iterations_are_epoch_tasks():
    rec = Recorder()
    est = MLPClassifierScratch(hidden_layer_sizes=(5,), solver="lbfgs", max_iter=15, random_state=0)
    _fit(est.set_callbacks(rec), X, Y)
    # One task per iteration, plus the one begun after the last iteration (closed empty).
    assert rec.count("end", "epoch") == est.n_iter_ + 1 == rec.count("begin", "epoch")


def test_partial_fit_is_one_fit_task_with_one_epoch():
    rec = Recorder()
    est = MLPClassifierScratch(hidden_layer_sizes=(5,), random_state=0).set_callbacks(rec)
    for _ in range(3):
        est.partial_fit(X, Y, classes=np.unique(Y))
    assert rec.count("begin", "fit") == rec.count("end", "fit") == 3
    assert rec.count("end", "epoch") == 3


def test_scoring_monitor_logs_the_score_of_every_epoch():
    monitor = callback.ScoringMonitor(scoring="accuracy")
    est = MLPClassifierScratch(hidden_layer_sizes=(5,), max_iter=6, tol=0, random_state=0)
    _fit(est.set_callbacks(monitor), X, Y)
    rows = monitor.get_logs().data
    epochs = [row for row in rows if row["task_name"] == "epoch"]
    assert [row["task_id"] for row in epochs] == list(range(6))
    assert epochs[-1]["accuracy"] == pytest.approx(est.score(X, Y))


def test_progress_bar_inside_grid_search():
    pytest.importorskip("rich", reason="sklearn.callback.ProgressBar needs rich")
    est = MLPClassifierScratch(hidden_layer_sizes=(5,), max_iter=5, random_state=0)
    search = GridSearchCV(est, {"alpha": [1e-4, 1e-2]}, cv=2).set_callbacks(callback.ProgressBar())
    _fit(search, X, Y)
    assert search.best_params_["alpha"] in (1e-4, 1e-2)


def test_no_callbacks_no_callback_state_left():
    est = _fit(MLPClassifierScratch(hidden_layer_sizes=(5,), max_iter=3, random_state=0), X, Y)
    assert not hasattr(est, "_callback_fit_ctx") and not hasattr(est, "_skl_callbacks")
