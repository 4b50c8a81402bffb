"""The training loop: early stopping, validation sets, records, divergence, resuming."""

import pickle
import signal
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.utils.class_weight import compute_sample_weight

from sklearn_nn import LogisticRegressionGD, MLPClassifierScratch, MLPRegressorScratch, SoftmaxRegressionGD

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _digits():
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    return train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)


X_TR, X_VA, Y_TR, Y_VA = _digits()
X_BC, Y_BC = load_breast_cancer(return_X_y=True)
X_BC = StandardScaler().fit_transform(X_BC)
X_IRIS, Y_IRIS = load_iris(return_X_y=True)
X_IRIS = StandardScaler().fit_transform(X_IRIS)


def penalty(est, n):
    return est.alpha / (2 * n) * sum((W**2).sum() for W in est.coefs_)


# ----------------------------------------------------------------------------
# Early stopping and validation sets
# ----------------------------------------------------------------------------
def test_restore_best_weights_gives_the_best_validation_score():
    est = MLPClassifierScratch(
        hidden_layer_sizes=(30,),
        learning_rate_init=0.02,
        early_stopping=True,
        n_iter_no_change=5,
        max_iter=200,
        random_state=0,
    ).fit(X_TR, Y_TR, X_val=X_VA, y_val=Y_VA)
    assert est.best_validation_score_ == max(est.validation_scores_)
    assert est.score(X_VA, Y_VA) == est.best_validation_score_
    assert est.best_epoch_ == int(np.argmax(est.validation_scores_)) + 1
    assert est.n_iter_ < 200  # it stopped early


def test_without_restore_the_last_epoch_is_kept():
    est = MLPClassifierScratch(
        hidden_layer_sizes=(30,),
        learning_rate_init=0.05,
        early_stopping=True,
        n_iter_no_change=3,
        restore_best_weights=False,
        random_state=0,
    ).fit(X_TR, Y_TR, X_val=X_VA, y_val=Y_VA)
    assert est.score(X_VA, Y_VA) == est.validation_scores_[-1]


def test_explicit_validation_set_is_used_and_nothing_is_split():
    est = MLPClassifierScratch(hidden_layer_sizes=(20,), early_stopping=True, max_iter=15, random_state=0)
    est.fit(X_TR, Y_TR, X_val=X_VA, y_val=Y_VA)
    assert est.t_ == est.n_iter_ * len(Y_TR)  # every training row was used in every epoch
    assert len(est.validation_scores_) == est.n_iter_
    # The recorded scores are the accuracy on X_val: check the restored epoch.
    assert est.best_validation_score_ == pytest.approx(est.score(X_VA, Y_VA))


def test_validation_fraction_split_is_stratified_and_weighted():
    sw = np.where(Y_TR == 3, 3.0, 1.0)
    est = MLPClassifierScratch(
        hidden_layer_sizes=(10,), early_stopping=True, validation_fraction=0.2, max_iter=3, random_state=0
    ).fit(X_TR, Y_TR, sample_weight=sw)
    n_val = int(np.ceil(0.2 * len(Y_TR)))
    assert est.t_ == est.n_iter_ * (len(Y_TR) - n_val)


def test_validation_set_without_early_stopping_is_recorded_only():
    est = MLPClassifierScratch(
        hidden_layer_sizes=(20,), max_iter=8, tol=0, n_iter_no_change=100, random_state=0
    )
    est.fit(X_TR, Y_TR, X_val=X_VA, y_val=Y_VA)
    assert est.n_iter_ == 8 and len(est.validation_loss_curve_) == 8
    assert est.validation_scores_[-1] == pytest.approx(est.score(X_VA, Y_VA))


def test_scoring_loss_stops_on_validation_loss():
    patience = 4
    est = MLPClassifierScratch(
        hidden_layer_sizes=(50,),
        learning_rate_init=0.05,
        alpha=1e-5,
        early_stopping=True,
        scoring="loss",
        n_iter_no_change=patience,
        tol=0.0,
        max_iter=300,
        random_state=0,
    ).fit(X_TR, Y_TR, X_val=X_VA, y_val=Y_VA)
    val_loss = np.asarray(est.validation_loss_curve_)
    np.testing.assert_allclose(est.validation_scores_, -val_loss)
    best = int(np.argmin(val_loss))
    assert est.n_iter_ == best + 1 + patience + 1  # stopped once patience was exceeded
    # The restored parameters have the smallest validation objective, recomputed here.
    recomputed = log_loss(Y_VA, est.predict_proba(X_VA)) + penalty(est, len(Y_TR))
    assert recomputed == pytest.approx(val_loss.min(), rel=1e-9)


def test_scorer_name():
    est = MLPClassifierScratch(
        hidden_layer_sizes=(20,), early_stopping=True, scoring="neg_log_loss", max_iter=10, random_state=0
    ).fit(X_TR, Y_TR, X_val=X_VA, y_val=Y_VA)
    assert est.best_validation_score_ == pytest.approx(-log_loss(Y_VA, est.predict_proba(X_VA)))


def test_validation_sample_weights_are_used():
    swv = np.where(Y_VA == 0, 0.0, 1.0)
    est = MLPClassifierScratch(hidden_layer_sizes=(20,), max_iter=5, random_state=0)
    est.fit(X_TR, Y_TR, X_val=X_VA, y_val=Y_VA, sample_weight_val=swv)
    mask = Y_VA != 0
    assert est.validation_scores_[-1] == pytest.approx(est.score(X_VA[mask], Y_VA[mask]))


def test_x_val_needs_y_val():
    with pytest.raises(ValueError, match="X_val and y_val"):
        MLPClassifierScratch().fit(X_TR, Y_TR, X_val=X_VA)


# ----------------------------------------------------------------------------
# Records
# ----------------------------------------------------------------------------
def test_history_records_every_epoch():
    est = MLPClassifierScratch(
        hidden_layer_sizes=(10,),
        solver="sgd",
        learning_rate="step",
        decay_rate=0.5,
        decay_steps=7,
        batch_size=200,
        max_iter=6,
        tol=0,
        n_iter_no_change=100,
        random_state=0,
    ).fit(X_TR, Y_TR)
    h = est.history_
    assert set(h) == {"loss", "val_loss", "val_score", "learning_rate", "time"}
    assert all(len(v) == 6 for v in h.values())
    updates_per_epoch = int(np.ceil(len(Y_TR) / 200))
    expected = [0.001 * 0.5 ** ((e * updates_per_epoch) // 7) for e in range(6)]
    np.testing.assert_allclose(h["learning_rate"], expected)
    assert np.all(np.diff(h["time"]) >= 0)
    assert h["loss"] is est.loss_curve_ and est.loss_ == h["loss"][-1]
    assert np.all(np.isnan(h["val_loss"])) and est.validation_scores_ is None


@pytest.mark.parametrize("solver", ["sgd", "lbfgs"])
def test_history_time_is_elapsed_wall_time(solver):
    """history_['time'] is the time since the start of training, continued by partial_fit."""
    import time

    est = MLPClassifierScratch(hidden_layer_sizes=(10,), solver=solver, max_iter=30, tol=0, random_state=0)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X_TR, Y_TR)
    elapsed = time.perf_counter() - start
    times = np.asarray(est.history_["time"])
    assert np.all(np.diff(times) > 0)
    assert times[-1] <= elapsed
    # Every epoch costs about the same: the record is the clock, not a running sum of clocks.
    assert times[-1] < 0.5 * len(times) * elapsed
    if solver == "sgd":
        before = time.perf_counter()
        est.partial_fit(X_TR, Y_TR)
        assert times[-1] < est.history_["time"][-1] <= times[-1] + (time.perf_counter() - before)


def test_minibatch_loss_is_the_objective_at_the_start():
    """With a negligible rate the parameters stay put, so every batch estimate
    averages to the full-data objective J at the initial parameters."""
    est = MLPClassifierScratch(
        hidden_layer_sizes=(10,),
        batch_size=64,
        learning_rate=lambda k: 1e-300,
        alpha=0.5,
        max_iter=1,
        random_state=0,
    ).fit(X_TR, Y_TR)
    J = log_loss(Y_TR, est.predict_proba(X_TR)) + penalty(est, len(Y_TR))
    assert est.loss_ == pytest.approx(J, rel=1e-10)


def test_minibatch_loss_adds_the_penalty_of_the_epoch_start():
    """Each batch objective is its data loss plus the penalty where the epoch began.

    A linear model starts at zero weights, so the first epoch's penalty is 0
    although the weights have moved by the second batch. Two batches of
    plain SGD are worked out by hand.
    """
    X, y = X_BC[:200], Y_BC[:200]
    lr, alpha, n = 0.5, 5.0, 200
    settings = dict(
        solver="sgd",
        learning_rate="constant",
        tol=1e-8,
        momentum=0.0,
        batch_size=100,
        shuffle=False,
        max_iter=1,
    )
    est = LogisticRegressionGD(learning_rate_init=lr, alpha=alpha, **settings).fit(X, y)
    Xa, ya, Xb, yb = X[:100], y[:100], X[100:], y[100:]
    # At zero the sigmoid is 1/2 everywhere: the first batch's loss is log 2 and its gradient
    # (s - y) x averaged; the penalty's gradient is zero there too.
    w = -lr * (Xa.T @ (0.5 - ya)) / 100
    b = -lr * np.mean(0.5 - ya)
    z = Xb @ w + b
    second = np.mean(np.logaddexp(0.0, z) - yb * z)
    assert est.loss_curve_[0] == pytest.approx((np.log(2) + second) / 2, rel=1e-12)
    # The second update shrinks the weights by 1 - lr * alpha / n and steps along the data gradient.
    s = 1.0 / (1.0 + np.exp(-z))
    w_final = (1 - lr * alpha / n) * w - lr * (Xb.T @ (s - yb)) / 100
    np.testing.assert_allclose(est.coef_.ravel(), w_final, rtol=1e-12)


def test_verbose_prints_one_line_per_epoch(capsys):
    MLPClassifierScratch(hidden_layer_sizes=(5,), max_iter=3, verbose=True, random_state=0).fit(
        X_TR, Y_TR, X_val=X_VA, y_val=Y_VA
    )
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("Iteration")]
    assert len(lines) == 3 and lines[0].startswith("Iteration 1, loss = ")
    assert "validation loss" in lines[0] and "validation score" in lines[0]


def test_convergence_warning_and_stopping_rule():
    with pytest.warns(ConvergenceWarning, match="Maximum iterations"):
        MLPClassifierScratch(hidden_layer_sizes=(5,), max_iter=2, random_state=0).fit(X_TR, Y_TR)
    est = MLPClassifierScratch(hidden_layer_sizes=(5,), tol=10.0, n_iter_no_change=3, random_state=0)
    est.fit(X_TR, Y_TR)
    # The first epoch improves on -inf; after it, more than n_iter_no_change epochs
    # without an improvement of tol stop training (scikit-learn's rule).
    assert est.n_iter_ == 1 + 3 + 1


def test_adaptive_rate_is_divided_by_five_on_plateaus():
    est = MLPClassifierScratch(
        hidden_layer_sizes=(5,),
        solver="sgd",
        learning_rate="adaptive",
        learning_rate_init=0.01,
        tol=10.0,
        n_iter_no_change=2,
        max_iter=12,
        random_state=0,
    ).fit(X_TR, Y_TR)
    rates = est.history_["learning_rate"]
    # Epoch 1 improves; epochs 2-4 do not (3 > n_iter_no_change): the rate is cut
    # from epoch 5 on, and again three epochs later.
    assert rates[:4] == [0.01] * 4 and rates[4] == pytest.approx(0.002) and rates[7] == pytest.approx(0.0004)


# ----------------------------------------------------------------------------
# Divergence
# ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "settings",
    [
        dict(solver="sgd", batch_size="full"),
        dict(solver="sgd", batch_size=1),
        dict(solver="sgd", batch_size=32),
        dict(solver="adam", batch_size=32, loss="poisson"),
    ],
    ids=["sgd-full", "sgd-1", "sgd-32", "adam-32"],
)
def test_divergence_raises_and_keeps_finite_parameters(settings):
    X, y = make_regression(200, 5, noise=1.0, random_state=0)
    X, y = X * 1e3, np.abs(y)
    est = MLPRegressorScratch(
        hidden_layer_sizes=(8,), learning_rate_init=10.0, momentum=0.0, random_state=0, **settings
    )
    with pytest.raises(ValueError, match="learning_rate_init.*scale the input"):
        est.fit(X, y)
    assert all(np.isfinite(W).all() for W in est.coefs_ + est.intercepts_)
    assert np.isfinite(est.predict(X[:5])).all()
    assert all(np.isfinite(est.loss_curve_))


def test_divergence_with_early_stopping_restores_the_best_epoch():
    rates = iter([1e-3] * 40 + [1e6] * 1000)
    est = MLPClassifierScratch(
        hidden_layer_sizes=(10,),
        solver="sgd",
        momentum=0.0,
        batch_size="full",
        learning_rate=lambda k: next(rates),
        early_stopping=True,
        n_iter_no_change=100,
        random_state=0,
    )
    with pytest.raises(ValueError, match="the optimization diverged.*best epoch"):
        est.fit(X_TR, Y_TR, X_val=X_VA, y_val=Y_VA)
    assert est.score(X_VA, Y_VA) == est.best_validation_score_


def test_linear_model_divergence_on_unscaled_data():
    X, y = load_breast_cancer(return_X_y=True)
    with pytest.raises(ValueError, match="StandardScaler"):
        LogisticRegressionGD(alpha=0.0, learning_rate="constant", tol=1e-8).fit(X * 1e200, y)


# ----------------------------------------------------------------------------
# Resuming: warm_start, partial_fit, pickling
# ----------------------------------------------------------------------------
def test_warm_start_continues_with_the_optimizer_state():
    kw = dict(hidden_layer_sizes=(10,), shuffle=False, tol=0, n_iter_no_change=1000, random_state=0)
    once = MLPClassifierScratch(max_iter=10, **kw).fit(X_TR, Y_TR)
    twice = MLPClassifierScratch(max_iter=5, warm_start=True, **kw).fit(X_TR, Y_TR).fit(X_TR, Y_TR)
    for a, b in zip(once.coefs_ + once.intercepts_, twice.coefs_ + twice.intercepts_):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    assert len(twice.loss_curve_) == 10 and twice.n_iter_ == 5 and twice.t_ == 10 * len(Y_TR)


def test_warm_start_rejects_new_classes():
    est = MLPClassifierScratch(hidden_layer_sizes=(5,), max_iter=2, warm_start=True).fit(X_TR, Y_TR)
    with pytest.raises(ValueError, match="warm_start can only be used"):
        est.fit(X_TR[Y_TR < 5], Y_TR[Y_TR < 5] + 20)


def test_partial_fit_runs_one_epoch_per_call():
    est = MLPClassifierScratch(hidden_layer_sizes=(10,), random_state=0)
    with pytest.raises(ValueError, match="classes must be passed"):
        est.partial_fit(X_TR, Y_TR)
    for _ in range(3):
        est.partial_fit(X_TR, Y_TR, classes=np.arange(10))
    assert est.n_iter_ == 1 and len(est.loss_curve_) == 3 and est.t_ == 3 * len(Y_TR)
    est.partial_fit(X_TR[Y_TR < 3], Y_TR[Y_TR < 3])  # a subset of the classes is fine
    with pytest.raises(ValueError, match="classes not in"):
        est.partial_fit(X_TR, Y_TR + 100)


def test_partial_fit_is_not_offered_by_lbfgs():
    assert not hasattr(MLPClassifierScratch(solver="lbfgs"), "partial_fit")
    assert hasattr(MLPRegressorScratch(solver="adam"), "partial_fit")


def test_partial_fit_rejects_early_stopping():
    with pytest.raises(ValueError, match="early_stopping"):
        MLPRegressorScratch(early_stopping=True).partial_fit(X_TR, Y_TR.astype(float))


def test_pickle_round_trip_predicts_and_resumes_identically():
    kw = dict(hidden_layer_sizes=(10,), max_iter=3, random_state=0, warm_start=True)
    a = MLPClassifierScratch(**kw).fit(X_TR, Y_TR)
    b = pickle.loads(pickle.dumps(a))
    np.testing.assert_array_equal(a.predict_proba(X_VA), b.predict_proba(X_VA))
    a.fit(X_TR, Y_TR)
    b.fit(X_TR, Y_TR)
    np.testing.assert_array_equal(a.predict_proba(X_VA), b.predict_proba(X_VA))
    b.coefs_[1][0, 0] += 1.0  # coefs_ are views of the trained parameters after unpickling
    assert hasattr(a, "coefs_") and hasattr(a, "intercepts_")  # pickling left the original whole

    assert not np.array_equal(a.predict_proba(X_VA), b.predict_proba(X_VA))


# ----------------------------------------------------------------------------
# Weights, dtypes, sparse input
# ----------------------------------------------------------------------------
def test_class_weight_multiplies_sample_weights():
    cw = {0: 3.0, 1: 0.5}
    a = LogisticRegressionGD(class_weight=cw).fit(X_BC, Y_BC)
    b = LogisticRegressionGD().fit(X_BC, Y_BC, sample_weight=np.where(Y_BC == 0, 3.0, 0.5))
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-12)
    c = SoftmaxRegressionGD(class_weight="balanced").fit(X_IRIS[:120], Y_IRIS[:120])
    d = SoftmaxRegressionGD().fit(
        X_IRIS[:120], Y_IRIS[:120], sample_weight=compute_sample_weight("balanced", Y_IRIS[:120])
    )
    np.testing.assert_allclose(c.coef_, d.coef_, rtol=1e-12)


def test_class_weight_on_the_mlp_shifts_predictions():
    y = (Y_TR == 0).astype(int)  # about 10% positives
    plain = MLPClassifierScratch(hidden_layer_sizes=(5,), alpha=1.0, max_iter=30, random_state=0).fit(X_TR, y)
    heavy = MLPClassifierScratch(
        hidden_layer_sizes=(5,), alpha=1.0, max_iter=30, random_state=0, class_weight={1: 20.0}
    ).fit(X_TR, y)
    assert heavy.predict_proba(X_VA)[:, 1].mean() > plain.predict_proba(X_VA)[:, 1].mean()


def test_unknown_class_weight_key():
    with pytest.raises(ValueError, match="class_weight names classes not in the data"):
        LogisticRegressionGD(class_weight={7: 2.0}).fit(X_BC, Y_BC)


def test_integer_weights_equal_repeated_rows():
    rng = np.random.RandomState(0)
    w = rng.randint(0, 4, size=len(Y_IRIS))
    a = SoftmaxRegressionGD().fit(X_IRIS, Y_IRIS, sample_weight=w)
    b = SoftmaxRegressionGD().fit(np.repeat(X_IRIS, w, axis=0), np.repeat(Y_IRIS, w))
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-7, atol=1e-9)


def test_float32_trains_and_predicts_in_float32():
    X32 = X_TR.astype(np.float32)
    est = MLPClassifierScratch(hidden_layer_sizes=(10,), max_iter=5, random_state=0).fit(X32, Y_TR)
    assert all(W.dtype == np.float32 for W in est.coefs_)
    assert est.predict_proba(X32).dtype == np.float32
    reg = MLPRegressorScratch(hidden_layer_sizes=(5,), max_iter=3).fit(X32, Y_TR.astype(np.float32))
    assert reg.predict(X32).dtype == np.float32


def test_sparse_input_matches_dense():
    # Sparse products equal the dense ones to rounding. A constant-rate path keeps the rounding
    # difference at its size, so 50 epochs agree to 1e-9; a Barzilai-Borwein path amplifies it
    # chaotically (digits: 2e-9 relative in coef_ after 50 iterations under one BLAS kernel), so the
    # default fits are compared where they are stable: at the optimum, both within ~1e-10 of J*.
    X = X_TR.copy()
    X[np.abs(X) < 0.5] = 0.0
    kw = dict(alpha=1.0, max_iter=50, learning_rate="constant", learning_rate_init=0.1)
    dense = SoftmaxRegressionGD(**kw).fit(X, Y_TR)
    dense_default = SoftmaxRegressionGD(alpha=1.0).fit(X, Y_TR)
    for fmt in (sp.csr_matrix, sp.csc_matrix, sp.csr_array):
        sparse = SoftmaxRegressionGD(**kw).fit(fmt(X), Y_TR)
        np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(sparse.predict_proba(fmt(X_VA)), dense.predict_proba(X_VA), rtol=1e-9)
        sparse_default = SoftmaxRegressionGD(alpha=1.0).fit(fmt(X), Y_TR)
        assert sparse_default.stop_reason_ == dense_default.stop_reason_ == "tol"
        assert sparse_default.loss_ == pytest.approx(dense_default.loss_, rel=1e-8)


def test_failed_fit_leaves_a_fitted_model_untouched():
    est = MLPClassifierScratch(hidden_layer_sizes=(5,), max_iter=3, random_state=0).fit(X_TR, Y_TR)
    before = [W.copy() for W in est.coefs_]
    state = dict(est.__dict__)
    with pytest.raises(ValueError):
        est.fit(X_TR[:, :10], np.full(len(Y_TR), 1))  # one class only
    with pytest.raises(ValueError):
        est.fit(X_TR, Y_TR, sample_weight=-np.ones(len(Y_TR)))
    assert est.__dict__.keys() == state.keys() and est.n_features_in_ == X_TR.shape[1]
    for a, b in zip(before, est.coefs_):
        np.testing.assert_array_equal(a, b)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est.predict(X_VA)


# ----------------------------------------------------------------------------
# Interruption and warm-start settings
# ----------------------------------------------------------------------------
def _interrupting_schedule(at, how):
    def schedule(k):
        if k == at:
            if how == "raise":
                raise KeyboardInterrupt
            signal.raise_signal(signal.SIGINT)  # as Ctrl-C would, in the middle of an epoch
        return 0.01

    return schedule


@pytest.mark.parametrize("how", ["raise", "signal"])
@pytest.mark.usefixtures("default_sigint_handler")
def test_interrupt_keeps_a_consistent_model(how):
    updates_per_epoch = int(np.ceil(len(Y_TR) / 200))
    est = MLPClassifierScratch(
        hidden_layer_sizes=(10,),
        learning_rate=_interrupting_schedule(3 * updates_per_epoch + 1, how),
        max_iter=50,
        random_state=0,
    )
    with pytest.warns(UserWarning, match="interrupted"):
        est.fit(X_TR, Y_TR)
    assert est.n_iter_ == 3 and len(est.loss_curve_) == 3  # the unfinished epoch is not recorded
    assert all(np.isfinite(W).all() for W in est.coefs_)
    assert est.score(X_VA, Y_VA) > 0.5
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handler restored


def test_interrupt_with_early_stopping_restores_the_best_epoch():
    est = MLPClassifierScratch(
        hidden_layer_sizes=(10,),
        learning_rate=_interrupting_schedule(40, "raise"),
        early_stopping=True,
        random_state=0,
    )
    with pytest.warns(UserWarning, match="interrupted"):
        est.fit(X_TR, Y_TR, X_val=X_VA, y_val=Y_VA)
    assert est.score(X_VA, Y_VA) == est.best_validation_score_


def test_lbfgs_loss_is_the_objective_at_the_solution():
    est = MLPClassifierScratch(
        hidden_layer_sizes=(10,), solver="lbfgs", alpha=0.3, max_iter=30, random_state=0
    )
    est.fit(X_TR, Y_TR)
    J = log_loss(Y_TR, est.predict_proba(X_TR)) + penalty(est, len(Y_TR))
    assert est.loss_ == pytest.approx(J, rel=1e-9)
    assert len(est.loss_curve_) == est.n_iter_


def test_warm_start_uses_changed_settings_and_restarts_cosine():
    est = MLPClassifierScratch(
        hidden_layer_sizes=(10,),
        solver="sgd",
        learning_rate="cosine",
        learning_rate_init=0.1,
        max_iter=4,
        warm_start=True,
        tol=0,
        n_iter_no_change=100,
        random_state=0,
    ).fit(X_TR, Y_TR)
    first = list(est.history_["learning_rate"])
    assert first[0] == pytest.approx(0.1) and first[-1] < 0.1
    est.set_params(learning_rate_init=0.02).fit(X_TR, Y_TR)
    assert est.history_["learning_rate"][4] == pytest.approx(0.02)  # a new cycle from the new rate
    assert est.history_["learning_rate"][:4] == first


def test_diverging_partial_fit_leaves_the_model_as_it_was():
    X, y = make_regression(300, 5, noise=1.0, random_state=0)
    y = y / y.std()
    kw = dict(hidden_layer_sizes=(8,), learning_rate_init=0.01, random_state=0)
    a, b = MLPRegressorScratch(**kw), MLPRegressorScratch(**kw)
    for est in (a, b):
        est.partial_fit(X, y)
        est.partial_fit(X, y)
    before = a.predict(X)
    X_bad = X.copy()
    X_bad[200:] *= 1e200  # the first batch updates the model, the second overflows
    a.set_params(shuffle=False)
    b.set_params(shuffle=False)
    with pytest.raises(ValueError, match="non-finite"):
        a.partial_fit(X_bad, y)
    np.testing.assert_array_equal(a.predict(X), before)
    # Parameters, Adam's moments and the update count are all back: training
    # goes on exactly as if the diverging call had not happened.
    a.partial_fit(X, y)
    b.partial_fit(X, y)
    np.testing.assert_array_equal(a.predict(X), b.predict(X))
    assert a.t_ == b.t_ and a.loss_curve_ == b.loss_curve_


@pytest.mark.usefixtures("default_sigint_handler")
def test_second_ctrl_c_returns_to_the_start_of_the_epoch():
    updates_per_epoch = int(np.ceil(len(Y_TR) / 200))

    def schedule(k):
        if k == 3 * updates_per_epoch + 1:
            signal.raise_signal(signal.SIGINT)  # deferred
            signal.raise_signal(signal.SIGINT)  # raises KeyboardInterrupt at once
        return 0.01

    kw = dict(hidden_layer_sizes=(10,), random_state=0)
    est = MLPClassifierScratch(learning_rate=schedule, max_iter=50, **kw)
    with pytest.warns(UserWarning, match="interrupted"):
        est.fit(X_TR, Y_TR)
    three_epochs = MLPClassifierScratch(learning_rate_init=0.01, max_iter=3, **kw).fit(X_TR, Y_TR)
    assert est.n_iter_ == 3
    for a, b in zip(est.coefs_ + est.intercepts_, three_epochs.coefs_ + three_epochs.intercepts_):
        np.testing.assert_array_equal(a, b)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
