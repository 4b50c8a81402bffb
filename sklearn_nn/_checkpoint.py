"""Training checkpoints of ``fit_stream``: the whole state after a chunk, written atomically.

A checkpoint is an ``.npz`` file (NumPy's zip of ``.npy`` arrays, read with
``allow_pickle=False``: loading it runs no code). Its member ``__meta__``
holds JSON: the plain state of the estimator (``_state.to_plain``: the
parameters, optimizer state, update count, schedule, best-so-far record,
random generator, history), the position of training (epochs done in the
call, chunks done in the epoch and the epoch's chunk order, the epoch's
running sums, the state at the start of the epoch, which divergence goes back
to), a digest of every chunk read so far, and the settings of the call; the
arrays are the other members.

``Checkpoint.after_part`` writes it after every ``every`` chunks, through
``_files.atomic_write``: a process killed at any moment leaves the previous
checkpoint or the new one. Resuming puts that state back and goes on with
the next chunk; the arithmetic is the same, so a resumed run ends with the
bits of a run that was never interrupted. A checkpoint of a finished call
holds the fitted estimator, which resuming gives back without training.
Settings or data other than the checkpoint's are refused: the settings are
compared when the file is read, each chunk's digest when the chunk is read.
A call with a checkpoint also removes the temporary files that writes of a
killed process left next to it: one call at a time trains on a checkpoint.
"""

import contextlib
import hashlib
import json
import os

import numpy as np
import scipy.sparse as sp

from ._callbacks import CALLBACK_ATTRIBUTES, CALLBACKS_SET
from ._files import atomic_write
from ._state import from_plain, rng_state, set_rng_state, to_plain
from ._training import EpochProgress

#: Version of the checkpoint format; a file of another version is refused.
FORMAT = 1


# ----------------------------------------------------------------------
# Plain values <-> JSON and arrays
# ----------------------------------------------------------------------
class _Encoder:
    """JSON for a plain state; its arrays are kept apart in ``arrays``.

    ``params`` maps the id of each estimator parameter value that is code
    (a callable ``learning_rate``) to its name: it is stored as a reference
    and taken from the estimator when the checkpoint is read.
    """

    def __init__(self, params):
        self.arrays = {}
        self.params = {id(value): name for name, value in params.items() if callable(value)}

    def __call__(self, value):
        if value is None or isinstance(value, (bool, int, float, str)) and not isinstance(value, np.generic):
            return value
        if isinstance(value, np.random.RandomState):
            return {"__rng__": self(rng_state(value))}
        if isinstance(value, (np.ndarray, np.generic)):
            return self._array(np.asarray(value), scalar=isinstance(value, np.generic))
        if isinstance(value, dict):
            if all(isinstance(key, str) and not key.startswith("__") for key in value):
                return {key: self(item) for key, item in value.items()}
            return {"__items__": [[self(key), self(item)] for key, item in value.items()]}
        if isinstance(value, (list, tuple)):
            items = [self(item) for item in value]
            return items if isinstance(value, list) else {"__tuple__": items}
        if id(value) in self.params:
            return {"__param__": self.params[id(value)]}
        raise ValueError(f"A checkpoint cannot hold a value of type {type(value).__name__}.")

    def _array(self, array, scalar):
        if array.dtype.hasobject:
            return {
                "__objects__": [self(item) for item in array.ravel().tolist()],
                "shape": list(array.shape),
            }
        key = f"a{len(self.arrays)}"
        self.arrays[key] = array
        return {"__array__": key, "scalar": scalar}


def _decode(value, arrays, params):
    if isinstance(value, list):
        return [_decode(item, arrays, params) for item in value]
    if not isinstance(value, dict):
        return value
    if "__array__" in value:
        array = arrays[value["__array__"]]
        return array[()] if value["scalar"] else array
    if "__objects__" in value:
        items = [_decode(item, arrays, params) for item in value["__objects__"]]
        array = np.empty(len(items), dtype=object)
        array[:] = items
        return array.reshape(value["shape"])
    if "__rng__" in value:
        rng = np.random.RandomState()
        set_rng_state(rng, _decode(value["__rng__"], arrays, params))
        return rng
    if "__tuple__" in value:
        return tuple(_decode(item, arrays, params) for item in value["__tuple__"])
    if "__items__" in value:
        return {_decode(k, arrays, params): _decode(v, arrays, params) for k, v in value["__items__"]}
    if "__param__" in value:
        return params[value["__param__"]]
    return {key: _decode(item, arrays, params) for key, item in value.items()}


def digest(chunk):
    """A digest of the arrays of a chunk ``(X, y, sample_weight)``: equal chunks, equal digests.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_nn._checkpoint import digest
    >>> X, y = np.arange(6.0).reshape(3, 2), np.array(["a", "b", "b"])
    >>> digest((X, y, None)) == digest((X.copy(), y.copy(), None))
    True
    >>> digest((X, y, None)) == digest((X, y[::-1], None))
    False
    """
    h = hashlib.blake2b(digest_size=16)
    for part in chunk:
        if sp.issparse(part):
            part = part.tocsr()
            arrays = [part.data, part.indices, part.indptr]
        else:
            arrays = [part.to_numpy() if hasattr(part, "to_numpy") else part]
        for array in map(np.asarray, arrays):
            h.update(f"{array.dtype.str}{array.shape}|".encode())
            if array.dtype.hasobject:
                h.update("\x1f".join(map(repr, array.ravel().tolist())).encode())
            else:
                h.update(np.ascontiguousarray(array).view(np.uint8).data)
    return h.hexdigest()


def _not_state(params):
    """What a checkpoint neither saves nor replaces: the parameters and callbacks are the caller's."""
    return {*params, *CALLBACK_ATTRIBUTES, CALLBACKS_SET}


def _remove_partial_writes(path):
    """Delete the temporary files of writes of ``path`` that a killed process left (``atomic_write``'s)."""
    folder, name = os.path.split(os.path.abspath(path))
    for entry in os.listdir(folder):
        if entry.startswith(f".{name}.") and entry.endswith(".tmp"):
            with contextlib.suppress(OSError):
                os.remove(os.path.join(folder, entry))


# ----------------------------------------------------------------------
# The checkpoint of one fit_stream call
# ----------------------------------------------------------------------
class Checkpoint:
    """The checkpoint file of a ``fit_stream`` call: read when it exists, written as training goes.

    Parameters
    ----------
    path : str or path-like
    every : int
        Write after every ``every`` chunks (and when training ends).
    settings : dict
        What the call was made with (the estimator's parameters, the
        arguments of ``fit_stream``) as JSON values; a checkpoint of other
        settings is refused.
    """

    def __init__(self, path, every, settings):
        self.path, self.every, self.settings = os.fspath(path), every, settings
        self.estimator = self.reader = None
        self.digests = {}
        self.saved = None  # what the file held when the call began: None, or its decoded content
        self.n_parts = 0
        if os.path.exists(self.path):
            self.saved = self._read()
        _remove_partial_writes(self.path)

    # -- reading ------------------------------------------------------
    def _read(self):
        try:
            with np.load(self.path, allow_pickle=False) as npz:
                arrays = {key: npz[key] for key in npz.files}
            meta = json.loads(arrays.pop("__meta__").tobytes().decode("utf-8"))
        except (OSError, ValueError, KeyError, UnicodeDecodeError) as exc:
            raise ValueError(f"{self.path!r} is not a checkpoint of fit_stream: {exc}") from exc
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise ValueError(f"{self.path!r} is not a checkpoint of fit_stream (format {FORMAT}).")
        self._check_settings(meta["settings"])
        self.digests = {int(k): v for k, v in meta["digests"].items()}
        return meta, arrays

    def _check_settings(self, saved):
        changed = [
            key for key in sorted(set(saved) | set(self.settings)) if saved.get(key) != self.settings.get(key)
        ]
        if changed:
            detail = "; ".join(
                f"{key}: {saved.get(key, '(not set)')!r} then, {self.settings.get(key, '(not set)')!r} now"
                for key in changed[:4]
            )
            raise ValueError(
                f"The checkpoint {self.path!r} was written by fit_stream with other settings ({detail}). "
                "Resume with the settings it was written with, or pass another checkpoint path."
            )

    @property
    def finished(self):
        return self.saved is not None and self.saved[0]["finished"]

    @property
    def resuming(self):
        return self.saved is not None

    def bind(self, estimator, reader, stream):
        """The estimator, chunk reader and stream of the call that writes this checkpoint."""
        self.estimator, self.reader, self.stream = estimator, reader, stream

    def restore_estimator(self, estimator):
        """Put the saved estimator state into ``estimator`` (its parameters are kept)."""
        meta, arrays = self.saved
        params = estimator.get_params(deep=False)
        state = _decode(meta["estimator"], arrays, params)
        skip = _not_state(params)
        for name in [name for name in vars(estimator) if name not in skip]:
            delattr(estimator, name)
        estimator.__setstate__({**params, **state})

    def restore_loop(self, stream, session, start_of_epoch, buffers):
        """The position of training: sets the stream, session, snapshot and counts; the epoch's progress."""
        meta, arrays = self.saved
        loop = _decode(meta["loop"], arrays, self.estimator.get_params(deep=False))
        stream.weight, stream.complete = loop["stream_weight"], loop["stream_complete"]
        session.outcome.n_epochs = loop["n_epochs"]
        buffers["evals"], buffers["updates"] = loop["evals"], loop["updates"]
        start_of_epoch.load_plain(from_plain(loop["start_of_epoch"]))
        progress = EpochProgress(**loop["progress"])
        return progress, (loop["order"], progress.parts, progress.weight)

    # -- checking the data -----------------------------------------------
    def check_chunk(self, index, chunk):
        """Record the digest of chunk ``index`` of the source, or refuse it when it differs."""
        value = digest(chunk)
        known = self.digests.setdefault(index, value)
        if known != value:
            raise ValueError(
                f"Chunk {index} of the data differs from the chunk {index} that the checkpoint "
                f"{self.path!r} was trained on; resume with the same data, or pass another checkpoint path."
            )

    # -- writing ------------------------------------------------------
    def after_part(self, session, start_of_epoch, buffers, progress):
        """Called after each whole chunk: write the checkpoint after every ``every`` chunks."""
        self.n_parts += 1
        if self.n_parts % self.every == 0:
            self.write(False, self._loop(session, start_of_epoch, buffers, progress))

    def _loop(self, session, start_of_epoch, buffers, progress):
        stream = self.stream
        return {
            "n_epochs": session.outcome.n_epochs,
            "progress": vars(progress),
            "order": self.reader.source.order,
            "stream_weight": stream.weight,
            "stream_complete": stream.complete,
            "evals": buffers["evals"],
            "updates": buffers["updates"],
            "start_of_epoch": to_plain(start_of_epoch.plain()),
        }

    def write(self, finished, loop=None):
        """Write the estimator's whole state (and the position of training) atomically."""
        estimator = self.estimator
        params = estimator.get_params(deep=False)
        encode = _Encoder(params)
        skip = _not_state(params)
        state = {k: v for k, v in estimator.__getstate__().items() if k not in skip}
        meta = {
            "format": FORMAT,
            "finished": finished,
            "settings": self.settings,
            "digests": {str(k): v for k, v in self.digests.items()},
            "estimator": encode(state),
            "loop": encode(loop),
        }
        arrays = {**encode.arrays, "__meta__": np.frombuffer(json.dumps(meta).encode("utf-8"), np.uint8)}
        with atomic_write(self.path, "wb") as file:
            np.savez(file, **arrays)
