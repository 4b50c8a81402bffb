"""The best-so-far monitor behind early stopping and the convergence rule."""

import numpy as np

from sklearn_nn._monitor import Monitor


def test_patience_counts_epochs_without_an_improvement_of_tol():
    monitor = Monitor(tol=0.1, patience=2)
    values = [1.0, 1.05, 1.09, 1.2, 1.25, 1.25, 1.26]
    exhausted = []
    for epoch, value in enumerate(values, start=1):
        monitor.update(value, epoch=epoch)
        exhausted.append(monitor.exhausted)
    # 1.05 and 1.09 do not beat 1.0 + tol; 1.2 does; 1.25, 1.25, 1.26 do not beat 1.2 + tol.
    assert monitor.count == 3
    assert exhausted == [False, False, False, False, False, False, True]
    # The best value is tracked without the tolerance (scikit-learn's rule).
    assert monitor.best == 1.26 and monitor.best_epoch == 7


def test_keeps_a_copy_of_the_best_parameters():
    monitor = Monitor(tol=0.0, patience=5, keep_best=True)
    params = np.zeros(3)
    for value in [0.2, 0.5, 0.4]:
        params += 1.0
        monitor.update(value, params)
    np.testing.assert_array_equal(monitor.best_params, [2.0, 2.0, 2.0])
    assert monitor.best_params is not params


def test_nan_never_improves():
    monitor = Monitor(tol=0.0, patience=0)
    monitor.update(0.5)
    assert not monitor.update(np.nan)
    assert monitor.exhausted and monitor.best == 0.5


def test_infinite_patience_and_reset():
    monitor = Monitor(tol=1.0, patience=np.inf)
    for _ in range(1000):
        monitor.update(0.0)
    assert not monitor.exhausted
    monitor.reset_count()
    assert monitor.count == 0
