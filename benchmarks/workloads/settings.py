"""Sizes, epochs and repeats of every workload, per mode (``full``, ``quick``, ``smoke``)."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Settings:
    """Sizes, epochs and repeats of one mode (``full``, ``quick`` or ``smoke``).

    Attributes
    ----------
    mode : str
    repeats : int
        Rounds of alternation per measurement; medians are over them.
    threads : int
        BLAS / OpenMP threads (threadpoolctl) and torch threads for every system.
    w1_train, w1_test : int
        Training and held-out rows of the W1 data set.
    w1_epochs : dict
        Epochs E of a timed fit, keyed by batch size (1, 32, 200, "full").
    w1_rows : dict
        Training rows of the timed fits, keyed by batch size: all ``w1_train``
        rows, or for the slow small batches a subsample (the first rows) whose
        time is scaled to a ``w1_train``-row epoch. A full batch always holds
        every row.
    lin_samples : int
        Rows of the linear-model data set.
    lin_epochs : int
        Epochs of the timed full-batch logistic fits (section linear, part a).
    lin_pairs : int
        Timed (X @ w, X.T @ r) pairs per round of the two-GEMV bound.
    lin_max_epochs : int
        Epoch budget of our first-order solver in the time-to-accuracy part.
    mem_rows : int
        Rows of the memory-section X (100 float64 columns).
    opt_samples : dict
        Rows of the two generated data sets of section optimum, keyed by
        ``"binary"`` (100 features) and ``"5-class"`` (50 features); the
        scikit-learn data sets are always whole.
    opt_generated : int
        Generated problems of section optimum's variants table
        (``workloads.optimum.generated_problems``).
    opt_round_split : int
        Section optimum alternates ``repeats * opt_round_split`` rounds per
        row: its fits take milliseconds, so more, short rounds than the other
        sections.
    optimizers_rows : dict
        Training rows of the timed fits of section optimizers, keyed by batch
        size (1, 32, 200): the first rows of the W1 training set.
    optimizers_epochs : dict
        Epochs of those fits, keyed by batch size.
    optimizers_steps : int
        Timed update steps per round of the update-step-alone table.
    inspection_rows : dict
        Training rows of the timed fits of section inspection, keyed by batch
        size (200, 32): the first rows of the W1 training set.
    inspection_epochs : dict
        Epochs of those fits, keyed by batch size.
    inspection_round_split : int
        Section inspection alternates ``repeats * inspection_round_split``
        rounds: the cost it measures is a few percent of a fit, less than
        the noise of one pair of fits on a shared machine, so many more
        rounds than the other sections.
    inspection_steps : int
        Timed updates per round of the ``GradientNorms``-alone table.
    """

    mode: str
    repeats: int
    threads: int
    w1_train: int
    w1_test: int
    w1_epochs: dict = field(hash=False)
    w1_rows: dict = field(hash=False)
    lin_samples: int
    lin_epochs: int
    lin_pairs: int
    lin_max_epochs: int
    mem_rows: int
    opt_samples: dict = field(hash=False)
    opt_round_split: int
    opt_generated: int
    optimizers_rows: dict = field(hash=False)
    optimizers_epochs: dict = field(hash=False)
    optimizers_steps: int
    inspection_rows: dict = field(hash=False)
    inspection_epochs: dict = field(hash=False)
    inspection_round_split: int
    inspection_steps: int


MODES = {
    "full": dict(
        repeats=5,
        w1_train=20000,
        w1_test=5000,
        w1_epochs={1: 1, 32: 3, 200: 5, "full": 5},
        w1_rows={1: 4000, 32: 20000, 200: 20000, "full": 20000},
        lin_samples=20000,
        lin_epochs=300,
        lin_pairs=300,
        lin_max_epochs=2000,
        mem_rows=262144,
        opt_samples={"binary": 20000, "5-class": 5000},
        opt_round_split=5,
        opt_generated=40,
        optimizers_rows={1: 1000, 32: 8000, 200: 20000},
        optimizers_epochs={1: 1, 32: 2, 200: 2},
        optimizers_steps=2000,
        inspection_rows={200: 20000, 32: 10000},
        inspection_epochs={200: 3, 32: 2},
        inspection_round_split=8,
        inspection_steps=2000,
    ),
    "quick": dict(
        repeats=3,
        w1_train=20000,
        w1_test=5000,
        w1_epochs={1: 1, 32: 1, 200: 1, "full": 1},
        w1_rows={1: 400, 32: 8000, 200: 20000, "full": 20000},
        lin_samples=20000,
        lin_epochs=60,
        lin_pairs=60,
        lin_max_epochs=300,
        mem_rows=26214,
        opt_samples={"binary": 20000, "5-class": 5000},
        opt_round_split=3,
        opt_generated=40,
        optimizers_rows={1: 300, 32: 4000, 200: 10000},
        optimizers_epochs={1: 1, 32: 1, 200: 1},
        optimizers_steps=500,
        inspection_rows={200: 10000, 32: 4000},
        inspection_epochs={200: 1, 32: 1},
        inspection_round_split=2,
        inspection_steps=500,
    ),
    "smoke": dict(
        repeats=1,
        w1_train=1000,
        w1_test=500,
        w1_epochs={1: 1, 32: 1, 200: 1, "full": 1},
        w1_rows={1: 40, 32: 1000, 200: 1000, "full": 1000},
        lin_samples=2000,
        lin_epochs=10,
        lin_pairs=10,
        lin_max_epochs=1000,
        mem_rows=2621,
        opt_samples={"binary": 2000, "5-class": 1000},
        opt_round_split=1,
        opt_generated=4,
        optimizers_rows={1: 20, 32: 500, 200: 1000},
        optimizers_epochs={1: 1, 32: 1, 200: 1},
        optimizers_steps=20,
        inspection_rows={200: 1000, 32: 500},
        inspection_epochs={200: 1, 32: 1},
        inspection_round_split=1,
        inspection_steps=20,
    ),
}


def make_settings(mode, repeats=None, threads=1):
    """The ``Settings`` of ``mode``, with ``repeats`` overridden when given."""
    values = dict(MODES[mode])
    if repeats is not None:
        values["repeats"] = repeats
    return Settings(mode=mode, threads=threads, **values)
