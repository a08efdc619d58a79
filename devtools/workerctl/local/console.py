"""Counters of the local runtime and the console that shows them next to the worker's log lines.

On a TTY the status is one line redrawn in place (``\\r``); log lines are printed above it as they
are. When stdout is not a TTY (CI, ``| tee``) the status is a plain line every few seconds instead.
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass, field
from typing import TextIO

CLEAR_LINE = "\r\x1b[K"


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


class Console:
    """Serialises output: log lines pass through unchanged; the status line is redrawn or printed."""

    def __init__(self, stream: TextIO | None = None, *, tty: bool | None = None) -> None:
        self._stream = stream or sys.stdout
        self._tty = self._stream.isatty() if tty is None else tty
        self._lock = threading.Lock()
        self._status = ""
        self._last_plain = ""

    @property
    def is_tty(self) -> bool:
        """True when the status is redrawn in place."""
        return self._tty

    def log(self, line: str) -> None:
        """Print one log line (above the status line on a TTY)."""
        with self._lock:
            if self._tty and self._status:
                self._stream.write(f"{CLEAR_LINE}{line}\n{self._status}")
            else:
                self._stream.write(f"{line}\n")
            self._stream.flush()

    def status(self, text: str) -> None:
        """Show the status: redraw it on a TTY, else print it as a plain line."""
        with self._lock:
            if self._tty:
                self._status = text
                self._stream.write(f"{CLEAR_LINE}{text}")
            elif text != self._last_plain:
                self._stream.write(f"status: {text}\n")
            self._last_plain = text
            self._stream.flush()

    def close(self) -> None:
        """End the redrawn line so the shell prompt starts on a new one."""
        with self._lock:
            if self._tty and self._status:
                self._stream.write("\n")
                self._stream.flush()
            self._status = ""
