"""Every file the command line writes replaces its previous version whole, or not at all.

The model file, the predictions file and the report files go through
``sklearn_nn._files.atomic_write``. Here its file object fails like a full
disk after some bytes: the command reports the error in one line, the
previous file is intact, and no temporary file is left behind.
"""

import contextlib
import errno
import os
import warnings

import pytest
from sklearn.exceptions import ConvergenceWarning

import sklearn_nn._files
from sklearn_nn.cli import _commands, _compare, _model_files
from sklearn_nn.cli._compare import run_comparison, write_report
from sklearn_nn.cli._datasets import InputError, load_dataset

from .helpers import needs_matplotlib, run

_LIMIT = 64  # bytes (characters) that reach the file before the write fails


class _FullDisk:
    """A file object that passes on the first ``_LIMIT`` bytes and then fails with ENOSPC."""

    def __init__(self, file, sizes):
        self._file, self._left, self._sizes = file, _LIMIT, sizes

    def write(self, data):
        if len(data) <= self._left:
            self._left -= len(data)
            return self._file.write(data)
        self._file.write(data[: self._left])
        self._left = 0
        self._file.flush()
        self._sizes.append(os.fstat(self._file.fileno()).st_size)  # what the temporary file holds
        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name):
        return getattr(self._file, name)


@pytest.fixture
def full_disk(monkeypatch):
    """``fail(name)``: writes of the file called ``name`` fail midway; returns the sizes reached."""
    real = sklearn_nn._files.atomic_write

    def fail(name):
        sizes = []

        @contextlib.contextmanager
        def atomic_write(path, mode="wb", **kwargs):
            with real(path, mode, **kwargs) as file:
                yield _FullDisk(file, sizes) if os.path.basename(path) == name else file

        for module in (_commands, _compare, _model_files):
            monkeypatch.setattr(module, "atomic_write", atomic_write)
        return sizes

    return fail


def _previous(folder, names):
    """Files of the previous run in ``folder``; returns their contents by name."""
    contents = {name: f"previous {name}\n".encode() * 100 for name in names}
    for name, content in contents.items():
        (folder / name).write_bytes(content)
    return contents


def _assert_left_as_before(folder, contents):
    assert sorted(os.listdir(folder)) == sorted(contents)  # no temporary file either
    for name, content in contents.items():
        assert (folder / name).read_bytes() == content, name


def test_model_file_written_halfway_keeps_the_previous_one(capsys, tmp_path, full_disk):
    previous = _previous(tmp_path, ["model.skops"])
    sizes = full_disk("model.skops")
    argv = ["train", "--model", "gaussian-nb", "--dataset", "iris", "--quiet"]
    status, _, err = run(capsys, *argv, "--save", str(tmp_path / "model.skops"))
    assert status == 2
    assert err == (
        f"sklearn-nn: error: cannot save the model to {tmp_path / 'model.skops'}: "
        "[Errno 28] No space left on device\n"
    )
    assert sizes == [_LIMIT]
    _assert_left_as_before(tmp_path, previous)


def test_predictions_written_halfway_keep_the_previous_ones(capsys, tmp_path, full_disk):
    argv = ["train", "--model", "ridge", "--dataset", "diabetes", "--quiet"]
    assert run(capsys, *argv, "--save", str(tmp_path / "m.skops"))[0] == 0
    load_dataset("diabetes").X.to_csv(tmp_path / "rows.csv", index=False)
    previous = {name: (tmp_path / name).read_bytes() for name in ("m.skops", "rows.csv")}
    previous.update(_previous(tmp_path, ["predictions.csv"]))
    sizes = full_disk("predictions.csv")
    output = tmp_path / "predictions.csv"
    status, out, err = run(
        capsys,
        "predict",
        str(tmp_path / "m.skops"),
        "--csv",
        str(tmp_path / "rows.csv"),
        "--output",
        str(output),
    )
    assert status == 2 and out == ""
    assert err == f"sklearn-nn: error: cannot write {output}: [Errno 28] No space left on device\n"
    assert sizes == [_LIMIT]
    _assert_left_as_before(tmp_path, previous)


REPORT = [
    "comparison.md",
    "comparison.csv",
    "loss_curves.png",
    "validation_curves.png",
    "confusion_matrix.png",
]


@pytest.fixture(scope="module")
def comparison():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return run_comparison(load_dataset("iris"), n_splits=3, quick=True, keep_pipelines=True)


@needs_matplotlib
@pytest.mark.parametrize("name", REPORT)
def test_report_written_halfway_keeps_the_whole_previous_report(tmp_path, full_disk, comparison, name):
    """Whichever file fails, every previous file of the report is kept: none is renamed until all
    are written."""
    previous = _previous(tmp_path, REPORT)
    sizes = full_disk(name)
    with pytest.raises(InputError, match=f"cannot write the report into {tmp_path}: .*No space left"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            write_report(comparison, tmp_path)
    assert sizes == [_LIMIT]
    _assert_left_as_before(tmp_path, previous)
