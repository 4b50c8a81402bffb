"""Where model files saved before the command line moved into ``sklearn_nn.cli`` find ``as_strings``.

The data module of the command line is now ``sklearn_nn.cli._datasets``. A
model saved by ``sklearn-nn train --save`` is a joblib pickle; when its data
have categorical columns, its preprocessing holds a ``FunctionTransformer`` of
``as_strings``, which the pickle names by module and function. Files written
before the move name ``sklearn_nn._datasets.as_strings``, so unpickling them
imports this module and asks it for ``as_strings``. Files written now name
``sklearn_nn.cli._datasets.as_strings``.

``as_strings`` is looked up on first use (a module ``__getattr__``): importing
this module imports neither the command line nor pandas, which ``as_strings``
needs (as do the data the pipeline is applied to).
"""


def __getattr__(name):
    if name == "as_strings":
        from .cli._datasets import as_strings

        return as_strings
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
