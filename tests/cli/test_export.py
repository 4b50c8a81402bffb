"""sklearn-nn export: a saved model as an ONNX file that onnxruntime runs like the model's predict."""

import sys

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import load_diabetes, load_iris

from .helpers import read_model_file, run

pytest.importorskip("skl2onnx", reason="the ONNX export needs skl2onnx (the onnx extra)")
ort = pytest.importorskip("onnxruntime", reason="running the exported models needs onnxruntime (onnx extra)")


def train_and_export(capsys, tmp_path, *train_args):
    """Train with --save, export with --onnx; the saved pipeline, an onnxruntime session, stdout."""
    model_path, onnx_path = tmp_path / "m.skops", tmp_path / "m.onnx"
    status, _, err = run(capsys, "train", *train_args, "--save", str(model_path), "--quiet")
    assert status == 0, err
    status, out, err = run(capsys, "export", str(model_path), "--onnx", str(onnx_path))
    assert status == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.onnx", "m.skops"]  # no temporary file left
    sess = ort.InferenceSession(onnx_path.read_bytes(), providers=["CPUExecutionProvider"])
    return read_model_file(model_path)["pipeline"], sess, out


@pytest.mark.parametrize("model", ["mlp", "logistic", "sklearn-mlp"])
def test_exported_classifier_predicts_like_the_saved_model(capsys, tmp_path, model):
    pipeline, sess, out = train_and_export(
        capsys, tmp_path, "--model", model, "--dataset", "iris", "--param", "max_iter=100"
    )
    written = f"wrote {tmp_path / 'm.onnx'}: ONNX model of {tmp_path / 'm.skops'}"
    assert out == f"{written} (input X; outputs label, probabilities)\n"
    X, _ = load_iris(return_X_y=True, as_frame=True)
    X32 = X.astype(np.float32)
    assert [i.name for i in sess.get_inputs()] == ["X"] and sess.get_inputs()[0].shape == [None, 4]
    label, proba = sess.run(None, {"X": X32.to_numpy()})
    assert np.array_equal(label, pipeline.predict(X32))
    assert_allclose(proba, pipeline.predict_proba(X32), rtol=1e-5, atol=1e-5)


def test_exported_regressor_predicts_like_the_saved_model(capsys, tmp_path):
    pipeline, sess, out = train_and_export(
        capsys, tmp_path, "--model", "mlp-regressor", "--dataset", "diabetes", "--param", "max_iter=50"
    )
    assert out.endswith("(input X; outputs variable)\n")
    X, _ = load_diabetes(return_X_y=True, as_frame=True)
    X32 = X.astype(np.float32)
    (pred,) = sess.run(None, {"X": X32.to_numpy()})
    assert_allclose(pred[:, 0], pipeline.predict(X32), rtol=1e-5, atol=1e-4)


def test_a_csv_model_takes_one_input_per_column(capsys, tmp_path):
    """The ColumnTransformer of CSV data picks columns by name: one float32 input each, NaN imputed."""
    rng = np.random.RandomState(0)
    frame = pd.DataFrame(
        {"a": rng.normal(size=120), "b c": rng.normal(size=120), "d": rng.randint(0, 4, 120)}
    )
    frame.loc[::7, "a"] = np.nan
    frame["label"] = np.where(frame["b c"] + frame["d"] > 1.5, "high", "low")
    csv = tmp_path.parent / f"{tmp_path.name}.csv"
    frame.to_csv(csv, index=False)
    pipeline, sess, out = train_and_export(
        capsys, tmp_path, "--model", "softmax", "--csv", str(csv), "--target", "label"
    )
    assert "(input 3 float32 columns; outputs label, probabilities)" in out
    X = frame.drop(columns="label").astype(np.float32)
    inputs = [i.name for i in sess.get_inputs()]
    assert inputs == ["a", "b_c", "d"]  # skl2onnx's names: other characters than \w become "_"
    label, proba = sess.run(None, {name: X[[c]].to_numpy() for name, c in zip(inputs, X.columns)})
    assert np.array_equal(label, pipeline.predict(X))
    assert_allclose(proba, pipeline.predict_proba(X), rtol=1e-5, atol=1e-5)


def test_a_model_with_text_columns_is_refused_in_one_line(capsys, tmp_path, wine_csv):
    model_path = tmp_path / "m.skops"
    assert run(capsys, "train", "--model", "logistic", "--csv", str(wine_csv), "--target", "cultivar",
               "--save", str(model_path), "-q")[0] == 0  # fmt: skip
    status, out, err = run(capsys, "export", str(model_path), "--onnx", str(tmp_path / "m.onnx"))
    assert status == 2 and out == "" and len(err.splitlines()) == 1
    assert err.startswith(f"sklearn-nn: error: cannot export {model_path} to ONNX")
    assert "text or category columns" in err and not (tmp_path / "m.onnx").exists()


def test_unwritable_path_is_an_input_error(capsys, tmp_path):
    model_path = tmp_path / "m.skops"
    assert (
        run(capsys, "train", "--model", "logistic", "--dataset", "iris", "--save", str(model_path), "-q")[0]
        == 0
    )
    target = tmp_path / "missing" / "m.onnx"
    status, out, err = run(capsys, "export", str(model_path), "--onnx", str(target))
    assert status == 2 and out == ""
    assert err == f"sklearn-nn: error: cannot write {target}: No such file or directory\n"


def test_missing_extra_is_an_input_error(capsys, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "skl2onnx", None)
    status, out, err = run(capsys, "export", str(tmp_path / "m.skops"), "--onnx", str(tmp_path / "m.onnx"))
    assert status == 2 and out == ""
    assert (
        err
        == 'sklearn-nn: error: ONNX export needs skl2onnx and onnxruntime: pip install "sklearn_nn[onnx]"\n'
    )


def test_missing_model_file_is_an_input_error(capsys, tmp_path):
    status, _, err = run(capsys, "export", str(tmp_path / "none.skops"), "--onnx", str(tmp_path / "m.onnx"))
    assert status == 2 and err == f"sklearn-nn: error: model file not found: {tmp_path / 'none.skops'}\n"


def test_a_pickle_of_an_earlier_version_exports_only_with_trust_pickle(capsys, tmp_path):
    import joblib

    from sklearn_nn.cli._model_files import load_model

    model_path = tmp_path / "m.skops"
    assert (
        run(capsys, "train", "--model", "logistic", "--dataset", "iris", "--save", str(model_path), "-q")[0]
        == 0
    )
    pickled = tmp_path / "old.joblib"
    joblib.dump(load_model(model_path), pickled)
    status, _, err = run(capsys, "export", str(pickled), "--onnx", str(tmp_path / "m.onnx"))
    assert status == 2 and "--trust-pickle" in err and not (tmp_path / "m.onnx").exists()
    status, _, err = run(capsys, "export", str(pickled), "--onnx", str(tmp_path / "m.onnx"), "--trust-pickle")
    assert status == 0, err
