"""LossCurveDisplay draws exactly the estimator's records, in the right places."""

import sys
import warnings

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from sklearn.datasets import load_diabetes, load_iris  # noqa: E402
from sklearn.exceptions import ConvergenceWarning, NotFittedError  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402
from sklearn.pipeline import Pipeline, make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from sklearn_nn import (  # noqa: E402
    LogisticRegressionGD,
    MLPClassifierScratch,
    MLPRegressorScratch,
    SoftmaxRegressionGD,
)
from sklearn_nn.plot import LossCurveDisplay  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _diabetes():
    X, y = load_diabetes(return_X_y=True)
    return StandardScaler().fit_transform(X), (y - y.mean()) / y.std()


def _fit(estimator, data, **fit_params):
    X, y = data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return estimator.fit(X, y, **fit_params)


def _with_validation(estimator, data):
    """Fit on every other row, with the rest as an explicit validation set (no early stopping)."""
    X, y = data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return estimator.fit(X[::2], y[::2], X_val=X[1::2], y_val=y[1::2])


# One fitted model per situation, shared by the tests (fitting is the slow part).
FITTED = {}


def fitted(key):
    if key not in FITTED:
        FITTED[key] = {
            "early_stopping": lambda: _fit(
                MLPClassifierScratch(
                    (16,), learning_rate_init=0.01, early_stopping=True, n_iter_no_change=5, random_state=0
                ),
                _iris,
            ),
            "plain": lambda: _fit(MLPClassifierScratch((8,), max_iter=30, random_state=0), _iris),
            "schedule": lambda: _fit(
                SoftmaxRegressionGD(learning_rate="exponential", decay_steps=5, max_iter=40), _iris
            ),
            "lbfgs": lambda: _with_validation(LogisticRegressionGD(solver="lbfgs", max_iter=30), _iris),
            "regressor": lambda: _with_validation(
                MLPRegressorScratch(
                    hidden_layer_sizes=(16,), learning_rate_init=0.01, max_iter=40, random_state=0
                ),
                _diabetes,
            ),
            "logistic": lambda: _with_validation(LogisticRegressionGD(max_iter=60), _iris),
            "loss_monitor": lambda: _fit(
                MLPClassifierScratch(
                    (16,),
                    learning_rate_init=0.01,
                    early_stopping=True,
                    scoring="loss",
                    n_iter_no_change=5,
                    random_state=0,
                ),
                _iris,
            ),
        }[key]()
    return FITTED[key]


def epochs_of(model):
    return np.arange(1, len(model.loss_curve_) + 1)


@pytest.mark.parametrize("key", ["early_stopping", "plain", "schedule", "lbfgs", "regressor", "logistic"])
def test_lines_hold_the_records(key):
    model = fitted(key)
    display = LossCurveDisplay.from_estimator(model)
    epochs = epochs_of(model)
    assert np.array_equal(display.loss_line_.get_xdata(), epochs)
    assert np.array_equal(display.loss_line_.get_ydata(), model.loss_curve_)
    if model.validation_scores_ is None:
        assert display.val_loss_line_ is None and display.score_line_ is None and display.score_ax_ is None
        assert len(display.figure_.axes) == 1 + (display.learning_rate_ax_ is not None)
    else:
        assert np.array_equal(display.val_loss_line_.get_xdata(), epochs)
        assert np.array_equal(display.val_loss_line_.get_ydata(), model.validation_loss_curve_)
        assert np.array_equal(display.score_line_.get_xdata(), epochs)
        assert np.array_equal(display.score_line_.get_ydata(), model.validation_scores_)
        assert display.score_line_.axes is display.score_ax_ is not display.ax_
    assert display.loss_line_.axes is display.ax_
    assert display.figure_ is display.ax_.figure


@pytest.mark.parametrize(
    "cls", [LogisticRegressionGD, SoftmaxRegressionGD, MLPClassifierScratch, MLPRegressorScratch]
)
def test_every_estimator_early_stopping(cls):
    """All four estimators with early stopping: validation curves and the restored best epoch."""
    params = dict(early_stopping=True, n_iter_no_change=3, max_iter=40, random_state=0)
    if cls in (MLPClassifierScratch, MLPRegressorScratch):
        params.update(hidden_layer_sizes=(8,), learning_rate_init=0.01)
    model = _fit(cls(**params), _diabetes if cls is MLPRegressorScratch else _iris)
    display = LossCurveDisplay.from_estimator(model)
    assert np.array_equal(display.score_line_.get_ydata(), model.validation_scores_)
    assert display.score_ax_.get_ylabel() == (
        "validation R²" if cls is MLPRegressorScratch else "validation accuracy"
    )
    assert display.best_epoch_line_.get_xdata()[0] == model.best_epoch_
    assert display.best_epoch_marker_.axes is display.score_ax_
    assert display.best_epoch_line_.get_label() == f"best epoch {model.best_epoch_} (weights restored)"


def test_best_epoch_of_early_stopping_sits_on_the_validation_score():
    model = fitted("early_stopping")
    assert model.best_epoch_ is not None and model.best_epoch_ < len(model.loss_curve_)
    display = LossCurveDisplay.from_estimator(model)
    assert list(display.best_epoch_line_.get_xdata()) == [model.best_epoch_] * 2
    assert display.best_epoch_line_.axes is display.ax_
    assert display.best_epoch_marker_.axes is display.score_ax_
    assert list(display.best_epoch_marker_.get_xdata()) == [model.best_epoch_]
    assert list(display.best_epoch_marker_.get_ydata()) == [model.validation_scores_[model.best_epoch_ - 1]]
    assert display.best_epoch_marker_.get_ydata()[0] == max(model.validation_scores_)
    legend = [text.get_text() for text in display.ax_.get_legend().get_texts()]
    assert legend == [
        "training loss",
        "validation loss",
        f"best epoch {model.best_epoch_} (weights restored)",
    ]
    assert [text.get_text() for text in display.score_ax_.get_legend().get_texts()] == ["validation accuracy"]


def test_best_epoch_without_early_stopping_sits_on_the_training_loss():
    model = fitted("plain")
    display = LossCurveDisplay.from_estimator(model)
    assert display.best_epoch_marker_.axes is display.ax_
    assert list(display.best_epoch_marker_.get_ydata()) == [model.loss_curve_[model.best_epoch_ - 1]]
    assert display.best_epoch_line_.get_label() == f"best epoch {model.best_epoch_}"


def test_scoring_loss_draws_no_score_panel_and_marks_the_validation_loss():
    model = fitted("loss_monitor")
    display = LossCurveDisplay.from_estimator(model)
    assert display.score_ax_ is None and display.score_line_ is None
    assert display.best_epoch_marker_.get_ydata()[0] == min(model.validation_loss_curve_)
    assert display.best_epoch_marker_.get_ydata()[0] == model.validation_loss_curve_[model.best_epoch_ - 1]


def test_learning_rate_drawn_on_a_log_twin_axis_when_it_varies():
    model = fitted("schedule")
    rates = np.asarray(model.history_["learning_rate"])
    assert rates.min() < rates.max()
    display = LossCurveDisplay.from_estimator(model)
    assert display.learning_rate_ax_ is not None and display.learning_rate_ax_ is not display.ax_
    assert display.learning_rate_ax_.get_yscale() == "log"
    assert display.learning_rate_ax_.get_ylabel() == "learning rate"
    assert np.array_equal(display.learning_rate_line_.get_ydata(), rates)
    assert np.array_equal(display.learning_rate_line_.get_xdata(), epochs_of(model))
    assert "learning rate" in [text.get_text() for text in display.ax_.get_legend().get_texts()]


@pytest.mark.parametrize("key", ["plain", "early_stopping", "lbfgs"])
def test_no_learning_rate_line_when_constant_or_undefined(key):
    model = fitted(key)
    display = LossCurveDisplay.from_estimator(model)
    assert display.learning_rate_ax_ is None and display.learning_rate_line_ is None
    assert len(display.figure_.axes) == (1 if model.validation_scores_ is None else 2)


def test_lbfgs_iterations_without_rate_or_best_epoch():
    model = fitted("lbfgs")
    assert np.isnan(model.history_["learning_rate"]).all() and model.best_epoch_ is None
    display = LossCurveDisplay.from_estimator(model)
    assert display.ax_.get_xlabel() == "iteration" and display.score_ax_.get_xlabel() == "iteration"
    assert display.best_epoch_line_ is None and display.best_epoch_marker_ is None


def test_labels_and_title():
    model = fitted("regressor")
    display = LossCurveDisplay.from_estimator(model)
    assert display.ax_.get_xlabel() == "epoch" and display.ax_.get_ylabel() == "loss"
    assert display.ax_.get_title() == "MLPRegressorScratch"
    assert display.score_ax_.get_ylabel() == "validation R²"
    assert display.score_line_.get_label() == "validation R²"
    renamed = LossCurveDisplay.from_estimator(model, name="my network")
    assert renamed.ax_.get_title() == "my network"


def test_reuses_given_axes():
    fig, ax = plt.subplots()
    display = LossCurveDisplay.from_estimator(fitted("plain"), ax=ax)
    assert display.ax_ is ax and display.figure_ is fig and fig.axes == [ax]

    fig, axes = plt.subplots(1, 2)
    display = LossCurveDisplay.from_estimator(fitted("early_stopping"), ax=axes)
    assert display.ax_ is axes[0] and display.score_ax_ is axes[1] and display.figure_ is fig

    # Drawing a second display onto the same score panel adds its line to the first.
    other = LossCurveDisplay.from_estimator(fitted("regressor"), ax=[plt.subplots()[1], axes[1]])
    assert other.score_line_ in axes[1].get_lines() and display.score_line_ in axes[1].get_lines()


def test_wrong_number_of_axes():
    _, ax = plt.subplots()
    with pytest.raises(ValueError, match="2 panels .*ax must hold 2 Axes, got 1"):
        LossCurveDisplay.from_estimator(fitted("early_stopping"), ax=ax)
    _, axes = plt.subplots(1, 2)
    with pytest.raises(ValueError, match="1 panel .*got 2"):
        LossCurveDisplay.from_estimator(fitted("plain"), ax=axes)


def test_pipeline_uses_its_final_estimator():
    X, y = load_iris(return_X_y=True)
    model = MLPClassifierScratch((8,), max_iter=20, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pipe = make_pipeline(StandardScaler(), model).fit(X, y)
    display = LossCurveDisplay.from_estimator(pipe)
    assert np.array_equal(display.loss_line_.get_ydata(), model.loss_curve_)
    assert display.ax_.get_title() == "MLPClassifierScratch"


def test_constructor_takes_other_models_records():
    X, y = _iris()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mlp = MLPClassifier((8,), max_iter=15, random_state=0).fit(X, y)
    display = LossCurveDisplay(loss=mlp.loss_curve_, estimator_name="MLPClassifier").plot()
    assert np.array_equal(display.loss_line_.get_ydata(), mlp.loss_curve_)
    assert display.best_epoch_line_ is None and display.score_ax_ is None


def test_constructor_checks_lengths_and_monitor():
    with pytest.raises(ValueError, match="val_loss has 2 epochs but loss has 3"):
        LossCurveDisplay(loss=[3, 2, 1], val_loss=[2, 1]).plot()
    with pytest.raises(ValueError, match="learning_rate has 1 epochs but loss has 3"):
        LossCurveDisplay(loss=[3, 2, 1], learning_rate=[0.1]).plot()
    with pytest.raises(ValueError, match="monitor must be one of"):
        LossCurveDisplay(loss=[3, 2, 1], monitor="accuracy").plot()


def test_unfitted_estimator():
    with pytest.raises(NotFittedError, match="MLPClassifierScratch instance is not fitted"):
        LossCurveDisplay.from_estimator(MLPClassifierScratch())
    with pytest.raises(NotFittedError):
        LossCurveDisplay.from_estimator(make_pipeline(StandardScaler(), LogisticRegressionGD()))


def test_estimator_without_history():
    X, y = _iris()
    with pytest.raises(ValueError, match="LogisticRegression has no history_"):
        LossCurveDisplay.from_estimator(LogisticRegression().fit(X, y))
    pipe = Pipeline([("scale", StandardScaler()), ("model", "passthrough")]).fit(X, y)
    with pytest.raises(ValueError, match="last step of the pipeline is 'passthrough'"):
        LossCurveDisplay.from_estimator(pipe)


def test_missing_matplotlib_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r'pip install "sklearn_nn\[plot\]"'):
        LossCurveDisplay(loss=[1.0, 0.5]).plot()
    with pytest.raises(ImportError, match=r"from_estimator requires matplotlib.*sklearn_nn\[plot\]"):
        LossCurveDisplay.from_estimator(fitted("plain"))


def test_the_loss_panel_says_why_training_stopped():
    """from_estimator writes the estimator's stop_reason_ in the loss panel."""
    X, y = load_iris(return_X_y=True)
    est = SoftmaxRegressionGD(max_iter=3, tol=0.0)
    with pytest.warns(ConvergenceWarning):
        est.fit(X, y)
    assert est.stop_reason_ == "max_iter"
    display = LossCurveDisplay.from_estimator(est)
    assert display.stop_reason_text_.get_text() == "stopped: max_iter"
    # The patience rule on the training loss: a schedule's, not the default step rule's.
    converged = SoftmaxRegressionGD(learning_rate="constant", n_iter_no_change=2, tol=1e9).fit(X, y)
    assert converged.stop_reason_ == "tol" and converged.n_iter_ == 4  # the first epoch, then 3 > 2
    assert LossCurveDisplay.from_estimator(converged).stop_reason_text_.get_text() == "stopped: tol"
    assert LossCurveDisplay(loss=[1.0, 0.5]).plot().stop_reason_text_ is None
    plt.close("all")
