"""Fixtures and settings shared by the test files of this directory."""

import pytest

# The shared helpers of the reliability tests assert; let pytest explain their failures too.
pytest.register_assert_rewrite("_reliability_helpers")
