"""The per-record run of one invocation: what happens to each record the batch processor hands over.

Per record (:meth:`BatchRun.handle`, called by the Powertools batch processor):
1. the job's identity: its own message id, or the first delivery's id when the record carries a
   ``DeadLetter`` attribute whose signature verifies (an unverified one is ignored, with a warning);
2. out of time (remaining < margin)? → skipped, made visible again at once, unless it is at its last
   receive (``MAX_RECEIVE_COUNT``) on a standard queue: then it is re-enqueued as a new message
   (same body, attributes and job identity) so timeout skips alone never push it into the DLQ;
3. inside a logging context carrying ``correlation_id``, ``message_id``, ``job_type`` and
   ``receive_count`` (removed when the record ends, so nothing leaks into the next one):
   validate the envelope and run the job (once per idempotency key) inside an X-Ray subsegment;
4. permanent error → sent straight to the DLQ with its error metadata and treated as handled (if that
   send fails the record is reported failed: nothing is lost; a delivery that was dead-lettered before
   is counted as a duplicate and not sent again); any other error → reported failed with an
   exponential, jittered visibility backoff. Successes are logged per record only at DEBUG.
Every failure has one ERROR line carrying the message id. The run keeps the batch's metrics and
visibility changes; ``queue_worker.invocation`` applies them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from queue_worker.correlation import correlation_id_for, xray_root
from queue_worker.dead_letter import JobIdentity, Trust, job_identity
from queue_worker.envelope import INVALID_ENVELOPE_TYPE, JobEnvelope, parse_envelope
from queue_worker.errors import InvalidEnvelopeError, PermanentJobError
from queue_worker.log import logger
from queue_worker.metrics import BatchMetrics, Outcome
from queue_worker.record_exits import dead_letter_record, skip_record
from queue_worker.registry import IdempotencyGuard, JobContext, JobRegistry, JobSender
from queue_worker.sqs_record import group_id_of, receive_count_of, sent_timestamp_ms, text_attribute
from queue_worker.tracing import MAX_TRACED_RECORDS

if TYPE_CHECKING:
    from collections.abc import Mapping

    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

    from queue_worker.dead_letter import DeadLetterMessage
    from queue_worker.tracing import RecordTracer


class DeadLetterSink(Protocol):
    """Where permanent failures go (the DLQ) and skipped last receives return (the jobs queue).

    The SQS adapter implements it: body and attributes as given, FIFO fields when present.
    """

    def send_dead_letter(self, message: DeadLetterMessage) -> str:
        """Send ``message``; return its new message id (raises when it could not)."""
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
    requeue: DeadLetterSink | None = None  # the jobs queue, for a skipped record at its last receive
    signing_key: bytes | None = None  # signs and verifies the DeadLetter attribute
    max_receive_count: int | None = None  # the jobs queue's maxReceiveCount, when known


@dataclass
class BatchRun:
    """State of one invocation: deadline, metrics, pending visibility changes, records logged failed."""

    deps: WorkerDependencies
    remaining_ms: Callable[[], int]
    margin_ms: int
    backoff_seconds: Callable[[int], int]
    metrics: BatchMetrics = field(default_factory=BatchMetrics)
    visibility: dict[str, int] = field(default_factory=dict)
    out_of_time: bool = False
    max_traced_records: int = MAX_TRACED_RECORDS
    traced_records: int = 0
    logged_failures: set[str] = field(default_factory=set)  # message ids with their ERROR line

    def handle(self, record: SQSRecord) -> object:
        """Process one record; raising reports it in ``batchItemFailures``."""
        raw = record.raw_event
        self._observe_age(raw)
        identity = job_identity(raw, self.deps.signing_key)
        envelope, job_type = _parse(raw)
        context = JobContext(
            message_id=identity.message_id,
            correlation_id=correlation_id_for({**raw, "messageId": identity.message_id}),
            receive_count=receive_count_of(raw),
            sender=self.deps.sender,
            trace_header=text_attribute(raw, "AWSTraceHeader"),
            group_id=group_id_of(raw),
        )
        with logger.append_context_keys(
            correlation_id=context.correlation_id,
            message_id=record.message_id,
            job_type=job_type,
            receive_count=context.receive_count,
        ):
            if identity.trust is Trust.UNVERIFIED:
                logger.warning("DeadLetter attribute not verified: ignored, the job keeps its own id")
            metric_type = self.deps.registry.bounded_job_type(job_type)
            if self.out_of_time or self.remaining_ms() < self.margin_ms:
                return skip_record(self, raw, identity, metric_type)
            with self._trace(record, context, metric_type):
                return self._run(raw, envelope, context, metric_type, identity)

    def _run(
        self,
        raw: Mapping[str, Any],
        envelope: JobEnvelope | InvalidEnvelopeError,
        context: JobContext,
        metric_type: str,
        identity: JobIdentity,
    ) -> object:
        started = time.perf_counter()
        try:
            if isinstance(envelope, InvalidEnvelopeError):
                raise envelope  # noqa: TRY301 - handled by the except below, like any permanent error
            result = self.deps.registry.run(envelope, context, self.deps.idempotency)
        except PermanentJobError as exc:
            return dead_letter_record(self, raw, exc, metric_type, identity)
        except Exception as exc:
            self.fail_transient(raw, exc, metric_type, "job failed, will be retried")
            raise
        duration_ms = round((time.perf_counter() - started) * 1000, 3)
        self.metrics.record(metric_type, Outcome.SUCCEEDED, duration_ms)
        # DEBUG, not INFO: a success line per record costs as much CPU as the rest of the pipeline and
        # ~400 B of logs per job; failures are logged per record, successes summed (decisions.md #14).
        logger.debug("job processed", extra={"duration_ms": duration_ms})
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

    def fail_transient(self, raw: Mapping[str, Any], exc: Exception, metric_type: str, message: str) -> None:
        """Count, log (one ERROR line with the traceback) and back off a record reported failed."""
        delay = self.backoff_seconds(receive_count_of(raw))
        handle = raw.get("receiptHandle")
        if isinstance(handle, str) and handle:
            self.visibility[handle] = delay
        self.metrics.record(metric_type, Outcome.FAILED_TRANSIENT)
        self.logged_failures.add(str(raw["messageId"]))
        logger.exception(message, extra={"error_type": type(exc).__name__, "retry_in_seconds": delay})

    def log_failure(self, raw: Mapping[str, Any], message: str, details: Mapping[str, str] = {}) -> None:
        """The record's one ERROR line (the message id comes from the logging context)."""
        self.logged_failures.add(str(raw["messageId"]))
        logger.error(message, extra=dict(details))

    def _observe_age(self, raw: Mapping[str, Any]) -> None:
        sent = sent_timestamp_ms(raw)
        if sent is not None:
            now_ms = self.deps.clock().timestamp() * 1000
            self.metrics.message_ages_ms.append(max(0.0, now_ms - sent))


def _parse(raw: Mapping[str, Any]) -> tuple[JobEnvelope | InvalidEnvelopeError, str]:
    """The envelope (or why it is invalid: permanent) and the job type that labels the record's logs."""
    body = raw.get("body")
    if not isinstance(body, str):
        return InvalidEnvelopeError("the record has no text body"), INVALID_ENVELOPE_TYPE
    try:
        envelope = parse_envelope(body)
    except InvalidEnvelopeError as invalid:
        return invalid, INVALID_ENVELOPE_TYPE
    return envelope, envelope.type
