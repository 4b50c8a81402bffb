"""Every public estimator documents exactly its parameters and its fitted attributes; the pages' code runs."""

import doctest
import re
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_iris

import sklearn_nn
from sklearn_nn import LogisticRegressionGD, MLPClassifierScratch, MLPRegressorScratch, SoftmaxRegressionGD

ESTIMATORS = [LogisticRegressionGD, SoftmaxRegressionGD, MLPClassifierScratch, MLPRegressorScratch]


def section_names(doc, title):
    body = doc.split(f"{title}\n{'-' * len(title)}\n", 1)[1].split("\n\n", 1)[0]
    return [m.group(1) for m in re.finditer(r"^(\w+) :", body, flags=re.M)]


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_parameters_section_matches_the_constructor(cls):
    documented = section_names(cls.__doc__, "Parameters")
    assert sorted(documented) == sorted(cls().get_params())
    assert len(documented) == len(set(documented))


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_documented_attributes_exist_after_fit(cls):
    X, y = load_iris(return_X_y=True)
    est = cls()
    if hasattr(est, "hidden_layer_sizes"):
        est.set_params(hidden_layer_sizes=(5,), max_iter=5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X, y.astype(float) if cls is MLPRegressorScratch else y)
    for name in section_names(cls.__doc__, "Attributes"):
        if name == "feature_names_in_":  # only set for inputs with column names
            continue
        assert hasattr(est, name), name
    public_fitted = {a for a in vars(est) if a.endswith("_") and not a.startswith("_")}
    assert public_fitted <= set(section_names(cls.__doc__, "Attributes"))


def test_public_api():
    assert sorted(sklearn_nn.__all__) == sorted(
        [
            "LogisticRegressionGD",
            "SoftmaxRegressionGD",
            "MLPClassifierScratch",
            "MLPRegressorScratch",
            "__version__",
        ]
    )
    assert isinstance(sklearn_nn.__version__, str)
    assert np.all([cls.__module__.startswith("sklearn_nn._") for cls in ESTIMATORS])


@pytest.mark.slow
def test_readme_example_prints_its_output(capsys):
    """The README's pipeline example runs and prints exactly the output shown under it."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    match = re.search(
        r"A pipeline with a grid search.*?```python\n(.*?)```\n\nOutput:\n\n```text\n(.*?)```",
        readme,
        flags=re.S,
    )
    assert match, "the README's pipeline example and its output block"
    code, output = match.groups()
    exec(compile(code, "README.md", "exec"), {})
    assert capsys.readouterr().out == output


DOCS = Path(__file__).resolve().parents[1] / "docs"
# The written pages (not what a local build generates into docs/), those with doctest examples.
PAGES_WITH_EXAMPLES = sorted(
    path.relative_to(DOCS).as_posix()
    for path in [*DOCS.glob("*.rst"), *DOCS.glob("user_guide/*.rst")]
    if ">>> " in path.read_text(encoding="utf-8")
)


def test_the_inspection_page_has_examples():
    assert "user_guide/inspection.rst" in PAGES_WITH_EXAMPLES


@pytest.mark.parametrize("page", PAGES_WITH_EXAMPLES)
def test_the_examples_of_a_page_print_what_it_shows(page, capsys):
    """Every ``>>>`` example of the page runs as a doctest, warnings from sklearn_nn being errors."""
    pytest.importorskip("matplotlib")
    pytest.importorskip("pandas")
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testfile(str(DOCS / page), module_relative=False, optionflags=flags, encoding="utf-8")
    report = capsys.readouterr().out
    assert result.attempted > 0
    assert result.failed == 0, report
