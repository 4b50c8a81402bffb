r"""
=====================================================
Tuning a network with a pipeline and a grid search
=====================================================

The estimators of ``sklearn_nn`` follow the scikit-learn API, so they fit in
a :class:`~sklearn.pipeline.Pipeline` behind a scaler and can be tuned with
:class:`~sklearn.model_selection.GridSearchCV` like any other model. This
example searches the width of the hidden layer, the L2 penalty ``alpha`` and
the initial learning rate of :class:`~sklearn_nn.MLPClassifierScratch` on the
digits, shows the results as a table and as a heat map, and checks the chosen
model on held-out data.
"""

# %%
# The pipeline and the grid
# -------------------------
# The scaler sits inside the pipeline so that each cross-validation fold
# standardises with the statistics of its own training part. To keep the
# search fast, every network trains for only 30 epochs; most of them would
# improve a little with more, so ``ConvergenceWarning`` is silenced on purpose.
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from sklearn_nn import MLPClassifierScratch

threadpool_limits(1)  # small matrices: one BLAS thread is the fastest
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)

pipeline = Pipeline(
    [
        ("scale", StandardScaler()),
        ("mlp", MLPClassifierScratch(max_iter=30, random_state=0)),
    ]
)
grid = {
    "mlp__hidden_layer_sizes": [(16,), (64,)],
    "mlp__alpha": [1e-4, 1.0, 10.0, 100.0],
    "mlp__learning_rate_init": [1e-3, 1e-2],
}
search = GridSearchCV(pipeline, grid, cv=3).fit(X_train, y_train)
print("best parameters:", search.best_params_)
print(f"cross-validated accuracy of the best: {search.best_score_:.3f}")

# %%
# The results table
# -----------------
# ``cv_results_`` holds one row per combination; a
# :class:`pandas.DataFrame` sorted by rank is the easiest way to read it.
results = pd.DataFrame(search.cv_results_)
columns = {
    "param_mlp__hidden_layer_sizes": "hidden layers",
    "param_mlp__alpha": "alpha",
    "param_mlp__learning_rate_init": "learning_rate_init",
    "mean_test_score": "mean accuracy",
    "std_test_score": "std",
    "mean_fit_time": "fit time (s)",
    "rank_test_score": "rank",
}
table = results[list(columns)].rename(columns=columns).sort_values("rank")
table.round({"mean accuracy": 3, "std": 3, "fit time (s)": 3})

# %%
# A heat map
# ----------
# One panel per learning rate, with the width of the network across and the
# penalty down.
fig, axes = plt.subplots(1, 2, figsize=(9, 3.8), layout="constrained", sharey=True)
for ax, rate in zip(axes, grid["mlp__learning_rate_init"]):
    sub = table[table["learning_rate_init"] == rate]
    scores = sub.pivot_table(index="alpha", columns="hidden layers", values="mean accuracy")
    image = ax.imshow(scores.to_numpy(), vmin=0.7, vmax=1.0, cmap="viridis", aspect="auto")
    ax.set_xticks(range(scores.shape[1]), [str(c) for c in scores.columns])
    ax.set_yticks(range(scores.shape[0]), [f"{a:g}" for a in scores.index])
    ax.set(xlabel="hidden_layer_sizes", ylabel="alpha", title=f"learning_rate_init={rate:g}")
    for (i, j), value in np.ndenumerate(scores.to_numpy()):
        ax.text(j, i, f"{value:.3f}", ha="center", va="center", color="w" if value < 0.9 else "k")
_ = fig.colorbar(image, ax=axes, label="mean cross-validated accuracy")

# %%
# With only 30 epochs the learning rate matters most: at ``1e-3`` Adam has
# not yet gone far from the initial weights, and the network with 16 units
# lags far behind; at ``1e-2`` every network trains well. The wider network
# is ahead or level in every setting. The penalty hardly matters between ``1e-4`` and
# ``10``: the differences are within the spread over the folds. Recall that
# in ``sklearn_nn`` the penalty is :math:`\alpha / (2n)` times the squared
# weights, with :math:`n` the number of training rows (about 900 per fold
# here), so ``alpha=10`` is a mild weight decay. Only ``alpha=100`` pulls the
# weights so hard towards zero that accuracy drops.
#
# The best pipeline, refitted on the whole training set by ``GridSearchCV``,
# on the held-out quarter of the data:
print(f"test accuracy of the best pipeline: {search.score(X_test, y_test):.3f}")
plt.show()
