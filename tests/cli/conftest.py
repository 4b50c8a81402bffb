"""Fixtures of the command-line tests."""

import numpy as np
import pytest
from sklearn.datasets import load_wine


@pytest.fixture(scope="module")
def wine_csv(tmp_path_factory):
    """Wine features with a text column, a boolean column, missing values and a text target."""
    X, y = load_wine(return_X_y=True, as_frame=True)
    rng = np.random.RandomState(0)
    frame = X.iloc[:, :6].copy()
    frame["region"] = np.where(y == 0, "north", np.where(rng.rand(len(y)) < 0.5, "south", "east"))
    frame["organic"] = rng.rand(len(y)) < 0.3
    frame.loc[rng.rand(len(y)) < 0.1, "alcohol"] = np.nan
    frame.loc[rng.rand(len(y)) < 0.1, "region"] = np.nan
    frame["cultivar"] = np.array(["barolo", "grignolino", "barbera"])[y]
    path = tmp_path_factory.mktemp("data") / "wine.csv"
    frame.to_csv(path, index=False)
    return path
