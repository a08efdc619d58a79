"""Each event source mapping's activity: pollers, invocations in flight, the last batch and its outcome.

The runtime wraps the function pool's ``invoke`` it hands a poller with :meth:`MappingActivity.observe`,
so nothing in the poller changes: the wrapper sees the Lambda event going in and the
:class:`InvocationResult` coming out, and applies Lambda's own batch-failure rules
(:func:`workerctl.local.esm.batch_outcome.failed_message_ids`) to name the outcome.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from workerctl.local.esm.batch_outcome import failed_message_ids

if TYPE_CHECKING:
    from workerctl.local.sandbox.pool import InvocationResult

type Invoke = Callable[[Any], InvocationResult]  # FunctionPool.invoke's shape


def outcome_of(result: InvocationResult, records: int, failed: int) -> str:
    """A word for the page: ``succeeded``, ``partial failure (n of m)``, ``failed`` or ``timed out``."""
    if result.timed_out:
        return "timed out"
    if not result.ok:
        return "failed"
    if failed == 0:
        return "succeeded"
    return "all failed" if failed == records else f"partial failure ({failed} of {records})"


@dataclass
class MappingActivity:
    """Counters of one mapping (thread-safe); ``pollers`` is its MaximumConcurrency."""

    name: str
    pollers: int
    report_batch_item_failures: bool
    clock: Callable[[], float] = time.time
    in_flight: int = 0
    invocations: int = 0
    last_batch_size: int | None = None
    last_outcome: str | None = None
    last_time: float | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def observe(self, invoke: Invoke) -> Invoke:
        """``invoke``, counting each call and recording how its batch ended."""

        def observed(event: dict[str, Any]) -> InvocationResult:
            records = event.get("Records", [])
            with self._lock:
                self.in_flight += 1
                self.invocations += 1
            result: InvocationResult | None = None
            try:
                result = invoke(event)
                return result
            finally:
                self._finish(records, result)

        return observed

    def _finish(self, records: list[dict[str, Any]], result: InvocationResult | None) -> None:
        failed = (
            len(records)
            if result is None
            else len(
                failed_message_ids(
                    ok=result.ok,
                    response=result.response,
                    message_ids=[record.get("messageId", "") for record in records],
                    report_batch_item_failures=self.report_batch_item_failures,
                )
            )
        )
        with self._lock:
            self.in_flight -= 1
            self.last_batch_size = len(records)
            self.last_outcome = "failed" if result is None else outcome_of(result, len(records), failed)
            self.last_time = self.clock()

    def view(self) -> dict[str, Any]:
        """The mapping as the page shows it."""
        with self._lock:
            return {
                "name": self.name,
                "pollers": self.pollers,
                "in_flight": self.in_flight,
                "invocations": self.invocations,
                "last_batch_size": self.last_batch_size,
                "last_outcome": self.last_outcome,
                "last_time": self.last_time,
            }
