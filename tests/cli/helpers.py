"""What the command-line tests share: running main in-process, reading its CSV output, markers."""

import importlib.util
import io
from pathlib import Path

import pandas as pd
import pytest
import skops.io

from sklearn_nn.cli import main

ROOT = Path(__file__).resolve().parents[2]


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


def read_model_file(path):
    """The content of a skops model file that a test has just written, trusting every type in it.

    (``load_model`` trusts a fixed list; the tests of that list load files through it.)
    """
    return skops.io.load(path, trusted=skops.io.get_untrusted_types(file=path))
