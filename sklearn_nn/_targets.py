"""Class encoding: labels to the 0/1 targets of the output units, and back.

``ClassEncoding`` is a small pure object: it holds the classes and the kind of
problem and turns labels into targets (``encode``) and raw outputs into labels
(``decode``). The probabilities come from the loss's output link
(``_losses``).
"""

import numpy as np
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.multiclass import type_of_target, unique_labels


def is_multilabel(y):
    """Whether y is a multilabel indicator matrix: only a 2-D y can be one (one type check, no more)."""
    return np.ndim(y) == 2 and type_of_target(y).startswith("multilabel")


def distinct_labels(y, multilabel=False):
    """The sorted distinct labels of ``y``, as scikit-learn's ``unique_labels`` gives them.

    Plain ``np.unique`` for 1-D numbers and strings (the common case, much
    faster); ``unique_labels`` itself for indicator matrices and object
    arrays, where it also rejects a mix of strings and numbers.
    """
    y = np.asarray(y)
    if multilabel or y.ndim != 1 or y.dtype.kind not in "biufUS":
        return unique_labels(y)
    return np.unique(y)


class ClassEncoding:
    """The classes of a classifier and their encoding for the output units.

    Binary problems have one sigmoid unit for ``classes[1]``; multiclass
    problems one unit per class (sigmoid units or a softmax); multilabel
    problems one sigmoid unit per label.

    Parameters
    ----------
    y : array-like
        Labels, or a 2-D 0/1 indicator matrix for multilabel problems.
    classes : array-like, optional
        All the classes (``partial_fit``, ``fit_stream``); default: those of y.
    multilabel : bool, optional
        Whether y is a multilabel indicator matrix, when the caller knows;
        by default ``type_of_target`` tells.

    Examples
    --------
    >>> import numpy as np
    >>> enc = ClassEncoding(np.array(["b", "a", "c", "a"]))
    >>> enc.classes
    array(['a', 'b', 'c'], dtype='<U1')
    >>> enc.encode(np.array(["c", "a"]))
    array([[0, 0, 1],
           [1, 0, 0]], dtype=uint8)
    >>> enc.decode(np.array([[0.1, 2.0, -1.0]]))
    array(['b'], dtype='<U1')
    """

    def __init__(self, y, classes=None, multilabel=None):
        self.multilabel = is_multilabel(y) if multilabel is None else multilabel
        self._binarizer = LabelBinarizer().fit(y) if self.multilabel else None
        if self.multilabel:
            self.classes = self._binarizer.classes_
        else:
            self.classes = distinct_labels(y if classes is None else classes)

    @classmethod
    def from_binarizer(cls, binarizer):
        """The encoding of a fitted ``LabelBinarizer`` (how version 0.1.0 kept the classes)."""
        encoding = cls.__new__(cls)
        encoding.multilabel = binarizer.y_type_.startswith("multilabel")
        encoding.classes = binarizer.classes_
        encoding._binarizer = binarizer if encoding.multilabel else None
        return encoding

    def encode(self, y):
        """0/1 targets, one column per output unit, as uint8.

        A byte per entry is an eighth of float64; the losses promote it to
        the dtype of the outputs. Built without the integer matrix of
        ``LabelBinarizer.transform``, so memory stays small for large y.
        """
        if self.multilabel:
            return self._binarizer.transform(y).astype(np.uint8)
        codes = np.searchsorted(self.classes, y)
        if len(self.classes) == 2:
            return (codes == 1).astype(np.uint8).reshape(-1, 1)
        T = np.zeros((codes.shape[0], len(self.classes)), dtype=np.uint8)
        T[np.arange(codes.shape[0]), codes] = 1
        return T

    def decode(self, raw):
        """Labels (or 0/1 indicators for multilabel) from raw outputs of shape (n, n_outputs)."""
        if self.multilabel:
            return (raw > 0).astype(int)
        if raw.shape[1] == 1:
            return self.classes[(raw[:, 0] > 0).astype(int)]
        return self.classes[np.argmax(raw, axis=1)]
