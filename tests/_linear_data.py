"""Standardised data sets shared by the linear-model tests (``test_linear.py``, ``test_step_rules.py``).

A plain module, imported by name (pytest puts this ``tests`` directory on ``sys.path``).
"""

from sklearn.datasets import load_breast_cancer, load_iris, load_wine
from sklearn.preprocessing import StandardScaler


def standardised(loader):
    X, y = loader(return_X_y=True)
    return StandardScaler().fit_transform(X), y


DATASETS = {
    "breast_cancer": standardised(load_breast_cancer),
    "iris": standardised(load_iris),
    "wine": standardised(load_wine),
}
