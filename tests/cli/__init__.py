"""Tests of the sklearn-nn command line (sklearn_nn.cli)."""
