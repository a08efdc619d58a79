"""Counters of the local runtime, updated by the event source mapping pollers, shown on the status line."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


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
    max_batch_size: int = 0
    concurrent: int = 0
    max_concurrent: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

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

    def line(self) -> str:
        """The one-line summary.

        >>> RuntimeStats(processed=3, failed=1).line()
        'processed 3 | failed 1 | in flight 0 | DLQ ?'
        """
        dlq = "?" if self.dlq_depth is None else str(self.dlq_depth)
        text = f"processed {self.processed} | failed {self.failed} | in flight {self.in_flight} | DLQ {dlq}"
        if self.filtered:
            text += f" | filtered {self.filtered}"
        if self.timeouts:
            text += f" | timeouts {self.timeouts}"
        return text
