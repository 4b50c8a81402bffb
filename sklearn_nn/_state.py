"""The estimators' state in plain types: what pickle, skops and checkpoints store.

A fitted estimator holds objects of this package (the ``Trainer`` with its
``Network``, loss, penalty, optimizer, schedule and ``Monitor``; the
``ClassEncoding`` of a classifier). ``to_plain`` turns each of them into a
dict of plain values: ``{OBJECT_KEY: "module.Class", "state": {...}}``, where
the state holds only None, bools, numbers, strings, NumPy arrays and scalars,
random generators and lists, tuples and dicts of those. ``from_plain`` builds
the objects back, and only objects of classes defined in this package's
modules: a state names no other code to run. So a model file in skops format
asks its reader to trust one type of ours, the estimator's class; a value
that is not plain (a user's callable ``learning_rate`` or scorer) stays
as it is and a reader sees its type.

Objects are rebuilt without calling ``__init__``: their ``__setstate__`` (as
for pickle) or their ``__dict__`` receive the decoded state, so views into
the parameter buffer and formats of earlier versions are handled in one place
per class, for pickle and skops alike.
"""

import importlib

import numpy as np

#: The key of a dict that stands for an object of this package.
OBJECT_KEY = "__sklearn_nn_object__"
_PACKAGE = "sklearn_nn."


def _is_package_object(value):
    cls = type(value)
    return cls.__module__.startswith(_PACKAGE) and not hasattr(value, "get_params")


def to_plain(value):
    """``value`` with every object of this package replaced by its plain state.

    Parameters
    ----------
    value : object
        A value held by an estimator.

    Returns
    -------
    plain : object
        Lists, tuples and dicts are walked (and copied where they hold an
        object of this package); arrays and other values are returned as they
        are.

    Examples
    --------
    >>> from sklearn_nn._monitor import Monitor
    >>> from sklearn_nn._state import to_plain, from_plain
    >>> plain = to_plain({"monitor": Monitor(tol=1e-4, patience=10)})
    >>> plain["monitor"]["__sklearn_nn_object__"], plain["monitor"]["state"]
    ('sklearn_nn._monitor.Monitor', {'tol': 0.0001, 'patience': 10, 'keep_best': False, ...})
    >>> type(from_plain(plain)["monitor"]).__name__
    'Monitor'
    """
    if isinstance(value, dict):
        return {key: to_plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        items = [to_plain(item) for item in value]
        return items if isinstance(value, list) else tuple(items)
    if _is_package_object(value):
        cls = type(value)
        state = value.__getstate__()
        return {OBJECT_KEY: f"{cls.__module__}.{cls.__qualname__}", "state": to_plain(state or {})}
    return value


def from_plain(value):
    """The inverse of ``to_plain``: objects of this package built back from their state.

    Parameters
    ----------
    value : object

    Returns
    -------
    object

    Raises
    ------
    ValueError
        For a state that names a class outside this package.
    """
    if isinstance(value, dict):
        if OBJECT_KEY in value:
            return _build(value[OBJECT_KEY], from_plain(value.get("state", {})))
        return {key: from_plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        items = [from_plain(item) for item in value]
        return items if isinstance(value, list) else tuple(items)
    return value


def _build(path, state):
    module_name, _, name = str(path).rpartition(".")
    cls = None
    if module_name.startswith(_PACKAGE) and name.isidentifier():
        try:
            cls = getattr(importlib.import_module(module_name), name, None)
        except ImportError:
            cls = None
    if not isinstance(cls, type) or cls.__module__ != module_name:
        raise ValueError(f"The saved state names {path!r}, which is not a class of sklearn_nn.")
    obj = cls.__new__(cls)
    setstate = getattr(obj, "__setstate__", None)
    if setstate is not None:
        setstate(state)
    else:
        vars(obj).update(state)
    return obj


def rng_state(rng):
    """The state of a ``RandomState`` as plain values (for a checkpoint's JSON and arrays).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.RandomState(0)
    >>> state = rng_state(rng)
    >>> a = rng.rand(); set_rng_state(rng, state); bool(rng.rand() == a)
    True
    """
    name, keys, pos, has_gauss, cached = rng.get_state()
    return {"name": name, "keys": keys, "pos": int(pos), "has_gauss": int(has_gauss), "cached": float(cached)}


def set_rng_state(rng, state):
    """Put back a state saved by ``rng_state``."""
    keys = np.asarray(state["keys"], dtype=np.uint32)
    rng.set_state((state["name"], keys, state["pos"], state["has_gauss"], state["cached"]))
