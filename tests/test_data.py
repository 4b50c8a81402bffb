"""One epoch iterator over rows in memory and over streamed chunks."""

import numpy as np
import pytest

from sklearn_nn._data import EpochBatches, Rows, Stream, split_validation

X = np.arange(40.0).reshape(20, 2)
T = (np.arange(20) % 2).astype(np.uint8).reshape(-1, 1)
SW = np.linspace(0.5, 2.0, 20)


def _batches(parts):
    return [(Xb.copy(), p.n) for p in parts for Xb, _, _ in p.rows.batches(p.batch, p.order)]


@pytest.mark.parametrize("batch_size", [None, 1, 6])
def test_a_single_chunk_is_batched_like_the_rows(batch_size):
    """Same generator state, same first epoch: the stream of one chunk and the rows agree."""
    rows = Rows(X, T, SW)
    in_memory = _batches(EpochBatches(rows, batch_size, shuffle=True)(np.random.RandomState(0)))
    streamed = _batches(
        EpochBatches(Stream(lambda rng: iter([rows])), batch_size, True)(np.random.RandomState(0))
    )
    assert len(in_memory) == len(streamed) == (1 if batch_size is None else -(-20 // batch_size))
    for (a, n_a), (b, n_b) in zip(in_memory, streamed):
        np.testing.assert_array_equal(a, b)
        assert n_a == n_b == pytest.approx(SW.sum())


def test_a_stream_knows_its_weight_after_the_first_epoch():
    chunks = [Rows(X[:8], T[:8], SW[:8]), Rows(X[8:], T[8:], SW[8:])]
    stream = Stream(lambda rng: iter(chunks))
    epochs = EpochBatches(stream, 4, False)
    first = [part.n for part in epochs(np.random.RandomState(0))]
    assert first == [pytest.approx(SW[:8].sum()), pytest.approx(SW.sum())]  # the weight read so far
    assert stream.complete and stream.weight == epochs.n_total == pytest.approx(SW.sum())
    second = [(part.n, part.weight) for part in epochs(np.random.RandomState(0))]
    assert second == [
        (stream.weight, pytest.approx(SW[:8].sum())),
        (stream.weight, pytest.approx(SW[8:].sum())),
    ]


def test_split_validation_holds_out_the_fraction_and_indexes_the_training_rows():
    train, val = split_validation(Rows(X, T, SW, y=T[:, 0]), 0.25, np.random.RandomState(0), True)
    assert (train.n_rows, val.n_rows) == (15, 5)
    assert train.X is X and val.index is None  # training rows by index, validation rows copied
    assert sorted(
        np.concatenate([train.index, [np.flatnonzero(X[:, 0] == x)[0] for x in val.X[:, 0]]])
    ) == list(range(20))
