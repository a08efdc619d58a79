"""One shared sampler: the only code of the dashboard that calls the emulator, whatever the tab count.

Once per ``interval`` (1 s), and only while a page is connected (or asked for a snapshot in the last
:data:`IDLE_AFTER_SECONDS`), one thread reads each queue's counts (one GetQueueAttributes per queue),
fetches the local ``/health`` document every ``health_interval`` (5 s, the health function's own cache
window), re-samples the dead letters when the DLQ's depth changed, adds what the log lines and the
mappings say, and publishes the result as one JSON document. Every Server-Sent Events stream sends
that same document: a sixth tab costs a few more bytes, not a single emulator call.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

IDLE_AFTER_SECONDS = 30.0
COST_WINDOW_SECONDS = 60.0
COUNT_ATTRIBUTES = {
    "visible": "ApproximateNumberOfMessages",
    "in_flight": "ApproximateNumberOfMessagesNotVisible",
    "delayed": "ApproximateNumberOfMessagesDelayed",
}


@dataclass(frozen=True)
class QueueInfo:
    """A queue the page shows: its name, role (``jobs``, ``dead-letter`` or ``other``) and URL."""

    name: str
    role: str
    url: str


@dataclass
class Sources:
    """What one sample reads; each part is injectable (the tests pass fakes).

    ``queue_counts(url)`` makes one emulator call; ``calls()`` is the running number of emulator calls
    made through the dashboard's client; ``parts()`` is the in-memory rest (log activity, mappings).
    """

    queues: list[QueueInfo]
    queue_counts: Callable[[str], dict[str, int]]
    health: Callable[[], dict[str, Any]] | None
    refresh_dead_letters: Callable[[int], None] | None
    parts: Callable[[], dict[str, Any]]
    calls: Callable[[], int]


@dataclass
class Sampler:
    """See the module docstring. :meth:`subscription` marks a connected page; :meth:`next` waits."""

    sources: Sources
    interval: float = 1.0
    health_interval: float = 5.0
    clock: Callable[[], float] = time.monotonic
    _cond: threading.Condition = field(default_factory=threading.Condition, repr=False)
    _wake: threading.Event = field(default_factory=threading.Event, repr=False)
    _stopped: threading.Event = field(default_factory=threading.Event, repr=False)
    _subscribers: int = 0
    _requested: float = -IDLE_AFTER_SECONDS
    _version: int = 0
    _payload: bytes = b"{}"
    _health: dict[str, Any] | None = None
    _health_at: float | None = None
    _dlq_visible: int | None = None
    _costs: deque[tuple[float, int]] = field(default_factory=deque, repr=False)

    def start(self) -> None:
        """Run the sampling thread (a daemon)."""
        threading.Thread(target=self._run, name="dashboard-sampler", daemon=True).start()

    def stop(self) -> None:
        """End the thread and wake every waiting stream."""
        self._stopped.set()
        self._wake.set()
        with self._cond:
            self._cond.notify_all()

    @property
    def stopped(self) -> bool:
        return self._stopped.is_set()

    @contextmanager
    def subscription(self) -> Iterator[None]:
        """While inside, the sampler samples (the first subscriber gets a sample at once)."""
        with self._cond:
            self._subscribers += 1
        self._wake.set()
        try:
            yield
        finally:
            with self._cond:
                self._subscribers -= 1

    def request(self) -> None:
        """A one-off reader (``/api/snapshot``): keep sampling for a while."""
        self._requested = self.clock()
        self._wake.set()

    def wanted(self) -> bool:
        """True while a page is connected or a snapshot was asked for recently."""
        return self._subscribers > 0 or self.clock() - self._requested < IDLE_AFTER_SECONDS

    def next(self, after: int, timeout: float) -> tuple[int, bytes | None]:
        """The first snapshot newer than version ``after``: ``(version, json)``; ``(after, None)`` on
        timeout or stop."""
        with self._cond:
            self._cond.wait_for(lambda: self._version > after or self.stopped, timeout)
            if self._version > after:
                return self._version, self._payload
            return after, None

    def _run(self) -> None:
        while not self._stopped.is_set():
            if self.wanted():
                with contextlib.suppress(Exception):  # a bad tick must not freeze every page
                    self.sample_once()
            self._wake.wait(self.interval)
            self._wake.clear()

    def sample_once(self) -> dict[str, Any]:
        """Read everything once and publish it; returns the snapshot."""
        now = self.clock()
        queues = [self._queue(queue) for queue in self.sources.queues]
        health = self.sources.health
        if health is not None and (self._health_at is None or now - self._health_at >= self.health_interval):
            self._health, self._health_at = health(), now
        for queue in queues:
            if queue["role"] == "dead-letter" and queue.get("visible") != self._dlq_visible:
                self.refresh_dead_letters(queue.get("visible"))
        snapshot = {
            "time": time.time(),
            "queues": queues,
            "health": self._health,
            "cost": self._cost(now),
            **self.sources.parts(),
        }
        payload = json.dumps(snapshot, separators=(",", ":")).encode()
        with self._cond:
            self._version += 1
            self._payload = payload
            self._cond.notify_all()
        return snapshot

    def refresh_dead_letters(self, visible: int | None) -> None:
        """Re-sample the dead letters now (after a change of depth, a redrive or a purge)."""
        if self.sources.refresh_dead_letters is None or visible is None:
            return
        try:
            self.sources.refresh_dead_letters(visible)
            self._dlq_visible = visible
        except Exception:
            self._dlq_visible = None  # try again next tick

    def invalidate(self) -> None:
        """After an action: sample the dead letters again on the next tick, and tick now."""
        self._dlq_visible = None
        self.request()

    def _queue(self, queue: QueueInfo) -> dict[str, Any]:
        row: dict[str, Any] = {"name": queue.name, "role": queue.role}
        try:
            row |= self.sources.queue_counts(queue.url)
        except Exception as exc:
            row["error"] = f"{type(exc).__name__}: {exc}"[:200]
        return row

    def _cost(self, now: float) -> dict[str, Any]:
        """Emulator calls per second over the last minute of sampling (the page's own cost)."""
        self._costs.append((now, self.sources.calls()))
        while self._costs and self._costs[0][0] < now - COST_WINDOW_SECONDS:
            self._costs.popleft()
        (first, first_calls), (last, last_calls) = self._costs[0], self._costs[-1]
        rate = (last_calls - first_calls) / (last - first) if last > first else None
        return {"calls": last_calls, "calls_per_second": rate}


def queue_counts(attributes: dict[str, str]) -> dict[str, int]:
    """The page's counts from GetQueueAttributes' answer."""
    return {key: int(attributes.get(name, 0)) for key, name in COUNT_ATTRIBUTES.items()}
