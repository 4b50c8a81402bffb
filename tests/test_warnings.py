"""The package's warnings point at the caller's line, whatever the path into the fit."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_nn import MLPClassifierScratch, SoftmaxRegressionGD
from sklearn_nn.stream import fit_stream

X, Y = load_iris(return_X_y=True)


def _interrupting(k_stop):
    def schedule(k):
        if k == k_stop:
            raise KeyboardInterrupt
        return 0.1

    return schedule


@pytest.mark.parametrize(
    "call, category",
    [
        (lambda: SoftmaxRegressionGD(max_iter=2, tol=0.0).fit(X, Y), ConvergenceWarning),
        (lambda: SoftmaxRegressionGD(learning_rate=_interrupting(3)).fit(X, Y), UserWarning),
        (
            lambda: MLPClassifierScratch(hidden_layer_sizes=(3,), batch_size=500, max_iter=1).fit(X, Y),
            UserWarning,
        ),
        (
            lambda: fit_stream(
                SoftmaxRegressionGD(learning_rate=_interrupting(1)), (X, Y), chunk_size=50, classes=[0, 1, 2]
            ),
            UserWarning,
        ),
    ],
    ids=["max_iter", "interrupted", "batch_size_clipped", "fit_stream_interrupted"],
)
def test_a_warning_points_at_the_line_that_called_the_package(call, category):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    ours = [w for w in caught if issubclass(w.category, category)]
    assert ours and all(w.filename == __file__ for w in ours), [(w.filename, str(w.message)) for w in ours]


def test_through_scikit_learn_a_warning_points_at_scikit_learn_not_into_the_package():
    model = make_pipeline(StandardScaler(), SoftmaxRegressionGD(max_iter=2, tol=0.0))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cross_val_score(model, X, Y, cv=2)
    ours = [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    assert len(ours) == 2
    assert all("sklearn_nn" not in w.filename and "sklearn" in w.filename for w in ours)
    assert np.all([w.filename != __file__ for w in ours])
