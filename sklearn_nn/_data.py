"""Training rows, in memory or streamed, and the one iterator over an epoch's batches.

``Rows`` are rows held in memory (inputs, encoded targets, sample weights);
``Stream`` is rows that arrive in chunks read anew in every epoch
(``sklearn_nn.stream.fit_stream``). ``EpochBatches`` walks either the same
way: an epoch is a sequence of parts (the rows, or each chunk), each shuffled
and cut into batches, so that the training loop has one code path for both.
"""

from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
from sklearn.base import is_classifier
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import _check_sample_weight, column_or_1d, validate_data


def check_rows(estimator, X, y, sample_weight, *, reset, dtype=(np.float64, np.float32)):
    """Validate (X, y, sample_weight) for ``estimator``: CSR or dense float X, 1-D y where possible."""
    X, y = validate_data(
        estimator,
        X,
        y,
        accept_sparse=["csr", "csc"],
        dtype=dtype,
        multi_output=True,
        y_numeric=not is_classifier(estimator),
        reset=reset,
    )
    if sp.issparse(X):
        X = X.tocsr()  # rows are gathered per batch
    if y.ndim == 2 and y.shape[1] == 1:
        y = column_or_1d(y, warn=True)
    if sample_weight is not None:
        sample_weight = _check_sample_weight(sample_weight, X, dtype=X.dtype, ensure_non_negative=True)
        if not np.any(sample_weight > 0):  # scikit-learn < 1.9 lets all-zero weights through
            raise ValueError("Sample weights must contain at least one non-zero number.")
    return X, y, sample_weight


class Rows:
    """Training or validation rows: inputs, encoded targets and sample weights.

    Parameters
    ----------
    X : ndarray or CSR matrix of shape (n_samples, n_features)
    T : ndarray of shape (n_samples, n_outputs)
        Targets encoded for the loss.
    sample_weight : ndarray of shape (n_samples,) or None
    y : array-like, optional
        The targets as the user gave them (for scorers).
    index : ndarray of int, optional
        The rows of the arrays that belong to this set. Batches are gathered
        through it, so a subset of a large X costs an index array, not a copy.
    """

    def __init__(self, X, T, sample_weight=None, y=None, index=None):
        self.X, self.T, self.sample_weight, self.y = X, T, sample_weight, y
        self.index = index

    @property
    def n_rows(self):
        return self.X.shape[0] if self.index is None else self.index.shape[0]

    @property
    def weight(self):
        if self.sample_weight is None:
            return float(self.n_rows)
        sw = self.sample_weight if self.index is None else self.sample_weight[self.index]
        return float(sw.sum(dtype=np.float64))

    def subset(self, rows, copy=True):
        """The given rows as a new ``Rows``: copied, or selected through an index."""
        index = rows if self.index is None else self.index[rows]
        if not copy:
            return Rows(self.X, self.T, self.sample_weight, self.y, index)
        return Rows(*self.take(rows), None if self.y is None else self.y[index])

    def take(self, rows):
        """The batch (X, T, sample_weight) of the given slice or index array."""
        if self.index is not None:
            rows = self.index[rows]
        sw = None if self.sample_weight is None else self.sample_weight[rows]
        return self.X[rows], self.T[rows], sw

    def batches(self, batch, order=None):
        """Yield (X, T, sample_weight) batches of ``batch`` rows in the given order.

        A full batch of unindexed rows is the data itself (no copy); otherwise
        rows are gathered by slice or, when shuffled, by index.
        """
        n = self.n_rows
        if batch >= n:
            yield self.take(slice(None)) if self.index is not None else (self.X, self.T, self.sample_weight)
            return
        for start in range(0, n, batch):
            stop = min(start + batch, n)
            yield self.take(slice(start, stop) if order is None else order[start:stop])


class Stream:
    """Training rows that arrive in chunks, read anew in every epoch.

    Parameters
    ----------
    chunks : callable
        ``chunks(rng, resume)`` returns the ``Rows`` of one epoch, chunk after
        chunk, in that epoch's order (``rng`` shuffles it); ``resume`` is None
        or ``(order, start)``: the epoch's chunk order, and the chunks of it
        already done, from a checkpoint.
    checkpoint : Checkpoint, optional
        The checkpoint of ``fit_stream(checkpoint=...)`` (``_checkpoint``).

    Attributes
    ----------
    weight : float
        Sum of the sample weights of one epoch: the n of the penalty. Known
        after the first epoch; during it, the weight read so far.
    complete : bool
        Whether an epoch has read all the chunks, so that ``weight`` is known.
    n_rows : float
        ``inf``: batches are clipped to each chunk, not to a number of rows.
    """

    n_rows = float("inf")

    def __init__(self, chunks, checkpoint=None):
        self.chunks = chunks
        self.weight = 0.0
        self.complete = False
        self.checkpoint = checkpoint  # a ``_checkpoint.Checkpoint`` to write after every chunk, or None
        self.resume = None  # where the next epoch starts: (chunk order, chunks done, weight so far)


class Part(NamedTuple):
    """One part of an epoch: its rows, the rows per batch, their shuffled order
    (None to keep them in place), n (the training weight the penalty is
    divided by) and the part's own weight."""

    rows: Rows
    batch: int
    order: np.ndarray | None
    n: float
    weight: float


class EpochBatches:
    """The parts of every epoch over ``Rows`` or a ``Stream``, ready to batch.

    Calling it with the generator yields the ``Part`` objects of one epoch.
    In-memory rows are one part; their order is reshuffled from the previous
    epoch's, as scikit-learn does. A stream yields one part per chunk, each
    shuffled on its own; in its first epoch n is the weight read so far.
    After an epoch, ``n_total`` is the whole training weight.

    Parameters
    ----------
    train : Rows or Stream
    batch_size : int or None
        Rows per update; None for full batch (one update per part).
    shuffle : bool
    """

    def __init__(self, train, batch_size, shuffle):
        self.train, self.batch_size, self.shuffle = train, batch_size, shuffle
        self.order = None
        self.n_total = train.weight
        if isinstance(train, Rows):
            n = train.n_rows
            self.order = np.arange(n) if shuffle and self._batch(n) < n else None

    def _batch(self, n_rows):
        return n_rows if self.batch_size is None else min(self.batch_size, n_rows)

    def __call__(self, rng):
        train = self.train
        if isinstance(train, Rows):
            if self.order is not None:
                self.order = self.order[rng.permutation(train.n_rows)]
            yield Part(train, self._batch(train.n_rows), self.order, self.n_total, self.n_total)
            return
        resume, train.resume = train.resume, None
        weight = 0.0 if resume is None else resume[2]
        for rows in train.chunks(rng) if resume is None else train.chunks(rng, resume[:2]):
            m, w = rows.n_rows, rows.weight
            weight += w
            batch = self._batch(m)
            order = rng.permutation(m) if self.shuffle and batch < m else None
            yield Part(rows, batch, order, train.weight if train.complete else weight, w)
            del rows, order  # the next chunk is read without this one in memory
        train.weight, train.complete = weight, True
        self.n_total = weight


def split_validation(train, fraction, rng, stratified):
    """Hold out ``fraction`` of the rows of ``train``: (training rows, validation rows).

    The split is stratified on y when ``stratified`` and y is 1-D. The
    training rows stay in X and are gathered batch by batch through an index;
    only the (smaller) validation set is copied.
    """
    y = train.y
    try:
        train_idx, val_idx = train_test_split(
            np.arange(train.n_rows),
            test_size=fraction,
            random_state=rng,
            stratify=y if stratified and y.ndim == 1 else None,
        )
    except ValueError as exc:
        raise ValueError(
            f"Could not split off a validation set with validation_fraction={fraction}: {exc}"
        ) from exc
    if val_idx.shape[0] < 2:
        raise ValueError(
            "The validation set is too small. Increase 'validation_fraction' or the size of your dataset."
        )
    parts = train.subset(train_idx, copy=False), train.subset(val_idx)
    for rows, name in zip(parts, ("training", "validation")):
        if rows.weight <= 0:
            raise ValueError(
                f"All sample weights of the {name} set split off with validation_fraction="
                f"{fraction} are zero; change validation_fraction or random_state."
            )
    return parts
