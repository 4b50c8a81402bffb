"""The model files of sklearn-nn train --save: what they reference, and that older ones still load."""

import os
import subprocess
import sys

import joblib
import numpy as np
import pandas as pd
import pytest

import sklearn_nn.cli._datasets
from sklearn_nn.cli import main

from .helpers import ROOT, read_frame, run


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


def test_saved_model_carries_no_progress_callback(tmp_path):
    path = tmp_path / "model.joblib"
    argv = ["train", "--model", "mlp", "--dataset", "iris", "--param", "max_iter=20", "--save", str(path)]
    assert main(argv) == 0
    model = joblib.load(path)["pipeline"][-1]
    assert not hasattr(model, "_skl_callbacks")


@pytest.mark.parametrize("model", ["mlp", "logistic"])
def test_model_files_of_version_0_1_0_predict_as_they_did(capsys, model):
    """Files written by ``sklearn-nn train --save`` of version 0.1.0 (tests/data/v0_1_0) predict
    the same labels and probabilities as that version's ``sklearn-nn predict`` printed."""
    data = ROOT / "tests" / "data" / "v0_1_0"
    status, out, err = run(
        capsys, "predict", str(data / f"cli_{model}.joblib"), "--csv", str(data / "train.csv"), "--proba"
    )
    assert status == 0, err
    got, expected = read_frame(out), pd.read_csv(data / f"cli_{model}_predictions.csv")
    assert got["prediction"].tolist() == expected["prediction"].tolist()
    np.testing.assert_allclose(got.drop(columns="prediction"), expected.drop(columns="prediction"), rtol=1e-9)
