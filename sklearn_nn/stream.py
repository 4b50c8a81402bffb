"""Training on data larger than memory: ``fit_stream`` reads it chunk by chunk.

``fit_stream`` trains an estimator of this package for a number of epochs over
chunks of rows that are read anew in every epoch: slices of a pair of arrays
(NumPy memory maps, ``.npy`` files opened with ``mmap_mode``, HDF5 or Zarr
datasets, dask arrays), a list of chunks or of functions that load one, or a
function that returns the chunks of one epoch. Only one chunk is in memory at
a time. Every epoch shuffles the order of the chunks and the rows within each
chunk, runs the estimator's own training loop over them, and records one
entry in ``history_``, so the fitted attributes, the stopping rule and early
stopping are those of ``fit``.

dask is optional (``pip install "sklearn_nn[distributed]"``) and imported only
when the chunks are dask arrays.
"""

import collections.abc
import functools
import itertools
import json
import math
import mmap
import os
from numbers import Integral

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import unique_labels

from ._checkpoint import Checkpoint, digest
from ._solvers import SOLVERS

__all__ = ["fit_stream"]

_INSTALL_HINT = 'pip install "sklearn_nn[distributed]"'
_CHUNK_BYTES = 32 * 2**20  # default chunk of a pair of arrays: about 32 MiB of X


def fit_stream(
    estimator,
    chunks,
    *,
    epochs=1,
    classes=None,
    validation=None,
    chunk_size=None,
    shuffle=True,
    random_state=None,
    checkpoint=None,
    checkpoint_every=1,
):
    """Fit an estimator on data read chunk by chunk, for several epochs.

    Every epoch reads all the chunks, one at a time, in a shuffled order; each
    chunk's rows are shuffled and split into the estimator's mini-batches
    (``batch_size``, clipped to the chunk; ``'full'`` is one update per chunk).
    The epoch then counts as one epoch of ``fit``: ``history_`` gains one
    entry (the training loss is the mean of the chunks' losses weighted by
    their sample weights), the ``validation`` rows are evaluated, and the
    stopping rule of ``fit`` applies: training stops early when the
    training loss (or, with ``early_stopping=True``, the validation score)
    has not improved by ``tol`` for ``n_iter_no_change`` epochs, and
    ``restore_best_weights=True`` restores the best epoch's parameters.

    Like ``fit``, it starts afresh unless the estimator has
    ``warm_start=True``. The L2 penalty is alpha / (2 n) ||W||^2 with n the
    sum of the sample weights of the whole stream; during the first epoch,
    before the stream has been read once, n is the weight read so far.

    Parameters
    ----------
    estimator : estimator of this package
        ``LogisticRegressionGD``, ``SoftmaxRegressionGD``,
        ``MLPClassifierScratch`` or ``MLPRegressorScratch`` with a stochastic
        solver (``'sgd'`` or ``'adam'``). It is fitted in place.
    chunks : tuple of arrays, sequence, iterable or callable
        The training data:

        - a tuple ``(X, y)`` or ``(X, y, sample_weight)`` of arrays with the
          same number of rows, read in slices of ``chunk_size`` rows. Slices
          of a ``numpy.memmap`` (or of ``numpy.load(..., mmap_mode='r')``)
          are mapped afresh for every chunk, so only one chunk counts in the
          memory of the process. Dask arrays are read block by block
          (computed with dask, on a ``dask.distributed`` client if one is
          active);
        - a list (or tuple) of chunks, each a tuple ``(X, y)`` or
          ``(X, y, sample_weight)`` of arrays, of paths to ``.npy`` files, or
          a function without arguments that returns such a tuple (to load a
          chunk only when it is needed);
        - a function without arguments that returns an iterable of chunks,
          called once per epoch (for generators). The order of its chunks is
          shuffled only if it returns a list or tuple;
        - an iterator of chunks, read once: only with ``epochs=1``.
    epochs : int, default=1
        Maximum number of passes over the chunks.
    classes : array-like of shape (n_classes,), default=None
        All the classes of the stream, which a chunk may not all show.
        Required for classifiers, except for multilabel targets.
    validation : tuple, default=None
        Held-out rows ``(X_val, y_val)`` or ``(X_val, y_val,
        sample_weight_val)`` in memory, evaluated after every epoch
        (``history_['val_loss']`` and ``['val_score']``). Required with
        ``early_stopping=True``, whose stopping rule watches their score.
    chunk_size : int, default=None
        Rows per chunk of a tuple of arrays. None reads about 32 MiB of ``X``
        per chunk, or each block of a dask array as it is.
    shuffle : bool, default=True
        Whether to shuffle the order of the chunks and the rows within each
        chunk in every epoch. It replaces the estimator's ``shuffle``.
    random_state : int, RandomState instance or None, default=None
        Seeds the shuffling. None uses the estimator's ``random_state``, so
        a seeded estimator trains deterministically.
    checkpoint : str or path-like, default=None
        A file that holds the whole training state, written after every
        ``checkpoint_every`` chunks and when training ends. Each write
        replaces the file atomically, so a process killed at any moment
        leaves a complete checkpoint. When the file exists, training resumes
        from it (the estimator's fitted state is replaced by the
        checkpoint's) and ends with the same bits as a run that was never
        interrupted; a checkpoint of a finished call gives the fitted model
        back without training. It must come from a call with the same
        estimator parameters (``verbose`` aside), arguments and data: other
        settings are refused when the file is read, a chunk that differs
        from the one trained on when it is read. The file is NumPy's ``.npz``
        and is read without pickle, so loading it runs no code.
    checkpoint_every : int, default=1
        Chunks between two writes of ``checkpoint``.

    Returns
    -------
    estimator : object
        The fitted estimator.

    Raises
    ------
    ValueError
        For ``solver='lbfgs'`` (it needs all the rows at once),
        ``learning_rate='cosine'`` (its length is a number of updates known in
        advance), ``class_weight='balanced'`` (pass the weights as a dict),
        ``early_stopping=True`` without ``validation``, and chunks that do not
        fit the model. A call that fails (a chunk that cannot be read or
        does not fit, an error of a scorer or schedule) leaves the estimator
        exactly as it was before the call, with ``warm_start=True`` too: its
        parameters, optimizer state and records.

    See Also
    --------
    sklearn.base.BaseEstimator.partial_fit : One update pass over rows in memory;
        ``fit_stream`` adds epochs, shuffling, history and stopping rule.

    Notes
    -----
    Rows of different chunks never share a mini-batch. When the rows are
    sorted (by class, by time), shuffle them once on disk, or use small
    chunks, so that every chunk is a fair sample. Standardise the features
    with statistics of the whole stream, for example from
    ``sklearn.preprocessing.StandardScaler().partial_fit`` over the chunks,
    applied in a chunk-loading function.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from sklearn_nn import SoftmaxRegressionGD
    >>> from sklearn_nn.stream import fit_stream
    >>> X, y = make_classification(n_samples=600, n_classes=3, n_informative=4, random_state=0)
    >>> chunks = [(X[i : i + 100], y[i : i + 100]) for i in range(0, 600, 100)]
    >>> clf = SoftmaxRegressionGD(solver="adam", batch_size=50, random_state=0)
    >>> clf = fit_stream(clf, chunks, epochs=5, classes=[0, 1, 2])
    >>> len(clf.history_["loss"]), clf.n_iter_, clf.t_
    (5, 5, 3000)
    >>> print(f"{clf.score(X, y):.2f}")
    0.77
    """
    if not hasattr(estimator, "_fit_stream"):
        raise TypeError(
            "fit_stream trains the estimators of sklearn_nn (LogisticRegressionGD, SoftmaxRegressionGD, "
            f"MLPClassifierScratch, MLPRegressorScratch); got {type(estimator).__name__}. For a pipeline, "
            "transform the chunks in a chunk-loading function and stream them into its last step."
        )
    _check_arguments(estimator, epochs, chunk_size, validation, classes)
    rng = check_random_state(estimator.random_state if random_state is None else random_state)
    source = _source(chunks, chunk_size, shuffle, epochs)
    if checkpoint is not None:
        if not _is_count(checkpoint_every):
            raise ValueError(f"checkpoint_every must be an integer >= 1, got {checkpoint_every!r}.")
        arguments = dict(epochs=epochs, classes=classes, chunk_size=chunk_size, shuffle=shuffle)
        arguments.update(
            random_state=random_state, validation=validation, source=type(source.chunks).__name__
        )
        checkpoint = Checkpoint(checkpoint, checkpoint_every, _settings(estimator, arguments))
    return estimator._fit_stream(
        source,
        rng,
        epochs=epochs,
        shuffle=shuffle,
        classes=classes,
        validation=validation,
        checkpoint=checkpoint,
    )


def _is_count(value):
    return isinstance(value, Integral) and not isinstance(value, bool) and value >= 1


def _check_arguments(estimator, epochs, chunk_size, validation, classes):
    """Refuse what fit_stream cannot do, before anything is read."""
    if not _is_count(epochs):
        raise ValueError(f"epochs must be an integer >= 1, got {epochs!r}.")
    if chunk_size is not None and not _is_count(chunk_size):
        raise ValueError(f"chunk_size must be None or an integer >= 1, got {chunk_size!r}.")
    solver = SOLVERS.get(estimator.solver)  # an unknown name is refused by the fit's validation
    if solver is not None and not solver.stochastic:
        stochastic = ", ".join(repr(name) for name, solver in SOLVERS.items() if solver.stochastic)
        raise ValueError(
            f"fit_stream needs a stochastic solver ({stochastic}): "
            f"solver={estimator.solver!r} uses all the rows at once."
        )
    if isinstance(estimator.learning_rate, str) and estimator.learning_rate == "cosine":
        raise ValueError(
            "fit_stream does not support learning_rate='cosine', whose length is a number of updates "
            "fixed in advance; use 'exponential', 'step', 'invscaling', 'adaptive' or a callable of "
            "the update count."
        )
    if isinstance(getattr(estimator, "class_weight", None), str):
        raise ValueError(
            "fit_stream does not support class_weight='balanced', which needs the class counts of the whole "
            "stream; pass class_weight as a dict, e.g. from sklearn.utils.class_weight.compute_class_weight."
        )
    if estimator.early_stopping and validation is None:
        raise ValueError(
            "early_stopping=True needs held-out rows: pass validation=(X_val, y_val) to fit_stream."
        )
    if validation is not None and (
        not isinstance(validation, (tuple, list)) or len(validation) not in (2, 3)
    ):
        raise ValueError("validation must be a tuple (X_val, y_val) or (X_val, y_val, sample_weight_val).")
    warm = estimator.warm_start and hasattr(estimator, "_trainer")
    if warm and classes is not None and hasattr(estimator, "classes_"):
        if not np.array_equal(estimator.classes_, unique_labels(classes)):
            raise ValueError(
                f"classes={classes} differs from the classes of the fitted model, {estimator.classes_}."
            )


def _settings(estimator, arguments):
    """The estimator's parameters (``verbose`` aside) and the call's arguments as JSON values."""

    def describe(value):
        if isinstance(value, np.ndarray):
            return value.tolist()
        if isinstance(value, np.generic):
            return value.item()
        if isinstance(value, np.random.RandomState):
            return "a RandomState instance"
        name = getattr(value, "__qualname__", None)
        return f"{type(value).__module__}.{type(value).__qualname__}" if name is None else name

    params = {k: v for k, v in estimator.get_params(deep=False).items() if k != "verbose"}
    validation = arguments.pop("validation")
    arguments["validation"] = None if validation is None else digest(tuple(validation))
    settings = {"estimator": type(estimator).__name__, **params, **arguments}
    return json.loads(json.dumps(settings, default=describe))


# ----------------------------------------------------------------------
# Chunk sources: each is a function rng -> iterable of (X, y, sample_weight)
# ----------------------------------------------------------------------
def _source(chunks, chunk_size, shuffle, epochs):
    """The chunks of every epoch (a ``_Source``)."""
    if _is_array_tuple(chunks):
        return _Source(_array_chunks(chunks, chunk_size), shuffle)
    if chunk_size is not None:
        raise ValueError("chunk_size applies to a tuple of arrays (X, y) only.")
    if callable(chunks):
        return _Source(chunks, shuffle, call=True)
    if not isinstance(chunks, collections.abc.Iterable):
        raise TypeError(
            "chunks must be a tuple of arrays (X, y), a list of chunks, an iterable of chunks or a "
            f"function returning one; got {type(chunks).__name__}."
        )
    if iter(chunks) is chunks and epochs > 1:
        raise ValueError(
            "An iterator of chunks can be read only once: for several epochs pass a list, or a function "
            "that returns a fresh iterator for every epoch."
        )
    return _Source(chunks, shuffle)


class _Source:
    """The chunks of one epoch as pairs (index in the source, chunk), shuffled when they are a sequence.

    Called with the generator (and, to resume an epoch, its chunk order and
    the number of its chunks done), it returns a generator that keeps no
    chunk once it is handed on, so that a chunk is freed before the next one
    is read. ``order`` is the current epoch's order of a sequence (None for
    an iterable, read in its own order: resuming skips its first chunks).
    ``call``: ``chunks`` is a function returning the chunks of each epoch.
    """

    def __init__(self, chunks, shuffle, call=False):
        self.chunks, self.shuffle, self.call = chunks, shuffle, call
        self.order = None

    def __call__(self, rng, resume=None):
        chunks = self.chunks() if self.call else self.chunks
        order, start = (None, 0) if resume is None else resume
        if isinstance(chunks, collections.abc.Sequence):
            if order is None:
                order = (
                    rng.permutation(len(chunks)) if self.shuffle and resume is None else range(len(chunks))
                )
            self.order = [int(i) for i in order]
            return ((i, _read(chunks[i])) for i in self.order[start:])
        self.order = None
        return ((i, _read(chunk)) for i, chunk in itertools.islice(enumerate(chunks), start, None))


def _read(chunk):
    """A chunk as (X, y, sample_weight): loaded, files read, memory maps mapped afresh."""
    if callable(chunk):
        chunk = chunk()
    if not isinstance(chunk, (tuple, list)) or len(chunk) not in (2, 3):
        raise TypeError(
            "Each chunk must be a tuple (X, y) or (X, y, sample_weight), or a function returning one; "
            f"got {type(chunk).__name__}. A pair of arrays to slice is passed as a tuple (X, y)."
        )
    return tuple(_load(part) for part in (*chunk, None)[:3])


def _load(part):
    if isinstance(part, (str, os.PathLike)):
        array = np.load(part, allow_pickle=False)
        if not isinstance(array, np.ndarray):
            raise ValueError(f"{os.fspath(part)!r} is not a .npy file of one array.")
        return array
    if isinstance(part, np.memmap):
        return _remap(part)
    return part


def _remap(view):
    """A new memory map of the file region of the memory-mapped array ``view``.

    The pages of a memory map that were read count in the resident memory of
    the process until the map is closed. Reading each chunk through its own
    map, closed when the chunk is freed, keeps one chunk resident instead of
    the whole file. Arrays that are not a C-contiguous region of a file
    opened for reading (copy-on-write maps, column selections) are returned
    as they are.
    """
    root = view
    while isinstance(root.base, np.ndarray):
        root = root.base
    if (
        not isinstance(root, np.memmap)
        or not isinstance(root.base, mmap.mmap)
        or getattr(view, "filename", None) is None
        or view.mode not in ("r", "r+", "w+")
        or not view.flags.c_contiguous
        or view.size == 0
    ):
        return view
    offset = root.offset + (view.ctypes.data - root.ctypes.data)
    return np.memmap(view.filename, dtype=view.dtype, mode="r", offset=offset, shape=view.shape)


def _is_array_tuple(chunks):
    """Whether ``chunks`` is a tuple (X, y) or (X, y, sample_weight) of arrays to slice."""
    if not isinstance(chunks, tuple) or len(chunks) not in (2, 3):
        return False
    return all(_is_array(part) for part in chunks[:2]) and (
        len(chunks) == 2 or chunks[2] is None or _is_array(chunks[2])
    )


def _is_array(part):
    return hasattr(part, "shape") and hasattr(part, "__getitem__") and len(part.shape) >= 1


def _is_dask(part):
    return hasattr(part, "__dask_graph__")


def _array_chunks(arrays, chunk_size):
    """Functions loading the row chunks of a tuple of arrays, one per chunk."""
    if any(_is_dask(part) for part in arrays if part is not None):
        return _dask_chunks(arrays, chunk_size)
    n_rows = arrays[0].shape[0]
    for part in arrays[1:]:
        if part is not None and part.shape[0] != n_rows:
            raise ValueError(
                "X, y and sample_weight have different numbers of rows: "
                f"{[p.shape[0] for p in arrays if p is not None]}."
            )
    size = chunk_size or _default_chunk_rows(arrays[0])
    return [
        functools.partial(_rows, arrays, start, min(start + size, n_rows)) for start in range(0, n_rows, size)
    ]


def _default_chunk_rows(X):
    nbytes = getattr(X, "nbytes", None)
    if not isinstance(nbytes, Integral):
        nbytes = 8 * math.prod(X.shape)
    return max(1, int(_CHUNK_BYTES * X.shape[0] // max(nbytes, 1)))


def _rows(arrays, start, stop):
    """Rows start:stop of each array (positional for pandas objects)."""
    return tuple(
        None if part is None else part.iloc[start:stop] if hasattr(part, "iloc") else part[start:stop]
        for part in arrays
    )


def _import_dask():
    try:
        import dask
        import dask.array
    except ImportError as exc:  # pragma: no cover - dask arrays come with dask
        raise ImportError(f"fit_stream over dask arrays requires dask: {_INSTALL_HINT}") from exc
    return dask


def _dask_chunks(arrays, chunk_size):
    """Functions computing the row blocks of dask arrays, one per block, all arrays at once."""
    dask = _import_dask()
    X = arrays[0]
    for part in arrays:
        if _is_dask(part) and not hasattr(part, "blocks"):
            raise TypeError(
                f"fit_stream reads dask arrays; got a {type(part).__name__}. Convert a dask DataFrame "
                "with .to_dask_array(lengths=True)."
            )
    if not _is_dask(X):
        raise TypeError("With dask arrays in the tuple (X, y), X must be a dask array too.")
    X = X.rechunk({i: -1 for i in range(1, X.ndim)})
    if chunk_size is not None:
        X = X.rechunk({0: chunk_size})
    rows = X.chunks[0]
    aligned = [X]
    for part in arrays[1:]:
        if part is None:
            aligned.append(None)
            continue
        if not _is_dask(part):
            part = dask.array.from_array(np.asarray(part), chunks=-1)
        part = part.rechunk({i: -1 for i in range(1, part.ndim)})
        if part.chunks[0] != rows:
            if any(math.isnan(c) for c in rows + part.chunks[0]):
                raise ValueError(
                    "The dask arrays have unknown chunk sizes; compute them first with "
                    ".compute_chunk_sizes()."
                )
            part = part.rechunk({0: rows})
        aligned.append(part)
    return [functools.partial(_compute_block, dask, aligned, i) for i in range(len(rows))]


def _compute_block(dask, arrays, i):
    """Block i of every array, computed together (on the active dask scheduler or client)."""
    blocks = [part.blocks[i] for part in arrays if part is not None]
    computed = iter(dask.compute(*blocks))
    return tuple(None if part is None else next(computed) for part in arrays)
