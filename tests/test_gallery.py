"""Every example of the gallery runs as a script, without errors and without warnings from sklearn_nn."""

import runpy
import warnings
from pathlib import Path

import pytest

matplotlib = pytest.importorskip("matplotlib")
pytest.importorskip("pandas")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
PACKAGE = ROOT / "sklearn_nn"

# The examples that take more than about 5 seconds on 2 cores.
SLOW = {
    "plot_batch_modes.py",
    "plot_checkpoint_resume_export.py",
    "plot_dropout.py",
    "plot_naive_bayes_vs_logistic.py",
    "plot_regularization_path.py",
    "plot_step_rules.py",
}
# Examples run by another test, and why.
ELSEWHERE = {
    "plot_dask_grid_search.py": "tests/test_dask.py runs it as a script: it starts Dask worker processes",
}


def _examples():
    return [
        pytest.param(path, id=path.stem, marks=[pytest.mark.slow] if path.name in SLOW else [])
        for path in sorted(EXAMPLES.glob("plot_*.py"))
        if path.name not in ELSEWHERE
    ]


def _from_the_package(record):
    """Whether a warning was raised by sklearn_nn (or by the libraries it uses, on its behalf).

    A library warning with a ``stacklevel`` names the caller's file: here the
    example itself. A ``ConvergenceWarning`` counts wherever it points.
    """
    path = Path(record.filename).resolve()
    return (
        PACKAGE in path.parents or path.parent == EXAMPLES or issubclass(record.category, ConvergenceWarning)
    )


def test_every_example_is_tested():
    assert len(list(EXAMPLES.glob("plot_*.py"))) == 17
    assert set(ELSEWHERE) <= {path.name for path in EXAMPLES.glob("plot_*.py")}
    assert (EXAMPLES / "README.rst").is_file()
    assert SLOW <= {path.name for path in EXAMPLES.glob("plot_*.py")}


@pytest.mark.parametrize("path", _examples())
def test_example_runs(path, monkeypatch):
    monkeypatch.chdir(ROOT)
    # sphinx-gallery collects the figures instead of showing them; so does this test.
    monkeypatch.setattr(plt, "show", lambda *args, **kwargs: None)
    try:
        # The examples limit BLAS to one thread; the limit is lifted again afterwards.
        with threadpool_limits(limits=1), warnings.catch_warnings(record=True) as records:
            warnings.simplefilter("always")
            namespace = runpy.run_path(str(path), run_name="__main__")
        n_figures = len(plt.get_fignums())
    finally:
        plt.close("all")
    escaped = [
        f"{record.category.__name__} at {record.filename}:{record.lineno}: {record.message}"
        for record in records
        if _from_the_package(record)
    ]
    assert not escaped, "\n".join(escaped)
    assert n_figures >= 1, "every example draws at least one figure"
    assert namespace["__doc__"].lstrip().startswith("="), "the docstring starts with the title"
