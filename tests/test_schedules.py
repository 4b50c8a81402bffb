"""Every learning-rate schedule's sequence of rates against its formula."""

import math

import numpy as np
import pytest

from sklearn_nn._schedules import SCHEDULES, Adaptive, make_schedule

ETA = 0.3
K = np.arange(0, 250)
SETTINGS = dict(power_t=0.5, decay_rate=0.9, decay_steps=20, total_steps=200)

FORMULAS = {
    "constant": lambda k: ETA,
    "invscaling": lambda k: ETA / (1 + k) ** 0.5,
    "exponential": lambda k: ETA * 0.9 ** (k / 20),
    "step": lambda k: ETA * 0.9 ** math.floor(k / 20),
    "cosine": lambda k: 0.5 * ETA * (1 + math.cos(math.pi * min(k, 200) / 200)),
    "adaptive": lambda k: ETA,
}


def test_every_schedule_has_a_formula():
    assert set(SCHEDULES) == set(FORMULAS)


@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_sequence_matches_formula(name):
    schedule = make_schedule(name, ETA, **SETTINGS)
    np.testing.assert_allclose([schedule(k) for k in K], [FORMULAS[name](k) for k in K], rtol=1e-13)


def test_cosine_ends_at_zero_and_starts_at_eta():
    schedule = make_schedule("cosine", ETA, **SETTINGS)
    assert schedule(0) == ETA and schedule(200) == 0.0 and schedule(1000) == 0.0


def test_adaptive_divides_by_five_until_1e_6():
    schedule = Adaptive(1e-4)
    assert schedule.plateau() and schedule(0) == pytest.approx(2e-5)
    assert schedule.plateau() and schedule(0) == pytest.approx(4e-6)
    assert schedule.plateau() and schedule(0) == pytest.approx(8e-7)
    assert not schedule.plateau()  # at or below 1e-6: the caller stops training


def test_user_callable():
    schedule = make_schedule(lambda k: 1.0 / (k + 1), ETA, **SETTINGS)
    assert [schedule(k) for k in range(3)] == [1.0, 0.5, 1.0 / 3]


@pytest.mark.parametrize("bad", [0.0, -1.0, np.nan, np.inf, "fast", None])
def test_user_callable_must_return_a_positive_finite_rate(bad):
    schedule = make_schedule(lambda k: bad, ETA, **SETTINGS)
    with pytest.raises(ValueError, match="learning_rate callable returned"):
        schedule(0)
