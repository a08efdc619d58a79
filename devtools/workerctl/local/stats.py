"""Counters of the local runtime, updated by the event source mapping pollers, shown on the status line."""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field

RATE_WINDOW_SECONDS = 10.0  # msgs/s on the status line: records processed over about the last 10 s


@dataclass
class RuntimeStats:
    """Thread-safe counters the pollers update."""

    processed: int = 0
    failed: int = 0
    filtered: int = 0
    in_flight: int = 0
    invocations: int = 0
    timeouts: int = 0
    dlq_depth: int | None = None
    queue_depth: int | None = None  # visible messages on the polled queue(s), read by the status loop
    max_batch_size: int = 0
    concurrent: int = 0
    max_concurrent: int = 0
    started: float = field(default_factory=time.monotonic)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _samples: deque[tuple[float, int]] = field(default_factory=deque, repr=False)

    def begin(self, records: int) -> None:
        """An invocation with ``records`` records starts."""
        with self._lock:
            self.in_flight += records
            self.invocations += 1
            self.concurrent += 1
            self.max_concurrent = max(self.max_concurrent, self.concurrent)
            self.max_batch_size = max(self.max_batch_size, records)

    def end(self, records: int, failed: int, *, timed_out: bool = False) -> None:
        """That invocation ended with ``failed`` of its records left on the queue."""
        with self._lock:
            self.in_flight -= records
            self.concurrent -= 1
            self.processed += records - failed
            self.failed += failed
            self.timeouts += int(timed_out)

    def add_filtered(self, count: int) -> None:
        """Records dropped (and deleted) by FilterCriteria."""
        with self._lock:
            self.filtered += count

    def rate(self, now: float | None = None) -> float:
        """Records processed per second over the last :data:`RATE_WINDOW_SECONDS` (0 until two samples).

        Each call adds a sample, so the status loop that calls it every second keeps the window fed.
        """
        now = time.monotonic() if now is None else now
        with self._lock:
            self._samples.append((now, self.processed))
            while len(self._samples) > 2 and now - self._samples[1][0] >= RATE_WINDOW_SECONDS:
                self._samples.popleft()
            (then, before), (_, after) = self._samples[0], self._samples[-1]
        return (after - before) / (now - then) if now > then else 0.0

    def line(self, now: float | None = None) -> str:
        """The one-line summary; with ``now`` (the status loop's clock) it adds rate, depth and uptime.

        >>> RuntimeStats(processed=3, failed=1).line()
        'processed 3 | failed 1 | in flight 0 | DLQ ?'
        >>> RuntimeStats(processed=3, queue_depth=7, dlq_depth=1, started=0.0).line(now=75.0)
        'processed 3 | failed 0 | in flight 0 | queue 7 | DLQ 1 | 0.0 msg/s | up 1m15s'
        """
        dlq = "?" if self.dlq_depth is None else str(self.dlq_depth)
        text = f"processed {self.processed} | failed {self.failed} | in flight {self.in_flight}"
        if now is not None:
            text += f" | queue {'?' if self.queue_depth is None else self.queue_depth}"
        text += f" | DLQ {dlq}"
        if self.filtered:
            text += f" | filtered {self.filtered}"
        if self.timeouts:
            text += f" | timeouts {self.timeouts}"
        if now is not None:
            text += f" | {self.rate(now):.1f} msg/s | up {uptime(now - self.started)}"
        return text


def uptime(seconds: float) -> str:
    """``42s``, ``3m05s``, ``1h02m``: short enough for the status line.

    >>> uptime(42.9), uptime(185), uptime(3725)
    ('42s', '3m05s', '1h02m')
    """
    whole = int(seconds)
    if whole < 60:
        return f"{whole}s"
    if whole < 3600:
        return f"{whole // 60}m{whole % 60:02d}s"
    return f"{whole // 3600}h{whole % 3600 // 60:02d}m"
