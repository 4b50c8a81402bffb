"""Progress of the command line on stderr: bars, status lines, milestones, and epochs of a fit."""

import io

import pytest

from sklearn_nn.cli import _progress
from sklearn_nn.cli._progress import Reporter

from .helpers import IRIS_MODELS, needs_rich, run


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_plain_progress_draws_a_bar_on_a_terminal():
    stream = _Terminal()
    reporter = Reporter(stream=stream, use_rich=False)
    with reporter.progress(4, "fitting") as progress:
        progress.advance("A fold 1/2")
        progress.advance("A fold 2/2", log="A: 2 folds")
        progress.advance("B fold 1/2")
    text = stream.getvalue()
    assert "\rfitting [######..................] 1/4 A fold 1/2" in text
    assert "A: 2 folds\n" in text
    assert "[##################......] 3/4 B fold 1/2" in text
    assert text.endswith("\r")  # the bar is wiped at the end


@needs_rich
def test_rich_progress_keeps_the_milestones():
    stream = _Terminal()
    with Reporter(stream=stream, use_rich=True).progress(2, "fitting") as progress:
        progress.advance("A", log="A: done")
        progress.advance("B", log="B: done")
    assert "A: done" in stream.getvalue() and "B: done" in stream.getvalue()


def test_status_line_on_a_terminal_only():
    terminal, pipe = _Terminal(), io.StringIO()
    for stream in (terminal, pipe):
        with Reporter(stream=stream, use_rich=False).status("fitting mlp"):
            pass
    assert terminal.getvalue() == "fitting mlp ...\n" and pipe.getvalue() == ""


def test_quiet_reporter_writes_nothing():
    stream = _Terminal()
    reporter = Reporter(quiet=True, stream=stream)
    with reporter.progress(1, "x") as progress, reporter.status("y"):
        progress.advance("z", log="w")
    reporter.note("v")
    assert stream.getvalue() == ""


@pytest.mark.parametrize("rich", [pytest.param(True, marks=needs_rich), False])
def test_compare_reports_progress_per_model(capsys, monkeypatch, rich):
    monkeypatch.setattr(_progress, "rich_available", lambda: rich)
    status, out, err = run(capsys, "compare", "--quick", "--dataset", "iris", "--format", "csv")
    assert status == 0
    for name in IRIS_MODELS:
        assert f"{name}: 3 folds fitted in " in err
    assert "ConvergenceWarning is silenced" in err
    assert "folds fitted" not in out


def test_epoch_progress_counts_the_epochs_of_a_fit():
    """train's progress bar advances once per epoch through scikit-learn's callbacks."""
    pytest.importorskip("sklearn.callback", reason="scikit-learn < 1.9 has no callback API")
    from sklearn.datasets import load_iris
    from sklearn.exceptions import ConvergenceWarning

    from sklearn_nn import MLPClassifierScratch
    from sklearn_nn.cli._progress import EpochProgress

    class Bar:
        def __init__(self):
            self.texts = []

        def advance(self, text="", log=None):
            self.texts.append(text)

    bar = Bar()
    X, y = load_iris(return_X_y=True)
    est = MLPClassifierScratch(hidden_layer_sizes=(5,), max_iter=12, tol=0, random_state=0)
    with pytest.warns(ConvergenceWarning):
        est.set_callbacks(EpochProgress(bar)).fit(X, y)
    assert bar.texts == [f"epoch {k}" for k in range(1, est.n_iter_ + 1)]
