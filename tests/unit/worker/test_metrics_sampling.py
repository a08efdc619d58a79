"""EMF value sampling keeps the distribution within EMF's 100-values limit."""

from __future__ import annotations

from queue_worker.metrics import MAX_VALUES_PER_METRIC, sample_values


def test_small_lists_are_kept_whole() -> None:
    assert sample_values([3.0, 1.0]) == [3.0, 1.0]


def test_large_lists_keep_min_max_and_percentiles() -> None:
    values = [float(v) for v in range(10_000, 0, -1)]
    sample = sample_values(values)
    assert len(sample) == MAX_VALUES_PER_METRIC
    assert (sample[0], sample[-1]) == (1.0, 10_000.0)
    assert abs(sample[49] - 5_000) < 120
