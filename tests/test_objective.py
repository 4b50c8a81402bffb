"""J in one place: the objective on rows in chunks equals the objective in one go."""

import numpy as np
import pytest

from sklearn_nn._data import Rows
from sklearn_nn._losses import SOFTMAX_LOSSES
from sklearn_nn._network import Network
from sklearn_nn._objective import Objective
from sklearn_nn._penalties import L2Penalty


def _problem(seed=0, n=300):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 5))
    T = np.eye(3, dtype=np.uint8)[rng.randint(3, size=n)]
    net = Network([5, 4, 3], "tanh", np.float64)
    net.init_glorot(rng)
    return net, X, T, rng.uniform(0.5, 2.0, size=n)


@pytest.mark.parametrize("weighted", [False, True])
def test_on_rows_in_chunks_is_the_value_on_all_rows(weighted, monkeypatch):
    net, X, T, sw = _problem()
    sw = sw if weighted else None
    J = Objective(net, SOFTMAX_LOSSES["log_loss"](), L2Penalty(0.5, net.n_weights))
    monkeypatch.setattr(Network, "chunk_rows", property(lambda self: 64))  # five chunks of rows
    assert J.on_rows(Rows(X, T, sw), 40.0) == pytest.approx(J.value(X, T, sw, 40.0), rel=1e-13)


def test_value_is_data_term_plus_penalty_and_so_is_its_gradient():
    net, X, T, sw = _problem(1)
    loss, penalty = SOFTMAX_LOSSES["log_loss"](), L2Penalty(2.0, net.n_weights)
    grad, data_grad = np.empty_like(net.params), np.empty_like(net.params)
    J = Objective(net, loss, penalty).value(X, T, sw, 7.0, grad)
    data = net.data_term(X, T, sw, loss, data_grad)
    assert J == data + penalty.value(net.params, 7.0)
    penalty.add_gradient(data_grad, net.params, 7.0)
    np.testing.assert_array_equal(grad, data_grad)
