"""The sklearn-nn command line: every subcommand, its outputs, and its errors."""

import importlib.util
import io
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_diabetes, load_iris, load_wine
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score
from sklearn.naive_bayes import GaussianNB
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import sklearn_nn
import sklearn_nn.cli._datasets
from sklearn_nn import LogisticRegressionGD, MLPClassifierScratch, SoftmaxRegressionGD
from sklearn_nn.cli import _progress, main
from sklearn_nn.cli._compare import _first_fold_curves, run_comparison
from sklearn_nn.cli._datasets import DATASETS, InputError, load_dataset, make_preprocessor, read_csv
from sklearn_nn.cli._models import MODELS, models_for
from sklearn_nn.cli._parser import parse_params
from sklearn_nn.cli._progress import Reporter

ROOT = Path(__file__).resolve().parents[1]

needs_matplotlib = pytest.mark.skipif(
    importlib.util.find_spec("matplotlib") is None, reason="the report needs matplotlib (the plot extra)"
)
needs_rich = pytest.mark.skipif(importlib.util.find_spec("rich") is None, reason="rich is not installed")

IRIS_MODELS = [
    "LogisticRegressionGD",
    "SoftmaxRegressionGD",
    "MLPClassifierScratch",
    "sklearn LogisticRegression",
    "sklearn MLPClassifier",
    "sklearn GaussianNB",
]


def run(capsys, *argv):
    """main(argv) in-process: (exit status, stdout, stderr)."""
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def read_frame(text):
    return pd.read_csv(io.StringIO(text))


@pytest.fixture(scope="module")
def wine_csv(tmp_path_factory):
    """Wine features with a text column, a boolean column, missing values and a text target."""
    X, y = load_wine(return_X_y=True, as_frame=True)
    rng = np.random.RandomState(0)
    frame = X.iloc[:, :6].copy()
    frame["region"] = np.where(y == 0, "north", np.where(rng.rand(len(y)) < 0.5, "south", "east"))
    frame["organic"] = rng.rand(len(y)) < 0.3
    frame.loc[rng.rand(len(y)) < 0.1, "alcohol"] = np.nan
    frame.loc[rng.rand(len(y)) < 0.1, "region"] = np.nan
    frame["cultivar"] = np.array(["barolo", "grignolino", "barbera"])[y]
    path = tmp_path_factory.mktemp("data") / "wine.csv"
    frame.to_csv(path, index=False)
    return path


# ----------------------------------------------------------------------
# compare
# ----------------------------------------------------------------------
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


def test_datasets_are_bundled_or_generated_and_fixed():
    expected_shapes = {
        "digits": (1797, 64),
        "digits-binary": (1797, 64),
        "iris": (150, 4),
        "wine": (178, 13),
        "breast_cancer": (569, 30),
        "diabetes": (442, 10),
        "moons": (500, 2),
        "circles": (500, 2),
        "xor": (500, 2),
    }
    assert set(DATASETS) == set(expected_shapes)
    for name, shape in expected_shapes.items():
        data = load_dataset(name)
        assert data.X.shape == shape and len(data.y) == shape[0], name
        assert data.task == ("regression" if name == "diabetes" else "classification")
    binary = load_dataset("digits-binary").X.to_numpy()
    assert set(np.unique(binary)) == {0, 1}
    assert np.array_equal(binary, load_dataset("digits").X.to_numpy() > 7)
    pd.testing.assert_frame_equal(load_dataset("moons").X, load_dataset("moons").X)
    xor = load_dataset("xor")
    assert np.array_equal(xor.y, (xor.X["x0"] > 0) ^ (xor.X["x1"] > 0))


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


# ----------------------------------------------------------------------
# CSV input
# ----------------------------------------------------------------------
def test_csv_compare_with_categorical_and_missing_values(capsys, wine_csv):
    status, out, err = run(
        capsys, "compare", "--quick", "--csv", str(wine_csv), "--target", "cultivar", "--format", "csv"
    )
    assert status == 0, err
    table = read_frame(out).set_index("model")
    assert table.index.tolist() == IRIS_MODELS  # not counts or bits: GaussianNB only
    assert (table["accuracy_mean"] > 0.75).all()


def test_csv_regression_target_drops_rows_without_target(capsys, wine_csv):
    status, out, err = run(
        capsys, "compare", "--quick", "--csv", str(wine_csv), "--target", "alcohol", "--format", "csv"
    )
    assert status == 0, err
    assert read_frame(out)["model"].tolist() == [
        "MLPRegressorScratch",
        "sklearn MLPRegressor",
        "sklearn Ridge",
    ]
    n_missing = int(pd.read_csv(wine_csv)["alcohol"].isna().sum())
    assert f"dropped {n_missing} rows" in err


def test_csv_preprocessing(wine_csv):
    data = read_csv(wine_csv, "cultivar")
    assert data.task == "classification" and data.X.shape == (178, 8)
    preprocess = make_preprocessor(data)
    Xt = preprocess.fit_transform(data.X)
    # 6 standardised numeric columns, region one-hot (3 values), organic one-hot (2 values)
    assert Xt.shape == (178, 6 + 3 + 2) and not np.isnan(Xt).any()
    np.testing.assert_allclose(Xt[:, :6].mean(axis=0), 0, atol=1e-12)
    assert set(np.unique(Xt[:, 6:])) == {0.0, 1.0} and (Xt[:, 6:9].sum(axis=1) == 1).all()
    median = data.X["alcohol"].median()
    filled = Xt[data.X["alcohol"].isna().to_numpy(), 0]
    expected = (median - data.X["alcohol"].fillna(median).mean()) / data.X["alcohol"].fillna(median).std(
        ddof=0
    )
    np.testing.assert_allclose(filled, expected)
    unseen = data.X.head(2).assign(region=["west", None], organic=[True, False])
    assert preprocess.transform(unseen)[:, 6:9].sum(axis=1).tolist() == [0.0, 1.0]


def test_task_inference(tmp_path):
    frame = pd.DataFrame(
        {"a": np.arange(40.0), "few": np.arange(40) % 3, "many": np.arange(40), "frac": np.arange(40) / 7}
    )
    path = tmp_path / "t.csv"
    frame.to_csv(path, index=False)
    assert read_csv(path, "few").task == "classification"
    assert read_csv(path, "many").task == "regression"
    assert read_csv(path, "frac").task == "regression"
    assert read_csv(path, "many", task="classification").task == "classification"
    with pytest.raises(InputError, match="non-integer values"):
        read_csv(path, "frac", task="classification")


# ----------------------------------------------------------------------
# train and predict
# ----------------------------------------------------------------------
def test_train_prints_score_and_epochs(capsys, tmp_path):
    path = tmp_path / "softmax.joblib"
    status, out, err = run(capsys, "train", "--model", "softmax", "--dataset", "iris", "--save", str(path))
    assert status == 0, err
    bundle = joblib.load(path)
    model = bundle["pipeline"][-1]
    X, y = load_iris(return_X_y=True, as_frame=True)
    score = bundle["pipeline"].score(X, y)
    lines = out.splitlines()
    assert lines[0] == "SoftmaxRegressionGD (softmax) on iris (150 samples, 4 features, 3 classes)"
    assert lines[1] == f"training accuracy: {score:.4f}"
    assert f"epochs: {model.n_iter_}" in out
    assert f"final training loss: {model.loss_:.6g}" in out
    assert f"saved to {path}" in err
    assert bundle["columns"] == list(X.columns) and bundle["target"] == "target"
    assert bundle["task"] == "classification" and bundle["model"] == "softmax"
    assert bundle["sklearn_nn_version"] == sklearn_nn.__version__


def test_param_parsing():
    assert parse_params(["hidden_layer_sizes=(64,32)", "alpha=1e-3", "solver=adam"]) == {
        "hidden_layer_sizes": (64, 32),
        "alpha": 0.001,
        "solver": "adam",
    }
    assert parse_params(["early_stopping=True", "random_state=None", "class_weight=balanced", "x = 2"]) == {
        "early_stopping": True,
        "random_state": None,
        "class_weight": "balanced",
        "x": 2,
    }
    assert parse_params(["scoring=f1_macro", "hidden_layer_sizes=[8]", "name=a=b"]) == {
        "scoring": "f1_macro",
        "hidden_layer_sizes": [8],
        "name": "a=b",
    }
    for bad in ["alpha", "=1", "1x=2"]:
        with pytest.raises(InputError, match="KEY=VALUE"):
            parse_params([bad])


def test_train_params_reach_the_model(capsys, tmp_path):
    path = tmp_path / "mlp.joblib"
    status, out, err = run(
        capsys,
        "train",
        "--model",
        "mlp",
        "--dataset",
        "moons",
        "--param",
        "hidden_layer_sizes=(8, 4)",
        "--param",
        "alpha=1e-3",
        "--param",
        "solver=lbfgs",
        "--save",
        str(path),
        "--quiet",
    )
    assert status == 0, err
    assert err == ""
    model = joblib.load(path)["pipeline"][-1]
    assert isinstance(model, MLPClassifierScratch)
    assert (model.hidden_layer_sizes, model.alpha, model.solver) == ((8, 4), 0.001, "lbfgs")
    assert [w.shape for w in model.coefs_] == [(2, 8), (8, 4), (4, 1)]
    assert f"iterations: {model.n_iter_}" in out


def test_train_save_predict_reproduces_the_model(capsys, tmp_path, wine_csv):
    path = tmp_path / "model.joblib"
    status, out, err = run(
        capsys, "train", "--model", "mlp", "--csv", str(wine_csv), "--target", "cultivar", "--save", str(path)
    )
    assert status == 0, err
    assert "training accuracy: " in out
    predictions = tmp_path / "predictions.csv"
    status, out, err = run(
        capsys, "predict", str(path), "--csv", str(wine_csv), "--output", str(predictions), "--proba"
    )
    assert status == 0, err
    assert out == "" and f"wrote 178 predictions to {predictions}" in err
    bundle = joblib.load(path)
    frame = pd.read_csv(wine_csv)
    X = frame.drop(columns="cultivar")
    written = pd.read_csv(predictions)
    classes = ["barbera", "barolo", "grignolino"]
    assert list(written.columns) == ["prediction", *(f"proba_{c}" for c in classes)]
    assert written["prediction"].tolist() == bundle["pipeline"].predict(X).tolist()
    np.testing.assert_array_equal(written.iloc[:, 1:].to_numpy(), bundle["pipeline"].predict_proba(X))
    assert (written["prediction"] == frame["cultivar"]).mean() > 0.9

    # The same rows without the target column and with a column the model never saw: same predictions.
    other = tmp_path / "other.csv"
    X.assign(batch=1).to_csv(other, index=False)
    status, out, err = run(capsys, "predict", str(path), "--csv", str(other))
    assert status == 0
    assert read_frame(out)["prediction"].tolist() == written["prediction"].tolist()
    assert "ignored columns the model was not trained on: batch" in err


def test_regression_train_predict_round_trip(capsys, tmp_path):
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    csv = tmp_path / "diabetes.csv"
    X.assign(target=y).to_csv(csv, index=False)
    path = tmp_path / "reg.joblib"
    status, out, err = run(
        capsys,
        "train",
        "--model",
        "mlp-regressor",
        "--dataset",
        "diabetes",
        "--param",
        "max_iter=50",
        "--save",
        str(path),
    )
    assert status == 0, err
    assert out.splitlines()[1].startswith("training R²: ")
    status, out, err = run(capsys, "predict", str(path), "--csv", str(csv), "--quiet")
    assert status == 0 and err == ""
    expected = joblib.load(path)["pipeline"].predict(pd.read_csv(csv).drop(columns="target"))
    np.testing.assert_array_equal(read_frame(out)["prediction"].to_numpy(), expected)


def test_predict_accepts_a_bare_pipeline(capsys, tmp_path):
    X, y = load_iris(return_X_y=True, as_frame=True)
    pipe = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y)
    joblib.dump(pipe, tmp_path / "pipe.joblib")
    X.to_csv(tmp_path / "iris.csv", index=False)
    status, out, _ = run(
        capsys, "predict", str(tmp_path / "pipe.joblib"), "--csv", str(tmp_path / "iris.csv")
    )
    assert status == 0
    assert read_frame(out)["prediction"].tolist() == pipe.predict(X).tolist()


def _as_strings_step(pipeline):
    """The FunctionTransformer of the categorical columns in a saved pipeline."""
    return pipeline.named_steps["preprocess"].named_transformers_["categorical"].named_steps["as_strings"]


def test_model_saved_before_the_cli_package_still_loads(capsys, monkeypatch, tmp_path, wine_csv):
    """Model files name the function of their categorical columns as sklearn_nn._datasets.as_strings
    when saved before the command line moved into sklearn_nn.cli; that name still resolves."""
    argv = ["train", "--model", "gaussian-nb", "--csv", str(wine_csv), "--target", "cultivar", "--quiet"]
    old, new = tmp_path / "old.joblib", tmp_path / "new.joblib"
    with monkeypatch.context() as patch:  # pickle names a function by its __module__: the old one
        patch.setattr(sklearn_nn.cli._datasets.as_strings, "__module__", "sklearn_nn._datasets")
        assert main([*argv, "--save", str(old)]) == 0
    assert main([*argv, "--save", str(new)]) == 0
    capsys.readouterr()
    content = old.read_bytes()
    assert b"sklearn_nn._datasets" in content and b"sklearn_nn.cli" not in content
    step = _as_strings_step(joblib.load(old)["pipeline"])
    assert step.func is sklearn_nn.cli._datasets.as_strings
    status, out, err = run(capsys, "predict", str(old), "--csv", str(wine_csv), "--proba")
    assert status == 0, err
    assert out == run(capsys, "predict", str(new), "--csv", str(wine_csv), "--proba")[1]
    # A fresh interpreter: the old name resolves without the command line imported first.
    code = (
        "import sys, joblib, pandas, sklearn_nn._datasets\n"
        "assert 'sklearn_nn.cli' not in sys.modules\n"
        f"pipeline = joblib.load({str(old)!r})['pipeline']\n"
        f"print(' '.join(pipeline.predict(pandas.read_csv({str(wine_csv)!r}))))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env, timeout=600
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == read_frame(out)["prediction"].tolist()


def test_saved_model_names_the_cli_package(capsys, tmp_path, wine_csv):
    path = tmp_path / "model.joblib"
    argv = ["train", "--model", "gaussian-nb", "--csv", str(wine_csv), "--target", "cultivar", "--quiet"]
    assert main([*argv, "--save", str(path)]) == 0
    capsys.readouterr()
    content = path.read_bytes()
    assert b"sklearn_nn.cli._datasets" in content and b"sklearn_nn._datasets" not in content
    bundle = joblib.load(path)
    assert _as_strings_step(bundle["pipeline"]).func is sklearn_nn.cli._datasets.as_strings
    X = pd.read_csv(wine_csv).drop(columns="cultivar")
    status, out, err = run(capsys, "predict", str(path), "--csv", str(wine_csv))
    assert status == 0, err
    assert read_frame(out)["prediction"].tolist() == bundle["pipeline"].predict(X).tolist()


# ----------------------------------------------------------------------
# errors: one line on stderr, status 2, no traceback
# ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def saved_model(tmp_path_factory, wine_csv):
    path = tmp_path_factory.mktemp("model") / "model.joblib"
    assert (
        main(
            [
                "train",
                "--model",
                "gaussian-nb",
                "--csv",
                str(wine_csv),
                "--target",
                "cultivar",
                "--save",
                str(path),
                "--quiet",
            ]
        )
        == 0
    )
    return path


@pytest.fixture(scope="module")
def saved_regressor(tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "ridge.joblib"
    assert main(["train", "--model", "ridge", "--dataset", "diabetes", "--save", str(path), "--quiet"]) == 0
    return path


@pytest.fixture(scope="module")
def odd_files(tmp_path_factory, wine_csv):
    folder = tmp_path_factory.mktemp("odd")
    (folder / "binary.csv").write_bytes(bytes(range(256)) * 4)
    (folder / "empty.csv").write_text("")
    pd.read_csv(wine_csv).drop(columns=["alcohol", "region"]).to_csv(folder / "fewer.csv", index=False)
    return folder


ERRORS = {
    "unknown dataset": (["compare", "--dataset", "mnist"], "argument --dataset: invalid choice: 'mnist'"),
    "unknown dataset, default command": (["--dataset", "mnist"], "invalid choice: 'mnist'"),
    "unknown model": (
        ["train", "--model", "forest", "--dataset", "iris"],
        "argument --model: invalid choice: 'forest'",
    ),
    "missing model option": (["train", "--dataset", "iris"], "the following arguments are required: --model"),
    "unknown subcommand option": (["compare", "--folds", "3"], "unrecognized arguments: --folds 3"),
    "missing csv": (
        ["compare", "--csv", "{odd}/nope.csv", "--target", "y"],
        "file not found: {odd}/nope.csv",
    ),
    "unreadable csv": (
        ["compare", "--csv", "{odd}/binary.csv", "--target", "y"],
        "cannot read CSV file {odd}/binary.csv",
    ),
    "empty csv": (
        ["train", "--model", "mlp", "--csv", "{odd}/empty.csv", "--target", "y"],
        "cannot read CSV file {odd}/empty.csv",
    ),
    "csv is a directory": (["compare", "--csv", "{odd}", "--target", "y"], "is a directory"),
    "missing target column": (
        ["compare", "--csv", "{wine}", "--target", "colour"],
        "target column 'colour' is not in {wine}; its columns are: alcohol",
    ),
    "csv without target": (["compare", "--csv", "{wine}"], "--csv needs --target COLUMN"),
    "target without csv": (
        ["compare", "--dataset", "iris", "--target", "y"],
        "--target applies to --csv data",
    ),
    "dataset and csv": (
        ["compare", "--dataset", "iris", "--csv", "{wine}", "--target", "x"],
        "not allowed with argument --dataset",
    ),
    "task of a named data set": (
        ["compare", "--dataset", "iris", "--task", "regression"],
        "--task applies to --csv data",
    ),
    "classification of fractions": (
        ["train", "--model", "mlp", "--csv", "{wine}", "--target", "ash", "--task", "classification"],
        "target column 'ash' has non-integer values",
    ),
    "regression of text": (
        ["train", "--model", "ridge", "--csv", "{wine}", "--target", "cultivar", "--task", "regression"],
        "target column 'cultivar' is not numeric",
    ),
    "too few folds": (
        ["compare", "--dataset", "iris", "--cv", "1"],
        "argument --cv: cross-validation needs at least 2 folds, got 1",
    ),
    "folds not a number": (
        ["compare", "--cv", "five"],
        "argument --cv: expected an integer number of folds, got 'five'",
    ),
    "more folds than a class": (
        ["compare", "--dataset", "iris", "--cv", "60"],
        "class 0 of target 'target' has 50 samples, fewer than the 60 folds",
    ),
    "zero jobs": (["compare", "--n-jobs", "0"], "argument --n-jobs: must not be 0"),
    "bad param": (
        ["train", "--model", "mlp", "--dataset", "iris", "--param", "alpha"],
        "--param expects KEY=VALUE with a parameter name as KEY, got 'alpha'",
    ),
    "unknown param name": (
        ["train", "--model", "mlp", "--dataset", "iris", "--param", "alhpa=0.1"],
        "unknown parameter 'alhpa' for mlp (MLPClassifierScratch); valid parameters: activation, alpha,",
    ),
    "bad param value": (
        ["train", "--model", "logistic", "--dataset", "iris", "--param", "alpha=-1"],
        "invalid --param value: The 'alpha' parameter of LogisticRegressionGD must be",
    ),
    "bad param type": (
        ["train", "--model", "mlp", "--dataset", "iris", "--param", "hidden_layer_sizes=(1.5,)"],
        "hidden_layer_sizes must hold integers",
    ),
    "model of the other task": (
        ["train", "--model", "mlp", "--dataset", "diabetes"],
        "mlp is a classification model but diabetes is a regression data set; choose one of: mlp-regressor",
    ),
    "naive bayes on other features": (
        ["train", "--model", "bernoulli-nb", "--dataset", "iris"],
        "bernoulli-nb needs binary (0/1) features",
    ),
    "missing model file": (
        ["predict", "{odd}/nope.joblib", "--csv", "{wine}"],
        "model file not found: {odd}/nope.joblib",
    ),
    "not a model file": (["predict", "{wine}", "--csv", "{wine}"], "cannot load model file {wine}"),
    "missing predict columns": (
        ["predict", "{model}", "--csv", "{odd}/fewer.csv"],
        "{odd}/fewer.csv lacks 2 column(s) the model was trained on: alcohol, region",
    ),
    "predict csv missing": (
        ["predict", "{model}", "--csv", "{odd}/nope.csv"],
        "file not found: {odd}/nope.csv",
    ),
    "proba of a regressor": (
        ["predict", "{ridge}", "--csv", "{wine}", "--proba"],
        "--proba needs a classifier",
    ),
    "predict without csv": (["predict", "{model}"], "the following arguments are required: --csv"),
    "unwritable output": (
        ["predict", "{model}", "--csv", "{wine}", "--output", "{odd}/no/such/dir/p.csv"],
        "cannot write {odd}/no/such/dir/p.csv",
    ),
}


@pytest.mark.parametrize("case", list(ERRORS))
def test_errors_are_one_line_with_status_2(case, capsys, odd_files, wine_csv, saved_model, saved_regressor):
    argv, expected = ERRORS[case]
    paths = {"odd": odd_files, "wine": wine_csv, "model": saved_model, "ridge": saved_regressor}
    argv = [arg.format(**paths) for arg in argv]
    status, out, err = run(capsys, *argv)
    assert status == 2
    assert out == ""
    assert err.startswith("sklearn-nn: error: ") and err.endswith("\n")
    assert err.count("\n") == 1, err
    assert expected.format(**paths) in err
    assert "Traceback" not in err


def test_help_and_version(capsys):
    status, out, _ = run(capsys, "--version")
    assert status == 0 and out == f"sklearn-nn {sklearn_nn.__version__}\n"
    status, out, _ = run(capsys, "--help")
    assert status == 0 and "{compare,train,predict}" in out
    for command in ("compare", "train", "predict"):
        status, out, _ = run(capsys, command, "--help")
        assert status == 0 and out.startswith(f"usage: sklearn-nn {command}")


# ----------------------------------------------------------------------
# progress
# ----------------------------------------------------------------------
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


# ----------------------------------------------------------------------
# the real thing: a separate process
# ----------------------------------------------------------------------
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


def test_missing_pandas_gives_one_line_and_status_2(monkeypatch, capsys):
    """The console script's entry point explains how to get pandas instead of failing on an import."""
    from sklearn_nn.__main__ import main as entry

    monkeypatch.setitem(sys.modules, "pandas", None)  # makes `import pandas` raise ImportError
    assert entry(["compare", "--dataset", "iris"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert 'pip install "sklearn_nn[cli]"' in err and "pandas" in err


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


def test_saved_model_carries_no_progress_callback(tmp_path):
    path = tmp_path / "model.joblib"
    argv = ["train", "--model", "mlp", "--dataset", "iris", "--param", "max_iter=20", "--save", str(path)]
    assert main(argv) == 0
    model = joblib.load(path)["pipeline"][-1]
    assert not hasattr(model, "_skl_callbacks")
