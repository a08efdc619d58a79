"""A readable summary of the CloudWatch EMF metric lines the functions print, without CloudWatch.

:class:`MetricsSummary` accumulates the :class:`~workerctl.local.emf.MetricPoint` s of every line
between summaries, and :func:`render` writes a few short lines:

    metrics (last 11.3 s): RecordsReceived 6 | RecordsSucceeded 3 | RecordsFailedTransient 2 | ...
      JobDuration ms: n 3 avg 35.2 p50 37.9 p90 46.4 max 46.4 | MessageAge ms: n 6 avg 814.8 ...
      by job_type: checksum succeeded 2 | demo.flaky failed transient 2, succeeded 1 | ...

docs/local-runtime.md ("Metrics summary") describes each line.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from workerctl.local.emf import Dimensions, MetricPoint, parse_emf

# Powertools' default dimensions: summed over in the headline rather than shown as a breakdown.
CONTEXT_DIMENSIONS = frozenset({"service", "function_name"})
# The worker's counters in the order a reader follows a record; other counters follow by name.
HEADLINE_ORDER = (
    "RecordsReceived",
    "RecordsSucceeded",
    "RecordsFailedTransient",
    "RecordsDeadLettered",
    "RecordsSkippedByTimeout",
    "ColdStart",
)
UNIT_LABELS = {"Milliseconds": "ms", "Seconds": "s", "Microseconds": "us", "Bytes": "B", "Percent": "%"}
RECENT_VALUES = 1000  # per metric, for the percentiles: bounded memory however long the runtime runs


@dataclass
class ValueStats:
    """Exact n, sum and max of a value metric, plus its most recent values for the percentiles."""

    count: int = 0
    total: float = 0.0
    maximum: float = -math.inf
    recent: deque[float] = field(default_factory=lambda: deque(maxlen=RECENT_VALUES))

    def add(self, values: Iterable[float]) -> None:
        """Account for ``values``."""
        for value in values:
            self.count += 1
            self.total += value
            self.maximum = max(self.maximum, value)
            self.recent.append(value)

    def percentile(self, fraction: float) -> float:
        """Nearest-rank percentile of the recent values."""
        ordered = sorted(self.recent)
        return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


@dataclass
class Snapshot:
    """What arrived between two summaries: counter sums and value statistics."""

    seconds: float
    counts: dict[tuple[str, Dimensions], float] = field(default_factory=dict)
    values: dict[tuple[str, str], ValueStats] = field(default_factory=dict)


class MetricsSummary:
    """Thread-safe accumulator fed with every log line; :meth:`take` empties it."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._since = clock()
        self._snapshot = Snapshot(seconds=0.0)

    def feed(self, line: str) -> bool:
        """Add the metrics of ``line``; True when it was an EMF line with metrics."""
        points = parse_emf(line)
        if points:  # most lines are ordinary logs: no lock for them
            self.add(points)
        return bool(points)

    def add(self, points: Iterable[MetricPoint]) -> None:
        """Counts are summed per (name, dimensions); other units are kept as value statistics."""
        with self._lock:
            snapshot = self._snapshot
            for point in points:
                if point.unit == "Count":
                    key = (point.name, point.dimensions)
                    snapshot.counts[key] = snapshot.counts.get(key, 0.0) + sum(point.values)
                else:
                    snapshot.values.setdefault((point.name, point.unit), ValueStats()).add(point.values)

    def take(self) -> Snapshot | None:
        """What arrived since the last call (``seconds`` = its length), or None when nothing did."""
        with self._lock:
            now, snapshot = self._clock(), self._snapshot
            if not snapshot.counts and not snapshot.values:
                return None
            snapshot.seconds = now - self._since
            self._since, self._snapshot = now, Snapshot(seconds=0.0)
        return snapshot

    def summary_lines(self) -> list[str]:
        """:func:`render` of :meth:`take`; ``[]`` when no metrics arrived since the last summary."""
        snapshot = self.take()
        return render(snapshot) if snapshot is not None else []


def render(snapshot: Snapshot) -> list[str]:
    """The headline counters, then value statistics, then one line per breakdown dimension."""
    headline: dict[str, float] = {}
    breakdowns: dict[tuple[str, ...], dict[str, dict[str, float]]] = {}
    for (name, dimensions), total in snapshot.counts.items():
        shown = [(key, value) for key, value in dimensions if key not in CONTEXT_DIMENSIONS]
        if not shown:
            headline[name] = headline.get(name, 0.0) + total
            continue
        group = breakdowns.setdefault(tuple(key for key, _ in shown), {})
        counters = group.setdefault("/".join(value for _, value in shown), {})
        counters[_label(name)] = counters.get(_label(name), 0.0) + total
    ordered = sorted(
        headline, key=lambda n: (HEADLINE_ORDER.index(n) if n in HEADLINE_ORDER else len(HEADLINE_ORDER), n)
    )
    counts = " | ".join(f"{name} {_number(headline[name])}" for name in ordered if headline[name])
    lines = [f"metrics (last {snapshot.seconds:.1f} s): {counts or 'no counts'}"]
    if snapshot.values:
        lines.append("  " + " | ".join(_stats(*key, stats) for key, stats in sorted(snapshot.values.items())))
    for keys, groups in sorted(breakdowns.items()):
        parts = [
            f"{value} " + ", ".join(f"{label} {_number(n)}" for label, n in sorted(counters.items()) if n)
            for value, counters in sorted(groups.items())
            if any(counters.values())
        ]
        if parts:
            lines.append(f"  by {', '.join(keys)}: " + " | ".join(parts))
    return lines


def _stats(name: str, unit: str, stats: ValueStats) -> str:
    return (
        f"{name} {UNIT_LABELS.get(unit, unit)}: n {stats.count} avg {stats.total / stats.count:.1f} "
        f"p50 {stats.percentile(0.5):.1f} p90 {stats.percentile(0.9):.1f} max {stats.maximum:.1f}"
    )


def _label(name: str) -> str:
    """``JobsFailedTransient`` -> ``failed transient``: the words of a per-type counter."""
    words = [word.lower() for word in re.findall(r"[A-Z][a-z0-9]*|[a-z0-9]+", name)]
    return " ".join(words[1:] if len(words) > 1 and words[0] == "jobs" else words) or name


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() else f"{value:.1f}"
