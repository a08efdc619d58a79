"""Worker metrics: aggregated per invocation, then flushed once as CloudWatch EMF by Powertools.

Counting in memory and emitting one value per metric keeps the per-record cost to a dict update and
the output to one EMF document per invocation (plus one small document per job type seen, whose
cardinality is bounded by the registered job types). Durations and message ages are kept as values;
above 99 values per metric an evenly spaced sample over the sorted values is emitted, which
preserves the percentiles the dashboard shows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit, single_metric

# EMF allows 100 values per metric, and Powertools flushes early when a metric reaches 100: stay at 99
# so an invocation is one flush.
MAX_VALUES_PER_METRIC = 99


class Outcome(StrEnum):
    """What happened to one record; the metric name is ``Records<Outcome>``."""

    SUCCEEDED = "Succeeded"
    FAILED_TRANSIENT = "FailedTransient"
    DEAD_LETTERED = "DeadLettered"
    SKIPPED_BY_TIMEOUT = "SkippedByTimeout"
    REQUEUED = "Requeued"  # skipped at its last receive and sent again as a new message
    DUPLICATE_DEAD_LETTER = "DuplicateDeadLetter"  # failed permanently again; already in the DLQ


def sample_values(values: list[float], limit: int = MAX_VALUES_PER_METRIC) -> list[float]:
    """All values when few enough, else ``limit`` evenly spaced order statistics.

    >>> sample_values([5.0, 1.0, 3.0], limit=2)
    [1.0, 5.0]
    """
    if len(values) <= limit:
        return list(values)
    ordered = sorted(values)
    last = len(ordered) - 1
    return [ordered[round(i * last / (limit - 1))] for i in range(limit)]


@dataclass
class BatchMetrics:
    """Per-invocation counters; :meth:`publish` writes them into the Powertools ``Metrics`` singleton."""

    received: int = 0
    outcomes: Counter[Outcome] = field(default_factory=Counter)
    by_job_type: Counter[tuple[str, Outcome]] = field(default_factory=Counter)
    durations_ms: list[float] = field(default_factory=list)
    message_ages_ms: list[float] = field(default_factory=list)

    def record(self, job_type: str, outcome: Outcome, duration_ms: float | None = None) -> None:
        """Count one record's outcome (``job_type`` must already be bounded by the caller)."""
        self.outcomes[outcome] += 1
        self.by_job_type[(job_type, outcome)] += 1
        if duration_ms is not None:
            self.durations_ms.append(duration_ms)

    def summary(self) -> dict[str, int]:
        """The batch's counts for its log line, e.g. ``{"received": 10, "succeeded": 9, ...}``."""
        counts = {"received": self.received}
        counts.update({outcome.name.lower(): self.outcomes[outcome] for outcome in Outcome})
        return counts

    def publish(self, metrics: Metrics) -> None:
        """Add the aggregated values to ``metrics`` (flushed by ``log_metrics``) and per-type documents."""
        if self.received == 0:
            return
        metrics.add_metric(name="RecordsReceived", unit=MetricUnit.Count, value=self.received)
        for outcome in Outcome:
            metrics.add_metric(name=f"Records{outcome}", unit=MetricUnit.Count, value=self.outcomes[outcome])
        _add_values(metrics, "JobDuration", sample_values(self.durations_ms))
        _add_values(metrics, "MessageAge", sample_values(self.message_ages_ms))
        for (job_type, outcome), count in sorted(self.by_job_type.items()):
            with single_metric(
                name=f"Jobs{outcome}",
                unit=MetricUnit.Count,
                value=count,
                namespace=metrics.namespace,
                default_dimensions={**metrics.default_dimensions, "job_type": job_type},
            ):
                pass


def _add_values(metrics: Metrics, name: str, values: list[float]) -> None:
    """All ``values`` (milliseconds) under one metric.

    The first goes through ``add_metric`` (validation, unit, resolution); the rest join the same entry
    at once, because Powertools' ``add_metric`` formats the metric's whole value list into a debug
    message on every call, which made publishing 99 values quadratic (about 12 ms per invocation).
    Stays below 100 values, so Powertools never flushes early.
    """
    if not values:
        return
    metrics.add_metric(name=name, unit=MetricUnit.Milliseconds, value=values[0])
    metrics.metric_set[name]["Value"].extend(float(value) for value in values[1:])
