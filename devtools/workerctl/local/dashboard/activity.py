"""What the functions' log lines say, kept for the dashboard: throughput, job types, recent failures.

The runtime already hands every line of the function processes to a sink (``LocalRuntime.function_log``);
:meth:`Activity.feed` reads each one once:

- EMF documents (parsed by :func:`workerctl.local.emf.parse_emf`, the console summary's parser): the
  worker's ``Records*`` counters go into per-second buckets for the throughput chart, its per-type
  ``Jobs*`` counters into running totals per job type;
- ``JobDuration`` has no ``job_type`` dimension (one document per invocation), so its values are credited
  to a job type only when that invocation's successes were all of one type, else to ``(mixed)``. The
  per-type documents of an invocation precede its main document on the same slot's log pipe, and each
  slot's pipe is read by its own thread: the reading thread identifies the invocation;
- the worker's failure lines (``job failed...``, with ``correlation_id``, ``error_type``,
  ``retry_in_seconds``) and the runtime's own ``invocation failed`` / ``Task timed out`` lines become
  :class:`Failure` rows (newest first, bounded).
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from workerctl.local.emf import MetricPoint, parse_emf
from workerctl.local.metrics_summary import ValueStats

WINDOW_SECONDS = 300  # the chart's span: the last 5 minutes, one bucket per second
MAX_FAILURES = 100
MIXED = "(mixed)"
# Chart series: the worker's EMF counter -> the name the page shows.
SERIES = {
    "RecordsSucceeded": "processed",
    "RecordsFailedTransient": "failed_transient",
    "RecordsDeadLettered": "dead_lettered",
    "RecordsSkippedByTimeout": "skipped",
}
# Per-type counters (``Jobs<Outcome>``) -> the same names.
JOB_COUNTERS = {f"Jobs{name.removeprefix('Records')}": series for name, series in SERIES.items()}
FAILURE_MESSAGES = ("job failed", "invocation failed", "Task timed out")


@dataclass(frozen=True)
class Failure:
    """One failed record or invocation, as the page lists it."""

    time: float
    kind: str  # "transient", "dead-lettered", "permanent", "invocation"
    job_type: str | None
    error_type: str | None
    message: str
    correlation_id: str | None
    message_id: str | None
    receive_count: int | None
    retry_in_seconds: int | None


def failure_from(record: dict[str, Any], now: float) -> Failure | None:
    """The :class:`Failure` a JSON log line describes, or None for any other line."""
    message = str(record.get("message", ""))
    if record.get("level") != "ERROR" or not message.startswith(FAILURE_MESSAGES):
        return None
    retry = record.get("retry_in_seconds")
    if isinstance(retry, int):  # retried: a transient error, or a permanent one whose DLQ send failed
        kind = "transient"
    elif "sent to the dead-letter queue" in message:
        kind = "dead-lettered"
    elif message.startswith("job failed"):  # no DLQ configured: SQS redrives it after maxReceiveCount
        kind = "permanent"
    else:
        kind = "invocation"
    trace = record.get("stack_trace")
    detail = record.get("error") or record.get("errorMessage")
    if detail is None and isinstance(trace, dict):
        detail = trace.get("value")
    receives = record.get("receive_count")
    return Failure(
        time=now,
        kind=kind,
        job_type=_text(record.get("job_type")),
        error_type=_text(record.get("error_type") or record.get("errorType")),
        message=str(detail if detail is not None else message)[:500],
        correlation_id=_text(record.get("correlation_id")),
        message_id=_text(record.get("message_id")),
        receive_count=receives if isinstance(receives, int) else None,
        retry_in_seconds=retry if isinstance(retry, int) else None,
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


class Activity:
    """Thread-safe; fed by the function log sink, read by the sampler once per tick."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: deque[tuple[int, dict[str, float]]] = deque()
        self._totals: dict[str, float] = dict.fromkeys(SERIES.values(), 0.0)
        self._job_counts: dict[str, dict[str, float]] = {}
        self._durations: dict[str, ValueStats] = {}
        self._succeeded_types: dict[int, set[str]] = {}  # per reading thread: the invocation in progress
        self._failures: deque[Failure] = deque(maxlen=MAX_FAILURES)

    def feed(self, line: str) -> None:
        """Account for one log line (anything that is neither EMF nor a failure is ignored)."""
        if points := parse_emf(line):
            self._add_points(points)
        elif '"ERROR"' in line:  # cheap pre-check: failures are the only lines read besides EMF
            try:
                record = json.loads(line)
            except ValueError:
                return
            failure = failure_from(record, self._clock()) if isinstance(record, dict) else None
            if failure is not None:
                with self._lock:
                    self._failures.appendleft(failure)

    def _add_points(self, points: list[MetricPoint]) -> None:
        stream = threading.get_ident()
        with self._lock:
            for point in points:
                dimensions = dict(point.dimensions)
                if point.name in SERIES:
                    self._count(SERIES[point.name], sum(point.values))
                elif point.name in JOB_COUNTERS and "job_type" in dimensions:
                    job_type, series = dimensions["job_type"], JOB_COUNTERS[point.name]
                    counts = self._job_counts.setdefault(job_type, dict.fromkeys(SERIES.values(), 0.0))
                    counts[series] += sum(point.values)
                    if series == "processed":
                        self._succeeded_types.setdefault(stream, set()).add(job_type)
                elif point.name == "JobDuration":
                    types = self._succeeded_types.pop(stream, set())
                    key = next(iter(types)) if len(types) == 1 else MIXED
                    self._durations.setdefault(key, ValueStats()).add(point.values)

    def _count(self, series: str, value: float) -> None:
        second = int(self._clock())
        if not self._buckets or self._buckets[-1][0] != second:
            self._buckets.append((second, dict.fromkeys(SERIES.values(), 0.0)))
        self._buckets[-1][1][series] += value
        self._totals[series] += value
        while self._buckets and self._buckets[0][0] <= second - WINDOW_SECONDS:
            self._buckets.popleft()

    def throughput(self) -> dict[str, Any]:
        """Per-second counts of the last :data:`WINDOW_SECONDS` (oldest first) and the totals."""
        end = int(self._clock())
        start = end - WINDOW_SECONDS + 1
        with self._lock:
            by_second = {second: counts for second, counts in self._buckets if second >= start}
            totals = dict(self._totals)
        series = {
            name: [by_second[s][name] if s in by_second else 0.0 for s in range(start, end + 1)]
            for name in SERIES.values()
        }
        return {"end": end, "seconds": WINDOW_SECONDS, "series": series, "totals": totals}

    def job_types(self) -> list[dict[str, Any]]:
        """Counts per job type and duration percentiles (ms) of the types that have durations."""
        with self._lock:
            names = sorted(set(self._job_counts) | set(self._durations))
            rows = []
            for name in names:
                stats = self._durations.get(name)
                durations = None
                if stats is not None and stats.count:
                    durations = {
                        "n": stats.count,
                        "p50": stats.percentile(0.5),
                        "p90": stats.percentile(0.9),
                        "p99": stats.percentile(0.99),
                        "max": stats.maximum,
                    }
                counts = self._job_counts.get(name, dict.fromkeys(SERIES.values(), 0.0))
                rows.append({"job_type": name, "counts": dict(counts), "duration_ms": durations})
        return rows

    def failures(self) -> list[dict[str, Any]]:
        """The most recent failures, newest first."""
        with self._lock:
            return [asdict(failure) for failure in self._failures]
