"""What sklearn-nn does to the columns of a CSV file: stray entries, identifiers, empty columns, one class."""

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_wine

from sklearn_nn.cli._columns import read_mostly_numbers
from sklearn_nn.cli._datasets import read_csv, split_columns

from .helpers import read_frame, read_model_file, run


def _wine(n_features=4):
    X, y = load_wine(return_X_y=True, as_frame=True)
    frame = X.iloc[:, :n_features].copy()
    frame["cultivar"] = np.array(["barolo", "grignolino", "barbera"])[y]
    return frame


@pytest.fixture(scope="module")
def stray_files(tmp_path_factory):
    """The same wine rows: with 'abc' and '??' in 8 alcohol values, and with those 8 values empty."""
    folder = tmp_path_factory.mktemp("stray")
    frame = _wine()
    rows = np.random.RandomState(0).choice(len(frame), 8, replace=False)
    stray = frame.astype({"alcohol": object})
    stray.loc[rows[:5], "alcohol"] = "abc"
    stray.loc[rows[5:], "alcohol"] = "??"
    stray.to_csv(folder / "stray.csv", index=False)
    blank = frame.copy()
    blank.loc[rows, "alcohol"] = np.nan
    blank.to_csv(folder / "blank.csv", index=False)
    return folder


def test_stray_entries_in_a_numeric_column_are_missing_values(stray_files):
    data = read_csv(stray_files / "stray.csv", "cultivar")
    blank = read_csv(stray_files / "blank.csv", "cultivar")
    assert split_columns(data.X) == (["alcohol", "malic_acid", "ash", "alcalinity_of_ash"], [])
    pd.testing.assert_frame_equal(data.X, blank.X)
    assert data.notes == [
        "column 'alcohol': 8 of 178 values are not numbers and are treated as missing values: "
        "'abc' (5), '??' (3)"
    ]
    assert blank.notes == []


def test_stray_entries_train_and_score_like_missing_values(capsys, stray_files, tmp_path):
    """Training on the file with stray entries gives the model of the file with those values empty."""
    outputs = {}
    for name in ("stray", "blank"):
        argv = ["train", "--model", "logistic", "--csv", str(stray_files / f"{name}.csv"), "--target"]
        status, out, err = run(capsys, *argv, "cultivar", "--save", str(tmp_path / f"{name}.skops"))
        assert status == 0, err
        outputs[name] = (out.splitlines()[1], err)
    assert outputs["stray"][0] == outputs["blank"][0]  # the training accuracy line
    accuracy = float(outputs["stray"][0].split(": ")[1])
    assert accuracy > 0.85  # one-hot encoding the column as text gave 0.837
    assert "column 'alcohol': 8 of 178 values are not numbers" in outputs["stray"][1]
    assert "not numbers" not in outputs["blank"][1]
    # Predicting rows with stray entries: the same predictions as with empty values, and a note.
    status, out, err = run(
        capsys, "predict", str(tmp_path / "stray.skops"), "--csv", str(stray_files / "stray.csv")
    )
    assert status == 0, err
    assert "column 'alcohol': 8 of 178 values are not numbers and are treated as missing values" in err
    expected = read_model_file(tmp_path / "blank.skops")["pipeline"].predict(
        pd.read_csv(stray_files / "blank.csv")
    )
    assert read_frame(out)["prediction"].tolist() == expected.tolist()
    status, _, err = run(
        capsys,
        "train",
        "--model",
        "logistic",
        "--csv",
        str(stray_files / "stray.csv"),
        "--target",
        "cultivar",
        "-q",
    )
    assert status == 0 and err == ""  # --quiet silences the note


def test_a_column_of_mostly_text_stays_categorical(tmp_path):
    """With more than 10% of non-numbers the column is text: one-hot encoded, no note."""
    frame = _wine()
    codes = np.where(np.arange(len(frame)) % 6 == 0, "unknown", (np.arange(len(frame)) % 4).astype(str))
    frame["code"] = codes  # 30 of 178 entries (16.9%) are not numbers
    frame.to_csv(tmp_path / "codes.csv", index=False)
    data = read_csv(tmp_path / "codes.csv", "cultivar")
    assert split_columns(data.X)[1] == ["code"]
    assert data.notes == []


@pytest.mark.parametrize(("n_numbers", "numeric"), [(63, True), (62, False)])
def test_the_numeric_share_is_exactly_90_percent(n_numbers, numeric):
    """63 numbers of 70 values are 90% (a float product would make them 89.99...%); 62 are fewer."""
    X = pd.DataFrame({"x": [str(i % 7) for i in range(n_numbers)] + ["?"] * (70 - n_numbers)})
    X, notes = read_mostly_numbers(X)
    assert pd.api.types.is_float_dtype(X["x"]) is numeric
    assert notes == ([f"column 'x': {70 - n_numbers} of 70 values are not numbers and are treated as "
                      f"missing values: '?' ({70 - n_numbers})"] if numeric else [])  # fmt: skip


def test_identifier_columns(capsys, tmp_path):
    frame = _wine()
    frame.insert(0, "sample", [f"W{i:03d}" for i in range(len(frame))])
    frame.insert(1, "row", np.arange(len(frame)) + 1)
    path = tmp_path / "ids.csv"
    frame.to_csv(path, index=False)
    data = read_csv(path, "cultivar")
    assert list(data.X.columns) == ["row", "alcohol", "malic_acid", "ash", "alcalinity_of_ash"]
    assert data.notes == [
        "left out column 'sample': a different text in every row, so probably an identifier (one-hot "
        "encoded, it would teach the models nothing about other rows); name it with --id-column sample "
        "to silence this note",
        "column 'row' holds a different integer in every row: if it is an identifier, name it with "
        "--id-column row to leave it out; it is kept as a numeric feature",
    ]
    # Named as the identifier, the integer column is left out too, and the note about it goes.
    model = tmp_path / "model.skops"
    argv = ["train", "--model", "logistic", "--csv", str(path), "--target", "cultivar", "--id-column", "row"]
    status, out, err = run(capsys, *argv, "--save", str(model))
    assert status == 0, err
    assert "(178 samples, 4 features, 3 classes)" in out
    assert read_model_file(model)["columns"] == ["alcohol", "malic_acid", "ash", "alcalinity_of_ash"]
    assert "'row'" not in err and "left out column 'sample'" in err
    # Floats with a different value in every row are no identifier.
    assert read_csv(path, "cultivar", id_column="sample").notes[0].startswith("column 'row'")
    assert len(read_csv(path, "cultivar", id_column="sample").notes) == 1


@pytest.mark.filterwarnings("error::UserWarning")  # scikit-learn's imputer warned of the empty column
def test_an_empty_column_is_left_out_with_one_note(capsys, tmp_path):
    frame = _wine()
    frame.insert(1, "comment", np.nan)
    path = tmp_path / "empty.csv"
    frame.to_csv(path, index=False)
    status, out, err = run(capsys, "train", "--model", "logistic", "--csv", str(path), "--target", "cultivar")
    assert status == 0, err
    assert "(178 samples, 4 features, 3 classes)" in out
    assert "left out column(s) 'comment': no row has a value there\n" in err
    status, out, err = run(
        capsys, "compare", "--quick", "--csv", str(path), "--target", "cultivar", "--format", "csv"
    )
    assert status == 0, err
    assert (read_frame(out)["accuracy_mean"] > 0.8).all()


def test_only_empty_feature_columns_is_one_error_line(capsys, tmp_path):
    path = tmp_path / "nothing.csv"
    path.write_text("a,b,y\n,,x\n,,z\n,,x\n,,z\n")
    status, out, err = run(capsys, "train", "--model", "logistic", "--csv", str(path), "--target", "y")
    assert status == 2 and out == ""
    assert err == (
        f"sklearn-nn: error: {path} has no feature columns to learn from: "
        "left out column(s) 'a', 'b': no row has a value there\n"
    )


@pytest.mark.parametrize(("label", "shown"), [("x", "'x'"), (1, "1"), (2.0, "2.0")])
def test_one_class_is_named_as_written(capsys, tmp_path, label, shown):
    frame = _wine().assign(cultivar=label)
    path = tmp_path / "one.csv"
    frame.to_csv(path, index=False)
    for command in (["train", "--model", "logistic"], ["compare", "--quick"]):
        status, out, err = run(
            capsys, *command, "--csv", str(path), "--target", "cultivar", "--task", "classification"
        )
        assert status == 2 and out == ""
        assert err == (
            f"sklearn-nn: error: target column 'cultivar' holds one class only, {shown}: "
            "a classifier needs at least 2 classes\n"
        )
