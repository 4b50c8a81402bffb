"""Export to ONNX: skl2onnx converters for the four estimators.

``import sklearn_nn.onnx`` registers, with skl2onnx, a shape calculator and
a converter for ``LogisticRegressionGD``, ``SoftmaxRegressionGD``,
``MLPClassifierScratch`` and ``MLPRegressorScratch``, so that
``skl2onnx.to_onnx`` converts them alone and inside any pipeline skl2onnx
converts (``StandardScaler``, ``ColumnTransformer``, ...). ``to_onnx`` is a
shortcut that registers and calls ``skl2onnx.to_onnx``. The module imports
without skl2onnx; using it then raises an ``ImportError`` that names the
``onnx`` extra.

Outputs follow skl2onnx's conventions:

* a classifier has a label output equal to ``predict`` (int64 for integer
  and bool classes, bools as 0/1; strings for string classes; a 0/1 int64
  matrix for a multilabel model) and a probability output equal to
  ``predict_proba``: a sequence of {class: probability} maps by default
  (ZipMap), one tensor with ``options={"zipmap": False}``, one output per
  class with ``{"zipmap": "columns"}``; ``{"nocl": True}`` labels the
  classes 0..K-1. Every loss has ``predict_proba`` (for ``loss='hinge'`` a
  monotone score in [0, 1]), so every classifier has both outputs;
* the regressor has one output ``variable`` of shape (n, n_outputs),
  ``predict`` (exp of the raw output for ``loss='poisson'``).

Numerics. The graph's input type is the type of ``X`` given to
``to_onnx`` (float32 for float32 data, skl2onnx's usual choice), and so are
the probabilities and regression outputs. Inside the estimator's part of the
graph, every layer computes in the dtype NumPy's ``predict`` computes in:
float64 for a model fitted in float64 (the float32 input is cast to double
in the graph, the weights are stored as double), float32 only for a float32
model fed float32. The labels then come from the same float64 logits as
``predict``'s, up to the summation order of the matrix products (about
1e-16), so they agree even for rows a float32 computation would put on the
wrong side of a decision boundary, and the probabilities match to float32
rounding (well below 1e-5). Computing in float32 would be faster but flips
labels near boundaries; storing float32 weights would change every logit.
Preprocessing steps compute as their own skl2onnx converters do, in the
input's type: with float32 input a scaler rounds differently from
scikit-learn's, so a row within about 1e-6 of a decision boundary may get
the other label; pass float64 ``X`` for a double graph end to end (with
``{"zipmap": False}``: ONNX's ZipMap takes float32 only).

Examples
--------
>>> import numpy as np
>>> import onnxruntime as ort
>>> from sklearn.datasets import load_iris
>>> from sklearn_nn import MLPClassifierScratch
>>> from sklearn_nn.onnx import to_onnx
>>> X, y = load_iris(return_X_y=True)
>>> clf = MLPClassifierScratch(hidden_layer_sizes=(8,), activation="tanh", max_iter=500,
...                            learning_rate_init=0.01, random_state=0).fit(X, y)
>>> onx = to_onnx(clf, X[:1].astype(np.float32), options={"zipmap": False})
>>> session = ort.InferenceSession(onx.SerializeToString(), providers=["CPUExecutionProvider"])
>>> label, proba = session.run(None, {"X": X.astype(np.float32)})
>>> bool((label == clf.predict(X)).all()), bool(np.allclose(proba, clf.predict_proba(X), atol=1e-5))
(True, True)
"""

from ._linear import LogisticRegressionGD, SoftmaxRegressionGD
from ._mlp import MLPClassifierScratch, MLPRegressorScratch

__all__ = ["register", "to_onnx"]

_MISSING = 'ONNX export needs skl2onnx and onnxruntime: pip install "sklearn_nn[onnx]"'
_CLASSIFIERS = (LogisticRegressionGD, SoftmaxRegressionGD, MLPClassifierScratch)
#: skl2onnx's options of a classifier; with "zipmap" among them, skl2onnx gives the model
#: its classifier parser (a label output, then ZipMap over the probabilities).
_CLASSIFIER_OPTIONS = {"zipmap": [True, False, "columns"], "nocl": [True, False]}


def _skl2onnx():
    """skl2onnx, or an ImportError naming the extra to install."""
    try:
        import skl2onnx
    except ImportError as exc:
        raise ImportError(_MISSING) from exc
    return skl2onnx


def register():
    """Register the estimators' shape calculators and converters with skl2onnx.

    ``import sklearn_nn.onnx`` calls it; calling it again is harmless.

    Raises
    ------
    ImportError
        If skl2onnx is not installed.

    Examples
    --------
    >>> from skl2onnx import supported_converters
    >>> from sklearn_nn.onnx import register
    >>> register()
    >>> for name in sorted(supported_converters()):
    ...     if name.startswith("SklearnNN"):
    ...         print(name)
    SklearnNNLogisticRegressionGD
    SklearnNNMLPClassifierScratch
    SklearnNNMLPRegressorScratch
    SklearnNNSoftmaxRegressionGD
    """
    skl2onnx = _skl2onnx()
    from . import _onnx_graph as graph

    for cls in _CLASSIFIERS:
        skl2onnx.update_registered_converter(
            cls,
            f"SklearnNN{cls.__name__}",
            graph.classifier_shapes,
            graph.convert_classifier,
            options=_CLASSIFIER_OPTIONS,
        )
    skl2onnx.update_registered_converter(
        MLPRegressorScratch, "SklearnNNMLPRegressorScratch", graph.regressor_shapes, graph.convert_regressor
    )


def to_onnx(model, X=None, **kwargs):
    """Convert a fitted estimator or pipeline to ONNX with skl2onnx, after ``register``.

    Parameters
    ----------
    model : estimator or Pipeline
        Fitted; this package's estimators anywhere in it, next to whatever
        skl2onnx converts.
    X : array-like or DataFrame, default=None
        A few rows of the input: their type gives the graph's input (a
        float32 array: one float tensor ``X``; a DataFrame: one input per
        column, as a ``ColumnTransformer`` by column names needs). None
        needs ``initial_types`` in ``kwargs``.
    **kwargs
        Passed to ``skl2onnx.to_onnx``: ``options`` (``{"zipmap": False}``
        for a probability tensor), ``initial_types``, ``target_opset``, ...

    Returns
    -------
    onx : onnx.ModelProto
        ``onx.SerializeToString()`` gives the bytes of the ``.onnx`` file.

    Raises
    ------
    ImportError
        If skl2onnx is not installed (``pip install "sklearn_nn[onnx]"``).

    Examples
    --------
    A pipeline, its float32 input cast to double inside the model's part:

    >>> import numpy as np
    >>> import onnxruntime as ort
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn_nn import LogisticRegressionGD
    >>> from sklearn_nn.onnx import to_onnx
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> X = X.astype(np.float32)
    >>> pipe = make_pipeline(StandardScaler(), LogisticRegressionGD()).fit(X, y)
    >>> onx = to_onnx(pipe, X[:1], options={"zipmap": False})
    >>> [o.name for o in onx.graph.output]
    ['label', 'probabilities']
    >>> session = ort.InferenceSession(onx.SerializeToString(), providers=["CPUExecutionProvider"])
    >>> label, proba = session.run(None, {"X": X})
    >>> bool((label == pipe.predict(X)).all()), proba.shape
    (True, (569, 2))
    """
    skl2onnx = _skl2onnx()
    register()
    return skl2onnx.to_onnx(model, X, **kwargs)


try:
    register()
except ImportError:  # without skl2onnx the module still imports; using it says what to install
    pass
