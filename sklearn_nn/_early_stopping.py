"""Where model files saved by version 0.1.0 find ``Monitor`` (now in ``sklearn_nn._monitor``).

A pickled estimator names the class of every object it holds by module and
name; files written before the module was renamed name
``sklearn_nn._early_stopping.Monitor``.
"""

from ._monitor import Monitor

__all__ = ["Monitor"]
