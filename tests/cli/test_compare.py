"""sklearn-nn compare: the comparison table, its models and scores, and the report."""

import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_diabetes, load_iris
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score
from sklearn.naive_bayes import GaussianNB
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_nn import LogisticRegressionGD, MLPClassifierScratch, SoftmaxRegressionGD
from sklearn_nn.cli._compare import _first_fold_curves, run_comparison
from sklearn_nn.cli._datasets import load_dataset
from sklearn_nn.cli._models import MODELS, models_for

from .helpers import IRIS_MODELS, needs_matplotlib, read_frame, run


def test_compare_matches_cross_val_score_on_the_same_folds(capsys):
    status, out, err = run(capsys, "compare", "--quick", "--dataset", "iris", "--format", "csv")
    assert status == 0, err
    table = read_frame(out)
    assert table["model"].tolist() == IRIS_MODELS
    assert list(table.columns) == [
        "model",
        "name",
        "accuracy_mean",
        "accuracy_std",
        "log_loss_mean",
        "log_loss_std",
        "fit_time_mean",
        "fit_time_std",
    ]
    X, y = load_iris(return_X_y=True)
    cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
    mlp = dict(hidden_layer_sizes=(100,), max_iter=100, random_state=0)
    peers = {
        "LogisticRegressionGD": LogisticRegressionGD(max_iter=500),
        "SoftmaxRegressionGD": SoftmaxRegressionGD(max_iter=500),
        "MLPClassifierScratch": MLPClassifierScratch(**mlp),
        "sklearn LogisticRegression": LogisticRegression(),
        "sklearn MLPClassifier": MLPClassifier(**mlp),
        "sklearn GaussianNB": GaussianNB(),
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, estimator in peers.items():
            pipe = make_pipeline(StandardScaler(), estimator)
            row = table.set_index("model").loc[name]
            accuracy = cross_val_score(pipe, X, y, cv=cv)
            assert row["accuracy_mean"] == pytest.approx(accuracy.mean(), abs=1e-12), name
            assert row["accuracy_std"] == pytest.approx(accuracy.std(), abs=1e-12), name
            log_loss = -cross_val_score(pipe, X, y, cv=cv, scoring="neg_log_loss")
            assert row["log_loss_mean"] == pytest.approx(log_loss.mean(), rel=1e-12), name
    assert (table["fit_time_mean"] > 0).all()


def test_compare_prints_a_table(capsys):
    status, out, err = run(capsys, "compare", "--quick", "--dataset", "wine", "--quiet")
    assert status == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "Classification: wine (178 samples, 13 features, 3 classes), 3-fold stratified CV"
    assert lines[2].split() == ["model", "accuracy", "log", "loss", "fit", "time", "(s)"]
    rows = {line[:26].strip(): line[26:].split() for line in lines[4:]}
    assert list(rows) == IRIS_MODELS
    for name, cells in rows.items():
        # accuracy ± std, log loss ± std, fit time ± std
        assert cells[1] == cells[4] == cells[7] == "±", name
        assert 0.8 < float(cells[0]) <= 1.0, name
        assert float(cells[3]) > 0 and float(cells[6]) >= 0, name


def test_no_subcommand_runs_compare(capsys):
    status, out, _ = run(capsys, "--dataset", "iris", "--quick", "--quiet", "--format", "csv")
    assert status == 0
    assert read_frame(out)["model"].tolist() == IRIS_MODELS


def test_compare_regression(capsys):
    status, out, err = run(
        capsys, "compare", "--quick", "--dataset", "diabetes", "--format", "csv", "--quiet"
    )
    assert status == 0, err
    table = read_frame(out).set_index("model")
    assert table.index.tolist() == ["MLPRegressorScratch", "sklearn MLPRegressor", "sklearn Ridge"]
    assert {"r2_mean", "mae_mean", "rmse_mean", "fit_time_mean"} <= set(table.columns)
    X, y = load_diabetes(return_X_y=True)
    cv = KFold(n_splits=3, shuffle=True, random_state=0)
    pipe = make_pipeline(StandardScaler(), Ridge())
    assert table.loc["sklearn Ridge", "r2_mean"] == pytest.approx(
        cross_val_score(pipe, X, y, cv=cv).mean(), abs=1e-12
    )
    rmse = -cross_val_score(pipe, X, y, cv=cv, scoring="neg_root_mean_squared_error")
    assert table.loc["sklearn Ridge", "rmse_mean"] == pytest.approx(rmse.mean(), rel=1e-12)
    assert (table["rmse_mean"] >= table["mae_mean"]).all()
    assert 0.3 < table.loc["MLPRegressorScratch", "r2_mean"] < 0.7


@pytest.mark.parametrize(
    "dataset, naive_bayes",
    [
        ("digits", ["gaussian-nb", "multinomial-nb"]),
        ("digits-binary", ["gaussian-nb", "bernoulli-nb", "multinomial-nb"]),
        ("iris", ["gaussian-nb"]),
        ("xor", ["gaussian-nb"]),
    ],
)
def test_naive_bayes_variants_follow_the_features(dataset, naive_bayes):
    names = [spec.name for spec in models_for(load_dataset(dataset))]
    assert [name for name in names if name.endswith("-nb")] == naive_bayes
    assert names[:5] == ["logistic", "softmax", "mlp", "sklearn-logistic", "sklearn-mlp"]
    for spec in models_for(load_dataset(dataset)):
        if spec.raw_features is not None:  # raw counts / bits, no scaler
            assert MODELS[spec.name].make(False).__class__.__name__.endswith("NB")


@needs_matplotlib
def test_report_files(capsys, tmp_path):
    report = tmp_path / "report"
    status, out, err = run(capsys, "compare", "--quick", "--dataset", "iris", "--report", str(report))
    assert status == 0, err
    names = [
        "comparison.md",
        "comparison.csv",
        "loss_curves.png",
        "validation_curves.png",
        "confusion_matrix.png",
    ]
    assert sorted(p.name for p in report.iterdir()) == sorted(names)
    for name in names[2:]:
        content = (report / name).read_bytes()
        assert content.startswith(b"\x89PNG") and len(content) > 10_000, name
    table = pd.read_csv(report / "comparison.csv")
    assert table.shape == (6, 8) and table["model"].tolist() == IRIS_MODELS
    assert table["accuracy_mean"].between(0.8, 1).all()
    markdown = (report / "comparison.md").read_text(encoding="utf-8")
    assert "| model | accuracy | log loss | fit time (s) |" in markdown
    for name in names[2:]:
        assert f"({name})" in markdown
    best = table.loc[table["accuracy_mean"].idxmax(), "model"]
    assert f"best model, {best}" in markdown
    assert str(report / "loss_curves.png") in err


@needs_matplotlib
def test_report_regression_figures(capsys, tmp_path):
    status, _, err = run(
        capsys, "compare", "--quick", "--dataset", "diabetes", "--quiet", "--report", str(tmp_path)
    )
    assert status == 0, err
    assert (tmp_path / "predicted_vs_true.png").read_bytes().startswith(b"\x89PNG")
    assert not (tmp_path / "confusion_matrix.png").exists()
    assert pd.read_csv(tmp_path / "comparison.csv").shape == (3, 10)


def test_report_curves_are_the_cross_validated_models():
    """The report's extra fit with a validation set trains the same model as the first fold."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        comparison = run_comparison(load_dataset("wine"), n_splits=3, quick=True, keep_pipelines=True)
        curves = dict(_first_fold_curves(comparison))
    assert list(curves) == [
        "LogisticRegressionGD",
        "SoftmaxRegressionGD",
        "MLPClassifierScratch",
        "sklearn MLPClassifier",
    ]
    for result in comparison.results[:3]:
        fold_model, refit = result.pipelines[0][-1], curves[result.spec.label]
        assert refit.loss_curve_ == fold_model.loss_curve_
        np.testing.assert_array_equal(refit.coefs_[0], fold_model.coefs_[0])
        assert len(refit.validation_scores_) == len(refit.loss_curve_)
        assert fold_model.validation_scores_ is None


def test_report_needs_matplotlib(capsys, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    status, out, err = run(capsys, "compare", "--dataset", "iris", "--report", str(tmp_path))
    assert status == 2 and out == ""
    assert err.startswith("sklearn-nn: error: --report requires matplotlib")
    assert 'pip install "sklearn_nn[plot]"' in err


@pytest.mark.slow
def test_parallel_folds_give_the_same_scores(capsys):
    args = ["compare", "--quick", "--dataset", "iris", "--format", "csv", "--quiet"]
    serial = read_frame(run(capsys, *args)[1])
    parallel = read_frame(run(capsys, *args, "--n-jobs", "2")[1])
    columns = ["accuracy_mean", "accuracy_std", "log_loss_mean", "log_loss_std"]
    pd.testing.assert_frame_equal(serial[columns], parallel[columns])
