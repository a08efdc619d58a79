"""How a record leaves a run other than by success or a plain transient failure.

:func:`skip_record`: too little of the invocation is left to start it. It is made visible again at
once, which costs a receive; so a record already at its last receive (``MAX_RECEIVE_COUNT``) on a
standard queue is re-enqueued instead, as a new message with the same body, attributes and job
identity (a signed ``DeadLetter`` attribute naming the first delivery's id), and treated as handled:
timeout skips alone can never push a record into the DLQ. FIFO records are only skipped: a copy would
land behind its group's later messages.

:func:`dead_letter_record`: a permanent failure goes to the DLQ through the idempotency guard, keyed by
the delivery's message id; a delivery that was dead-lettered before (the guard returns the stored
result without sending) is counted as ``DuplicateDeadLetter``, so ``DeadLettered`` equals what the
DLQ received.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from queue_worker.dead_letter import dead_letter_message
from queue_worker.errors import RecordSkippedError
from queue_worker.log import logger
from queue_worker.metrics import Outcome
from queue_worker.sqs_record import is_fifo_record, receive_count_of

if TYPE_CHECKING:
    from collections.abc import Mapping

    from queue_worker.batch_run import BatchRun
    from queue_worker.dead_letter import JobIdentity
    from queue_worker.errors import PermanentJobError

MAX_LOGGED_ERROR_CHARS = 500


def skip_record(run: BatchRun, raw: Mapping[str, Any], identity: JobIdentity, metric_type: str) -> object:
    """Not started for lack of time: visible again at once (raises), or re-enqueued at its last receive."""
    run.out_of_time = True
    if _at_last_receive(run, raw) and run.deps.requeue is not None:
        skipped = RecordSkippedError("re-enqueued: skipped for lack of time at its last receive")
        message = dead_letter_message(
            raw, skipped, run.deps.clock(), signing_key=run.deps.signing_key, identity=identity
        )
        try:
            new_id = run.deps.requeue.send_dead_letter(message)
        except Exception as exc:  # any send failure falls back to the plain skip
            logger.warning("could not re-enqueue the record", extra={"error_type": type(exc).__name__})
        else:
            run.metrics.record(metric_type, Outcome.REQUEUED)
            logger.warning(
                "too little time left at its last receive: re-enqueued as a new message",
                extra={"requeued_message_id": new_id},
            )
            return {"requeuedMessageId": new_id}
    handle = raw.get("receiptHandle")
    if isinstance(handle, str) and handle:
        run.visibility[handle] = 0
    run.metrics.record(metric_type, Outcome.SKIPPED_BY_TIMEOUT)
    run.log_failure(raw, "too little time left: skipped, returns to the queue now")
    raise RecordSkippedError("skipped: the invocation is about to time out")


def _at_last_receive(run: BatchRun, raw: Mapping[str, Any]) -> bool:
    """Standard queue, and the next receive would exceed ``maxReceiveCount``."""
    limit = run.deps.max_receive_count
    return limit is not None and receive_count_of(raw) >= limit and not is_fifo_record(raw)


def dead_letter_record(
    run: BatchRun, raw: Mapping[str, Any], error: PermanentJobError, metric_type: str, identity: JobIdentity
) -> object:
    """Send a permanent failure to the DLQ (handled), or report it failed when that is impossible."""
    details = {"error_type": type(error).__name__, "error": str(error)[:MAX_LOGGED_ERROR_CHARS]}
    if run.deps.dead_letters is None:
        run.metrics.record(metric_type, Outcome.FAILED_TRANSIENT)
        run.log_failure(raw, "job failed permanently; no DLQ URL configured, SQS redrive applies", details)
        raise error
    message = dead_letter_message(
        raw, error, run.deps.clock(), signing_key=run.deps.signing_key, identity=identity
    )
    send, sent = run.deps.dead_letters.send_dead_letter, []

    def send_once() -> str:
        sent.append(True)
        return send(message)

    try:
        # Through the idempotency guard: a duplicate delivery never dead-letters the same message twice.
        key = f"dead-letter:{raw['messageId']}"
        dlq_id = run.deps.idempotency(key, send_once, message.body)
    except Exception as exc:
        run.fail_transient(raw, exc, metric_type, "job failed permanently and the DLQ send failed")
        raise
    if not sent:
        run.metrics.record(metric_type, Outcome.DUPLICATE_DEAD_LETTER)
        run.log_failure(raw, "job failed permanently; a duplicate delivery, already dead-lettered", details)
        return {"deadLetterMessageId": dlq_id, "duplicate": True}
    run.metrics.record(metric_type, Outcome.DEAD_LETTERED)
    run.log_failure(raw, "job failed permanently; sent to the dead-letter queue", details)
    return {"deadLetterMessageId": dlq_id}
