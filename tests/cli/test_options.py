"""Options of reading and writing: --delimiter, --id-column, --report checked first, train without --save."""

import io
import os
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_iris

from .helpers import needs_matplotlib, read_model_file, run


@pytest.fixture(scope="module")
def iris_files(tmp_path_factory):
    """Iris with an identifier column of zero-padded codes, as ',' , ';' and tab delimited files."""
    folder = tmp_path_factory.mktemp("iris")
    X, y = load_iris(return_X_y=True, as_frame=True)
    frame = X.assign(species=np.array(["setosa", "versicolor", "virginica"])[y])
    frame.insert(0, "plant", [f"{i:04d}" for i in range(len(frame))])
    for name, sep in (("comma.csv", ","), ("semicolon.csv", ";"), ("tab.tsv", "\t")):
        frame.to_csv(folder / name, sep=sep, index=False)
    return folder


def _train(capsys, path, *options):
    model = path.parent / f"{path.stem}-{len(options)}.skops"
    argv = ["train", "--model", "logistic", "--csv", str(path), "--target", "species", "--save", str(model)]
    status, out, err = run(capsys, *argv, *options)
    assert status == 0, err
    return model, out, err


def test_delimiter_reads_the_same_table(capsys, iris_files):
    comma, out, _ = _train(capsys, iris_files / "comma.csv", "--id-column", "plant")
    semicolon, out_semicolon, _ = _train(
        capsys, iris_files / "semicolon.csv", "--id-column", "plant", "--delimiter", ";"
    )
    tab, out_tab, _ = _train(capsys, iris_files / "tab.tsv", "--id-column", "plant", "--delimiter", "tab")
    assert out.splitlines()[1] == out_semicolon.splitlines()[1] == out_tab.splitlines()[1]
    for model in (comma, semicolon, tab):
        assert read_model_file(model)["columns"] == list(load_iris(as_frame=True).data.columns)
    coefs = [read_model_file(model)["pipeline"][-1].coef_ for model in (comma, semicolon, tab)]
    np.testing.assert_array_equal(coefs[0], coefs[1])
    np.testing.assert_array_equal(coefs[0], coefs[2])


def test_a_wrong_delimiter_is_named_in_the_error(capsys, iris_files):
    status, out, err = run(capsys, "train", "--model", "logistic", "--csv", str(iris_files / "semicolon.csv"))
    assert status == 2  # --target missing
    status, out, err = run(
        capsys, "compare", "--csv", str(iris_files / "semicolon.csv"), "--target", "species"
    )
    assert status == 2 and out == "" and err.count("\n") == 1
    assert err.endswith("(is the file delimited by ';'? then pass --delimiter ';')\n")
    status, out, err = run(capsys, "compare", "--dataset", "iris", "--delimiter", "ab")
    assert status == 2
    assert err == "sklearn-nn: error: argument --delimiter: expected one character (or 'tab'), got 'ab'\n"


def test_predict_passes_the_id_column_through(capsys, iris_files, tmp_path):
    model, _, _ = _train(capsys, iris_files / "semicolon.csv", "--id-column", "plant", "--delimiter", ";")
    output = tmp_path / "predictions.csv"
    argv = ["predict", str(model), "--csv", str(iris_files / "semicolon.csv"), "--delimiter", ";"]
    status, out, err = run(capsys, *argv, "--id-column", "plant", "--proba", "--output", str(output))
    assert status == 0, err
    lines = output.read_text().splitlines()
    assert lines[0] == "plant;prediction;proba_setosa;proba_versicolor;proba_virginica"
    assert [line.split(";")[0] for line in lines[1:]] == [f"{i:04d}" for i in range(150)]  # as written
    written = pd.read_csv(output, sep=";", dtype={"plant": str})
    X = pd.read_csv(iris_files / "comma.csv").drop(columns=["plant", "species"])
    pipeline = read_model_file(model)["pipeline"]
    assert written["prediction"].tolist() == pipeline.predict(X).tolist()
    np.testing.assert_allclose(written.iloc[:, 2:].to_numpy(), pipeline.predict_proba(X), rtol=1e-15)
    assert "ignored columns" not in err
    # Without --id-column the column is one the model was not trained on: ignored, with a note.
    status, out, err = run(capsys, *argv)
    assert status == 0 and out.startswith("prediction\nsetosa\n")
    assert "ignored columns the model was not trained on: plant" in err


def test_predict_id_column_that_the_model_was_trained_on(capsys, tmp_path):
    """An integer identifier kept as a feature in training is still the model's input, and copied too."""
    X, y = load_iris(return_X_y=True, as_frame=True)
    path = tmp_path / "numbered.csv"
    X.assign(number=np.arange(150) * 7, species=y).to_csv(path, index=False)
    model, _, _ = _train(capsys, path)
    status, out, err = run(capsys, "predict", str(model), "--csv", str(path), "--id-column", "number")
    assert status == 0, err
    assert "the model was trained on --id-column 'number': it is given to the model too" in err
    written = pd.read_csv(io.StringIO(out))
    assert written["number"].tolist() == list(range(0, 1050, 7))
    expected = read_model_file(model)["pipeline"].predict(pd.read_csv(path).drop(columns="species"))
    assert written["prediction"].tolist() == expected.tolist()


ERRORS = {
    "id column missing": (
        ["train", "--model", "logistic", "--csv", "{comma}", "--target", "species", "--id-column", "id"],
        "--id-column 'id' is not in {comma}; its columns are: plant, sepal length (cm),",
    ),
    "id column is the target": (
        ["compare", "--csv", "{comma}", "--target", "species", "--id-column", "species"],
        "--id-column and --target name the same column, 'species'",
    ),
    "id column of a named data set": (
        ["compare", "--dataset", "iris", "--id-column", "plant"],
        "--id-column applies to --csv data, not to the named data sets",
    ),
    "delimiter of a named data set": (
        ["train", "--model", "mlp", "--dataset", "iris", "--delimiter", ";"],
        "--delimiter applies to --csv data, not to the named data sets",
    ),
    "predict id column missing": (
        ["predict", "{model}", "--csv", "{comma}", "--id-column", "id"],
        "--id-column 'id' is not in {comma}; its columns are: plant, sepal length (cm)",
    ),
    "predict id column named like an output column": (
        ["predict", "{model}", "--csv", "{renamed}", "--id-column", "prediction"],
        "--id-column 'prediction' has the name of a column of the predictions",
    ),
}


@pytest.mark.parametrize("case", list(ERRORS))
def test_option_errors_are_one_line(capsys, iris_files, case):
    model, _, _ = _train(capsys, iris_files / "comma.csv", "--id-column", "plant")
    renamed = iris_files / "renamed.csv"
    pd.read_csv(iris_files / "comma.csv").rename(columns={"plant": "prediction"}).to_csv(renamed, index=False)
    paths = {"comma": iris_files / "comma.csv", "model": model, "renamed": renamed}
    argv, expected = ERRORS[case]
    status, out, err = run(capsys, *(arg.format(**paths) for arg in argv))
    assert status == 2 and out == ""
    assert err.startswith(f"sklearn-nn: error: {expected.format(**paths)}") and err.count("\n") == 1


def test_train_without_save_says_so(capsys):
    status, out, err = run(capsys, "train", "--model", "gaussian-nb", "--dataset", "iris")
    assert status == 0 and out.startswith("sklearn GaussianNB (gaussian-nb) on iris")
    assert err.splitlines()[-1] == (
        "the model was not saved: pass --save FILE to keep it for 'sklearn-nn predict'"
    )
    status, out, err = run(capsys, "train", "--model", "gaussian-nb", "--dataset", "iris", "--quiet")
    assert status == 0 and err == ""


@needs_matplotlib
def test_report_folder_is_checked_before_the_comparison(capsys, tmp_path):
    """Nothing is cross-validated (no table on stdout) when the report could not be written."""
    (tmp_path / "a-file").write_text("not a folder")
    (tmp_path / "report" / "comparison.md").mkdir(parents=True)
    cases = {
        "a-file": "--report {p}: a file of that name exists, and the report is a folder",
        "a-file/report": "--report {p}: cannot create the folder, {root}/a-file is a file",
        "report": "--report {p}: cannot replace comparison.md in it, a folder of that name",
    }
    for name, expected in cases.items():
        path = tmp_path / name
        status, out, err = run(capsys, "compare", "--dataset", "iris", "--report", str(path))
        assert status == 2 and out == ""
        assert err == f"sklearn-nn: error: {expected.format(p=path, root=tmp_path)}\n"


@needs_matplotlib
@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0, reason="needs POSIX permissions that bind the user"
)
def test_report_folder_without_write_permission_fails_first(capsys, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        status, out, err = run(capsys, "compare", "--dataset", "iris", "--report", str(locked / "report"))
    finally:
        locked.chmod(0o755)
    assert status == 2 and out == ""
    assert err.startswith(f"sklearn-nn: error: --report {locked / 'report'}: cannot write into {locked}")
