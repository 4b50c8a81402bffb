"""The documentation builds with Sphinx, warnings as errors, gallery included."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import sklearn_nn

for module in ("sphinx", "numpydoc", "sphinx_gallery", "pydata_sphinx_theme", "matplotlib", "pandas"):
    pytest.importorskip(module)

ROOT = Path(__file__).resolve().parents[1]
# Built outputs of a local build, which must not leak into the test build.
GENERATED = ("_build", "auto_examples", "generated", "__pycache__")

API_OBJECTS = [
    "sklearn_nn.LogisticRegressionGD",
    "sklearn_nn.SoftmaxRegressionGD",
    "sklearn_nn.MLPClassifierScratch",
    "sklearn_nn.MLPRegressorScratch",
    "sklearn_nn.plot.LossCurveDisplay",
    "sklearn_nn.stream.fit_stream",
    "sklearn_nn.inspection.gradients",
    "sklearn_nn.inspection.check_gradients",
    "sklearn_nn.inspection.trace",
    "sklearn_nn.inspection.Trace",
]
PAGES = [
    "index",
    "getting_started",
    "cli",
    "from_sklearn",
    "scaling_out",
    "benchmarks",
    "developers",
    "api/index",
    "auto_examples/index",
    "user_guide/index",
    "user_guide/models",
    "user_guide/objective",
    "user_guide/backpropagation",
    "user_guide/training",
    "user_guide/monitoring",
    "user_guide/inspection",
    "user_guide/theory",
]


@pytest.fixture(scope="module")
def html(tmp_path_factory):
    """Build the documentation from a fresh copy of its sources; return the HTML directory."""
    base = tmp_path_factory.mktemp("docs")
    source = base / "source"
    shutil.copytree(ROOT / "docs", source / "docs", ignore=shutil.ignore_patterns(*GENERATED))
    shutil.copytree(ROOT / "examples", source / "examples", ignore=shutil.ignore_patterns("__pycache__"))
    (source / "benchmarks").mkdir()
    shutil.copy(ROOT / "benchmarks" / "RESULTS.md", source / "benchmarks" / "RESULTS.md")
    out = base / "html"
    env = dict(os.environ)
    # Document the sklearn_nn that the tests import.
    package_parent = str(Path(sklearn_nn.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_parent, env.get("PYTHONPATH")) if p)
    env["MPLBACKEND"] = "Agg"
    command = [
        sys.executable,
        "-m",
        "sphinx",
        "-W",
        "--keep-going",
        "-b",
        "html",
        "-d",
        str(base / "doctrees"),
        str(source / "docs"),
        str(out),
    ]
    result = subprocess.run(command, cwd=source, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"sphinx failed:\n{result.stdout[-5000:]}\n{result.stderr[-10000:]}"
    return out


@pytest.mark.slow
def test_every_page_is_built(html):
    for page in PAGES:
        assert (html / f"{page}.html").is_file(), page


@pytest.mark.slow
def test_every_public_object_has_an_api_page(html):
    public = [f"sklearn_nn.{name}" for name in sklearn_nn.__all__ if not name.startswith("__")]
    assert set(public) <= set(API_OBJECTS)
    for name in API_OBJECTS:
        page = html / "api" / "generated" / f"{name}.html"
        assert page.is_file(), name
        text = page.read_text(encoding="utf-8")
        assert "Parameters" in text
        assert "Examples using" in text, f"{name} is used by no example of the gallery"


@pytest.mark.slow
def test_every_example_has_a_gallery_page_with_figures(html):
    examples = sorted((ROOT / "examples").glob("plot_*.py"))
    assert examples
    for example in examples:
        assert (html / "auto_examples" / f"{example.stem}.html").is_file(), example.name
        figures = list((html / "_images").glob(f"sphx_glr_{example.stem}_*.png"))
        assert figures, f"{example.name} has no figure in the gallery"
