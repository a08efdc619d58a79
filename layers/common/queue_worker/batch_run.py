"""The per-record run of one invocation: what happens to each record the batch processor hands over.

Per record (:meth:`BatchRun.handle`, called by the Powertools batch processor):
1. out of time (remaining < margin)? → skip it: reported failed, made visible again at once;
2. inside a logging context carrying ``correlation_id``, ``message_id``, ``job_type`` and
   ``receive_count`` (removed when the record ends, so nothing leaks into the next one):
   validate the envelope and run the job (once per idempotency key) inside an X-Ray subsegment
   annotated with the ids and the producer's trace root (``queue_worker.tracing``);
3. permanent error → sent straight to the DLQ with its error metadata and treated as handled (if that
   send fails the record is reported failed: nothing is lost); any other error → reported failed with
   an exponential, jittered visibility backoff. Successes are logged per record only at DEBUG; at INFO
   each is one compact entry (:func:`outcome_entry`) in the batch line, so ``workerctl trace`` finds it.
The run keeps the batch's metrics and visibility changes; ``queue_worker.invocation`` applies them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from queue_worker.correlation import correlation_id_for, xray_root
from queue_worker.dead_letter import dead_letter_message, original_message_id
from queue_worker.envelope import INVALID_ENVELOPE_TYPE, JobEnvelope, parse_envelope
from queue_worker.errors import InvalidEnvelopeError, PermanentJobError, RecordSkippedError
from queue_worker.log import logger
from queue_worker.metrics import BatchMetrics, Outcome
from queue_worker.registry import IdempotencyGuard, JobContext, JobRegistry, JobSender
from queue_worker.tracing import MAX_TRACED_RECORDS

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

    from queue_worker.dead_letter import DeadLetterMessage
    from queue_worker.tracing import RecordTracer

MAX_LOGGED_ERROR_CHARS = 500


class DeadLetterSink(Protocol):
    """Where permanent failures go; the SQS adapter implements it."""

    def send_dead_letter(self, message: DeadLetterMessage) -> str:
        """Send ``message`` to the DLQ; return its new message id (raises when it could not)."""
        ...


class VisibilityChanger(Protocol):
    """The SQS adapter's ChangeMessageVisibilityBatch (applied after the batch)."""

    def change_visibility(self, timeouts: dict[str, int]) -> list[str]:
        """Apply ``{receipt_handle: seconds}``; return the handles that failed."""
        ...


@dataclass(frozen=True)
class WorkerDependencies:
    """Everything a batch needs from outside; the handler builds it once, tests pass fakes."""

    registry: JobRegistry
    idempotency: IdempotencyGuard
    sender: JobSender | None = None
    dead_letters: DeadLetterSink | None = None
    visibility: VisibilityChanger | None = None
    tracer: RecordTracer | None = None
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)


def outcome_entry(message_id: str, receive_count: int, correlation_id: str) -> str:
    """``"<message id> <receive count>[ <correlation id>]"``: one record in the batch line's id lists.

    The correlation id is left out when it is the message id (no ``CorrelationId``, no trace header):
    about 40 bytes per record instead of a ~400-byte line each.

    >>> outcome_entry("m-1", 2, "m-1"), outcome_entry("m-2", 1, "order-7")
    ('m-1 2', 'm-2 1 order-7')
    """
    if correlation_id == message_id:
        return f"{message_id} {receive_count}"
    return f"{message_id} {receive_count} {correlation_id}"


def receive_count_of(record: SQSRecord) -> int:
    """``ApproximateReceiveCount`` as an int (1 when absent or malformed)."""
    try:
        return max(1, int(record.attributes.approximate_receive_count))
    except (TypeError, ValueError):
        return 1


@dataclass
class BatchRun:
    """State of one invocation: deadline, metrics and pending visibility changes."""

    deps: WorkerDependencies
    remaining_ms: Callable[[], int]
    margin_ms: int
    backoff_seconds: Callable[[int], int]
    metrics: BatchMetrics = field(default_factory=BatchMetrics)
    visibility: dict[str, int] = field(default_factory=dict)
    out_of_time: bool = False
    max_traced_records: int = MAX_TRACED_RECORDS
    traced_records: int = 0
    succeeded: list[str] = field(default_factory=list)  # outcome_entry per record, for the batch line
    skipped: list[str] = field(default_factory=list)

    def handle(self, record: SQSRecord) -> object:
        """Process one record; raising reports it in ``batchItemFailures``."""
        self._observe_age(record)
        try:  # parsed once: the job type labels every log line, even of an invalid body
            parsed = parse_envelope(record.body)
            envelope: JobEnvelope | InvalidEnvelopeError = parsed
            job_type = parsed.type
        except InvalidEnvelopeError as invalid:
            envelope, job_type = invalid, INVALID_ENVELOPE_TYPE
        original_id = original_message_id(record.raw_event)
        raw = record.raw_event  # a redriven job keeps its original id as the correlation fallback
        context = JobContext(
            message_id=original_id,
            correlation_id=correlation_id_for(
                raw if original_id == record.message_id else {**raw, "messageId": original_id}
            ),
            receive_count=receive_count_of(record),
            sender=self.deps.sender,
            trace_header=record.attributes.aws_trace_header,
        )
        with logger.append_context_keys(
            correlation_id=context.correlation_id,
            message_id=record.message_id,
            job_type=job_type,
            receive_count=context.receive_count,
        ):
            metric_type = self.deps.registry.bounded_job_type(job_type)
            if self.out_of_time or self.remaining_ms() < self.margin_ms:
                self.skipped.append(
                    outcome_entry(record.message_id, context.receive_count, context.correlation_id)
                )
                return self._skip(record, metric_type)
            with self._trace(record, context, metric_type):
                return self._run(record, envelope, context, metric_type)

    def _run(
        self,
        record: SQSRecord,
        envelope: JobEnvelope | InvalidEnvelopeError,
        context: JobContext,
        metric_type: str,
    ) -> object:
        started = time.perf_counter()
        try:
            if isinstance(envelope, InvalidEnvelopeError):
                raise envelope  # noqa: TRY301 - handled by the except below, like any permanent error
            result = self.deps.registry.run(envelope, context, self.deps.idempotency)
        except PermanentJobError as exc:
            return self._dead_letter(record, exc, metric_type)
        except Exception as exc:
            self._fail_transient(record, exc, metric_type, "job failed, will be retried")
            raise
        duration_ms = round((time.perf_counter() - started) * 1000, 3)
        self.metrics.record(metric_type, Outcome.SUCCEEDED, duration_ms)
        # DEBUG, not INFO: a success line per record costs as much CPU as the rest of the pipeline and
        # ~400 B of logs per job; failures are logged per record, successes summed (decisions.md #14).
        logger.debug("job processed", extra={"duration_ms": duration_ms})
        self.succeeded.append(outcome_entry(record.message_id, context.receive_count, context.correlation_id))
        return result

    def _trace(self, record: SQSRecord, context: JobContext, metric_type: str) -> AbstractContextManager[Any]:
        """An X-Ray subsegment for the record, linked to its producer's trace by annotation.

        Nothing is built for records past the budget or when tracing is off (the per-record hot path).
        """
        tracer = self.deps.tracer
        if tracer is None or not tracer.enabled or self.traced_records >= self.max_traced_records:
            return nullcontext()
        self.traced_records += 1
        return tracer.record(
            f"## job {metric_type}",
            {
                "job_type": metric_type,
                "message_id": record.message_id,
                "correlation_id": context.correlation_id,
                "receive_count": context.receive_count,
                "source_trace_id": xray_root(context.trace_header),
            },
        )

    def _skip(self, record: SQSRecord, metric_type: str) -> object:
        if not self.out_of_time:
            logger.warning("too little time left: remaining records return to the queue now")
        self.out_of_time = True
        self.visibility[record.receipt_handle] = 0
        self.metrics.record(metric_type, Outcome.SKIPPED_BY_TIMEOUT)
        raise RecordSkippedError("skipped: the invocation is about to time out")

    def _dead_letter(self, record: SQSRecord, error: PermanentJobError, metric_type: str) -> object:
        details = {"error_type": type(error).__name__, "error": str(error)[:MAX_LOGGED_ERROR_CHARS]}
        if self.deps.dead_letters is None:
            logger.error("job failed permanently; no DLQ URL configured, SQS redrive applies", extra=details)
            self.metrics.record(metric_type, Outcome.FAILED_TRANSIENT)
            raise error
        message = dead_letter_message(record.raw_event, error, self.deps.clock())
        send = self.deps.dead_letters.send_dead_letter
        try:
            # Through the idempotency guard: a duplicate delivery never dead-letters the same message twice.
            dlq_id = self.deps.idempotency(f"dead-letter:{record.message_id}", lambda: send(message))
        except Exception as exc:
            self._fail_transient(record, exc, metric_type, "job failed permanently and the DLQ send failed")
            raise
        logger.error("job failed permanently; sent to the dead-letter queue", extra=details)
        self.metrics.record(metric_type, Outcome.DEAD_LETTERED)
        return {"deadLetterMessageId": dlq_id}

    def _fail_transient(self, record: SQSRecord, exc: Exception, metric_type: str, message: str) -> None:
        delay = self.backoff_seconds(receive_count_of(record))
        self.visibility[record.receipt_handle] = delay
        self.metrics.record(metric_type, Outcome.FAILED_TRANSIENT)
        logger.exception(message, extra={"error_type": type(exc).__name__, "retry_in_seconds": delay})

    def _observe_age(self, record: SQSRecord) -> None:
        sent = record.attributes.sent_timestamp
        if sent and sent.isdigit():
            now_ms = self.deps.clock().timestamp() * 1000
            self.metrics.message_ages_ms.append(max(0.0, now_ms - int(sent)))
