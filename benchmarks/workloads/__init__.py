"""The workloads of the benchmark suite: data sets, shapes, sizes per mode and the systems under test.

- ``settings``: the sizes, epochs and repeats of every workload in each mode
  (``full``, ``quick``, ``smoke``);
- ``w1``: the W1 data set and network, the shared MLP parameters, and the fits
  of scikit-learn, ours and PyTorch (sections ``w1`` and ``gflops``);
- ``linear``: the logistic-regression data set, its objective and the fits of
  the linear solvers (section ``linear``);
- ``memory``: the memory section's X and y, and the fit each fresh process
  measures (section ``memory``).
- ``optimum``: the ten (data set, linear model) rows, the objective J of each
  model in float64 and its optimum J*, and the default fits (section
  ``optimum``).

How they are timed is in ``harness.py`` and the ``bench_*.py`` sections; the
least NumPy work of each workload is in ``floors.py``.
"""
