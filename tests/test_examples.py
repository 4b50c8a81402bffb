"""The example script runs end to end and prints a sensible comparison table."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "examples" / "compare_estimators.py"

MODEL_NAMES = [
    "LogisticRegressionGD",
    "SoftmaxRegressionGD",
    "MLPClassifierScratch",
    "sklearn LogisticRegression",
    "sklearn MLPClassifier",
    "sklearn GaussianNB",
    "MLPRegressorScratch",
    "sklearn MLPRegressor",
    "sklearn Ridge",
]


def _row(output, name):
    """The numbers (mean, std, mean, std, ...) of the first table row of model ``name``."""
    for line in output.splitlines():
        if re.match(rf"{re.escape(name)}\s{{2,}}", line):
            return [float(x) for x in re.findall(r"-?\d+\.\d+", line)]
    raise AssertionError(f"no table row for {name!r} in:\n{output}")


@pytest.mark.slow
def test_compare_estimators_quick():
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    output = result.stdout
    assert "Classification: digits" in output
    assert "Regression: diabetes" in output
    for name in MODEL_NAMES:
        assert re.search(rf"^{re.escape(name)}\s{{2,}}", output, flags=re.MULTILINE), name

    accuracy_mean, accuracy_std, log_loss_mean, _, fit_time_mean, _ = _row(output, "MLPClassifierScratch")
    assert 0.9 < accuracy_mean <= 1.0
    assert 0.0 <= accuracy_std < 0.1
    assert 0.0 < log_loss_mean < 0.5
    assert fit_time_mean > 0.0
    for name in ("LogisticRegressionGD", "SoftmaxRegressionGD"):
        assert _row(output, name)[0] > 0.9, name
    r2_mean = _row(output, "MLPRegressorScratch")[0]
    assert 0.2 < r2_mean < 0.8
    assert "ConvergenceWarning" not in result.stderr
