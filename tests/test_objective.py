"""J in one place: the objective on rows in chunks equals the objective in one go; how J splits
by output unit (``Objective.units``) and whether it is convex (``Objective.smooth_convex``)."""

import numpy as np
import pytest

from sklearn_nn._data import Rows
from sklearn_nn._losses import REGRESSION_LOSSES, SIGMOID_LOSSES, SOFTMAX_LOSSES
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


def _linear_objective(family, name, K=3, p=4, n=40, seed=0, alpha=0.5):
    """J of a network without hidden layers, K outputs, with a loss of the registries, and its data."""
    rng = np.random.RandomState(seed)
    losses = {"sigmoid": SIGMOID_LOSSES, "softmax": SOFTMAX_LOSSES, "regression": REGRESSION_LOSSES}
    X = rng.normal(size=(n, p))
    if family == "regression":
        T = rng.poisson(2.0, size=(n, K)).astype(float)  # non-negative: every regression loss takes it
    else:
        T = np.eye(K)[rng.randint(K, size=n)]
    net = Network([p, K], "identity", np.float64)
    J = Objective(net, losses[family][name](), L2Penalty(alpha, net.n_weights))

    def value(theta):
        net.params[:] = theta
        return J.value(X, T, None, float(n))

    return J, value, rng


LINEAR_LOSSES = [(f, name) for f, reg in (("sigmoid", SIGMOID_LOSSES), ("softmax", SOFTMAX_LOSSES),
                 ("regression", REGRESSION_LOSSES)) for name in reg]  # fmt: skip


@pytest.mark.parametrize("family, name", LINEAR_LOSSES)
def test_units_is_how_J_splits_by_output_unit(family, name):
    # J(theta) = sum_u J_u(theta_u) exactly when swapping one unit's parameters between two points
    # a, b leaves J(a) + J(b) unchanged; unit u's parameters are theta.reshape(-1, K)[:, u].
    J, value, rng = _linear_objective(family, name)
    K = 3
    worst = 0.0
    for _ in range(20):
        a, b = rng.normal(size=(2, J.net.n_params))
        for u in range(K):
            c, d = a.reshape(-1, K).copy(), b.reshape(-1, K).copy()
            c[:, u], d[:, u] = d[:, u].copy(), c[:, u].copy()
            mixed = value(c.ravel()) + value(d.ravel()) - value(a) - value(b)
            worst = max(worst, abs(mixed) / (abs(value(a)) + abs(value(b))))
    if J.units == K:
        assert worst <= 1e-13
    else:
        assert J.units == 1 and worst > 1e-6  # the softmax couples the units


@pytest.mark.parametrize("family, name", LINEAR_LOSSES)
def test_smooth_convex_losses_give_a_convex_J_and_the_squashed_squared_errors_do_not(family, name):
    J, value, rng = _linear_objective(family, name, alpha=0.0)  # the loss alone: the penalty is convex
    gaps = []  # midpoint convexity: J((a + b) / 2) <= (J(a) + J(b)) / 2
    for _ in range(300):
        a, b = rng.normal(scale=3.0, size=(2, J.net.n_params))
        gaps.append(value((a + b) / 2) - (value(a) + value(b)) / 2)
    if J.smooth_convex:
        assert max(gaps) <= 1e-12
    elif name == "squared_error":  # a squashed output: sigmoid or softmax, then the squared error
        assert max(gaps) > 1e-3
    assert not Objective(Network([4, 5, 3], "tanh", np.float64), J.loss, J.penalty).smooth_convex
