"""A fit_stream process killed with SIGKILL at random moments resumes to the bits of an uninterrupted run.

A worker process trains with ``checkpoint=PATH``. The test kills it with
SIGKILL (no handler, no cleanup) at random moments: after a random number of
checkpoint writes (0 to 2, seen as the file being replaced) and a random
delay, so that kills land during training, between writes and during writes,
whatever the speed of the machine. After each kill the checkpoint on disk is
whole (or absent before the first write), at most the one temporary file
of a write it killed lies next to it (each worker removes those of earlier
kills), and a new worker resumes from it.
After at least 20 kills the last worker runs to the end; its parameters and
records are compared, bit for bit, with those of a worker that was never
killed.
"""

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from sklearn_nn._checkpoint import Checkpoint

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")

WORKER = textwrap.dedent(
    """
    import sys
    import numpy as np
    from sklearn.datasets import make_classification
    from sklearn_nn import MLPClassifierScratch
    from sklearn_nn.stream import fit_stream

    X, y = make_classification(n_samples=3000, n_features=40, n_informative=12, n_classes=3, random_state=0)
    est = MLPClassifierScratch(
        hidden_layer_sizes=(96, 48), batch_size=40, solver="adam", learning_rate="exponential",
        dropout=0.1, early_stopping=True, n_iter_no_change=3, random_state=0,
    )
    checkpoint = None if sys.argv[1] == "none" else sys.argv[1]
    print("ready", flush=True)
    fit_stream(
        est, (X[:2700], y[:2700]), epochs=4, classes=[0, 1, 2], chunk_size=180,
        validation=(X[2700:], y[2700:]), checkpoint=checkpoint,
    )
    params = np.concatenate([a.ravel() for a in est.coefs_ + est.intercepts_])
    records = np.array(est.history_["loss"] + est.history_["val_score"] + [est.t_, est._trainer.n_updates])
    np.save(sys.argv[2], np.concatenate([params, records]))
    """
)
N_KILLS = 20


def _worker(checkpoint, out):
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, str(checkpoint), str(out)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )


def _file_id(path):
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def _kill_later(process, path, writes, delay, guard=120.0):
    """SIGKILL ``process`` after ``writes`` replacements of ``path`` and ``delay`` s; False if it ended."""
    assert process.stdout.readline().strip() == "ready"
    seen, start = _file_id(path), time.monotonic()
    while writes > 0 and process.poll() is None and time.monotonic() - start < guard:
        now = _file_id(path)
        if now != seen:
            writes, seen = writes - 1, now
        time.sleep(0.0005)
    time.sleep(delay)
    if process.poll() is not None:
        return False
    process.send_signal(signal.SIGKILL)
    process.wait()
    return True


def _settings_of(path):
    """The settings a checkpoint was written with (reading it checks that it is whole)."""
    with np.load(path, allow_pickle=False) as npz:
        return json.loads(npz["__meta__"].tobytes())["settings"]


@pytest.mark.slow
def test_sigkill_at_random_moments_then_resume_gives_the_uninterrupted_bits(tmp_path):
    reference = tmp_path / "reference.npy"
    worker = _worker("none", reference)
    assert worker.stdout.readline().strip() == "ready"
    assert worker.wait(timeout=600) == 0

    path, out = tmp_path / "run.ckpt.npz", tmp_path / "resumed.npy"
    rng, kills, mid_write = random.Random(20261202), 0, 0
    settings = None
    while kills < N_KILLS:
        process = _worker(path, out)
        if not _kill_later(process, path, rng.choice([0, 1, 1, 2]), rng.uniform(0.0, 0.03)):
            pytest.fail(f"the run ended after {kills} kills; the test needs {N_KILLS}: make it longer")
        kills += 1
        partial = [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]
        assert len(partial) <= 1  # the next worker removed the earlier killed writes' files
        mid_write += len(partial)
        if path.exists():  # whole after every kill, also one during a write
            now = _settings_of(path)
            assert settings is None or now == settings
            settings = now
            Checkpoint(path, 1, now)  # reads and checks the file as fit_stream does
    assert path.exists()
    process = _worker(path, out)
    assert process.stdout.readline().strip() == "ready"
    assert process.wait(timeout=600) == 0
    np.testing.assert_array_equal(np.load(out), np.load(reference))
    assert sorted(os.listdir(tmp_path)) == ["reference.npy", "resumed.npy", "run.ckpt.npz"]
    print(f"{kills} kills, {mid_write} during a write")
