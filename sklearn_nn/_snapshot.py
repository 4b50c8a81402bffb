"""One training-state snapshot: the single way training goes back in time.

A ``Snapshot`` copies what training changes: the parameters (copied back in
place, so views such as ``coefs_`` stay valid), the optimizer and its state,
the schedule, the best-so-far record, the update and sample counters, and
optionally the random generator, the per-epoch records and the estimator's
attributes. It serves three uses:

* a call of ``fit`` / ``partial_fit`` / ``fit_stream`` that fails leaves the
  estimator exactly as it was (everything);
* an epoch that diverges or is cut short goes back to the start of the epoch
  (training state only, taken again at every epoch into the same buffers);
* L-BFGS goes back to its last accepted iterate.

``take`` copies into buffers allocated once, so a snapshot per epoch costs a
few copies of the parameter buffer and no allocation.

The schedule and the monitor keep their identity: their attributes are
saved as a shallow copy of their ``__dict__`` and put back (the monitor's
best parameters are copied). That is all the state of this package's
schedules and monitor; a user's schedule callable keeps whatever state of its
own it has.
"""

import numpy as np

_TRAINER_FIELDS = (
    "penalty", "optimizer", "opt_state", "clip_grad_norm", "dropout", "n_updates", "n_samples_seen",
)  # fmt: skip


class Snapshot:
    """The state of a ``Trainer`` (and optionally more) at the moment of ``take``.

    Parameters
    ----------
    trainer : Trainer or None
        None for an estimator without training state yet (only ``owner`` is
        saved then).
    rng : numpy.random.RandomState, optional
        Its state is saved too.
    history : dict of lists, optional
        The length of every per-epoch record is saved too.
    owner : object, optional
        An estimator whose attributes are saved too (a shallow copy of its
        ``__dict__``); ``keep`` names attributes that ``restore`` leaves as
        they are then.
    keep : tuple of str
    """

    def __init__(self, trainer, rng=None, history=None, owner=None, keep=()):
        self.trainer, self.rng, self.history, self.owner, self.keep = trainer, rng, history, owner, keep
        self._buffers = {}
        self.take()

    def _copy(self, key, array):
        buffer = self._buffers.get(key)
        if buffer is None or buffer.shape != array.shape or buffer.dtype != array.dtype:
            buffer = self._buffers[key] = np.empty_like(array)
        np.copyto(buffer, array)
        return buffer

    def take(self):
        """Save the current state (reusing the buffers of the previous ``take``)."""
        if self.owner is not None:
            self.attributes = dict(self.owner.__dict__)
        trainer = self.trainer
        if trainer is None:
            return
        self.params = self._copy("params", trainer.net.params)
        self.fields = {name: getattr(trainer, name) for name in _TRAINER_FIELDS}
        self.opt_values = {
            key: self._copy(("opt", key), value) if isinstance(value, np.ndarray) else value
            for key, value in (trainer.opt_state or {}).items()
        }
        # The schedule (its rate, for 'adaptive') and the monitor (its best
        # record) keep their identity; their fields are saved.
        self.objects = {
            name: (obj, dict(getattr(obj, "__dict__", {})))
            for name, obj in (("schedule", trainer.schedule), ("monitor", trainer.monitor))
        }
        best = getattr(trainer.monitor, "best_params", None)
        self.best = None if best is None else self._copy("best", best)
        if self.rng is not None:
            self.rng_state = self.rng.get_state()
        if self.history is not None:
            self.lengths = {key: len(values) for key, values in self.history.items()}

    def plain(self):
        """The training state of the last ``take`` as values (for a checkpoint; no generator, no owner)."""
        return {
            "params": self.params,
            "counts": {name: self.fields[name] for name in ("n_updates", "n_samples_seen")},
            "opt_values": self.opt_values,
            "objects": {name: fields for name, (_, fields) in self.objects.items()},
            "best": self.best,
        }

    def load_plain(self, plain):
        """Make ``plain`` (from ``plain`` of an earlier snapshot) the state that ``restore`` puts back."""
        np.copyto(self.params, plain["params"])
        self.fields.update(plain["counts"])
        for key, value in plain["opt_values"].items():
            if isinstance(value, np.ndarray):
                np.copyto(self.opt_values[key], value)
            else:
                self.opt_values[key] = value
        for name, fields in plain["objects"].items():
            self.objects[name][1].clear()
            self.objects[name][1].update(fields)
        if plain["best"] is not None:
            self.best = self._copy("best", plain["best"])

    def restore(self):
        """Put back the state saved by the last ``take``."""
        if self.trainer is not None:
            self._restore_training()
        if self.owner is not None:
            kept = {key: self.owner.__dict__[key] for key in self.keep if key in self.owner.__dict__}
            self.owner.__dict__.clear()
            self.owner.__dict__.update(self.attributes, **kept)

    def _restore_training(self):
        trainer = self.trainer
        np.copyto(trainer.net.params, self.params)
        for name, value in self.fields.items():
            setattr(trainer, name, value)
        for key, value in self.opt_values.items():
            if isinstance(value, np.ndarray):
                np.copyto(trainer.opt_state[key], value)
            else:
                trainer.opt_state[key] = value
        for name, (obj, fields) in self.objects.items():
            setattr(trainer, name, obj)
            if fields:
                vars(obj).update(fields)
        if self.best is not None:
            np.copyto(trainer.monitor.best_params, self.best)
        if self.rng is not None:
            self.rng.set_state(self.rng_state)
        if self.history is not None:
            for key, values in self.history.items():
                del values[self.lengths.get(key, 0) :]
