"""Ctrl-C: the first one ends the command with ``sklearn-nn: interrupted`` and status 130.

No table is printed, and no model, report or predictions file is written (a
previous one is left as it was): neither the estimators' graceful stop at the
end of the update under way nor scikit-learn's MLP, which catches the
``KeyboardInterrupt`` and returns, lets a half-trained model through.

The subprocess tests run the command as a user does, with SIGINT restored to
its default (the test runner may ignore it), in a session of its own: the
SIGINT goes to the process group, as a terminal's Ctrl-C does, parallel
workers included. They send it once training is seen to run.
"""

import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline

from sklearn_nn.cli import main
from sklearn_nn.cli._progress import EpochProgress

from .helpers import ROOT, run

_GUARD = 30  # seconds: a command still running this long after the SIGINT fails the test
_LONG_TRAINING = [
    "--param",
    "max_iter=100000",
    "--param",
    "n_iter_no_change=100000",
    "--param",
    "verbose=True",
]


def _default_sigint():
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _interrupt(argv, marker, stream="stderr"):
    """Run ``sklearn-nn argv``, send SIGINT when ``marker`` is printed on ``stream``.

    Returns (exit status, stdout, stderr, seconds from the signal to the exit).
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "sklearn_nn", *argv],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=_default_sigint,
    )
    watchdog = threading.Timer(300, process.kill)  # the marker never came: do not hang
    watchdog.start()
    seen = ""
    try:
        while marker not in seen:
            line = getattr(process, stream).readline()
            if not line:
                break
            seen += line
    finally:
        watchdog.cancel()
    assert marker in seen, f"the command ended before {marker!r}: {seen}"
    os.killpg(process.pid, signal.SIGINT)
    start = time.monotonic()
    try:
        out, err = process.communicate(timeout=_GUARD)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"still running {_GUARD} s after the SIGINT")
    seconds = time.monotonic() - start
    out, err = (seen + out, err) if stream == "stdout" else (out, seen + err)
    return process.returncode, out, err, seconds


def _assert_interrupted(status, err, seconds):
    assert status == 130, err
    assert err.endswith("sklearn-nn: interrupted\n"), err
    assert "Traceback" not in err and "Warning" not in err, err
    print(f"exited {seconds:.2f} s after the SIGINT")  # shown with pytest -s


@pytest.mark.parametrize("n_jobs", [None, 2])
def test_ctrl_c_ends_compare_without_table_or_report(tmp_path, n_jobs):
    """The SIGINT comes while the second model (SoftmaxRegressionGD, then MLPClassifierScratch) is
    cross-validated, in this process or in the workers."""
    report = tmp_path / "report"
    report.mkdir()
    (report / "comparison.md").write_text("previous report\n")
    argv = ["compare", "--dataset", "digits", "--report", str(report)]
    if n_jobs is not None:
        argv += ["--n-jobs", str(n_jobs)]
    status, out, err, seconds = _interrupt(argv, "LogisticRegressionGD: 5 folds fitted")
    _assert_interrupted(status, err, seconds)
    assert out == ""
    assert os.listdir(report) == ["comparison.md"]
    assert (report / "comparison.md").read_text() == "previous report\n"


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_ctrl_c_ends_train_without_saving(capsys, tmp_path, solver):
    path = tmp_path / "model.skops"
    assert (
        main(["train", "--model", "gaussian-nb", "--dataset", "digits", "--save", str(path), "--quiet"]) == 0
    )
    capsys.readouterr()
    previous = path.read_bytes()
    argv = ["train", "--model", "mlp", "--dataset", "digits", "--param", f"solver={solver}", *_LONG_TRAINING]
    if solver == "lbfgs":
        argv += ["--param", "tol=0"]
    status, out, err, seconds = _interrupt([*argv, "--save", str(path)], "Iteration 3,", stream="stdout")
    _assert_interrupted(status, err, seconds)
    assert "training accuracy" not in out and "saved to" not in err
    assert path.read_bytes() == previous
    assert os.listdir(tmp_path) == ["model.skops"]


def _sigint_on_call(monkeypatch, owner, name, at=3):
    """Make ``owner.name`` send SIGINT to this process at its ``at``-th call."""
    original, calls = getattr(owner, name), []

    def wrapper(*args, **kwargs):
        calls.append(1)
        if len(calls) == at:
            os.kill(os.getpid(), signal.SIGINT)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, wrapper)
    return calls


@pytest.mark.usefixtures("default_sigint_handler")
@pytest.mark.parametrize(
    "model, owner, name",
    [
        # This package's estimators defer the SIGINT and stop at the end of the update.
        ("mlp", EpochProgress, "on_fit_task_end"),
        # scikit-learn's MLP catches the KeyboardInterrupt and returns.
        ("sklearn-mlp", MLPClassifier, "_update_no_improvement_count"),
    ],
)
def test_a_fit_that_stops_gracefully_still_ends_train(capsys, monkeypatch, tmp_path, model, owner, name):
    calls = _sigint_on_call(monkeypatch, owner, name)
    argv = ["train", "--model", model, "--dataset", "iris", "--param", "max_iter=100000", "--param", "tol=0"]
    status, out, err = run(capsys, *argv, "--save", str(tmp_path / "model.skops"))
    assert status == 130
    assert out == "" and err.endswith("sklearn-nn: interrupted\n") and "Warning" not in err
    assert len(calls) < 10  # the fit stopped at once (the SIGINT came at the 3rd call)
    assert os.listdir(tmp_path) == []
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # put back


@pytest.mark.usefixtures("default_sigint_handler")
def test_ctrl_c_ends_predict_without_writing(capsys, monkeypatch, tmp_path, wine_csv):
    path, output = tmp_path / "model.skops", tmp_path / "predictions.csv"
    argv = ["--model", "gaussian-nb", "--csv", str(wine_csv), "--target", "cultivar", "--quiet"]
    assert main(["train", *argv, "--save", str(path)]) == 0
    capsys.readouterr()
    output.write_text("previous predictions\n")
    _sigint_on_call(monkeypatch, Pipeline, "predict", at=1)
    status, out, err = run(capsys, "predict", str(path), "--csv", str(wine_csv), "--output", str(output))
    assert status == 130 and out == "" and err == "sklearn-nn: interrupted\n"
    assert output.read_text() == "previous predictions\n"
    assert sorted(os.listdir(tmp_path)) == ["model.skops", "predictions.csv"]
