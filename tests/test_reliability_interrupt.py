"""Reliability: an interrupted fit keeps the updates it completed.

A ``KeyboardInterrupt`` raised from user code (a scorer, a learning-rate
callable) ends training at once; a real SIGINT is deferred to the end of the
update (epoch, L-BFGS iteration) under way. Either way the fit returns with a
warning, the model holds whole updates only, and the SIGINT handler is put back.
"""

import os
import signal

import pytest
from _reliability_helpers import assert_same
from sklearn.datasets import make_classification
from sklearn.preprocessing import StandardScaler

from sklearn_nn import MLPClassifierScratch

pytestmark = [
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
    # They send SIGINT and check that training puts Python's default handler back.
    pytest.mark.usefixtures("default_sigint_handler"),
]

X_INT, Y_INT = make_classification(300, 8, n_informative=5, n_classes=3, random_state=0)
X_INT = StandardScaler().fit_transform(X_INT)


def interrupting_scorer(at, how):
    """A validation scorer that interrupts training at its ``at``-th call."""
    calls = []

    def scorer(est, X, y):
        calls.append(1)
        if len(calls) == at:
            if how == "raise":
                raise KeyboardInterrupt
            os.kill(os.getpid(), signal.SIGINT)  # a real SIGINT to this (the main) thread
        return est.score(X, y)

    return scorer


@pytest.mark.parametrize("how", ["raise", "signal"])
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_interrupt_in_every_solver_keeps_the_completed_updates(solver, how):
    kw = dict(
        hidden_layer_sizes=(10,), solver=solver, batch_size=100, tol=0.0, n_iter_no_change=100, random_state=0
    )
    est = MLPClassifierScratch(scoring=interrupting_scorer(4, how), max_iter=50, **kw)
    with pytest.warns(UserWarning, match="Training interrupted by user"):
        assert est.fit(X_INT, Y_INT, X_val=X_INT[:50], y_val=Y_INT[:50]) is est
    # A SIGINT is deferred, so the 4th epoch is recorded; a raised KeyboardInterrupt ends its record.
    assert est.n_iter_ == len(est.loss_curve_) == (4 if how == "signal" else 3)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    # The parameters are those of four whole epochs (iterations), as without the interruption.
    four = MLPClassifierScratch(max_iter=4, **kw).fit(X_INT, Y_INT)
    assert_same(est.coefs_ + est.intercepts_, four.coefs_ + four.intercepts_)
    if solver == "lbfgs":
        assert est.loss_ == four.loss_  # J at the parameters kept


@pytest.mark.parametrize("how", ["raise", "signal"])
def test_interrupt_with_early_stopping_keeps_the_best_epoch(how):
    est = MLPClassifierScratch(
        hidden_layer_sizes=(10,),
        learning_rate_init=0.05,
        early_stopping=True,
        scoring=interrupting_scorer(12, how),
        n_iter_no_change=100,
        random_state=0,
    )
    with pytest.warns(UserWarning, match="interrupted"):
        est.fit(X_INT, Y_INT, X_val=X_INT[:100], y_val=Y_INT[:100])
    assert est.best_epoch_ <= est.n_iter_ < 12 + (how == "signal")
    assert est.score(X_INT[:100], Y_INT[:100]) == est.best_validation_score_


@pytest.mark.parametrize("how", ["raise", "signal"])
def test_interrupted_partial_fit_keeps_its_whole_updates(how):
    def schedule(k):
        if k == 5:  # the third update of the second call
            if how == "raise":
                raise KeyboardInterrupt
            signal.raise_signal(signal.SIGINT)
        return 0.01

    kw = dict(hidden_layer_sizes=(10,), alpha=0.0, batch_size=100, shuffle=False, random_state=0)
    est = MLPClassifierScratch(learning_rate=schedule, **kw).partial_fit(X_INT, Y_INT, classes=[0, 1, 2])
    with pytest.warns(UserWarning, match="interrupted"):
        est.partial_fit(X_INT, Y_INT)
    assert len(est.loss_curve_) == 1 and est.t_ == 300  # the unfinished epoch is not recorded
    # Two whole updates (three with a deferred SIGINT) of the second call were made.
    n_rows = 200 if how == "raise" else 300
    ref = MLPClassifierScratch(learning_rate_init=0.01, **kw).partial_fit(X_INT, Y_INT, classes=[0, 1, 2])
    ref.partial_fit(X_INT[:n_rows], Y_INT[:n_rows])
    assert_same(est.coefs_ + est.intercepts_, ref.coefs_ + ref.intercepts_)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


@pytest.mark.parametrize("solver", ["sgd", "lbfgs"])
def test_a_process_that_ignores_sigint_trains_on(solver):
    """Under SIG_IGN (nohup, a background job) a SIGINT does not interrupt training."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        kw = dict(hidden_layer_sizes=(10,), solver=solver, batch_size=100, tol=0.0, random_state=0)
        est = MLPClassifierScratch(scoring=interrupting_scorer(2, "signal"), max_iter=6, **kw)
        est.fit(X_INT, Y_INT, X_val=X_INT[:50], y_val=Y_INT[:50])
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)
    assert est.stop_reason_ == "max_iter" and est.n_iter_ == 6
