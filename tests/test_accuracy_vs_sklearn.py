"""Test accuracy / R^2 of the scratch MLPs against scikit-learn's MLPs.

Quality requirement: with identical hyperparameters, MLPClassifierScratch and
MLPRegressorScratch reach a mean test accuracy (digits, breast_cancer, wine)
or mean test R^2 (diabetes) over 5 seeds no worse than scikit-learn's
MLPClassifier / MLPRegressor minus 1 point.

Per seed: a stratified (classifiers) 75/25 split, a StandardScaler fitted on
the training part, and both models fitted with the same hyperparameters and
``random_state=seed``. The classifiers use the default hyperparameters.

Diabetes: the target (about 25 to 346) is standardised as well, as a sensible
user would do for an MLP, with ``TransformedTargetRegressor`` and R^2 measured
on the original scale. With the defaults, 100 hidden units overfit the 331
training rows and do not converge in 200 epochs; ``alpha=10`` (the best
scikit-learn mean R^2 over alpha in {1e-4, 0.1, 1, 3, 10, 30}) with
``max_iter=1000`` lets both models converge (about 250 to 350 epochs) to an
R^2 of about 0.43. Everything else is the default, identical for both.
A second case keeps the default alpha on the raw target, with
``learning_rate_init=0.01, max_iter=500``.

At a large alpha with mini-batches the two penalties differ by design: J
divides alpha by the whole training weight n in every batch mode, while
scikit-learn divides by the batch size, so the same alpha regularises less
here (by n / batch_size); with full batches the two coincide.
"""

import time
import warnings

import numpy as np
import pytest
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from sklearn_nn import MLPClassifierScratch, MLPRegressorScratch

SEEDS = range(5)
MARGIN = 0.01  # one point of accuracy / R^2

DIABETES_PARAMS = {"alpha": 10.0, "max_iter": 1000}

# name -> (loader, is_classifier, hyperparameters shared by both systems)
CASES = {
    "digits": (load_digits, True, {}),
    "breast_cancer": (load_breast_cancer, True, {}),
    "wine": (load_wine, True, {}),
    "diabetes": (load_diabetes, False, DIABETES_PARAMS),
    # The default alpha on the raw target (not standardised), with a larger rate
    # and more epochs so that both models get a reasonable fit.
    "diabetes-raw-target": (load_diabetes, False, {"learning_rate_init": 0.01, "max_iter": 500}),
}


def _fit_and_score(est, is_classifier, X_train, y_train, X_test, y_test, scale_target):
    """Fit one model; return its test accuracy or R^2 and its number of epochs."""
    if scale_target:
        est = TransformedTargetRegressor(regressor=est, transformer=StandardScaler())
    # One BLAS thread: these matrices are small, and on a loaded 2-core machine
    # multithreaded BLAS can make a fit ten times slower.
    with warnings.catch_warnings(), threadpool_limits(limits=1, user_api="blas"):
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X_train, y_train)
    fitted = est.regressor_ if scale_target else est
    return float(est.score(X_test, y_test)), fitted.n_iter_


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CASES))
def test_mlp_accuracy_no_worse_than_sklearn(name):
    loader, is_classifier, params = CASES[name]
    X, y = loader(return_X_y=True)
    ours_cls, sklearn_cls = (
        (MLPClassifierScratch, MLPClassifier) if is_classifier else (MLPRegressorScratch, MLPRegressor)
    )
    scores = {"sklearn": [], "ours": []}
    epochs = {"sklearn": [], "ours": []}
    seconds = {"sklearn": 0.0, "ours": 0.0}
    for seed in SEEDS:
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=0.25, random_state=seed, stratify=y if is_classifier else None
        )
        scaler = StandardScaler().fit(X_train)
        X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
        for system, cls in (("sklearn", sklearn_cls), ("ours", ours_cls)):
            start = time.perf_counter()
            score, n_iter = _fit_and_score(
                cls(random_state=seed, **params),
                is_classifier,
                X_train,
                y_train,
                X_test,
                y_test,
                scale_target=name == "diabetes",
            )
            seconds[system] += time.perf_counter() - start
            scores[system].append(score)
            epochs[system].append(n_iter)

    sklearn_mean = float(np.mean(scores["sklearn"]))
    ours_mean = float(np.mean(scores["ours"]))
    metric = "accuracy" if is_classifier else "R^2"
    report = (
        f"{name} ({metric}, params={params}): ours mean {ours_mean:.4f} vs scikit-learn mean "
        f"{sklearn_mean:.4f} (difference {ours_mean - sklearn_mean:+.4f}, allowed -{MARGIN}); "
        f"per seed {list(SEEDS)}: ours {np.round(scores['ours'], 4).tolist()}, "
        f"scikit-learn {np.round(scores['sklearn'], 4).tolist()}; "
        f"n_iter_ ours {epochs['ours']}, scikit-learn {epochs['sklearn']}; "
        f"fit time ours {seconds['ours']:.1f}s, scikit-learn {seconds['sklearn']:.1f}s"
    )
    print("\n" + report)
    assert ours_mean >= sklearn_mean - MARGIN, report
