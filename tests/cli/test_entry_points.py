"""The command line started in a separate process: python -m sklearn_nn and the sklearn-nn script."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from .helpers import IRIS_MODELS, ROOT


def _subprocess(*argv, executable=(sys.executable, "-m", "sklearn_nn")):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [*executable, *argv], cwd=ROOT, capture_output=True, text=True, encoding="utf-8", env=env, timeout=600
    )


def test_python_m_sklearn_nn():
    result = _subprocess("compare", "--quick", "--dataset", "iris")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        "Classification: iris (150 samples, 4 features, 3 classes), 3-fold stratified CV"
    )
    for name in IRIS_MODELS:
        assert f"\n{name}  " in result.stdout
    assert "ConvergenceWarning:" not in result.stderr and "Traceback" not in result.stderr

    result = _subprocess("--dataset", "mnist")
    assert result.returncode == 2
    assert result.stderr.startswith("sklearn-nn: error: argument --dataset: invalid choice: 'mnist'")
    assert result.stderr.count("\n") == 1 and result.stdout == ""


@pytest.mark.skipif(
    shutil.which("sklearn-nn") is None, reason="the sklearn-nn console script is not installed"
)
def test_console_script():
    result = _subprocess("--version", executable=("sklearn-nn",))
    assert result.returncode == 0 and result.stdout.startswith("sklearn-nn ")
    result = _subprocess("train", "--dataset", "iris", executable=("sklearn-nn",))
    assert result.returncode == 2
    assert result.stderr == "sklearn-nn: error: the following arguments are required: --model\n"


@pytest.mark.slow
def test_main_job_compare_quick_on_digits():
    """The README's main job, in its quick form: the digits table with every model."""
    result = _subprocess("compare", "--quick")
    assert result.returncode == 0, result.stderr
    output = result.stdout
    assert output.startswith(
        "Classification: digits (1797 samples, 64 features, 10 classes), 3-fold stratified CV"
    )
    rows = {}
    for line in output.splitlines()[4:]:
        label = line[:26].strip()
        rows[label] = [float(x) for x in line[26:].replace("±", " ").split()]
    assert list(rows) == [*IRIS_MODELS, "sklearn MultinomialNB"]
    for name in (
        "LogisticRegressionGD",
        "SoftmaxRegressionGD",
        "MLPClassifierScratch",
        "sklearn MLPClassifier",
    ):
        accuracy, accuracy_std, log_loss, _, fit_time, _ = rows[name]
        assert 0.95 < accuracy <= 1.0 and accuracy_std < 0.05 and 0 < log_loss < 0.3 and fit_time > 0, name
    assert rows["MLPClassifierScratch"][0] == pytest.approx(rows["sklearn MLPClassifier"][0], abs=0.01)
    assert "ConvergenceWarning:" not in result.stderr


_INSTALL = 'pip install "sklearn_nn[cli]"'
_DRIVER = """
import contextlib, io, json, sys
from sklearn_nn.__main__ import main
for argv in json.loads(sys.argv[1]):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(argv)
    print(json.dumps([argv, status, out.getvalue(), err.getvalue()]))
"""


def test_help_and_version_work_without_pandas(tmp_path):
    """In a process where importing pandas fails, --help and --version work, and commands name the extra."""
    fake = tmp_path / "pandas"
    fake.mkdir()
    (fake / "__init__.py").write_text(
        "raise ImportError(\"No module named 'pandas' (hidden by the test)\")\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]),
        "PYTHONIOENCODING": "utf-8",
    }
    hidden = subprocess.run([sys.executable, "-c", "import pandas"], capture_output=True, text=True, env=env)
    assert hidden.returncode == 1 and "hidden by the test" in hidden.stderr
    result = subprocess.run(
        [sys.executable, "-m", "sklearn_nn", "--help"], cwd=tmp_path, capture_output=True, text=True, env=env
    )
    assert result.returncode == 0 and result.stdout.startswith("usage: sklearn-nn") and result.stderr == ""
    runs = [["--version"], ["compare", "--help"], ["train", "--help"], ["predict", "--help"]]
    runs += [["compare", "--dataset", "iris"], ["train", "--model", "mlp"], ["datasets"], []]
    result = subprocess.run(
        [sys.executable, "-c", _DRIVER, json.dumps(runs)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [argv for argv, *_ in records] == runs
    for argv, status, out, err in records[:4]:
        assert (
            status == 0 and err == "" and out.startswith("sklearn-nn " if argv == ["--version"] else "usage:")
        )
    for argv, status, out, err in records[4:]:
        assert status == 2 and out == "", argv
        assert err == f"sklearn-nn: error: the command line needs pandas; install it with: {_INSTALL}\n"


def test_missing_pandas_gives_one_line_and_status_2(monkeypatch, capsys):
    """The console script's entry point explains how to get pandas instead of failing on an import."""
    from sklearn_nn.__main__ import main as entry

    monkeypatch.setitem(sys.modules, "pandas", None)  # makes `import pandas` raise ImportError
    assert entry(["compare", "--dataset", "iris"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert 'pip install "sklearn_nn[cli]"' in err and "pandas" in err
