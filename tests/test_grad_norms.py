"""monitor_gradients: the recorded norms against the gradient and the steps, and nothing when off."""

import copy
import warnings

import matplotlib
import numpy as np
import pytest
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning

from sklearn_nn import LogisticRegressionGD, MLPClassifierScratch, MLPRegressorScratch, SoftmaxRegressionGD
from sklearn_nn.inspection import gradients
from sklearn_nn.stream import fit_stream

matplotlib.use("Agg")

X, Y = make_classification(n_samples=120, n_features=6, n_informative=4, n_classes=3, random_state=0)


def _weights(est):
    return [W.copy() for W in est.coefs_]


def _norms(arrays):
    return [float(np.linalg.norm(a)) for a in arrays]


@pytest.mark.parametrize(
    "est",
    [
        MLPClassifierScratch(
            hidden_layer_sizes=(5, 4), solver="sgd", momentum=0.0, alpha=0.3, batch_size=120
        ),
        MLPClassifierScratch(hidden_layer_sizes=(5,), solver="adam", alpha=0.3, batch_size="full"),
        SoftmaxRegressionGD(alpha=0.5),  # the default step rule: one iteration per epoch
        SoftmaxRegressionGD(alpha=0.5, learning_rate="backtracking", momentum=0.9),  # FISTA
        LogisticRegressionGD(alpha=0.5, solver="lbfgs"),
    ],
    ids=["sgd", "adam", "barzilai_borwein", "fista", "lbfgs"],
)
def test_one_update_per_epoch_records_the_gradient_and_the_step(est):
    """A full batch: one update per epoch, recorded as ||dJ/dW|| at its start and ||dW|| / ||W||."""
    est = est.set_params(monitor_gradients=True, random_state=0, max_iter=1, warm_start=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, Y)
        for _ in range(3):
            start, grad = _weights(est), gradients(est, X, Y)[0]
            est.fit(X, Y)
            moved = [W - W0 for W, W0 in zip(est.coefs_, start)]
            np.testing.assert_allclose(est.history_["grad_norm"][-1], _norms(grad), rtol=1e-9)
            ratio = np.array(_norms(moved)) / _norms(est.coefs_)
            np.testing.assert_allclose(est.history_["update_ratio"][-1], ratio, rtol=1e-9)
    assert len(est.history_["grad_norm"]) == len(est.history_["loss"])


def test_the_records_are_means_over_the_epoch_s_updates():
    """Plain SGD on three batches, replayed by hand: the means of the three gradient and step norms."""
    lr, y = 0.05, X[:, 0] - X[:, 1]
    est = MLPRegressorScratch(hidden_layer_sizes=(4,), solver="sgd", momentum=0.0, alpha=0.0, batch_size=40,
                              learning_rate_init=lr, shuffle=False, random_state=0,
                              monitor_gradients=True)  # fmt: skip
    est.partial_fit(X, y)  # epoch 1
    replay = copy.deepcopy(est)
    grad_norms, step_norms = [], []
    for rows in (slice(0, 40), slice(40, 80), slice(80, 120)):
        coef_grads, intercept_grads = gradients(replay, X[rows], y[rows])
        grad_norms.append(_norms(coef_grads))
        step_norms.append(_norms([lr * g for g in coef_grads]))
        for W, g in zip(replay.coefs_ + replay.intercepts_, coef_grads + intercept_grads):
            W -= lr * g
    est.partial_fit(X, y)  # epoch 2: the same three updates
    for a, b in zip(est.coefs_, replay.coefs_):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(est.history_["grad_norm"][1], np.mean(grad_norms, axis=0), rtol=1e-9)
    ratio = np.mean(step_norms, axis=0) / _norms(est.coefs_)
    np.testing.assert_allclose(est.history_["update_ratio"][1], ratio, rtol=1e-9)


def test_a_logistic_six_layer_network_s_gradients_fall_toward_the_input():
    X, y = load_digits(return_X_y=True)
    est = MLPClassifierScratch(hidden_layer_sizes=(32,) * 5, activation="logistic", solver="sgd",
                               learning_rate_init=0.1, max_iter=5, random_state=0,
                               monitor_gradients=True)  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X / 16, y)
    for norms in est.history_["grad_norm"]:
        assert np.all(np.diff(norms) > 0), norms  # each layer's below the next one's
    assert norms[0] < 1e-2 * norms[-1]


@pytest.mark.parametrize(
    "make",
    [
        lambda: MLPClassifierScratch(hidden_layer_sizes=(5,), solver="adam", dropout=0.2, clip_grad_norm=1.0),
        lambda: MLPClassifierScratch(hidden_layer_sizes=(5,), solver="adam", alpha=0.5),
        lambda: MLPRegressorScratch(hidden_layer_sizes=(5,), solver="rmsprop", alpha=0.5),
        lambda: MLPClassifierScratch(hidden_layer_sizes=(5,), solver="sgd", alpha=0.5, l1_ratio=0.3),
        lambda: MLPClassifierScratch(hidden_layer_sizes=(5,), solver="adamw", alpha=0.5),
        lambda: SoftmaxRegressionGD(),
        lambda: MLPClassifierScratch(hidden_layer_sizes=(5,), solver="lbfgs"),
    ],
    ids=[
        "adam-clipped",
        "adam-penalty",
        "rmsprop-penalty",
        "sgd-elastic-net",
        "adamw",
        "barzilai_borwein",
        "lbfgs",
    ],
)
def test_monitoring_changes_no_bit_of_training(make):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        y = X[:, 0] if isinstance(make(), MLPRegressorScratch) else Y
        off = make().set_params(random_state=0, max_iter=8).fit(X, y)
        on = make().set_params(random_state=0, max_iter=8, monitor_gradients=True).fit(X, y)
    for a, b in zip(off.coefs_ + off.intercepts_, on.coefs_ + on.intercepts_):
        np.testing.assert_array_equal(a, b)
    assert off.history_["loss"] == on.history_["loss"] and off.n_fun_evals_ == on.n_fun_evals_
    assert "grad_norm" not in off.history_ and len(on.history_["grad_norm"]) == on.n_iter_


def test_turned_on_later_the_earlier_epochs_are_nan_and_fit_stream_records_too():
    est = MLPClassifierScratch(hidden_layer_sizes=(5,), max_iter=3, random_state=0, warm_start=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, Y)
        est.set_params(monitor_gradients=True).fit(X, Y)
    records = np.array(est.history_["grad_norm"])
    assert records.shape == (6, 2) and np.isnan(records[:3]).all() and np.isfinite(records[3:]).all()
    streamed = MLPClassifierScratch(
        hidden_layer_sizes=(5,), batch_size=20, random_state=0, monitor_gradients=True
    )
    fit_stream(streamed, [(X[:60], Y[:60]), (X[60:], Y[60:])], epochs=2, classes=[0, 1, 2])
    assert np.array(streamed.history_["update_ratio"]).shape == (2, 2)


def test_loss_curve_display_draws_one_line_per_layer_on_log_scales():
    import matplotlib.pyplot as plt

    from sklearn_nn.plot import LossCurveDisplay

    est = MLPClassifierScratch(hidden_layer_sizes=(6, 5), max_iter=4, random_state=0, monitor_gradients=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, Y)
    display = LossCurveDisplay.from_estimator(est)
    assert display.gradient_ax_.get_yscale() == "log" and display.update_ratio_ax_.get_yscale() == "log"
    assert len(display.grad_norm_lines_) == len(display.update_ratio_lines_) == 3
    np.testing.assert_array_equal(
        display.grad_norm_lines_[0].get_ydata(), np.array(est.history_["grad_norm"])[:, 0]
    )
    labels = [t.get_text() for t in display.gradient_ax_.get_legend().get_texts()]
    assert labels == ["layer 1 (input)", "layer 2", "layer 3 (output)"]
    plt.close(display.figure_)
    with pytest.raises(ValueError, match=r"2 panels \(a loss panel, a gradient panel\)"):
        fig, ax = plt.subplots()
        LossCurveDisplay.from_estimator(est, ax=ax)
    plt.close("all")
    with pytest.raises(ValueError, match=r"grad_norm must have shape \(n_epochs=2, n_layers\)"):
        LossCurveDisplay(loss=[1.0, 0.5], grad_norm=[[1.0, 2.0]]).plot()
    plt.close("all")
