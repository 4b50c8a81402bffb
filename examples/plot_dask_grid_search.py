"""
Grid search on a Dask cluster
=============================

A grid search fits one model per candidate and cross-validation fold: fits
that do not depend on each other and can run on the worker processes of a
Dask cluster. scikit-learn's searches run their fits through joblib, and
joblib's ``"dask"`` backend sends them to the workers of a
``dask.distributed`` client. The estimators of ``sklearn_nn`` travel to the
workers and back pickled and keep no state tied to a process, so a search on
a cluster chooses the same parameters with the same scores as one on this
machine.

This example starts a small cluster here (two worker processes), runs a
search over 8 candidates on it and with joblib's default backend, compares
them and closes the cluster. On a real cluster, connect the client to its
scheduler instead, e.g. ``Client("tcp://scheduler-address:8786")``.

It needs the ``distributed`` extra: ``pip install "sklearn_nn[distributed]"``.
"""

# %%
# The data and the search
# -----------------------
# Hand-written digits, and a pipeline that standardises them for a
# multi-layer perceptron. The grid has 2 x 2 x 2 = 8 candidates; with 3
# folds the search fits 24 models, then refits the best one on all the
# training rows. The models train for 30 epochs only, to keep the example
# short, so the warning that they have not converged is silenced.
import time
import warnings

import joblib
import numpy as np
from dask.distributed import Client, LocalCluster
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_nn import MLPClassifierScratch

warnings.filterwarnings("ignore", category=ConvergenceWarning)
X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, train_size=600, stratify=y, random_state=0)
grid = {
    "mlpclassifierscratch__hidden_layer_sizes": [(16,), (32,)],
    "mlpclassifierscratch__alpha": [1e-4, 1.0],
    "mlpclassifierscratch__learning_rate_init": [1e-3, 1e-2],
}


grid_keys = ["alpha", "hidden_layer_sizes", "learning_rate_init"]


def make_search():
    pipe = make_pipeline(StandardScaler(), MLPClassifierScratch(max_iter=30, random_state=0))
    return GridSearchCV(pipe, grid, cv=3, n_jobs=-1)


# %%
# Start a cluster
# ---------------
# ``LocalCluster`` starts a scheduler and two worker processes with one
# thread each on this machine; ``Client`` connects to it and becomes the
# default for dask and for joblib's dask backend.
#
# Worker processes start by importing the main script again, so when this
# file runs as a script (``python plot_dask_grid_search.py``) the code that
# starts and uses the cluster must run only in the main process: it sits
# under ``if __name__ == "__main__":``.
if __name__ == "__main__":
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, memory_limit="1GiB", dashboard_address=None)
    client = Client(cluster)
    print(f"workers: {len(client.scheduler_info()['workers'])}")

# %%
# Search on the cluster
# ---------------------
# Inside ``joblib.parallel_config(backend="dask")`` the search's fits become
# tasks of the client's cluster; ``n_jobs=-1`` uses all its worker threads.
if __name__ == "__main__":
    start = time.perf_counter()
    with joblib.parallel_config(backend="dask"):
        on_cluster = make_search().fit(X_train, y_train)
    cluster_seconds = time.perf_counter() - start
    print(f"on the cluster: {cluster_seconds:.1f} s")
    print(f"best parameters: {on_cluster.best_params_}")
    print(f"cv accuracy {on_cluster.best_score_:.3f}, test accuracy {on_cluster.score(X_test, y_test):.3f}")

# %%
# The same search with joblib's default backend
# ---------------------------------------------
# Without the dask backend the same search runs in joblib's local worker
# processes, which its first run also has to start (the cluster's workers
# were already running). Every candidate gets the same fold scores: each fit
# is deterministic (fixed ``random_state``) wherever it runs.
if __name__ == "__main__":
    start = time.perf_counter()
    local = make_search().fit(X_train, y_train)
    print(f"default backend: {time.perf_counter() - start:.1f} s")
    print("mean cv accuracy per candidate:")
    print("alpha   hidden  learning_rate_init  cluster  default")
    for params, a, b in zip(
        local.cv_results_["params"],
        on_cluster.cv_results_["mean_test_score"],
        local.cv_results_["mean_test_score"],
    ):
        alpha, hidden, rate = (params[f"mlpclassifierscratch__{key}"] for key in grid_keys)
        print(f"{alpha:<7g} {hidden!s:<7} {rate:<18g}  {a:.4f}   {b:.4f}")
    same_scores = all(
        np.array_equal(on_cluster.cv_results_[key], local.cv_results_[key])
        for key in local.cv_results_
        if key.endswith("test_score")
    )
    print(
        f"same best parameters: {on_cluster.best_params_ == local.best_params_}, same scores: {same_scores}"
    )

# %%
# Close the cluster
# -----------------
if __name__ == "__main__":
    client.close()
    cluster.close()
