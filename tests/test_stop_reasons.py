"""stop_reason_: why the last call stopped, for every way a call can end."""

import re
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning

from sklearn_nn import LogisticRegressionGD, MLPClassifierScratch, MLPRegressorScratch, SoftmaxRegressionGD
from sklearn_nn._training import STOP_REASONS
from sklearn_nn.stream import fit_stream

X, Y = load_iris(return_X_y=True)
X = (X - X.mean(0)) / X.std(0)


def test_patience_on_the_training_loss_is_tol():
    est = SoftmaxRegressionGD(learning_rate="constant", tol=1e9, n_iter_no_change=3).fit(X, Y)
    assert est.stop_reason_ == "tol" and est.n_iter_ == 5
    # The default step rule has no patience: its tol bounds the gradient, at most 1e9 after one iteration.
    est = SoftmaxRegressionGD(tol=1e9, n_iter_no_change=3).fit(X, Y)
    assert est.stop_reason_ == "tol" and est.n_iter_ == 1


def test_patience_on_the_validation_score_is_early_stopping():
    est = MLPClassifierScratch(hidden_layer_sizes=(5,), early_stopping=True, tol=1e9, n_iter_no_change=2)
    est.set_params(random_state=0).fit(X, Y)
    assert est.stop_reason_ == "early_stopping" and est.n_iter_ == 4


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_running_out_of_epochs_is_max_iter(solver):
    est = SoftmaxRegressionGD(solver=solver, max_iter=2, tol=0.0)
    with pytest.warns(ConvergenceWarning):
        est.fit(X, Y)
    assert est.stop_reason_ == "max_iter" and est.n_iter_ == 2


def test_lbfgs_at_its_tolerance_is_tol_and_out_of_evaluations_is_max_fun():
    assert SoftmaxRegressionGD(solver="lbfgs", tol=1e-4).fit(X, Y).stop_reason_ == "tol"
    est = SoftmaxRegressionGD(solver="lbfgs", max_fun=3, tol=0.0)
    with pytest.warns(ConvergenceWarning):
        est.fit(X, Y)
    assert est.stop_reason_ == "max_fun"


def test_partial_fit_and_fit_stream_run_their_epochs():
    est = SoftmaxRegressionGD().partial_fit(X, Y, classes=np.unique(Y))
    assert est.stop_reason_ == "epochs" and est.n_iter_ == 1
    # One step per chunk: a schedule (the default step rule needs full batches).
    est = fit_stream(
        SoftmaxRegressionGD(learning_rate="constant", tol=1e-8),
        (X, Y),
        chunk_size=50,
        epochs=3,
        classes=np.unique(Y),
    )
    assert est.stop_reason_ == "epochs" and est.n_iter_ == 3


def test_divergence_is_diverged():
    est = MLPRegressorScratch(hidden_layer_sizes=(8,), solver="sgd", learning_rate_init=10.0, momentum=0.0)
    with pytest.raises(ValueError, match="diverged"):
        est.set_params(random_state=0).fit(X * 1e3, np.abs(Y) * 1e3)
    assert est.stop_reason_ == "diverged"


def test_an_interrupting_schedule_is_interrupted():
    def schedule(k):
        if k == 5:
            raise KeyboardInterrupt
        return 0.1

    est = LogisticRegressionGD(learning_rate=schedule)
    with pytest.warns(UserWarning, match="interrupted"):
        est.fit(X, Y)
    assert est.stop_reason_ == "interrupted" and est.n_iter_ == 5


def test_every_reason_is_documented():
    doc = SoftmaxRegressionGD.__doc__
    for reason in STOP_REASONS:
        assert f"``'{reason}'``" in doc
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert SoftmaxRegressionGD().fit(X, Y).stop_reason_ in STOP_REASONS


def test_best_loss_is_none_when_early_stopping_watches_a_score_as_in_scikit_learn():
    from sklearn.neural_network import MLPClassifier

    X, y = load_iris(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = MLPClassifierScratch(early_stopping=True, max_iter=30, random_state=0).fit(X, y)
        theirs = MLPClassifier(early_stopping=True, max_iter=30, random_state=0).fit(X, y)
        plain = MLPClassifierScratch(max_iter=30, random_state=0).fit(X, y, X_val=X[:20], y_val=y[:20])
    assert ours.best_loss_ is None and theirs.best_loss_ is None
    assert ours.best_validation_score_ == max(ours.validation_scores_)
    assert plain.best_loss_ == min(plain.loss_curve_)  # a validation set without early stopping


@pytest.mark.parametrize("labels", [np.array(["cat", "dog"]), np.array([True, False]), np.array([7, 3])])
def test_a_class_too_small_to_stratify_is_named_by_the_user_s_label(labels):
    X = np.random.RandomState(0).randn(30, 3)
    y = labels[np.r_[0, np.ones(29, dtype=int)]]
    with pytest.raises(
        ValueError, match=re.escape(f"Classes with too few members are: {labels[:1].tolist()}")
    ):
        MLPClassifierScratch(early_stopping=True, max_iter=5).fit(X, y)
