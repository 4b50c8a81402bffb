"""Sphinx configuration of the sklearn_nn documentation.

Build it from the repository root with::

    pip install ".[docs]"
    python -m sphinx -b html docs docs/_build/html

The gallery runs every script of ``examples/`` once (sphinx-gallery) and
the API pages are generated from the docstrings (autosummary + numpydoc).
"""

import os
import re
import sys
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if (ROOT / "sklearn_nn").is_dir():
    # A source checkout documents its own sklearn_nn, not an installed one.
    sys.path.insert(0, str(ROOT))

import sklearn_nn  # noqa: E402

# The examples train small networks: one BLAS thread is the fastest setting,
# and it keeps the build reproducible on a busy machine.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
# Figures are drawn off-screen.
os.environ.setdefault("MPLBACKEND", "Agg")
# matplotlib's message when a script calls plt.show() on the Agg backend.
warnings.filterwarnings("ignore", message="(?s).*non-interactive.*cannot be shown", category=UserWarning)

# -- Project -------------------------------------------------------------------
project = "sklearn_nn"
author = "the sklearn_nn developers"
copyright = "the sklearn_nn developers"
version = release = sklearn_nn.__version__

# -- General -------------------------------------------------------------------
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]
templates_path = ["_templates"]
exclude_patterns = ["_build", "**.ipynb_checkpoints", "auto_examples/*.py", "auto_examples/*.ipynb"]
root_doc = "index"
default_role = "literal"
nitpicky = False

# -- autodoc / autosummary -----------------------------------------------------
autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": True}
autodoc_typehints = "none"

# -- numpydoc ------------------------------------------------------------------
# The class pages list their methods themselves (see _templates/autosummary/class.rst).
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False
# Every docstring of the package is validated while the pages are built; a
# failed check is a warning, and the test build turns warnings into errors.
# Not required: a See Also section (SA01), an Examples section (EX01) and an
# extended summary (ES01) on every method, and return types on a line of
# their own (RT02): the package names its return values, as scikit-learn
# does ("self : object").
numpydoc_validation_checks = {"all", "SA01", "EX01", "ES01", "RT02"}
# Methods inherited from scikit-learn carry scikit-learn's docstrings.
numpydoc_validation_exclude = {r"\.get_params$", r"\.set_params$", r"\.score$"}

# -- sphinx-gallery ------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "within_subsection_order": "FileNameSortKey",
    "abort_on_example_error": True,
    "only_warn_on_example_error": False,
    "remove_config_comments": True,
    "download_all_examples": True,
    "show_memory": False,
    "image_scrapers": ("matplotlib",),
    "capture_repr": ("_repr_html_", "__repr__"),
    "doc_module": ("sklearn_nn",),
    "backreferences_dir": str(HERE / "api" / "generated" / "backreferences"),
    "reference_url": {"sklearn_nn": None},
    "matplotlib_animations": False,
}

# -- HTML ----------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"sklearn_nn {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_prev_next": True,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_static_path = []
html_show_sourcelink = True
html_last_updated_fmt = None


# -- scikit-learn's inherited docstrings ------------------------------------------
# Methods inherited from scikit-learn (``score``, ``get_params``, ...) keep
# their docstrings, whose cross-references point into scikit-learn's own
# documentation. Without network access they cannot be resolved, so they are
# shown as their text.
_SKLEARN_ROLE = re.compile(r":(?:ref|term):`([^`<]*?)\s*(?:<[^`>]*>)?`")


def _unlink_sklearn_references(app, what, name, obj, options, lines):
    module = getattr(obj, "__module__", "") or ""
    if module.startswith("sklearn_nn"):
        return
    lines[:] = [_SKLEARN_ROLE.sub(lambda match: match.group(1), line) for line in lines]


def setup(app):
    app.connect("autodoc-process-docstring", _unlink_sklearn_references, priority=400)
