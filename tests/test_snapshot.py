"""The one training-state snapshot: take, train on, restore, and everything is back."""

import warnings

import numpy as np
from sklearn.datasets import load_iris

from sklearn_nn import MLPClassifierScratch
from sklearn_nn._snapshot import Snapshot

X, Y = load_iris(return_X_y=True)


def _state(est):
    trainer = est._trainer
    arrays = {k: v.copy() for k, v in trainer.opt_state.items() if isinstance(v, np.ndarray)}
    scalars = {k: v for k, v in trainer.opt_state.items() if not isinstance(v, np.ndarray)}
    lengths = {k: len(v) for k, v in est.history_.items()}
    return (
        trainer.net.params.copy(),
        arrays,
        scalars,
        trainer.n_updates,
        trainer.n_samples_seen,
        est._rng.get_state()[1].copy(),
        lengths,
        trainer.schedule.eta,
    )


def _assert_same(a, b):
    np.testing.assert_array_equal(a[0], b[0])
    assert a[1].keys() == b[1].keys()
    for key in a[1]:
        np.testing.assert_array_equal(a[1][key], b[1][key])
    assert a[2:5] == b[2:5]
    np.testing.assert_array_equal(a[5], b[5])
    assert a[6:] == b[6:]


def test_restore_puts_back_the_whole_training_state_in_place():
    est = MLPClassifierScratch(hidden_layer_sizes=(4,), learning_rate="adaptive", max_iter=3, tol=0.0)
    est.set_params(n_iter_no_change=1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X, Y)
        before = _state(est)
        coefs, opt_state = est.coefs_[0], est._trainer.opt_state
        snapshot = Snapshot(est._trainer, est._rng, est.history_, owner=est)
        est.set_params(warm_start=True, max_iter=5)
        est.fit(X, Y)  # more epochs: parameters, moments, counters, rng, history and rate all move
    assert est._trainer.n_updates > before[3]
    snapshot.restore()
    _assert_same(_state(est), before)
    assert est.coefs_[0] is coefs and est._trainer.opt_state is opt_state  # restored in place
    assert est.max_iter == 3 and not est.warm_start  # the owner's attributes too


def test_take_reuses_its_buffers():
    est = MLPClassifierScratch(hidden_layer_sizes=(4,), max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X, Y)
    snapshot = Snapshot(est._trainer)
    buffers = {key: id(value) for key, value in snapshot._buffers.items()}
    est._trainer.net.params += 1.0
    snapshot.take()
    assert {key: id(value) for key, value in snapshot._buffers.items()} == buffers
    np.testing.assert_array_equal(snapshot.params, est._trainer.net.params)
