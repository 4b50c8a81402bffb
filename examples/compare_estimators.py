"""Compare the sklearn_nn estimators with scikit-learn on bundled datasets.

This is the package's end-to-end check: it fits all four estimators of
``sklearn_nn`` inside ordinary scikit-learn pipelines and cross-validation and
prints a plain-text table next to scikit-learn's own models.

Classification (``--dataset``, default ``digits``): stratified k-fold
cross-validation (``cross_validate`` of ``StandardScaler`` + model) of

* ``LogisticRegressionGD`` and ``SoftmaxRegressionGD`` (defaults: full-batch
  gradient descent with Nesterov momentum from zero weights, ``alpha=1.0``,
  the penalty of scikit-learn's default ``LogisticRegression(C=1.0)``),
* ``MLPClassifierScratch(hidden_layer_sizes=(100,), random_state=0)``,
* scikit-learn's ``LogisticRegression``, ``MLPClassifier`` with the same
  settings as the scratch MLP, and ``GaussianNB`` as a baseline.

The columns are the mean ± standard deviation over the folds of the test
accuracy, the test log loss (scikit-learn's ``neg_log_loss`` scorer, printed
positive) and the fit time in seconds.

Regression (``load_diabetes``): k-fold cross-validation of
``MLPRegressorScratch(hidden_layer_sizes=(100,), learning_rate_init=0.01,
max_iter=500, random_state=0)`` against scikit-learn's ``MLPRegressor`` with
the same settings and ``Ridge``; the columns are the test R² and the fit time.

The scratch MLPs use the same initialisation, shuffling, batching and Adam
updates as scikit-learn's; they differ in the L2 penalty of a mini-batch
(alpha / (2 n) with n the whole training set, where scikit-learn uses the
batch), so the figures agree closely with ``MLPClassifier`` and
``MLPRegressor`` but not digit for digit. ``ConvergenceWarning`` is silenced:
some models stop at ``max_iter`` epochs, and the figures show how good that is.

Runtime: the full run (5 folds) takes about 25-30 seconds on 2 cores and
``--quick`` (3 folds) about 12-15 seconds, so the sizes are the full bundled
datasets; ``--n-jobs 2`` runs the folds in parallel. The matrices are small, so BLAS is
limited to one thread: multi-threaded BLAS is slower on them and becomes an
order of magnitude slower when the cores are busy with other work.

Usage::

    python examples/compare_estimators.py
    python examples/compare_estimators.py --quick --dataset wine
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_iris, load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import KFold, StratifiedKFold, cross_validate
from sklearn.naive_bayes import GaussianNB
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from sklearn_nn import (
    LogisticRegressionGD,
    MLPClassifierScratch,
    MLPRegressorScratch,
    SoftmaxRegressionGD,
)

CLASSIFICATION_DATASETS = {
    "digits": load_digits,
    "iris": load_iris,
    "wine": load_wine,
    "breast_cancer": load_breast_cancer,
}


def classifiers():
    """(name, estimator) pairs of the classification comparison."""
    mlp = dict(hidden_layer_sizes=(100,), random_state=0)
    return [
        ("LogisticRegressionGD", LogisticRegressionGD()),
        ("SoftmaxRegressionGD", SoftmaxRegressionGD()),
        ("MLPClassifierScratch", MLPClassifierScratch(**mlp)),
        ("sklearn LogisticRegression", LogisticRegression()),
        ("sklearn MLPClassifier", MLPClassifier(**mlp)),
        ("sklearn GaussianNB", GaussianNB()),
    ]


def regressors():
    """(name, estimator) pairs of the regression comparison."""
    mlp = dict(hidden_layer_sizes=(100,), learning_rate_init=0.01, max_iter=500, random_state=0)
    return [
        ("MLPRegressorScratch", MLPRegressorScratch(**mlp)),
        ("sklearn MLPRegressor", MLPRegressor(**mlp)),
        ("sklearn Ridge", Ridge()),
    ]


def mean_std(values, digits=3):
    """'mean ± std' of an array of per-fold values."""
    values = np.asarray(values, dtype=float)
    return f"{values.mean():.{digits}f} ± {values.std():.{digits}f}"


def format_table(header, rows):
    """A plain-text table: left-aligned first column, right-aligned others."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]

    def line(cells):
        first = str(cells[0]).ljust(widths[0])
        rest = (str(cell).rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True))
        return "  ".join([first, *rest])

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *(line(row) for row in rows)])


def compare_classifiers(dataset, n_splits, n_jobs):
    X, y = CLASSIFICATION_DATASETS[dataset](return_X_y=True)
    cv = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=0)
    rows = []
    for name, estimator in classifiers():
        scores = cross_validate(
            make_pipeline(StandardScaler(), estimator),
            X,
            y,
            cv=cv,
            scoring={"accuracy": "accuracy", "log_loss": "neg_log_loss"},
            n_jobs=n_jobs,
        )
        rows.append(
            [
                name,
                mean_std(scores["test_accuracy"]),
                mean_std(-scores["test_log_loss"]),
                mean_std(scores["fit_time"], digits=2),
            ]
        )
    title = f"Classification: {dataset} ({X.shape[0]} samples, {X.shape[1]} features, "
    title += f"{len(np.unique(y))} classes), {n_splits}-fold stratified CV"
    header = ["model", "accuracy", "log loss", "fit time (s)"]
    return f"{title}\n\n{format_table(header, rows)}"


def compare_regressors(n_splits, n_jobs):
    X, y = load_diabetes(return_X_y=True)
    cv = KFold(n_splits=n_splits, shuffle=True, random_state=0)
    rows = []
    for name, estimator in regressors():
        scores = cross_validate(make_pipeline(StandardScaler(), estimator), X, y, cv=cv, n_jobs=n_jobs)
        rows.append([name, mean_std(scores["test_score"]), mean_std(scores["fit_time"], digits=2)])
    title = f"Regression: diabetes ({X.shape[0]} samples, {X.shape[1]} features), {n_splits}-fold CV"
    return f"{title}\n\n{format_table(['model', 'R²', 'fit time (s)'], rows)}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 folds instead of 5")
    parser.add_argument(
        "--dataset",
        choices=sorted(CLASSIFICATION_DATASETS),
        default="digits",
        help="dataset of the classification comparison (default: digits)",
    )
    parser.add_argument(
        "--n-jobs", type=int, default=None, help="parallel folds in cross_validate (default: 1)"
    )
    args = parser.parse_args(argv)
    n_splits = 3 if args.quick else 5

    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    start = time.perf_counter()
    with threadpool_limits(limits=1, user_api="blas"):
        print(compare_classifiers(args.dataset, n_splits, args.n_jobs))
        print()
        print(compare_regressors(n_splits, args.n_jobs))
    print(f"\nTotal time: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
