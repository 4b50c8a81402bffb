"""The model files of sklearn-nn train --save: skops files, the types they may hold, and older pickles."""

import os
import subprocess
import sys
import warnings
import zipfile

import joblib
import numpy as np
import pandas as pd
import pytest
import skops.io
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

import sklearn_nn.cli._datasets
from sklearn_nn.cli import main
from sklearn_nn.cli._model_files import TRUSTED_TYPES

from . import _untrusted
from .helpers import ROOT, read_frame, read_model_file, run

V0_1_0 = ROOT / "tests" / "data" / "v0_1_0"
_NB_ON_WINE = ["--model", "gaussian-nb", "--target", "cultivar", "--quiet"]
# What skops does not trust by default in the pipeline of a CSV file with text columns.
_CSV_PIPELINE_TYPES = ["numpy.dtype", "sklearn_nn.cli._datasets.as_strings"]


def _as_strings_step(pipeline):
    """The FunctionTransformer of the categorical columns in a saved pipeline."""
    return pipeline.named_steps["preprocess"].named_transformers_["categorical"].named_steps["as_strings"]


def _one_line_error(err):
    assert err.startswith("sklearn-nn: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


def test_trusted_types_are_the_estimators_and_the_pipeline_parts_of_csv_data():
    assert sorted(TRUSTED_TYPES) == sorted(
        [
            "sklearn_nn._linear.LogisticRegressionGD",
            "sklearn_nn._linear.SoftmaxRegressionGD",
            "sklearn_nn._mlp.MLPClassifierScratch",
            "sklearn_nn._mlp.MLPRegressorScratch",
            *_CSV_PIPELINE_TYPES,
            "sklearn.neural_network._stochastic_optimizers.AdamOptimizer",
            "sklearn.neural_network._stochastic_optimizers.SGDOptimizer",
        ]
    )


@pytest.mark.parametrize("params", [[], ["--param", "solver=sgd"]], ids=["adam", "sgd"])
def test_a_model_of_scikit_learn_s_mlp_saves_and_predicts(capsys, tmp_path, params):
    """Its update rule (a plain class of scikit-learn that skops does not list) is trusted."""
    path, rows = tmp_path / "model.skops", tmp_path / "rows.csv"
    args = ["train", "--model", "sklearn-mlp", "--dataset", "iris", "--param", "max_iter=50", *params]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        assert main([*args, "--save", str(path), "-q"]) == 0
    X = load_iris(as_frame=True).data
    X.to_csv(rows, index=False)
    capsys.readouterr()
    assert main(["predict", str(path), "--csv", str(rows), "-q"]) == 0
    predicted = capsys.readouterr().out.splitlines()[1:]
    expected = read_model_file(path)["pipeline"].predict(X)
    assert [int(line.split(",")[-1]) for line in predicted] == list(expected)


def test_saved_model_is_a_skops_file_of_plain_values(capsys, tmp_path, wine_csv):
    """The bundle survives as plain values next to the pipeline; the file names as_strings by its
    sklearn_nn.cli name, and predict loads it."""
    path = tmp_path / "model.skops"
    assert main(["train", *_NB_ON_WINE, "--csv", str(wine_csv), "--save", str(path)]) == 0
    capsys.readouterr()
    assert zipfile.is_zipfile(path)
    assert skops.io.get_untrusted_types(file=path) == _CSV_PIPELINE_TYPES
    bundle = read_model_file(path)
    X = pd.read_csv(wine_csv).drop(columns="cultivar")
    assert {key: value for key, value in bundle.items() if key != "pipeline"} == {
        "format": "sklearn-nn model",
        "sklearn_nn_version": sklearn_nn.__version__,
        "model": "gaussian-nb",
        "task": "classification",
        "target": "cultivar",
        "columns": list(X.columns),
        "data": str(wine_csv),
    }
    assert _as_strings_step(bundle["pipeline"]).func is sklearn_nn.cli._datasets.as_strings
    status, out, err = run(capsys, "predict", str(path), "--csv", str(wine_csv))
    assert status == 0, err
    assert read_frame(out)["prediction"].tolist() == bundle["pipeline"].predict(X).tolist()


@pytest.mark.parametrize(
    "model, dataset, cls",
    [
        ("logistic", "breast_cancer", "sklearn_nn._linear.LogisticRegressionGD"),
        ("softmax", "iris", "sklearn_nn._linear.SoftmaxRegressionGD"),
        ("mlp", "iris", "sklearn_nn._mlp.MLPClassifierScratch"),
        ("mlp-regressor", "diabetes", "sklearn_nn._mlp.MLPRegressorScratch"),
    ],
)
def test_our_fitted_estimators_hold_only_their_class(capsys, tmp_path, model, dataset, cls):
    """A fitted estimator of this package serialises to its class and plain types: the file loads
    with exactly that trusted, and predicts as the model did."""
    path, csv = tmp_path / "model.skops", tmp_path / "rows.csv"
    argv = ["train", "--model", model, "--dataset", dataset, "--param", "max_iter=20", "--quiet"]
    assert main([*argv, "--save", str(path)]) == 0
    capsys.readouterr()
    assert skops.io.get_untrusted_types(file=path) == [cls]
    pipeline = read_model_file(path)["pipeline"]
    X = sklearn_nn.cli._datasets.load_dataset(dataset).X
    X.to_csv(csv, index=False)
    status, out, err = run(capsys, "predict", str(path), "--csv", str(csv))
    assert status == 0, err
    np.testing.assert_array_equal(read_frame(out)["prediction"].to_numpy(), pipeline.predict(X))


def _bundle(pipeline, **extra):
    return {"format": "sklearn-nn model", "pipeline": pipeline, "columns": None, "target": None, **extra}


@pytest.mark.parametrize(
    "content, refused",
    [
        (lambda: _bundle(make_pipeline(FunctionTransformer(os.system))), f"{os.name}.system"),
        (lambda: _bundle(make_pipeline(StandardScaler()), note=_untrusted.Tripwire()), "Tripwire"),
        (lambda: make_pipeline(FunctionTransformer(_untrusted.Tripwire)), f"{_untrusted.__name__}.Tripwire"),
    ],
    ids=["os.system", "bundle with a custom object", "bare pipeline with a custom class"],
)
def test_file_with_other_types_is_not_loaded(capsys, monkeypatch, tmp_path, wine_csv, content, refused):
    monkeypatch.setattr(_untrusted, "REBUILT", [])
    path = tmp_path / "model.skops"
    skops.io.dump(content(), path)
    status, out, err = run(capsys, "predict", str(path), "--csv", str(wine_csv))
    assert status == 2 and out == ""
    _one_line_error(err)
    assert f"{path} was not loaded: it holds type(s) that sklearn-nn does not trust: " in err
    assert refused in err
    assert "numpy" not in err and "sklearn.preprocessing" not in err  # only the refused types
    assert _untrusted.REBUILT == []


def test_pickle_is_refused_without_trust_pickle_whatever_its_name(capsys, tmp_path, wine_csv):
    """A pickle is told by its content: named .skops it is refused all the same, and a skops file
    named .joblib loads."""
    skops_named = tmp_path / "model.skops"
    skops_named.write_bytes((V0_1_0 / "cli_mlp.joblib").read_bytes())
    csv = V0_1_0 / "train.csv"
    for path in (V0_1_0 / "cli_mlp.joblib", skops_named):
        status, out, err = run(capsys, "predict", str(path), "--csv", str(csv))
        assert status == 2 and out == ""
        assert _one_line_error(err) == (
            f"sklearn-nn: error: {path} is a pickle (joblib) file, which can run any code when loaded; "
            "it was not loaded. If you trust the file, --trust-pickle loads it\n"
        )
    # A pickle that would rebuild an untrusted object is not opened at all.
    joblib.dump({"trap": _untrusted.Tripwire()}, tmp_path / "trap.pkl")
    _untrusted.REBUILT.clear()
    assert run(capsys, "predict", str(tmp_path / "trap.pkl"), "--csv", str(wine_csv))[0] == 2
    assert _untrusted.REBUILT == []
    joblib_named = tmp_path / "model.joblib"
    assert main(["train", *_NB_ON_WINE, "--csv", str(wine_csv), "--save", str(tmp_path / "nb.skops")]) == 0
    joblib_named.write_bytes((tmp_path / "nb.skops").read_bytes())
    assert run(capsys, "predict", str(joblib_named), "--csv", str(wine_csv))[0] == 0


def test_model_saved_before_the_cli_package_still_loads(capsys, monkeypatch, tmp_path, wine_csv):
    """Pickles of earlier versions name the function of their categorical columns
    sklearn_nn._datasets.as_strings (before the command line moved into sklearn_nn.cli); with
    --trust-pickle they load and predict as a model saved now."""
    new, old = tmp_path / "new.skops", tmp_path / "old.joblib"
    assert main(["train", *_NB_ON_WINE, "--csv", str(wine_csv), "--save", str(new)]) == 0
    capsys.readouterr()
    with monkeypatch.context() as patch:  # pickle names a function by its __module__: the old one
        patch.setattr(sklearn_nn.cli._datasets.as_strings, "__module__", "sklearn_nn._datasets")
        joblib.dump(read_model_file(new), old)
    content = old.read_bytes()
    assert b"sklearn_nn._datasets" in content and b"sklearn_nn.cli" not in content
    step = _as_strings_step(joblib.load(old)["pipeline"])
    assert step.func is sklearn_nn.cli._datasets.as_strings
    status, out, err = run(capsys, "predict", str(old), "--csv", str(wine_csv), "--proba", "--trust-pickle")
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


def test_saved_model_carries_no_progress_callback(tmp_path):
    path = tmp_path / "model.skops"
    argv = ["train", "--model", "mlp", "--dataset", "iris", "--param", "max_iter=20", "--save", str(path)]
    assert main(argv) == 0
    model = read_model_file(path)["pipeline"][-1]
    assert not hasattr(model, "_skl_callbacks")


@pytest.mark.parametrize("model", ["mlp", "logistic"])
def test_model_files_of_version_0_1_0_predict_as_they_did(capsys, model):
    """Files written by ``sklearn-nn train --save`` of version 0.1.0 (tests/data/v0_1_0, pickles)
    predict with --trust-pickle the labels and probabilities that version's predict printed."""
    argv = ["predict", str(V0_1_0 / f"cli_{model}.joblib"), "--csv", str(V0_1_0 / "train.csv"), "--proba"]
    status, out, err = run(capsys, *argv, "--trust-pickle")
    assert status == 0, err
    got, expected = read_frame(out), pd.read_csv(V0_1_0 / f"cli_{model}_predictions.csv")
    assert got["prediction"].tolist() == expected["prediction"].tolist()
    np.testing.assert_allclose(got.drop(columns="prediction"), expected.drop(columns="prediction"), rtol=1e-9)


def _damaged_files(folder, saved):
    """Files that are not model files: (path, what the error says)."""
    content = saved.read_bytes()
    (folder / "truncated.skops").write_bytes(content[: len(content) // 2])
    with zipfile.ZipFile(folder / "other.zip", "w") as archive:
        archive.writestr("readme.txt", "not a model")
    (folder / "empty.skops").write_bytes(b"")
    (folder / "truncated.joblib").write_bytes((V0_1_0 / "cli_mlp.joblib").read_bytes()[:200])
    (folder / "dir.skops").mkdir()
    can_not = "cannot load model file {} (is it written by 'sklearn-nn train --save'?): "
    return [
        ("truncated.skops", can_not + "BadZipFile"),
        ("other.zip", can_not),
        ("empty.skops", "cannot load model file {}: it is neither a skops file nor a pickle"),
        ("truncated.joblib", can_not),
        ("dir.skops", "{} is a directory, not a model file"),
        ("missing.skops", "model file not found: {}"),
    ]


def test_missing_or_damaged_model_file_is_one_line(capsys, tmp_path, wine_csv):
    saved = tmp_path / "nb.skops"
    assert main(["train", *_NB_ON_WINE, "--csv", str(wine_csv), "--save", str(saved)]) == 0
    capsys.readouterr()
    for name, expected in _damaged_files(tmp_path, saved):
        path = tmp_path / name
        status, out, err = run(capsys, "predict", str(path), "--csv", str(wine_csv), "--trust-pickle")
        assert status == 2 and out == "", name
        assert expected.format(path) in _one_line_error(err), name


@pytest.mark.parametrize(
    "name, hint",
    [
        (
            "model.joblib",
            "(sklearn-nn writes no pickles: they run code when loaded): use --save {}/model.skops",
        ),
        ("model.pkl", "(sklearn-nn writes no pickles: they run code when loaded): use --save {}/model.skops"),
        ("model", "whose name must end in .skops: use --save {}/model.skops"),
        ("model.zip", "whose name must end in .skops: use --save {}/model.zip.skops"),
        ("no/such/model.skops", "cannot save the model to {}/no/such/model.skops: the folder"),
    ],
)
def test_save_path_is_checked_before_training(capsys, tmp_path, name, hint):
    status, out, err = run(
        capsys, "train", "--model", "mlp", "--dataset", "iris", "--save", str(tmp_path / name)
    )
    assert status == 2 and out == ""  # refused before the fit: no score printed
    assert hint.format(tmp_path) in _one_line_error(err)
    assert list(tmp_path.iterdir()) == []


def test_without_skops_model_files_name_the_extra(capsys, monkeypatch, tmp_path, wine_csv):
    saved = tmp_path / "nb.skops"
    assert main(["train", *_NB_ON_WINE, "--csv", str(wine_csv), "--save", str(saved)]) == 0
    monkeypatch.setitem(sys.modules, "skops", None)  # import skops.io now fails
    monkeypatch.setitem(sys.modules, "skops.io", None)
    capsys.readouterr()
    expected = 'model files are skops files, which need skops; install it with: pip install "sklearn_nn[cli]"'
    for argv in (
        ["train", *_NB_ON_WINE, "--csv", str(wine_csv), "--save", str(tmp_path / "other.skops")],
        ["predict", str(saved), "--csv", str(wine_csv)],
    ):
        status, out, err = run(capsys, *argv)
        assert status == 2 and out == ""
        assert _one_line_error(err) == f"sklearn-nn: error: {expected}\n"
    # A trusted pickle needs joblib only.
    argv = ["predict", str(V0_1_0 / "cli_mlp.joblib"), "--csv", str(V0_1_0 / "train.csv"), "--trust-pickle"]
    assert run(capsys, *argv)[0] == 0
