"""sklearn-nn train --checkpoint: killed with SIGKILL, the same command resumes to the uninterrupted bits."""

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from .helpers import read_model_file, run

_TRAIN = ["train", "--model", "mlp", "--dataset", "digits", "--param", "max_iter=40", "--param",
          "n_iter_no_change=1000", "--param", "batch_size=64"]  # fmt: skip


def _weights(path):
    model = read_model_file(path)["pipeline"][-1]
    return model, np.concatenate([a.ravel() for a in model.coefs_ + model.intercepts_])


def _epochs_in(path):
    try:
        with np.load(path, allow_pickle=False) as npz:
            loop = json.loads(npz["__meta__"].tobytes())["loop"]
    except (OSError, ValueError, KeyError):
        return 0
    return loop["n_epochs"] if loop else None


def test_the_checkpoint_of_a_finished_run_gives_the_same_model(capsys, tmp_path):
    ck, first, second = tmp_path / "ck.npz", tmp_path / "a.skops", tmp_path / "b.skops"
    status, out, err = run(capsys, *_TRAIN, "--checkpoint", str(ck), "--save", str(first))
    assert status == 0, err
    assert f"trained with the checkpoint {ck}" in err
    status, out2, err = run(capsys, *_TRAIN, "--checkpoint", str(ck), "--save", str(second))
    assert status == 0 and f"resumed from the checkpoint {ck}" in err
    np.testing.assert_array_equal(_weights(first)[1], _weights(second)[1])
    assert out.splitlines()[:3] == out2.splitlines()[:3]  # the same scores and epochs


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
def test_a_killed_train_resumes_to_the_bits_of_an_uninterrupted_one(capsys, tmp_path):
    ck, killed_model = tmp_path / "ck.npz", tmp_path / "killed.skops"
    argv = [sys.executable, "-m", "sklearn_nn", *_TRAIN, "--checkpoint", str(ck), "--save", str(killed_model)]
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    for _ in range(2):  # two kills, at least one epoch apart
        before = _epochs_in(ck) or 0
        process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        deadline = time.monotonic() + 120
        while process.poll() is None and (_epochs_in(ck) or 0) < before + 3 and time.monotonic() < deadline:
            time.sleep(0.005)
        assert process.poll() is None, "the run ended before it could be killed: make it longer"
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert not killed_model.exists()
    assert 3 <= _epochs_in(ck) < 40
    assert subprocess.run(argv, env=env, capture_output=True).returncode == 0
    reference = tmp_path / "reference.skops"
    status, _, err = run(
        capsys, *_TRAIN, "--checkpoint", str(tmp_path / "other.npz"), "--save", str(reference)
    )
    assert status == 0, err
    model, weights = _weights(killed_model)
    np.testing.assert_array_equal(weights, _weights(reference)[1])
    assert model.n_iter_ == 40 and model.history_["loss"] == _weights(reference)[0].history_["loss"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--model", "sklearn-mlp"], "sklearn-mlp is not one"),
        (["--model", "logistic"], "logistic is not one (for logistic or softmax pass --param solver=adam)"),
        (["--model", "mlp", "--param", "solver=lbfgs"], "mlp is not one"),
    ],
)
def test_a_model_that_cannot_checkpoint_is_refused_in_one_line(capsys, tmp_path, args, message):
    status, out, err = run(
        capsys, "train", *args, "--dataset", "iris", "--checkpoint", str(tmp_path / "c.npz")
    )
    assert status == 2 and out == "" and err.count("\n") == 1 and message in err
    assert not (tmp_path / "c.npz").exists()


def test_other_settings_are_refused_and_the_checkpoint_kept(capsys, tmp_path):
    ck = tmp_path / "ck.npz"
    assert run(capsys, *_TRAIN, "--checkpoint", str(ck))[0] == 0
    saved = ck.read_bytes()
    status, out, err = run(capsys, *_TRAIN, "--param", "alpha=0.5", "--checkpoint", str(ck))
    assert status == 2 and err.count("\n") == 1
    assert "was written by fit_stream with other settings (alpha: 0.0001 then, 0.5 now)" in err
    assert ck.read_bytes() == saved
    status, _, err = run(capsys, *_TRAIN, "--checkpoint", str(tmp_path / "missing" / "ck.npz"))
    assert status == 2 and "cannot write the checkpoint" in err
