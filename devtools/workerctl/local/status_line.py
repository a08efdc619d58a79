"""The runtime's status line: counters plus the polled queues' and the DLQ's depth, redrawn in place on
a terminal; without one, printed only when the counts changed (the rate and uptime alone do not make a
new plain line), at most every ``PLAIN_STATUS_FACTOR`` intervals."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from workerctl.local import resources
from workerctl.local.console import Console
from workerctl.local.stats import RuntimeStats

PLAIN_STATUS_FACTOR = 10  # without a TTY, print the status line every 10 intervals (and only if changed)


def start_status_line(
    stopped: threading.Event,
    console: Console,
    stats: RuntimeStats,
    *,
    interval_s: float,
    client: Any,
    queue_urls: Callable[[], tuple[list[str], str | None]],
) -> None:
    """:func:`status_loop` in a daemon thread."""
    kwargs = {"interval_s": interval_s, "client": client, "queue_urls": queue_urls}
    args = (stopped, console, stats)
    threading.Thread(target=status_loop, args=args, kwargs=kwargs, name="status", daemon=True).start()


def status_loop(
    stopped: threading.Event,
    console: Console,
    stats: RuntimeStats,
    *,
    interval_s: float,
    client: Any,
    queue_urls: Callable[[], tuple[list[str], str | None]],
) -> None:
    """Until ``stopped``: read the depths (``queue_urls()``: the polled queues, the DLQ) and show them."""
    interval = interval_s * (1 if console.is_tty else PLAIN_STATUS_FACTOR)
    last = ""
    while not stopped.wait(interval):
        polled, dlq = queue_urls()
        if dlq is not None:
            stats.dlq_depth = resources.visible_messages(client, dlq)
        depths = [resources.visible_messages(client, url) for url in polled]
        stats.queue_depth = None if None in depths else sum(d or 0 for d in depths)
        counts = stats.line()
        if console.is_tty or counts != last:
            console.status(stats.line(now=time.monotonic()))
        last = counts
