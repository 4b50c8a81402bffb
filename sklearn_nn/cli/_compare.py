"""Cross-validated comparison of the models on one data set, as a table and a report.

Every model of the data's task (``_models.models_for``) is cross-validated in
its pipeline on the same folds: stratified k-fold for classification, k-fold
for regression, shuffled with a fixed seed. Each (model, fold) pair is one
call of scikit-learn's ``cross_validate`` on that single split, so the scores
are exactly scikit-learn's and the folds can run in parallel and report
progress one by one.

The report adds, in a directory, the table as Markdown and CSV and figures:
the loss curves of the iterative models, their validation curves, and the
out-of-fold confusion matrix (classification) or predicted-against-true plot
(regression) of the best model.
"""

import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import KFold, StratifiedKFold, cross_validate
from sklearn.utils.parallel import Parallel, delayed

from .._base import BaseGD
from .._files import atomic_write
from ._datasets import CLASSIFICATION, InputError
from ._interrupt import raise_if_interrupted
from ._models import build_pipeline, models_for


@dataclass(frozen=True)
class Metric:
    """A column of the comparison: ``sign`` turns scikit-learn's scorer value into the metric."""

    label: str
    key: str
    scorer: str
    sign: int = 1


METRICS = {
    "classification": [
        Metric("accuracy", "accuracy", "accuracy"),
        Metric("log loss", "log_loss", "neg_log_loss", -1),
    ],
    "regression": [
        Metric("R²", "r2", "r2"),
        Metric("MAE", "mae", "neg_mean_absolute_error", -1),
        Metric("RMSE", "rmse", "neg_root_mean_squared_error", -1),
    ],
}
FIT_TIME = Metric("fit time (s)", "fit_time", "fit_time")


def cv_splits(data, n_splits):
    """The (train, test) row indices of the folds: shuffled with seed 0, stratified for classification.

    Parameters
    ----------
    data : Dataset
    n_splits : int

    Returns
    -------
    splits : list of (ndarray, ndarray)

    Examples
    --------
    >>> from sklearn_nn.cli._compare import cv_splits
    >>> from sklearn_nn.cli._datasets import load_dataset
    >>> [len(test) for _, test in cv_splits(load_dataset("iris"), 5)]
    [30, 30, 30, 30, 30]
    """
    n_samples = len(data.y)
    if n_splits > n_samples:
        raise InputError(f"cannot make {n_splits} folds of {n_samples} samples")
    if data.task == CLASSIFICATION:
        counts = data.y.value_counts()
        if counts.min() < n_splits:
            label = counts.idxmin()
            label = label.item() if isinstance(label, np.generic) else label
            raise InputError(
                f"class {label!r} of target {data.target!r} has {counts.min()} samples, fewer "
                f"than the {n_splits} folds: every fold needs each class; use fewer folds (--cv) "
                "or drop that class"
            )
        splitter = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=0)
    else:
        splitter = KFold(n_splits=n_splits, shuffle=True, random_state=0)
    return list(splitter.split(data.X, data.y))


def _mean_std(values, digits=3):
    values = np.asarray(values, dtype=float)
    return f"{values.mean():.{digits}f} ± {values.std():.{digits}f}"


def format_table(header, rows):
    """A plain-text table: the first column left-aligned, the others right-aligned.

    Examples
    --------
    >>> from sklearn_nn.cli._compare import format_table
    >>> print(format_table(["model", "score"], [["a", "0.9"], ["bb", "0.85"]]))
    model  score
    -----  -----
    a        0.9
    bb      0.85
    """
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]

    def line(cells):
        first = str(cells[0]).ljust(widths[0])
        return "  ".join([first, *(str(cell).rjust(width) for cell, width in zip(cells[1:], widths[1:]))])

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *(line(row) for row in rows)])


def format_markdown(header, rows):
    """A Markdown (pipe) table, the first column left-aligned and the others right-aligned.

    Examples
    --------
    >>> from sklearn_nn.cli._compare import format_markdown
    >>> print(format_markdown(["model", "score"], [["a", "0.9"]]))
    | model | score |
    | :--- | ---: |
    | a | 0.9 |
    """
    lines = ["| " + " | ".join(header) + " |", "| :--- |" + " ---: |" * (len(header) - 1)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


@dataclass
class ModelResult:
    """Scores of one model over the folds.

    ``scores`` maps each metric key and ``"fit_time"`` to the per-fold
    values; ``pipelines`` holds the fitted pipeline of each fold when they
    were kept (for the report), else None.
    """

    spec: object
    scores: dict
    pipelines: list | None = None

    def mean(self, key):
        return float(np.mean(self.scores[key]))


@dataclass
class Comparison:
    """The outcome of ``run_comparison``: the data, the folds, and one result per model."""

    data: object
    splits: list
    results: list
    quick: bool = False

    @property
    def metrics(self):
        return METRICS[self.data.task]

    @property
    def n_splits(self):
        return len(self.splits)

    def title(self):
        """One line naming the task, the data and the cross-validation."""
        kind = "stratified CV" if self.data.task == CLASSIFICATION else "CV"
        return f"{self.data.task.capitalize()}: {self.data.describe()}, {self.n_splits}-fold {kind}"

    def best(self):
        """The result with the best mean of the first metric (accuracy or R²)."""
        key = self.metrics[0].key
        return max(self.results, key=lambda result: result.mean(key))

    def header(self):
        return ["model", *(m.label for m in self.metrics), FIT_TIME.label]

    def rows(self):
        """Table rows of ``mean ± std`` over the folds."""
        return [
            [
                result.spec.label,
                *(_mean_std(result.scores[m.key]) for m in self.metrics),
                _mean_std(result.scores[FIT_TIME.key], digits=2),
            ]
            for result in self.results
        ]

    def to_frame(self):
        """The table in full precision: one row per model, mean and std of every column."""
        records = []
        for result in self.results:
            record = {"model": result.spec.label, "name": result.spec.name}
            for metric in [*self.metrics, FIT_TIME]:
                values = np.asarray(result.scores[metric.key], dtype=float)
                record[f"{metric.key}_mean"] = values.mean()
                record[f"{metric.key}_std"] = values.std()
            records.append(record)
        return pd.DataFrame.from_records(records)

    def format(self, fmt="table"):
        """The comparison as text: ``"table"`` (plain), ``"markdown"`` or ``"csv"``."""
        if fmt == "csv":
            return self.to_frame().to_csv(index=False).rstrip("\n")
        if fmt == "markdown":
            return f"{self.title()}\n\n{format_markdown(self.header(), self.rows())}"
        return f"{self.title()}\n\n{format_table(self.header(), self.rows())}"


def _fit_fold(pipeline, X, y, split, scoring, keep_pipeline):
    """Fit and score one fold; a fold that a Ctrl-C cut short raises ``KeyboardInterrupt``."""
    output = cross_validate(
        pipeline, X, y, cv=[split], scoring=scoring, return_estimator=True, error_score="raise"
    )
    raise_if_interrupted(output["estimator"][0])
    if not keep_pipeline:
        del output["estimator"]
    return output


def run_comparison(data, *, n_splits=5, quick=False, n_jobs=None, keep_pipelines=False, progress=None):
    """Cross-validate every model of the data's task on the same folds.

    Parameters
    ----------
    data : Dataset
    n_splits : int, default=5
        Number of folds.
    quick : bool, default=False
        Fewer epochs for the iterative models.
    n_jobs : int, default=None
        Folds fitted in parallel (joblib); None fits one at a time.
    keep_pipelines : bool, default=False
        Keep each fold's fitted pipeline (the report needs them).
    progress : object with ``advance(text, log=None)``, default=None
        Told about every fold done.

    Returns
    -------
    comparison : Comparison

    Examples
    --------
    >>> import warnings
    >>> from sklearn.exceptions import ConvergenceWarning
    >>> from sklearn_nn.cli._compare import run_comparison
    >>> from sklearn_nn.cli._datasets import load_dataset
    >>> with warnings.catch_warnings():  # the quick MLPs stop at max_iter
    ...     warnings.simplefilter("ignore", ConvergenceWarning)
    ...     comparison = run_comparison(load_dataset("diabetes"), n_splits=3, quick=True)
    >>> [result.spec.label for result in comparison.results]
    ['MLPRegressorScratch', 'sklearn MLPRegressor', 'sklearn Ridge']
    >>> comparison.results[0].scores["r2"].shape
    (3,)
    """
    splits = cv_splits(data, n_splits)
    specs = models_for(data)
    metrics = METRICS[data.task]
    scoring = {m.key: m.scorer for m in metrics}
    tasks = [(spec, i) for spec in specs for i in range(n_splits)]
    pipelines = {spec.name: build_pipeline(spec, data, quick=quick) for spec in specs}
    outputs = Parallel(n_jobs=n_jobs, return_as="generator")(
        delayed(_fit_fold)(pipelines[spec.name], data.X, data.y, splits[i], scoring, keep_pipelines)
        for spec, i in tasks
    )
    folds = {spec.name: [] for spec in specs}
    n_done = 0
    try:
        for (spec, i), output in zip(tasks, outputs):
            n_done += 1
            folds[spec.name].append(output)
            if progress is not None:
                log = None
                if i == n_splits - 1:
                    seconds = sum(float(fold["fit_time"][0]) for fold in folds[spec.name])
                    log = f"{spec.label}: {n_splits} folds fitted in {seconds:.1f} s"
                progress.advance(f"{spec.label} fold {i + 1}/{n_splits}", log=log)
    except ValueError as exc:  # the models run in order: the first one not done failed
        raise InputError(f"{tasks[n_done][0].label} failed on {data.name}: {exc}") from exc
    results = []
    for spec in specs:
        scores = {
            m.key: np.array([m.sign * fold[f"test_{m.key}"][0] for fold in folds[spec.name]]) for m in metrics
        }
        scores[FIT_TIME.key] = np.array([fold["fit_time"][0] for fold in folds[spec.name]])
        kept = [fold["estimator"][0] for fold in folds[spec.name]] if keep_pipelines else None
        results.append(ModelResult(spec, scores, kept))
    return Comparison(data, splits, results, quick)


# ----------------------------------------------------------------------
# Report
# ----------------------------------------------------------------------
def _first_fold_curves(comparison):
    """(label, fitted model or None, fold-0 pipeline) of every model with a loss curve.

    The sklearn_nn models are trained again on the first fold's training
    rows, with its test rows as an explicit validation set: the validation
    set is only evaluated (no early stopping), so the model is the same as
    in the cross-validation, and its history gains the validation loss and
    score of every epoch.
    """
    data = comparison.data
    train, test = comparison.splits[0]
    X_train, X_test = data.X.iloc[train], data.X.iloc[test]
    y_train, y_test = data.y.iloc[train], data.y.iloc[test]
    curves = []
    for result in comparison.results:
        pipeline = build_pipeline(result.spec, data, quick=comparison.quick)
        model = pipeline[-1]
        if isinstance(model, BaseGD):
            preprocess = clone(pipeline[:-1]).fit(X_train, y_train)
            model.fit(
                preprocess.transform(X_train), y_train, X_val=preprocess.transform(X_test), y_val=y_test
            )
            raise_if_interrupted(model)
            curves.append((result.spec.label, model))
        elif result.pipelines and hasattr(result.pipelines[0][-1], "loss_curve_"):
            curves.append((result.spec.label, result.pipelines[0][-1]))
    return curves


def _grid(figure, n_panels, ncols=2):
    ncols = min(ncols, n_panels)
    nrows = -(-n_panels // ncols)
    axes = list(figure.subplots(nrows, ncols, squeeze=False).ravel())
    for ax in axes[n_panels:]:
        ax.remove()
    return axes[:n_panels]


def _curve_figures(comparison):
    """The loss-curve figure (one panel per model) and the validation-curve figure (one panel)."""
    from matplotlib.figure import Figure

    from ..plot import LossCurveDisplay

    curves = _first_fold_curves(comparison)
    ncols = min(2, len(curves))
    loss_figure = Figure(figsize=(5.5 * ncols, 4.0 * -(-len(curves) // ncols)), layout="constrained")
    loss_axes = _grid(loss_figure, len(curves), ncols)
    val_figure = Figure(figsize=(7.0, 4.5), layout="constrained")
    val_ax = val_figure.subplots()
    score_label = comparison.metrics[0].label
    for i, ((label, model), ax) in enumerate(zip(curves, loss_axes)):
        if isinstance(model, BaseGD):
            display = LossCurveDisplay.from_estimator(model, ax=[ax, val_ax], name=label)
            display.score_line_.set_color(f"C{i}")
            display.score_line_.set_label(label)
        else:  # scikit-learn's MLP records its training loss only
            LossCurveDisplay(loss=model.loss_curve_).plot(ax=ax, name=label)
        ax.set_xscale("log")
    val_ax.set_xscale("log")
    val_ax.set_ylabel(f"validation {score_label}")
    val_ax.set_title(f"Validation {score_label} per epoch (first fold's test rows)")
    val_ax.legend()
    return loss_figure, val_figure


def _out_of_fold_predictions(comparison, result):
    """Every row's prediction by the fold model that did not train on it."""
    data = comparison.data
    tests = [test for _, test in comparison.splits]
    predictions = [pipeline.predict(data.X.iloc[test]) for pipeline, test in zip(result.pipelines, tests)]
    rows = np.concatenate(tests)
    return data.y.to_numpy()[rows], np.concatenate(predictions)


def _best_model_figure(comparison):
    """Confusion matrix (classification) or predicted against true (regression) of the best model."""
    from matplotlib.figure import Figure
    from sklearn.metrics import ConfusionMatrixDisplay, PredictionErrorDisplay

    best = comparison.best()
    y_true, y_pred = _out_of_fold_predictions(comparison, best)
    figure = Figure(figsize=(6.5, 5.5), layout="constrained")
    ax = figure.subplots()
    if comparison.data.task == CLASSIFICATION:
        ConfusionMatrixDisplay.from_predictions(y_true, y_pred, ax=ax, colorbar=False)
        name = "confusion_matrix.png"
    else:
        PredictionErrorDisplay.from_predictions(y_true, y_pred, kind="actual_vs_predicted", ax=ax)
        name = "predicted_vs_true.png"
    ax.set_title(f"{best.spec.label}, out-of-fold predictions ({comparison.n_splits}-fold CV)")
    return name, figure, best


# The files of the report; the last two are the alternatives of classification and regression.
REPORT_FILES = (
    "comparison.md",
    "comparison.csv",
    "loss_curves.png",
    "validation_curves.png",
    "confusion_matrix.png",
    "predicted_vs_true.png",
)


def check_report_dir(directory):
    """Raise ``InputError`` unless ``write_report`` can write into ``directory``: before the comparison.

    The report's folder is created if needed, with its parents, and the
    report's files replace files of the same names in it; so the folder (or
    its nearest existing parent) must be a writable folder, and no report
    file name may be taken by a folder.

    Parameters
    ----------
    directory : str or path-like

    Examples
    --------
    >>> import tempfile
    >>> from sklearn_nn.cli._compare import check_report_dir
    >>> check_report_dir(tempfile.mkdtemp() + "/report/figures")  # to be created: fine
    """
    path = Path(directory)
    if path.exists() and not path.is_dir():
        raise InputError(f"--report {directory}: a file of that name exists, and the report is a folder")
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise InputError(f"--report {directory}: cannot create the folder, {existing} is a file")
    try:  # a real file, not os.access: read-only mounts and root's rights count too
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as exc:
        where = "into it" if existing == path else f"into {existing} to create it"
        raise InputError(f"--report {directory}: cannot write {where}: {exc.strerror}") from None
    taken = [name for name in REPORT_FILES if (path / name).is_dir()]
    if taken:
        raise InputError(
            f"--report {directory}: cannot replace {', '.join(taken)} in it, a folder of that name"
        )


def write_report(comparison, directory):
    """Write the comparison table (Markdown, CSV) and its figures (PNG) into ``directory``.

    Parameters
    ----------
    comparison : Comparison
        From ``run_comparison(..., keep_pipelines=True)``.
    directory : str or path-like
        Created if needed; files of the same names are replaced.

    Returns
    -------
    paths : list of pathlib.Path
        The files written.
    """
    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the report directory {directory}: {exc}") from None
    loss_figure, val_figure = _curve_figures(comparison)
    best_name, best_figure, best = _best_model_figure(comparison)
    figures = {"loss_curves.png": loss_figure, "validation_curves.png": val_figure, best_name: best_figure}
    score = comparison.metrics[0].label
    what = "Confusion matrix" if comparison.data.task == CLASSIFICATION else "Predicted against true values"
    markdown = f"""# sklearn-nn comparison: {comparison.data.name}

{comparison.title()}.

{format_markdown(comparison.header(), comparison.rows())}

Mean ± standard deviation over the folds; every model is scored on the same folds.
The full-precision figures are in `comparison.csv`.

## Loss curves

![Loss curves](loss_curves.png)

The iterative models trained on the first fold's training rows. The sklearn_nn
models also evaluate the fold's test rows after every epoch (validation loss);
scikit-learn's MLP records its training loss only.

## Validation curves

![Validation curves](validation_curves.png)

Validation {score} of the sklearn_nn models after every epoch, on the first fold's test rows.

## {what} of the best model, {best.spec.label}

![{what}]({best_name})

Every row predicted by the fold model that did not train on it.
"""
    paths = [
        directory / "comparison.md",
        directory / "comparison.csv",
        *(directory / name for name in figures),
    ]
    try:
        _write_files(paths, markdown, comparison.to_frame(), figures.values())
    except OSError as exc:
        raise InputError(f"cannot write the report into {directory}: {exc}") from None
    return paths


def _write_files(paths, markdown, frame, figures):
    """Write the report's files all or none: each one's temporary file is renamed only once all are whole.

    An error or a Ctrl-C while any of them is written leaves every previous
    file as it was.
    """
    with ExitStack() as files:
        markdown_path, csv_path, *figure_paths = paths
        files.enter_context(atomic_write(markdown_path, "w", encoding="utf-8")).write(markdown)
        frame.to_csv(
            files.enter_context(atomic_write(csv_path, "w", encoding="utf-8", newline="")), index=False
        )
        for path, figure in zip(figure_paths, figures):
            figure.savefig(files.enter_context(atomic_write(path, "wb")), format="png", dpi=100)
