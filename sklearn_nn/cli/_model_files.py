"""The model files of ``sklearn-nn train --save``: skops files, loaded trusting a fixed list of types.

A model file is a skops file (``skops.io``, the ``cli`` extra) holding a
dict of plain values and the fitted pipeline. Loading a skops file runs no
code of the file's choosing: skops rebuilds only the types it is told to
trust, and ``load_model`` trusts exactly

* skops' default trusted types (scikit-learn's estimators, NumPy's and
  SciPy's standard types, Python's builtins);
* this package's four estimators (``TRUSTED_TYPES``);
* ``numpy.dtype``, which skops rebuilds from an empty NumPy array without
  pickle but does not trust by default (yet), and which every pipeline with
  a ``SimpleImputer`` of text columns holds;
* ``sklearn_nn.cli._datasets.as_strings``, the function of the
  ``FunctionTransformer`` that the command line puts in the pipeline of
  every CSV file with text columns.

A file that holds any other type is not loaded. Files of earlier versions
are pickles (joblib), which run code when loaded: they load only when the
caller says the file is trusted (``--trust-pickle``). The kind of file is
told by its content (a skops file is a zip archive), never by its name.
"""

import os

from .._files import atomic_write
from .._linear import LogisticRegressionGD, SoftmaxRegressionGD
from .._mlp import MLPClassifierScratch, MLPRegressorScratch
from ._datasets import InputError, as_strings
from ._parser import PROG

MODEL_FORMAT = "sklearn-nn model"
SUFFIX = ".skops"


def _type_name(obj):
    return f"{obj.__module__}.{obj.__qualname__}"


#: The types of a model file trusted beyond skops' defaults.
TRUSTED_TYPES = (
    *(
        _type_name(cls)
        for cls in (LogisticRegressionGD, SoftmaxRegressionGD, MLPClassifierScratch, MLPRegressorScratch)
    ),
    "numpy.dtype",
    _type_name(as_strings),
    # The update rules of scikit-learn's MLPClassifier / MLPRegressor (the CLI's sklearn-mlp models),
    # plain classes of scikit-learn that skops does not list.
    "sklearn.neural_network._stochastic_optimizers.AdamOptimizer",
    "sklearn.neural_network._stochastic_optimizers.SGDOptimizer",
)

_ZIP_MAGIC = b"PK\x03\x04"
# A pickle of protocol 2 to 5 (what joblib writes), or joblib's compressed pickles: zlib, gzip,
# bz2, xz, lzma, lz4, and the zlib container of joblib before 0.10.
_PICKLE_MAGICS = (
    *(bytes([0x80, protocol]) for protocol in range(2, 6)),
    *(b"\x78" + bytes([level]) for level in (0x01, 0x5E, 0x9C, 0xDA)),
    b"\x1f\x8b",
    b"BZh",
    b"\xfd7zXZ\x00",
    b"\x5d\x00\x00",
    b"\x04\x22\x4d\x18",
    b"ZF",
)


def _skops():
    try:
        import skops.io
    except ImportError:
        raise InputError(
            'model files are skops files, which need skops; install it with: pip install "sklearn_nn[cli]"'
        ) from None
    return skops.io


def check_save_path(path):
    """Refuse, before any training, a ``--save`` path that ``save_model`` could not write.

    The file must be named ``*.skops``: the name then says what the file is
    and how to load it; a ``.joblib`` or ``.pkl`` name would promise a pickle.
    """
    name = os.fspath(path)
    if not name.endswith(SUFFIX):
        stem, ext = os.path.splitext(name)
        why = ""
        if ext.lower() in (".joblib", ".pkl", ".pickle"):
            why = f" ({PROG} writes no pickles: they run code when loaded)"
        raise InputError(
            f"--save writes a skops model file, whose name must end in {SUFFIX}{why}: "
            f"use --save {stem if why else name}{SUFFIX}"
        )
    folder = os.path.dirname(os.path.abspath(name))
    if not os.path.isdir(folder):
        raise InputError(f"cannot save the model to {name}: the folder {folder} does not exist")
    if os.path.isdir(name):
        raise InputError(f"cannot save the model to {name}: it is a directory")
    _skops()


def save_model(bundle, path):
    """Write ``bundle`` (a dict) to ``path`` as a skops file, whole or not at all."""
    content = _skops().dumps(bundle)
    try:
        with atomic_write(path, "wb") as file:
            file.write(content)
    except OSError as exc:
        raise InputError(f"cannot save the model to {path}: {exc}") from None


def _read(path):
    try:
        with open(path, "rb") as file:
            return file.read()
    except FileNotFoundError:
        raise InputError(f"model file not found: {path}") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a directory, not a model file") from None
    except OSError as exc:
        raise InputError(f"cannot read model file {path}: {exc}") from None


def _cannot_load(path, exc):
    return InputError(
        f"cannot load model file {path} (is it written by '{PROG} train --save'?): "
        f"{type(exc).__name__}: {exc}"
    )


def _load_skops(path, content):
    sio = _skops()
    try:
        untrusted = sio.get_untrusted_types(data=content)
    except Exception as exc:  # a damaged archive: zipfile, json and skops errors alike
        raise _cannot_load(path, exc) from None
    refused = [name for name in untrusted if name not in TRUSTED_TYPES]
    if refused:
        raise InputError(
            f"{path} was not loaded: it holds type(s) that {PROG} does not trust: {', '.join(refused)} "
            "(trusted are scikit-learn's and NumPy's standard types and sklearn_nn's estimators)"
        )
    try:
        return sio.loads(content, trusted=untrusted)
    except Exception as exc:
        raise _cannot_load(path, exc) from None


def _load_pickle(path, content, trust_pickle):
    if not trust_pickle:
        raise InputError(
            f"{path} is a pickle (joblib) file, which can run any code when loaded; it was not loaded. "
            "If you trust the file, --trust-pickle loads it"
        )
    import joblib

    try:
        return joblib.load(path)
    except Exception as exc:  # unpickling can fail in many ways; all mean the same to the user
        raise _cannot_load(path, exc) from None


def load_model(path, *, trust_pickle=False):
    """The saved model of ``sklearn-nn train --save`` as a dict.

    A file holding a bare fitted estimator or pipeline is accepted too.

    Parameters
    ----------
    path : str or path-like
    trust_pickle : bool, default=False
        Load a pickle (a joblib file of an earlier version). Without it, a
        pickle is refused: loading one runs whatever code it holds.

    Returns
    -------
    bundle : dict
        ``"pipeline"`` (the fitted pipeline), ``"columns"`` (the feature
        columns, or None when unknown), ``"target"``, ``"task"``, ``"model"``
        and ``"sklearn_nn_version"``.
    """
    content = _read(path)
    if content.startswith(_ZIP_MAGIC):
        saved = _load_skops(path, content)
    elif content.startswith(_PICKLE_MAGICS):
        saved = _load_pickle(path, content, trust_pickle)
    else:
        raise InputError(
            f"cannot load model file {path}: it is neither a skops file nor a pickle "
            f"(is it written by '{PROG} train --save'?)"
        )
    if isinstance(saved, dict) and saved.get("format") == MODEL_FORMAT:
        return saved
    if hasattr(saved, "predict"):
        columns = getattr(saved, "feature_names_in_", None)
        return {"pipeline": saved, "columns": None if columns is None else list(columns), "target": None}
    raise InputError(f"{path} does not hold a model saved by '{PROG} train --save'")
