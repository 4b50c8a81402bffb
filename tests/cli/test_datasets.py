"""The data of the command line: the named data sets, and CSV files with categories and missing values."""

import numpy as np
import pandas as pd
import pytest

from sklearn_nn.cli._datasets import (
    DATASETS,
    InputError,
    export_dataset,
    load_dataset,
    make_preprocessor,
    read_csv,
)

from .helpers import IRIS_MODELS, read_frame, run


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


def test_exported_data_sets_read_back_the_same(tmp_path):
    for name in DATASETS:
        path = tmp_path / f"{name}.csv"
        export_dataset(name, path, target="label")
        with open(path, encoding="utf-8", newline="") as file:
            header = file.readline()
        original, read = load_dataset(name), read_csv(path, "label")
        assert header == ",".join([*map(str, original.X.columns), "label"]) + "\n", name
        np.testing.assert_array_equal(read.X.to_numpy(), original.X.to_numpy())
        np.testing.assert_array_equal(read.y.to_numpy(), original.y.to_numpy())
        assert (
            read.task == original.task
            and read.notes == []
            and list(read.X.columns) == list(original.X.columns)
        )


def test_datasets_subcommand(capsys, tmp_path):
    status, out, err = run(capsys, "datasets")
    assert status == 0 and err == ""
    assert [line.split()[0] for line in out.splitlines()] == list(DATASETS)
    assert "diabetes       regression      diabetes progression, regression" in out
    assert run(capsys, "datasets", "list")[1] == out
    path = tmp_path / "iris.csv"
    status, out, err = run(capsys, "datasets", "export", "iris", str(path))
    assert status == 0 and out == ""
    assert err == (
        f"wrote iris (150 samples, 4 features, 3 classes) to {path}, target column 'target'; "
        f"read it back with --csv {path} --target target\n"
    )
    assert pd.read_csv(path).shape == (150, 5)
    for argv in (["-q", "export", "iris"], ["export", "-q", "iris"], ["export", "iris", "--quiet"]):
        assert run(capsys, "datasets", *argv[:-1], argv[-1], str(path)) == (0, "", "")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["iris.csv"]  # no temporary file left
    for argv, message in [
        (
            ["iris", str(tmp_path / "no" / "iris.csv")],
            f"cannot write {tmp_path / 'no' / 'iris.csv'}: the folder",
        ),
        (["iris", str(path), "--target", "petal width (cm)"], "--target 'petal width (cm)' is the name of a"),
        (["mnist", str(path)], "argument NAME: invalid choice: 'mnist'"),
    ]:
        status, out, err = run(capsys, "datasets", "export", *argv)
        assert (
            status == 2
            and out == ""
            and err.startswith(f"sklearn-nn: error: {message}")
            and err.count("\n") == 1
        )
