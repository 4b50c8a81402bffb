"""Class encoding: labels to 0/1 targets and raw outputs back to labels."""

import numpy as np
import pytest

from sklearn_nn._targets import ClassEncoding


@pytest.mark.parametrize(
    "y, classes, n_outputs",
    [
        (np.array(["no", "yes", "no"]), None, 1),
        (np.array([2, 0, 1, 2]), None, 3),
        (np.array([1, 1, 0]), np.array([0, 1, 2, 3]), 4),  # classes given: more than y shows
    ],
)
def test_encode_then_decode_gives_the_labels(y, classes, n_outputs):
    enc = ClassEncoding(y, classes)
    T = enc.encode(y)
    assert T.dtype == np.uint8 and T.shape == (len(y), n_outputs)
    raw = np.where(T == 1, 3.0, -3.0)  # logits that favour the encoded class
    np.testing.assert_array_equal(enc.decode(raw), y)
    assert not enc.multilabel


def test_multilabel_indicators_pass_through():
    Y = np.array([[1, 0, 1], [0, 0, 1]])
    enc = ClassEncoding(Y)
    assert enc.multilabel
    np.testing.assert_array_equal(enc.encode(Y), Y)
    np.testing.assert_array_equal(enc.decode(np.where(Y == 1, 0.5, -0.5)), Y)
