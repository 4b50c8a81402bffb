"""ONNX export (``sklearn_nn.onnx``): onnxruntime reproduces ``predict`` and ``predict_proba``.

For every estimator, loss, output kind and activation, alone and in pipelines:
onnxruntime's label output equals ``predict`` exactly and its probabilities
or regression outputs match to 1e-5 on float32 input, with and without
ZipMap. The erf built for float64 graphs is checked against SciPy's.
"""

import subprocess
import sys

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.special import erf
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from sklearn_nn import LogisticRegressionGD, MLPClassifierScratch, MLPRegressorScratch, SoftmaxRegressionGD

pytest.importorskip("skl2onnx", reason="the ONNX export needs skl2onnx (the onnx extra)")
ort = pytest.importorskip(
    "onnxruntime", reason="running the exported models needs onnxruntime (the onnx extra)"
)

from sklearn_nn import _onnx_graph  # noqa: E402 (needs skl2onnx)
from sklearn_nn._activations import ACTIVATIONS  # noqa: E402
from sklearn_nn.onnx import to_onnx  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

RNG = np.random.RandomState(0)
X = RNG.normal(size=(80, 4))
X32 = X.astype(np.float32)
Y2 = (X[:, 0] + X[:, 1] > 0).astype(int)
Y3 = np.digitize(X[:, 0] - X[:, 2], [-0.5, 0.5])
YML = np.c_[Y2, X[:, 2] > 0, X[:, 3] > 0.5].astype(int)
YREG = np.c_[np.abs(X[:, 0]) + X[:, 1], np.abs(X[:, 2])]


def session(onx):
    return ort.InferenceSession(onx.SerializeToString(), providers=["CPUExecutionProvider"])


def run(model, X_run, **kwargs):
    """The outputs of the model exported on ``X_run``'s type, run on ``X_run``, by output name."""
    sess = session(to_onnx(model, X_run[:1], **kwargs))
    names = [o.name for o in sess.get_outputs()]
    return dict(zip(names, sess.run(None, {"X": X_run})))


def zipmap_array(maps, classes):
    """ZipMap's list of {class: probability} as an array, columns in the order of ``classes``."""
    keys = [int(c) if not isinstance(c, str) else c for c in classes]
    return np.array([[row[k] for k in keys] for row in maps])


def near_boundary(model, X_run, tol):
    """Rows whose raw outputs are within ``tol`` of a decision boundary."""
    raw = np.asarray(model.decision_function(X_run)).reshape(len(X_run), -1)
    if raw.shape[1] == 1 or np.ndim(model.predict(X_run[:1])) == 2:  # sigmoid units: z = 0
        return np.abs(raw).min(axis=1) < tol
    top = np.sort(raw, axis=1)  # several classes: a tie of the two largest logits
    return top[:, -1] - top[:, -2] < tol


def check_classifier(model, X_run=X32, boundary_tol=0.0):
    """Labels equal predict exactly; probabilities match predict_proba, as a tensor and through ZipMap.

    ``boundary_tol`` > 0 lets rows that close to a decision boundary take the other label (a
    preprocessing step of skl2onnx's that rounds in float32 where scikit-learn rounds in float64).
    """
    expected_label, expected_proba = model.predict(X_run), model.predict_proba(X_run)
    out = run(model, X_run, options={"zipmap": False})
    assert out["label"].shape == expected_label.shape
    same = out["label"] == expected_label
    same = same.all(axis=1) if same.ndim == 2 else same
    assert (same | near_boundary(model, X_run, boundary_tol)).all()
    label = out["label"]
    assert out["probabilities"].dtype == X_run.dtype
    assert_allclose(out["probabilities"], expected_proba, rtol=1e-5, atol=1e-5)
    if X_run.dtype != np.float32:
        return  # ONNX's ZipMap takes float32 probabilities only (so for scikit-learn's classifiers too)
    out = run(model, X_run)
    assert np.array_equal(out["output_label"], label)
    assert_allclose(zipmap_array(out["output_probability"], model.classes_), expected_proba, atol=1e-5)


def mlp_classifier(**params):
    return MLPClassifierScratch(**{"hidden_layer_sizes": (6, 5), "max_iter": 30, "random_state": 0, **params})


def mlp_regressor(**params):
    return MLPRegressorScratch(**{"hidden_layer_sizes": (6,), "max_iter": 30, "random_state": 0, **params})


CLASSIFIER_LOSSES = ["log_loss", "squared_error", "hinge"]


@pytest.mark.parametrize("loss", CLASSIFIER_LOSSES)
@pytest.mark.parametrize("y", [Y2, Y3], ids=["binary", "one_vs_rest"])
def test_logistic_regression(loss, y):
    check_classifier(LogisticRegressionGD(loss=loss).fit(X, y))


@pytest.mark.parametrize("loss", CLASSIFIER_LOSSES)
@pytest.mark.parametrize("y", [Y2, Y3], ids=["binary", "softmax"])
def test_softmax_regression(loss, y):
    check_classifier(SoftmaxRegressionGD(loss=loss).fit(X, y))


@pytest.mark.parametrize("loss", CLASSIFIER_LOSSES)
@pytest.mark.parametrize("y", [Y2, Y3, YML], ids=["binary", "softmax", "multilabel"])
def test_mlp_classifier_losses(loss, y):
    check_classifier(mlp_classifier(loss=loss).fit(X, y))


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("y", [Y2, Y3, YML], ids=["binary", "softmax", "multilabel"])
def test_mlp_classifier_activations(activation, y):
    check_classifier(mlp_classifier(activation=activation).fit(X, y))


def test_multilabel_labels_are_int64_indicators():
    model = mlp_classifier().fit(X, YML)
    label = run(model, X32, options={"zipmap": False})["label"]
    assert label.dtype == np.int64 and label.shape == YML.shape
    assert np.array_equal(label, model.predict(X32))


@pytest.mark.parametrize("loss", ["squared_error", "absolute_error", "huber", "poisson"])
@pytest.mark.parametrize("activation", ["relu", "tanh", "gelu"])
@pytest.mark.parametrize("n_outputs", [1, 2])
def test_mlp_regressor(loss, activation, n_outputs):
    y = YREG[:, 0] if n_outputs == 1 else YREG
    model = mlp_regressor(loss=loss, activation=activation).fit(X, np.abs(y) if loss == "poisson" else y)
    (out,) = run(model, X32).values()
    assert out.shape == (len(X), n_outputs) and out.dtype == np.float32
    assert_allclose(out, model.predict(X32).reshape(len(X), -1), rtol=1e-5, atol=1e-5)


def test_poisson_output_is_the_exp_of_the_raw_output():
    model = mlp_regressor(loss="poisson").fit(X, np.abs(YREG))
    raw = model._trainer.net.predict_raw(X32.astype(np.float64))
    (out,) = run(model, X32).values()
    assert_allclose(out, np.exp(raw), rtol=1e-6)


@pytest.mark.parametrize(
    "model, y",
    [(LogisticRegressionGD(), Y3), (mlp_classifier(activation="gelu"), Y2), (mlp_regressor(), YREG)],
    ids=["logistic", "mlp_classifier", "mlp_regressor"],
)
def test_a_float64_input_gives_a_float64_graph_equal_to_predict(model, y):
    model.fit(X, y)
    out = list(run(model, X, **({"options": {"zipmap": False}} if y is not YREG else {})).values())
    assert out[-1].dtype == np.float64
    if y is YREG:
        assert_allclose(out[0], model.predict(X), rtol=1e-12)
    else:
        assert np.array_equal(out[0], model.predict(X))
        assert_allclose(out[1], model.predict_proba(X), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_float32_model_computes_in_float32(dtype):
    model = mlp_classifier(activation="gelu").fit(X32, Y3)
    assert model.coefs_[0].dtype == np.float32
    check_classifier(model, X.astype(dtype))


def test_labels_at_a_decision_boundary_equal_predict():
    """Float32 inputs a few ulps around the boundary x = 1/3 of z = 3x - 1: float32 arithmetic
    would round some logits to the wrong sign; the graph computes in float64 like predict."""
    x = np.float32(1 / 3) + np.arange(-4, 5) * np.spacing(np.float32(1 / 3))
    X_edge = x.astype(np.float32).reshape(-1, 1)
    model = LogisticRegressionGD().fit(np.array([[0.0], [1.0]]), [0, 1])
    model.coefs_[0][...] = 3.0
    model.intercepts_[0][...] = -1.0
    expected = model.predict(X_edge)
    assert len(set(expected)) == 2  # both sides of the boundary
    in_float32 = (np.float32(3) * X_edge[:, 0] - np.float32(1) > 0).astype(int)
    assert not np.array_equal(in_float32, expected)  # float32 arithmetic would get some rows wrong
    label = run(model, X_edge, options={"zipmap": False})["label"]
    assert np.array_equal(label, expected)


@pytest.mark.parametrize("dtype, tol", [(np.float64, 1e-15), (np.float32, 1e-6)])
def test_gelu_matches_x_phi_of_x(dtype, tol):
    """One GELU unit between identity weights: the graph's output is gelu(x) = x (1 + erf(x / sqrt 2)) / 2."""
    x = np.linspace(-12, 12, 4001).reshape(-1, 1)
    model = mlp_regressor(activation="gelu", hidden_layer_sizes=(1,)).fit(x[:5], x[:5, 0])
    for W in (*model.coefs_, *model.intercepts_):
        W[...] = 1.0 if W.ndim == 2 else 0.0
    (out,) = run(model, x.astype(dtype)).values()
    gelu = x[:, 0] * (1 + erf(x[:, 0] / np.sqrt(2))) / 2
    assert_allclose(out[:, 0], gelu, rtol=tol, atol=tol)


def test_erf_of_the_float64_graph_matches_scipy():
    """The Cephes approximation that replaces onnxruntime's missing float64 Erf: within 2 ulp of SciPy's."""
    u = np.r_[np.linspace(-7, 7, 20001), -1.0, 1.0, 0.0, 1e-300, 30.0, -30.0]
    assert_allclose(_erf_values(u), erf(u), rtol=4e-16, atol=1e-300)


def _erf_values(u):
    """erf(u) computed by the float64 graph of ``_onnx_graph._erf`` alone."""
    from onnx import TensorProto, helper
    from skl2onnx.common._container import ModelComponentContainer
    from skl2onnx.common._topology import Scope

    scope, container = Scope("erf", target_opset=17), ModelComponentContainer(target_opset=17)
    g = _onnx_graph._Graph(scope, container, np.float64)
    g.op("Identity", _onnx_graph._erf(g, "u"), output="y")
    graph = helper.make_graph(
        container.nodes,
        "erf",
        [helper.make_tensor_value_info("u", TensorProto.DOUBLE, [None])],
        [helper.make_tensor_value_info("y", TensorProto.DOUBLE, [None])],
        container.initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    return session(model).run(None, {"u": u})[0]


@pytest.mark.parametrize(
    "classes",
    [
        np.array(["no", "yes"]),
        np.array(["ant", "bee", "cat"]),
        np.array([False, True]),
        np.array([-3, 7, 10]),
    ],
    ids=["two_strings", "three_strings", "bools", "ints"],
)
@pytest.mark.parametrize("make", [LogisticRegressionGD, SoftmaxRegressionGD, mlp_classifier])
def test_string_bool_and_int_labels(classes, make):
    y = classes[Y2] if len(classes) == 2 else classes[Y3]
    model = make().fit(X, y)
    check_classifier(model)
    label = run(model, X32, options={"zipmap": False})["label"]
    assert label.dtype == (object if classes.dtype.kind == "U" else np.int64)  # bools as 0/1


def test_object_string_labels():
    model = LogisticRegressionGD().fit(X, np.array(["a", "b", "c"], dtype=object)[Y3])
    check_classifier(model)


def test_integral_float_labels_export_as_int64():
    model = LogisticRegressionGD().fit(X, np.array([1.0, 2.0, 3.0])[Y3])
    label = run(model, X32, options={"zipmap": False})["label"]
    assert label.dtype == np.int64 and np.array_equal(label, model.predict(X32))


def test_nocl_labels_the_classes_by_index():
    model = SoftmaxRegressionGD().fit(X, np.array(["ant", "bee", "cat"])[Y3])
    out = run(model, X32, options={"zipmap": False, "nocl": True})
    assert np.array_equal(model.classes_[out["label"]], model.predict(X32))


def test_zipmap_columns_gives_one_output_per_class():
    model = LogisticRegressionGD().fit(X, np.array(["ant", "bee", "cat"])[Y3])
    out = run(model, X32, options={"zipmap": "columns"})
    assert list(out) == ["output_label", "sant", "sbee", "scat"]
    proba = np.column_stack([out["sant"], out["sbee"], out["scat"]])
    assert_allclose(proba, model.predict_proba(X32), atol=1e-5)


def two_groups():
    return ColumnTransformer([("standard", StandardScaler(), [0, 2]), ("minmax", MinMaxScaler(), [1, 3])])


@pytest.mark.parametrize("preprocess", [StandardScaler, two_groups], ids=["scaler", "column_transformer"])
@pytest.mark.parametrize(
    "model, y",
    [
        (LogisticRegressionGD(loss="hinge"), Y3),
        (SoftmaxRegressionGD(), np.array(["ant", "bee", "cat"])[Y3]),
        (mlp_classifier(activation="gelu"), Y2.astype(bool)),
        (mlp_classifier(activation="leaky_relu"), YML),
        (mlp_regressor(loss="poisson", activation="tanh"), np.abs(YREG)),
    ],
    ids=["logistic", "softmax", "mlp_classifier", "multilabel", "mlp_regressor"],
)
def test_pipelines(preprocess, model, y):
    """With float32 input skl2onnx's scalers round in float32 (scikit-learn's in float64), so a row
    within 1e-5 of a decision boundary may change sides; a float64 input gives predict's labels exactly."""
    pipe = make_pipeline(preprocess(), model).fit(X, y)
    if y is YML or y.ndim == 1:
        check_classifier(pipe, X32, boundary_tol=1e-5)
        check_classifier(pipe, X)
    else:
        (out,) = run(pipe, X32).values()
        assert_allclose(out, pipe.predict(X32), rtol=1e-5, atol=1e-5)


def test_every_activation_and_output_kind_has_nodes():
    """One table entry per activation of the package and per output kind that output_kind gives."""
    assert set(_onnx_graph._ACTIVATION_NODES) == set(ACTIVATIONS)
    models = [
        (LogisticRegressionGD(), Y2, "binary"),
        (LogisticRegressionGD(), Y3, "one_vs_rest"),
        (SoftmaxRegressionGD(), Y3, "softmax"),
        (SoftmaxRegressionGD(), Y2, "binary"),
        (mlp_classifier(), YML, "multilabel"),
        (mlp_regressor(), YREG, "identity"),
        (mlp_regressor(loss="poisson"), np.abs(YREG), "exp"),
    ]
    kinds = {_onnx_graph.output_kind(model.fit(X, y)) for model, y, _ in models}
    assert kinds == {kind for _, _, kind in models} == set(_onnx_graph._OUTPUT_NODES)
    for model, _, kind in models:
        assert _onnx_graph.output_kind(model) == kind


def test_without_skl2onnx_the_module_imports_and_says_what_to_install():
    code = (
        "import sys; sys.modules['skl2onnx'] = None\n"
        "import numpy as np, sklearn_nn.onnx as m\n"
        "from sklearn_nn import LogisticRegressionGD\n"
        "try:\n"
        "    m.to_onnx(LogisticRegressionGD(), np.zeros((1, 2), np.float32))\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == 'ONNX export needs skl2onnx and onnxruntime: pip install "sklearn_nn[onnx]"'


def test_to_onnx_without_skl2onnx_raises_the_clear_message(monkeypatch):
    import sklearn_nn.onnx

    monkeypatch.setitem(sys.modules, "skl2onnx", None)
    with pytest.raises(ImportError, match=r'pip install "sklearn_nn\[onnx\]"'):
        sklearn_nn.onnx.to_onnx(LogisticRegressionGD().fit(X, Y2), X32[:1])
    with pytest.raises(ImportError, match="skl2onnx and onnxruntime"):
        sklearn_nn.onnx.register()
