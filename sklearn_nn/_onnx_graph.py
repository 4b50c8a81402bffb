"""The ONNX graphs of the four estimators: skl2onnx shape calculators and converters.

``sklearn_nn.onnx`` registers these with skl2onnx; this module imports
skl2onnx and onnx at its top, so only that module imports it (lazily).

The graph is the estimator's ``predict`` path, node for node:

* the input is cast to the *computation dtype*, NumPy's type of
  ``X @ coefs_[0]``: float32 when both the input and the model are float32,
  float64 otherwise; the weights are stored in that dtype (exactly: a
  float32 weight is also a float64 one);
* each layer is ``MatMul`` + ``Add``, then the hidden activation of
  ``_ACTIVATION_NODES`` (one entry per name of ``_activations.ACTIVATIONS``);
* the raw output ``z`` goes through the link of the model's *output kind*
  (``output_kind``), in ``_OUTPUT_NODES`` (the formulas of ``_losses``);
* class labels come from ``z`` as ``ClassEncoding.decode`` takes them:
  the argmax of the logits, ``z > 0`` for one sigmoid unit (as the argmax
  of ``[-z, z]``, ties to the first class like NumPy), indicators ``z > 0``
  for multilabel models.

onnxruntime has no float64 ``Erf`` nor ``Softplus`` kernel, so ``_erf``
builds a float64 erf from Cephes' rational approximations (those of
``scipy.special.erf``; relative error about 1e-16), and the log-sigmoid of
the one-vs-rest probabilities is written with ``Min``, ``Exp`` and ``Log``.
"""

import numpy as np
from onnx import TensorProto, numpy_helper
from skl2onnx.common.data_types import (
    BooleanTensorType,
    DoubleTensorType,
    FloatTensorType,
    Int64TensorType,
    StringTensorType,
    guess_proto_type,
    guess_tensor_type,
)
from skl2onnx.common.utils import check_input_and_output_numbers, check_input_and_output_types
from skl2onnx.common.utils_classifier import get_label_classes
from sklearn.base import is_classifier

from ._activations import _SQRT_HALF, ACTIVATIONS

_INPUT_TYPES = [BooleanTensorType, DoubleTensorType, FloatTensorType, Int64TensorType]
_PROTO = {np.dtype(np.float32): TensorProto.FLOAT, np.dtype(np.float64): TensorProto.DOUBLE}

# Cephes' erf (|u| <= 1: u T(u^2) / U(u^2)) and erfc (1 <= u < 8: exp(-u^2) P(u) / Q(u)),
# highest degree first; U and Q have a leading coefficient 1 that is not listed.
_ERF_T = (9.60497373987051638749e0, 9.00260197203842689217e1, 2.23200534594684319226e3,
          7.00332514112805075473e3, 5.55923013010394962768e4)  # fmt: skip
_ERF_U = (3.35617141647503099647e1, 5.21357949780152679795e2, 4.59432382970980127987e3,
          2.26290000613890934246e4, 4.92673942608635921086e4)  # fmt: skip
_ERFC_P = (2.46196981473530512524e-10, 5.64189564831068821977e-1, 7.46321056442269912687e0,
           4.86371970985681366614e1, 1.96520832956077098242e2, 5.26445194995477358631e2,
           9.34528527171957607540e2, 1.02755188689515710272e3, 5.57535335369399327526e2)  # fmt: skip
_ERFC_Q = (1.32281951154744992508e1, 8.67072140885989742329e1, 3.54937778887819891062e2,
           9.75708501743205489753e2, 1.82390916687909736289e3, 2.24633760818710981792e3,
           1.65666309194161350182e3, 5.57535340817727675546e2)  # fmt: skip
# Beyond 8, erfc(u) < 1.2e-29: erf is 1 to double precision, so |u| is clipped to 8.
_ERFC_CLIP = 8.0


class _Graph:
    """Nodes and constants added to skl2onnx's container, every output under a fresh name.

    ``dtype`` is the computation dtype: ``const`` stores numbers in it.
    """

    def __init__(self, scope, container, dtype):
        self.scope, self.container, self.dtype = scope, container, np.dtype(dtype)

    def op(self, op_type, *inputs, output=None, **attrs):
        """The output name of a new node ``op_type(*inputs, **attrs)``."""
        output = output or self.scope.get_unique_variable_name(op_type.lower())
        name = self.scope.get_unique_operator_name(op_type)
        self.container.add_node(op_type, list(inputs), [output], name=name, **attrs)
        return output

    def const(self, value, dtype=None):
        """The name of a new initializer holding ``value`` (in the computation dtype by default)."""
        value = np.asarray(value, dtype=self.dtype if dtype is None else dtype)
        name = self.scope.get_unique_variable_name("const")
        if value.dtype.kind in "OSU":  # numpy_helper keeps only raw data, which strings lack
            content = [str(v).encode("utf-8") for v in value.ravel()]
            self.container.add_initializer(name, TensorProto.STRING, list(value.shape), content)
        else:
            self.container.add_initializer(name, None, None, numpy_helper.from_array(value, name))
        return name

    def cast(self, x, proto, output=None):
        """``x`` as the ONNX type ``proto``, into ``output`` when given (a Cast even to the same type)."""
        return self.op("Cast", x, output=output, to=proto)


def _polevl(g, x, coefs, monic=False):
    """Horner's rule for a polynomial in ``x``; ``monic``: a leading coefficient 1 not in ``coefs``."""
    acc = g.op("Add", x, g.const(coefs[0])) if monic else g.const(coefs[0])
    for c in coefs[1:]:
        acc = g.op("Add", g.op("Mul", acc, x), g.const(c))
    return acc


def _erf(g, u):
    """erf(u): ONNX's ``Erf`` in float32, Cephes' approximation in float64."""
    if g.dtype == np.float32:
        return g.op("Erf", u)
    small = g.op("Min", g.op("Max", u, g.const(-1.0)), g.const(1.0))
    square = g.op("Mul", small, small)
    erf_small = g.op("Div", g.op("Mul", small, _polevl(g, square, _ERF_T)), _polevl(g, square, _ERF_U, True))
    a = g.op("Abs", u)
    large = g.op("Min", g.op("Max", a, g.const(1.0)), g.const(_ERFC_CLIP))
    gauss = g.op("Exp", g.op("Neg", g.op("Mul", large, large)))
    erfc = g.op("Div", g.op("Mul", gauss, _polevl(g, large, _ERFC_P)), _polevl(g, large, _ERFC_Q, True))
    erf_large = g.op("Mul", g.op("Sign", u), g.op("Sub", g.const(1.0), erfc))
    return g.op("Where", g.op("Greater", a, g.const(1.0)), erf_large, erf_small)


def _gelu(g, z):
    """z Phi(z) = z (erf(z / sqrt 2) + 1) / 2, in the order of ``_activations.GELU``."""
    cdf = g.op("Add", _erf(g, g.op("Mul", z, g.const(_SQRT_HALF))), g.const(1.0))
    return g.op("Mul", z, g.op("Mul", cdf, g.const(0.5)))


def _leaky_relu(slope):
    """max(z, slope z), as ``_activations.LeakyReLU`` computes it (ONNX's LeakyRelu: float32 only)."""
    return lambda g, z: g.op("Max", z, g.op("Mul", z, g.const(slope)))


#: The hidden activations of ``_activations.ACTIVATIONS`` as ONNX nodes.
_ACTIVATION_NODES = {
    "identity": lambda g, z: z,
    "logistic": lambda g, z: g.op("Sigmoid", z),
    "sigmoid": lambda g, z: g.op("Sigmoid", z),
    "tanh": lambda g, z: g.op("Tanh", z),
    "relu": lambda g, z: g.op("Relu", z),
    "leaky_relu": _leaky_relu(ACTIVATIONS["leaky_relu"].slope),
    "gelu": _gelu,
}


def _log_expit(g, z):
    """log sigmoid(z) = min(z, 0) - log(1 + exp(-|z|)), stable for any z."""
    softplus = g.op("Log", g.op("Add", g.const(1.0), g.op("Exp", g.op("Neg", g.op("Abs", z)))))
    return g.op("Sub", g.op("Min", z, g.const(0.0)), softplus)


#: The output of each output kind (see ``output_kind``) from the raw output z: the class
#: probabilities of ``_losses``' ``proba`` or the regression predictions of ``inverse_link``.
_OUTPUT_NODES = {
    # One sigmoid unit: [1 - p, p] = [sigmoid(-z), sigmoid(z)].
    "binary": lambda g, z: g.op("Concat", g.op("Sigmoid", g.op("Neg", z)), g.op("Sigmoid", z), axis=1),
    # K sigmoid units normalised across classes: softmax of the log-sigmoids.
    "one_vs_rest": lambda g, z: g.op("Softmax", _log_expit(g, z), axis=1),
    "multilabel": lambda g, z: g.op("Sigmoid", z),
    "softmax": lambda g, z: g.op("Softmax", z, axis=1),
    "identity": lambda g, z: z,
    "exp": lambda g, z: g.op("Exp", z),
}


def output_kind(model):
    """The key of ``_OUTPUT_NODES`` for a fitted estimator.

    Regressors: their ``out_activation_`` (``"identity"``, or ``"exp"`` for
    Poisson). Classifiers: ``"multilabel"`` (2-D indicator targets),
    ``"binary"`` (one sigmoid unit, also ``SoftmaxRegressionGD`` on two
    classes), ``"softmax"`` or ``"one_vs_rest"`` (K sigmoid units).
    """
    if not is_classifier(model):
        return model.out_activation_
    if model._encoding.multilabel:
        return "multilabel"
    if model.n_outputs_ == 1:
        return "binary"
    return "softmax" if model.out_activation_ == "softmax" else "one_vs_rest"


def _computation_dtype(model, input_type):
    """NumPy's dtype of ``X @ coefs_[0]``: float32 input stays float32 with a float32 model."""
    input_dtype = np.float32 if isinstance(input_type, FloatTensorType) else np.float64
    return np.result_type(model.coefs_[0].dtype, input_dtype)


def _raw_output(g, model, x):
    """The raw output z of the last layer for the graph input ``x``."""
    act = _ACTIVATION_NODES[model._trainer.net.activation]
    a = g.cast(x, _PROTO[g.dtype])
    last = len(model.coefs_) - 1
    for layer, (W, b) in enumerate(zip(model.coefs_, model.intercepts_)):
        z = g.op("Add", g.op("MatMul", a, g.const(W)), g.const(b))
        a = z if layer == last else act(g, z)
    return a


def _label_values(classes):
    """Class labels as an ONNX tensor holds them: strings, or int64 for integers and bools.

    A classifier's classes are all strings or all numbers (scikit-learn's
    ``unique_labels``), and numbers are integers (a float target with
    fractions is continuous, which a classifier refuses).
    """
    classes = np.asarray(classes)
    return classes.astype(str) if classes.dtype.kind in "OSU" else classes.astype(np.int64)


def classifier_shapes(operator):
    """skl2onnx shape calculator of the classifiers: labels, then probabilities of every class."""
    check_input_and_output_numbers(operator, input_count_range=1, output_count_range=2)
    check_input_and_output_types(operator, good_input_types=_INPUT_TYPES)
    model, n = operator.raw_operator, operator.inputs[0].get_first_dimension()
    labels = _label_values(get_label_classes(operator.scope_inst, model))
    label_type = StringTensorType if labels.dtype.kind == "U" else Int64TensorType
    multilabel = output_kind(model) == "multilabel"
    operator.outputs[0].set_type(label_type([n, len(labels)] if multilabel else [n]))
    operator.outputs[1].set_type(guess_tensor_type(operator.inputs[0].type))
    operator.outputs[1].type.shape = [n, len(labels)]


def regressor_shapes(operator):
    """skl2onnx shape calculator of the regressor: one column per output."""
    check_input_and_output_numbers(operator, input_count_range=1, output_count_range=1)
    check_input_and_output_types(operator, good_input_types=_INPUT_TYPES)
    n = operator.inputs[0].get_first_dimension()
    out_type = DoubleTensorType if isinstance(operator.inputs[0].type, DoubleTensorType) else FloatTensorType
    operator.outputs[0].type = out_type([n, operator.raw_operator.n_outputs_])


def convert_classifier(scope, operator, container):
    """skl2onnx converter of the classifiers: the label and probability outputs."""
    model = operator.raw_operator
    g = _Graph(scope, container, _computation_dtype(model, operator.inputs[0].type))
    label, proba = operator.outputs
    kind = output_kind(model)
    z = _raw_output(g, model, operator.inputs[0].full_name)
    g.cast(_OUTPUT_NODES[kind](g, z), guess_proto_type(proba.type), output=proba.full_name)
    if kind == "multilabel":
        g.cast(g.op("Greater", z, g.const(0.0)), TensorProto.INT64, output=label.full_name)
        return
    scores = g.op("Concat", g.op("Neg", z), z, axis=1) if kind == "binary" else z
    index = g.op("ArgMax", scores, axis=1, keepdims=0)
    labels = _label_values(get_label_classes(scope, model))
    classes = g.const(labels, dtype=labels.dtype)
    g.op("Gather", classes, index, output=label.full_name, axis=0)


def convert_regressor(scope, operator, container):
    """skl2onnx converter of the regressor: the predictions, shape (n, n_outputs)."""
    model, (output,) = operator.raw_operator, operator.outputs
    g = _Graph(scope, container, _computation_dtype(model, operator.inputs[0].type))
    z = _raw_output(g, model, operator.inputs[0].full_name)
    g.cast(_OUTPUT_NODES[output_kind(model)](g, z), guess_proto_type(output.type), output=output.full_name)
