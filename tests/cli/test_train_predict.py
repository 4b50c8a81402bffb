"""sklearn-nn train and predict: the training summary, --param, and predictions from a saved model."""

import joblib
import numpy as np
import pandas as pd
import pytest
import skops.io
from sklearn.datasets import load_diabetes, load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import sklearn_nn
from sklearn_nn import MLPClassifierScratch
from sklearn_nn.cli._datasets import InputError
from sklearn_nn.cli._parser import parse_params

from .helpers import read_frame, read_model_file, run


def test_train_prints_score_and_epochs(capsys, tmp_path):
    path = tmp_path / "softmax.skops"
    status, out, err = run(capsys, "train", "--model", "softmax", "--dataset", "iris", "--save", str(path))
    assert status == 0, err
    bundle = read_model_file(path)
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
    path = tmp_path / "mlp.skops"
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
    model = read_model_file(path)["pipeline"][-1]
    assert isinstance(model, MLPClassifierScratch)
    assert (model.hidden_layer_sizes, model.alpha, model.solver) == ((8, 4), 0.001, "lbfgs")
    assert [w.shape for w in model.coefs_] == [(2, 8), (8, 4), (4, 1)]
    assert f"iterations: {model.n_iter_}" in out


def test_train_save_predict_reproduces_the_model(capsys, tmp_path, wine_csv):
    path = tmp_path / "model.skops"
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
    bundle = read_model_file(path)
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
    path = tmp_path / "reg.skops"
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
    expected = read_model_file(path)["pipeline"].predict(pd.read_csv(csv).drop(columns="target"))
    np.testing.assert_array_equal(read_frame(out)["prediction"].to_numpy(), expected)


def test_predict_accepts_a_bare_pipeline(capsys, tmp_path):
    """A skops file, or a pickle with --trust-pickle, of a fitted pipeline rather than a bundle."""
    X, y = load_iris(return_X_y=True, as_frame=True)
    pipe = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y)
    skops.io.dump(pipe, tmp_path / "pipe.skops")
    joblib.dump(pipe, tmp_path / "pipe.joblib")
    X.to_csv(tmp_path / "iris.csv", index=False)
    for name, trust in [("pipe.skops", []), ("pipe.joblib", ["--trust-pickle"])]:
        status, out, err = run(
            capsys, "predict", str(tmp_path / name), "--csv", str(tmp_path / "iris.csv"), *trust
        )
        assert status == 0, err
        assert read_frame(out)["prediction"].tolist() == pipe.predict(X).tolist()
