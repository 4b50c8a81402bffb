"""Test-session setup shared by the test suite and the doctests."""

import importlib.util
import os

# scikit-learn's array-API estimator check runs (instead of being skipped)
# only when SciPy's array-API mode is on; it must be set before SciPy loads.
os.environ.setdefault("SCIPY_ARRAY_API", "1")

# The plotting module's doctests draw figures: they need the "plot" extra.
collect_ignore = [] if importlib.util.find_spec("matplotlib") else ["sklearn_nn/plot.py"]
# The ONNX export's doctests convert and run models: they need the "onnx" extra.
if not (importlib.util.find_spec("skl2onnx") and importlib.util.find_spec("onnxruntime")):
    collect_ignore += ["sklearn_nn/onnx.py", "sklearn_nn/_onnx_graph.py"]
