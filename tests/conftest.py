"""Fixtures and settings shared by the test files of this directory."""

import signal
import threading

import pytest

# The shared helpers of the reliability tests assert; let pytest explain their failures too.
pytest.register_assert_rewrite("_reliability_helpers")


@pytest.fixture
def default_sigint_handler():
    """Python's own SIGINT handler (``signal.default_int_handler``) for the test; the previous one after.

    The interruption tests send SIGINT and check that training puts the handler
    back. A process started with SIGINT ignored (under ``nohup``, as a background
    job of a non-interactive shell, by some CI runners) inherits ``SIG_IGN``
    instead of the handler an interactive Python starts with, so these tests
    install that handler themselves.
    """
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signal handlers can only be set from the main thread")
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
