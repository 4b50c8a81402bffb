"""Errors of the command line: one line on stderr, status 2, no traceback; and --help, --version."""

import pandas as pd
import pytest

import sklearn_nn
from sklearn_nn.cli import main

from .helpers import run


@pytest.fixture(scope="module")
def saved_model(tmp_path_factory, wine_csv):
    path = tmp_path_factory.mktemp("model") / "model.skops"
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
    path = tmp_path_factory.mktemp("model") / "ridge.skops"
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
        ["predict", "{odd}/nope.skops", "--csv", "{wine}"],
        "model file not found: {odd}/nope.skops",
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
    assert status == 0 and "{compare,train,predict,export,datasets}" in out
    for command in ("compare", "train", "predict", "export", "datasets", "datasets export"):
        status, out, _ = run(capsys, *command.split(), "--help")
        assert status == 0 and out.startswith(f"usage: sklearn-nn {command}")
