"""Plotting the training records of the sklearn_nn estimators.

``LossCurveDisplay`` follows scikit-learn's display API: an object that holds
the data of a figure, a ``plot`` method that draws it and keeps the matplotlib
objects as attributes, and a ``from_estimator`` class method that reads the
data from a fitted estimator. matplotlib is an optional dependency
(``pip install "sklearn_nn[plot]"``), imported only when a figure is drawn.
"""

import numpy as np
from sklearn.base import is_classifier
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from ._solvers import SOLVERS

__all__ = ["LossCurveDisplay"]

_INSTALL_HINT = 'pip install "sklearn_nn[plot]"'
_MONITORS = ("loss", "val_loss", "val_score")


def _check_matplotlib(what):
    """Import matplotlib, or say how to install it."""
    try:
        import matplotlib  # noqa: F401
    except ImportError as exc:
        raise ImportError(f"{what} requires matplotlib, which is not installed: {_INSTALL_HINT}") from exc


def _curve(values):
    """A per-epoch record as a float array, or None when absent or never measured."""
    if values is None:
        return None
    values = np.asarray(values, dtype=float)
    if values.size == 0 or np.isnan(values).all():
        return None
    return values


def _score_name(estimator):
    """The name of the validation score of ``estimator`` for the axis label."""
    scoring = getattr(estimator, "scoring", None)
    if scoring is None:
        return "accuracy" if is_classifier(estimator) else "R²"
    return scoring if isinstance(scoring, str) else "score"


class LossCurveDisplay:
    """Training and validation curves of a model trained by gradient descent.

    The figure has a loss panel and, when validation scores were recorded, a
    score panel next to it, and a gradient panel when the gradient norms were
    recorded (``monitor_gradients=True``). The loss panel draws the training loss per epoch,
    the validation loss when a validation set was evaluated, the learning rate
    on a second, log-scaled y axis when it changed during training, and a
    vertical line at the best epoch with a marker on the curve whose best
    value chose it. The score panel draws the validation score per epoch.
    The gradient panel draws, on log scales, each layer's gradient norm per
    epoch (solid lines) and its update ratio (dashed, on a twin axis), one
    color per layer.

    Use :meth:`from_estimator` to read the records of a fitted estimator;
    the constructor takes the records themselves, for example the
    ``loss_curve_`` of scikit-learn's ``MLPClassifier``. All parameters are
    stored as attributes.

    Parameters
    ----------
    loss : array-like of shape (n_epochs,)
        Training loss per epoch (``loss_curve_``).
    val_loss : array-like of shape (n_epochs,), default=None
        Validation loss per epoch (``validation_loss_curve_``), or None.
    val_score : array-like of shape (n_epochs,), default=None
        Validation score per epoch (``validation_scores_``), or None.
    learning_rate : array-like of shape (n_epochs,), default=None
        Learning rate per epoch (``history_["learning_rate"]``); drawn only
        when its finite values are not all equal. NaN (L-BFGS) is not drawn.
    best_epoch : int, default=None
        1-based epoch to mark (``best_epoch_``), or None for no mark.
    monitor : {"loss", "val_loss", "val_score"}, default="loss"
        The curve whose best value chose ``best_epoch``; the marker sits on it.
    weights_restored : bool, default=False
        Whether the model holds the parameters of ``best_epoch`` (early
        stopping with ``restore_best_weights``); said in the legend.
    score_name : str, default="score"
        Name of the validation score, used in the score axis label.
    xlabel : str, default="epoch"
        Label of the x axes ("iteration" for L-BFGS).
    estimator_name : str, default=None
        Name of the estimator, used as the title of the loss panel.
    stop_reason : str, default=None
        Why training stopped (the estimator's ``stop_reason_``, such as
        ``'tol'`` or ``'max_iter'``), written in a corner of the loss panel;
        None writes nothing.
    grad_norm : array-like of shape (n_epochs, n_layers), default=None
        Gradient norm of each layer's weights per epoch
        (``history_["grad_norm"]``), or None for no gradient panel.
    update_ratio : array-like of shape (n_epochs, n_layers), default=None
        Update-to-weight ratio of each layer per epoch
        (``history_["update_ratio"]``), drawn with ``grad_norm``.

    Attributes
    ----------
    ax_ : matplotlib Axes
        The loss panel.
    score_ax_ : matplotlib Axes or None
        The score panel, None without validation scores.
    learning_rate_ax_ : matplotlib Axes or None
        The twin axes of the learning rate, None when it is not drawn.
    figure_ : matplotlib Figure
        The figure holding ``ax_``.
    loss_line_ : matplotlib Line2D
        The training loss.
    val_loss_line_ : matplotlib Line2D or None
        The validation loss.
    score_line_ : matplotlib Line2D or None
        The validation score.
    learning_rate_line_ : matplotlib Line2D or None
        The learning rate.
    best_epoch_line_ : matplotlib Line2D or None
        The vertical line at the best epoch on the loss panel.
    best_epoch_marker_ : matplotlib Line2D or None
        The marker at the best epoch on the monitored curve.
    stop_reason_text_ : matplotlib Text or None
        The text saying why training stopped.
    gradient_ax_ : matplotlib Axes or None
        The gradient panel, None without ``grad_norm``.
    update_ratio_ax_ : matplotlib Axes or None
        Its twin axis of the update ratios.
    grad_norm_lines_, update_ratio_lines_ : list of matplotlib Line2D
        One line per layer (empty without the panel).

    See Also
    --------
    sklearn.model_selection.LearningCurveDisplay : Scores against the
        training-set size.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")  # draw off-screen; leave it out to see a window
    >>> import matplotlib.pyplot as plt
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_nn import MLPClassifierScratch
    >>> from sklearn_nn.plot import LossCurveDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPClassifierScratch(hidden_layer_sizes=(16,), learning_rate_init=0.01,
    ...                            early_stopping=True, random_state=0).fit(X, y)
    >>> display = LossCurveDisplay.from_estimator(clf)
    >>> list(display.loss_line_.get_ydata()) == clf.loss_curve_
    True
    >>> display.score_ax_.get_ylabel()
    'validation accuracy'
    >>> plt.close(display.figure_)
    """

    def __init__(
        self,
        *,
        loss,
        val_loss=None,
        val_score=None,
        learning_rate=None,
        best_epoch=None,
        monitor="loss",
        weights_restored=False,
        score_name="score",
        xlabel="epoch",
        estimator_name=None,
        stop_reason=None,
        grad_norm=None,
        update_ratio=None,
    ):
        self.loss = loss
        self.val_loss = val_loss
        self.val_score = val_score
        self.learning_rate = learning_rate
        self.best_epoch = best_epoch
        self.monitor = monitor
        self.weights_restored = weights_restored
        self.score_name = score_name
        self.xlabel = xlabel
        self.estimator_name = estimator_name
        self.stop_reason = stop_reason
        self.grad_norm = grad_norm
        self.update_ratio = update_ratio

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, name=None):
        """Plot the training records of a fitted sklearn_nn estimator.

        Parameters
        ----------
        estimator : estimator or Pipeline
            A fitted ``LogisticRegressionGD``, ``SoftmaxRegressionGD``,
            ``MLPClassifierScratch`` or ``MLPRegressorScratch``, or a fitted
            ``Pipeline`` whose last step is one of them.
        ax : matplotlib Axes or sequence of Axes, default=None
            Where to draw, as in :meth:`plot`.
        name : str, default=None
            Title of the loss panel; the estimator's class name by default.

        Returns
        -------
        display : LossCurveDisplay
            The display, with the figure drawn.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import matplotlib.pyplot as plt
        >>> from sklearn.datasets import load_breast_cancer
        >>> from sklearn.pipeline import make_pipeline
        >>> from sklearn.preprocessing import StandardScaler
        >>> from sklearn_nn import LogisticRegressionGD
        >>> from sklearn_nn.plot import LossCurveDisplay
        >>> X, y = load_breast_cancer(return_X_y=True)
        >>> pipe = make_pipeline(StandardScaler(), LogisticRegressionGD(tol=1e-4)).fit(X, y)
        >>> fig, ax = plt.subplots()
        >>> display = LossCurveDisplay.from_estimator(pipe, ax=ax)
        >>> display.ax_ is ax, display.score_ax_ is None, display.ax_.get_title()
        (True, True, 'LogisticRegressionGD')
        >>> plt.close(fig)
        """
        _check_matplotlib(f"{cls.__name__}.from_estimator")
        model = estimator
        if isinstance(model, Pipeline):
            model = model.steps[-1][1]
            if model is None or isinstance(model, str):
                raise ValueError(
                    f"The last step of the pipeline is {model!r}; {cls.__name__} needs an estimator there."
                )
        check_is_fitted(model)
        if not isinstance(getattr(model, "history_", None), dict):
            raise ValueError(
                f"{cls.__name__}.from_estimator needs a fitted sklearn_nn estimator, which records its "
                f"training in history_; {type(model).__name__} has no history_. To plot another "
                f"model's loss curve, pass it as {cls.__name__}(loss=...)."
            )
        solver = SOLVERS.get(getattr(model, "solver", None))
        unit = "epoch" if solver is None else solver.unit
        val_loss = _curve(getattr(model, "validation_loss_curve_", None))
        val_score = _curve(getattr(model, "validation_scores_", None))
        scoring_is_loss = getattr(model, "scoring", None) == "loss"
        best_epoch = getattr(model, "best_epoch_", None)
        monitor = "loss"
        restored = False
        if getattr(model, "early_stopping", False) and val_loss is not None and unit == "epoch":
            monitor = "val_loss" if scoring_is_loss else "val_score"
            restored = bool(getattr(model, "restore_best_weights", False)) and best_epoch is not None
        display = cls(
            loss=model.loss_curve_,
            val_loss=val_loss,
            # With scoring="loss" the validation score is minus the validation loss: not drawn twice.
            val_score=None if scoring_is_loss else val_score,
            learning_rate=model.history_.get("learning_rate"),
            best_epoch=best_epoch,
            monitor=monitor,
            weights_restored=restored,
            score_name=_score_name(model),
            xlabel=unit,
            estimator_name=type(model).__name__,
            stop_reason=getattr(model, "stop_reason_", None),
            grad_norm=model.history_.get("grad_norm"),
            update_ratio=model.history_.get("update_ratio"),
        )
        return display.plot(ax=ax, name=name)

    def _panels_axes(self, ax, panels):
        """The Axes of the panels: new ones, or the given ones if they are as many as the panels."""
        n_panels = len(panels)
        if ax is None:
            import matplotlib.pyplot as plt

            width = {1: 6.4, 2: 11.0}.get(n_panels, 15.0)
            _, axes = plt.subplots(1, n_panels, figsize=(width, 4.4), layout="constrained", squeeze=False)
            return list(axes.ravel())
        axes = list(np.ravel(np.asarray(ax, dtype=object)))
        if len(axes) != n_panels:
            names = ", ".join(f"a {panel} panel" for panel in panels)
            raise ValueError(
                f"This display has {n_panels} panel{'s' if n_panels > 1 else ''} ({names}): ax must "
                f"hold {n_panels} Axes, got {len(axes)}. Pass ax=None to create them."
            )
        return axes

    def plot(self, ax=None, *, name=None):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes or sequence of Axes, default=None
            Where to draw: one Axes per panel (the loss panel, then the score
            panel when there are validation scores). None creates a figure
            with the panels side by side.
        name : str, default=None
            Title of the loss panel; ``estimator_name`` by default.

        Returns
        -------
        self : LossCurveDisplay
            The display, with the attributes of the drawn objects set.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import matplotlib.pyplot as plt
        >>> from sklearn_nn.plot import LossCurveDisplay
        >>> display = LossCurveDisplay(loss=[1.0, 0.6, 0.4, 0.35], val_loss=[1.1, 0.7, 0.5, 0.52],
        ...                            learning_rate=[0.1, 0.1, 0.02, 0.02], best_epoch=3,
        ...                            monitor="val_loss", weights_restored=True).plot()
        >>> display.learning_rate_ax_.get_yscale()
        'log'
        >>> [text.get_text() for text in display.ax_.get_legend().get_texts()]
        ['training loss', 'validation loss', 'best epoch 3 (weights restored)', 'learning rate']
        >>> plt.close(display.figure_)
        """
        _check_matplotlib(f"{type(self).__name__}.plot")
        if self.monitor not in _MONITORS:
            raise ValueError(f"monitor must be one of {_MONITORS}, got {self.monitor!r}.")
        loss = np.asarray(self.loss, dtype=float)
        val_loss = _curve(self.val_loss)
        val_score = _curve(self.val_score)
        epochs = np.arange(1, loss.shape[0] + 1)
        for what, values in (("val_loss", val_loss), ("val_score", val_score)):
            if values is not None and values.shape != loss.shape:
                raise ValueError(f"{what} has {values.shape[0]} epochs but loss has {loss.shape[0]}.")

        grad_norm = self._per_layer(self.grad_norm, "grad_norm", loss.shape[0])
        panels = ["loss", *(["validation-score"] if val_score is not None else [])]
        panels += ["gradient"] if grad_norm is not None else []
        axes = self._panels_axes(ax, panels)
        self.ax_ = ax_loss = axes[0]
        self.score_ax_ = axes[1] if val_score is not None else None
        self.gradient_ax_ = axes[-1] if grad_norm is not None else None
        self.figure_ = ax_loss.figure

        (self.loss_line_,) = ax_loss.plot(epochs, loss, label="training loss")
        self.val_loss_line_ = None
        if val_loss is not None:
            (self.val_loss_line_,) = ax_loss.plot(epochs, val_loss, label="validation loss")
        ax_loss.set_xlabel(self.xlabel)
        ax_loss.set_ylabel("loss")
        title = name if name is not None else self.estimator_name
        if title is not None:
            ax_loss.set_title(title)
        self.stop_reason_text_ = None
        if self.stop_reason is not None:
            self.stop_reason_text_ = ax_loss.text(
                0.02, 0.02, f"stopped: {self.stop_reason}", transform=ax_loss.transAxes, fontsize="small"
            )

        self.score_line_ = None
        if val_score is not None:
            color = None if self.val_loss_line_ is None else self.val_loss_line_.get_color()
            (self.score_line_,) = self.score_ax_.plot(
                epochs, val_score, color=color, label=f"validation {self.score_name}"
            )
            self.score_ax_.set_xlabel(self.xlabel)
            self.score_ax_.set_ylabel(f"validation {self.score_name}")

        self._plot_best_epoch(
            {"loss": self.loss_line_, "val_loss": self.val_loss_line_, "val_score": self.score_line_}
        )
        self._plot_learning_rate(epochs)

        handles, labels = ax_loss.get_legend_handles_labels()
        if self.learning_rate_ax_ is not None:
            more_handles, more_labels = self.learning_rate_ax_.get_legend_handles_labels()
            handles, labels = handles + more_handles, labels + more_labels
        ax_loss.legend(handles, labels)
        if self.score_ax_ is not None:
            self.score_ax_.legend()
        self._plot_gradients(epochs, grad_norm)
        return self

    @staticmethod
    def _per_layer(values, what, n_epochs):
        """A per-epoch, per-layer record as an (n_epochs, n_layers) array, or None."""
        if values is None or len(values) == 0:
            return None
        values = np.asarray(values, dtype=float)
        if values.ndim != 2 or values.shape[0] != n_epochs:
            raise ValueError(f"{what} must have shape (n_epochs={n_epochs}, n_layers), got {values.shape}.")
        return values

    def _plot_gradients(self, epochs, grad_norm):
        """Each layer's gradient norm (solid) and update ratio (dashed, twin axis), on log scales."""
        self.update_ratio_ax_, self.grad_norm_lines_, self.update_ratio_lines_ = None, [], []
        if grad_norm is None:
            return
        ax, n_layers = self.gradient_ax_, grad_norm.shape[1]
        names = [f"layer {i + 1}" for i in range(n_layers)]
        names[0] += " (input)" if n_layers > 1 else ""
        names[-1] += " (output)"
        for i, label in enumerate(names):
            self.grad_norm_lines_ += ax.plot(epochs, grad_norm[:, i], label=label)
        ax.set_yscale("log")
        ax.set_xlabel(self.xlabel)
        ax.set_ylabel("gradient norm ||dJ/dW|| (solid)")
        ax.set_title("gradients per layer")
        ratio = self._per_layer(self.update_ratio, "update_ratio", epochs.shape[0])
        if ratio is not None:
            self.update_ratio_ax_ = twin = ax.twinx()
            for i, line in enumerate(self.grad_norm_lines_):
                self.update_ratio_lines_ += twin.plot(
                    epochs, ratio[:, i], color=line.get_color(), linestyle="--", linewidth=1
                )
            twin.set_yscale("log")
            twin.set_ylabel("update / weight norm (dashed)")
        ax.legend(fontsize="small")

    def _plot_best_epoch(self, lines):
        """A vertical line at the best epoch, and a marker on the curve that chose it."""
        self.best_epoch_line_ = self.best_epoch_marker_ = None
        if self.best_epoch is None:
            return
        best = int(self.best_epoch)
        label = f"best epoch {best}" + (" (weights restored)" if self.weights_restored else "")
        self.best_epoch_line_ = self.ax_.axvline(best, color="0.3", linestyle=":", label=label)
        monitored = lines[self.monitor]
        if monitored is not None and 1 <= best <= len(monitored.get_ydata()):
            (self.best_epoch_marker_,) = monitored.axes.plot(
                [best],
                [monitored.get_ydata()[best - 1]],
                marker="o",
                markersize=7,
                markerfacecolor="none",
                markeredgecolor="k",
                linestyle="none",
                label="_best epoch",
            )

    def _plot_learning_rate(self, epochs):
        """The learning rate on a log-scaled twin axis, when it changed during training."""
        self.learning_rate_ax_ = self.learning_rate_line_ = None
        if self.learning_rate is None:
            return
        rate = np.asarray(self.learning_rate, dtype=float)
        finite = rate[np.isfinite(rate)]
        if rate.shape != epochs.shape:
            raise ValueError(f"learning_rate has {rate.shape[0]} epochs but loss has {epochs.shape[0]}.")
        if finite.size == 0 or finite.min() == finite.max():
            return
        self.learning_rate_ax_ = twin = self.ax_.twinx()
        (self.learning_rate_line_,) = twin.plot(
            epochs,
            rate,
            color="0.5",
            linestyle="--",
            linewidth=1,
            drawstyle="steps-post",
            label="learning rate",
        )
        twin.set_yscale("log")
        twin.set_ylabel("learning rate")
        # Keep the loss curves and their legend above the learning rate.
        self.ax_.set_zorder(twin.get_zorder() + 1)
        self.ax_.patch.set_visible(False)
