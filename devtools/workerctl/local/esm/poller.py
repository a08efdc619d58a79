"""A local stand-in for the Lambda SQS event source mapping.

``SqsEventSpec.pollers`` poller threads (MaximumConcurrency, provisioned mode's MinimumPollers, or
Lambda's initial five) each long-poll the queue, gather a batch (``BatchSize`` records or
``MaximumBatchingWindowInSeconds``), drop and delete what FilterCriteria rejects, invoke the function,
and delete the records not reported in ``batchItemFailures``. Failed records are left alone: they
reappear after their visibility timeout (or whatever visibility the worker itself set). FIFO mappings
share a :class:`~workerctl.local.esm.fifo.GroupGate` (one batch per message group in flight, sequence
order). A disabled mapping (``Enabled: false``, or :meth:`EventSourcePoller.set_enabled`) stops
receiving; batches in flight finish, as after UpdateEventSourceMapping.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from workerctl.aws import AWS_ERRORS
from workerctl.local.esm.batch_outcome import failed_message_ids
from workerctl.local.esm.fifo import GroupGate
from workerctl.local.esm.filters import record_matches
from workerctl.local.esm.records import lambda_event, lambda_record
from workerctl.queues import BATCH, chunks

if TYPE_CHECKING:
    from workerctl.local.sandbox.pool import InvocationResult
    from workerctl.local.stats import RuntimeStats
    from workerctl.local.template.event_sources import SqsEventSpec

MAX_WAIT_SECONDS = 20
ERROR_BACKOFF_SECONDS = 1.0
DISABLED_CHECK_SECONDS = 0.5  # how often an idle poller of a disabled mapping looks at stop/enable


@dataclass(frozen=True)
class PollTarget:
    """Where and how to poll: the queue, its ARN for the records, and the mapping's settings."""

    queue_url: str
    queue_arn: str
    region: str
    event: SqsEventSpec
    poll_wait_seconds: float = MAX_WAIT_SECONDS
    filters: tuple[dict[str, Any], ...] = ()  # the event's FilterCriteria, parsed and validated

    @property
    def fifo(self) -> bool:
        """True for a FIFO queue (its ARN ends in ``.fifo``, as SQS requires)."""
        return self.queue_arn.endswith(".fifo")


class EventSourcePoller:
    """Poller threads for one event source mapping; ``invoke`` runs one batch on a free function slot."""

    def __init__(
        self,
        client: Any,
        target: PollTarget,
        invoke: Callable[[dict[str, Any]], InvocationResult],
        stats: RuntimeStats,
        log: Callable[[str], None],
    ) -> None:
        self._client = client
        self.target = target
        self._invoke = invoke
        self._stats = stats
        self._log = log
        self._stopping = threading.Event()
        self._enabled = threading.Event()
        if target.event.enabled:
            self._enabled.set()
        self.gate = GroupGate() if target.fifo else None
        self._busy = 0
        self._receiving = 0  # threads past the enabled check, until their receive and batch end
        self._idle = threading.Condition()
        self._threads: list[threading.Thread] = []

    @property
    def enabled(self) -> bool:
        """True while the mapping receives (State ``Enabled``)."""
        return self._enabled.is_set()

    def set_enabled(self, enabled: bool) -> None:
        """Enable or disable receiving (UpdateEventSourceMapping ``Enabled``); batches in flight finish."""
        with self._idle:  # a thread checks the flag and counts itself under the same lock
            if enabled:
                self._enabled.set()
            else:
                self._enabled.clear()
            self._idle.notify_all()  # wait_paused() may be waiting with no thread left to wake it

    def wait_paused(self, timeout: float) -> bool:
        """Wait until the mapping is disabled and no thread is receiving or invoking (a long poll ends
        within ``poll_wait_seconds``); from then on nothing is received until it is enabled again.
        False at the deadline (or when enabled meanwhile)."""
        with self._idle:
            return self._idle.wait_for(lambda: not self.enabled and self._receiving == 0, timeout)

    def start(self) -> None:
        """Start the mapping's poller threads (they idle while it is disabled)."""
        for index in range(self.target.event.pollers):
            thread = threading.Thread(target=self._run, name=f"poller-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float) -> bool:
        """Stop receiving; wait up to ``timeout`` s for batches in flight (each is bounded by Timeout).

        Threads still inside a long poll are not waited for: what they receive goes straight back.
        Returns False when batches were still running at the deadline.
        """
        with self._idle:
            self._stopping.set()
            return self._idle.wait_for(lambda: self._busy == 0, timeout)

    def _run(self) -> None:
        while not self._stopping.is_set():
            with self._idle:
                receiving = self.enabled
                self._receiving += int(receiving)
            if not receiving:
                self._enabled.wait(DISABLED_CHECK_SECONDS)
                continue
            try:
                self._poll_once()
            except AWS_ERRORS as exc:
                if not self._stopping.is_set():
                    self._log(f"workerctl: polling {self.target.queue_url} failed: {exc}")
                self._stopping.wait(ERROR_BACKOFF_SECONDS)
            except Exception as exc:
                self._log(
                    f"workerctl: poller error ({type(exc).__name__}: {exc}); the batch returns to the queue"
                )
                self._stopping.wait(ERROR_BACKOFF_SECONDS)
            finally:
                with self._idle:
                    self._receiving -= 1
                    self._idle.notify_all()

    def _poll_once(self) -> None:
        messages = self.gather()
        if not messages:
            return
        with self._idle:
            stopping = self._stopping.is_set() or not self.enabled
            self._busy += 0 if stopping else 1
        if stopping:
            self._return_to_queue(messages)
            return
        batch, held = self.gate.admit(messages) if self.gate else (messages, [])
        try:
            if held:
                self._return_to_queue(held)
            self.process(batch)
        finally:
            if self.gate:
                self.gate.release(batch)
            with self._idle:
                self._busy -= 1
                self._idle.notify_all()

    def gather(self) -> list[dict[str, Any]]:
        """One batch: the first long poll, then more receives until full or the window closes."""
        event = self.target.event
        messages: list[dict[str, Any]] = []
        window_ends: float | None = None
        # Disabling ends the gathering after the current receive: an empty queue would keep it going.
        while len(messages) < event.batch_size and not self._stopping.is_set() and self.enabled:
            if window_ends is None:
                wait = min(MAX_WAIT_SECONDS, self.target.poll_wait_seconds)
            else:
                wait = max(0.0, min(MAX_WAIT_SECONDS, window_ends - time.monotonic()))
            # Whole seconds, rounded up: a 0 s wait on an empty queue would make this loop spin.
            received = self._receive(min(BATCH, event.batch_size - len(messages)), max(1, math.ceil(wait)))
            messages.extend(received)
            if not messages:
                continue
            if window_ends is None:
                window_ends = time.monotonic() + event.window_seconds
            if time.monotonic() >= window_ends:
                break
        return messages

    def _receive(self, count: int, wait_seconds: int) -> list[dict[str, Any]]:
        response = self._client.receive_message(
            QueueUrl=self.target.queue_url,
            MaxNumberOfMessages=count,
            WaitTimeSeconds=wait_seconds,
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        return list(response.get("Messages", []))

    def process(self, messages: Sequence[dict[str, Any]]) -> set[str]:
        """Filter, invoke and delete; returns the message ids left on the queue."""
        target = self.target
        records = [lambda_record(message, target.queue_arn, target.region) for message in messages]
        kept: list[dict[str, Any]] = []
        dropped: list[dict[str, Any]] = []
        for record in records:  # one pass: batches can hold 10,000 records
            (kept if record_matches(target.filters, record) else dropped).append(record)
        if dropped:
            self._delete(dropped)
            self._stats.add_filtered(len(dropped))
        if not kept:
            return set()
        self._stats.begin(len(kept))
        result = self._invoke(lambda_event(kept))
        failed = failed_message_ids(
            ok=result.ok,
            response=result.response,
            message_ids=[record["messageId"] for record in kept],
            report_batch_item_failures=target.event.report_batch_item_failures,
        )
        self._delete([record for record in kept if record["messageId"] not in failed])
        self._stats.end(len(kept), len(failed), timed_out=result.timed_out)
        return failed

    def _delete(self, records: Sequence[dict[str, Any]]) -> None:
        self._batched(
            "delete_message_batch",
            [{"ReceiptHandle": record["receiptHandle"]} for record in records],
        )

    def _return_to_queue(self, messages: Sequence[dict[str, Any]]) -> None:
        """Received while stopping or disabled, or held back by the FIFO gate: visible again at once."""
        self._batched(
            "change_message_visibility_batch",
            [{"ReceiptHandle": message["ReceiptHandle"], "VisibilityTimeout": 0} for message in messages],
        )

    def _batched(self, operation: str, entries: list[dict[str, Any]]) -> None:
        call = getattr(self._client, operation)
        for chunk in chunks(entries):
            numbered = [{"Id": str(i), **entry} for i, entry in enumerate(chunk)]
            response = call(QueueUrl=self.target.queue_url, Entries=numbered)
            for failure in response.get("Failed", []):
                self._log(
                    f"workerctl: {operation} entry failed: {failure.get('Code')} {failure.get('Message')}"
                )
