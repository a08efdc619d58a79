"""Processing of one SQS record: correlation context, envelope validation, dispatch, outcome logging.

The batch processor calls :func:`process_record` once per record; raising marks the record failed.
Every log line written inside carries ``correlation_id``, ``message_id``, ``job_type`` and
``receive_count``; the keys are removed when the record ends so nothing leaks into the next one.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from queue_worker.correlation import correlation_id_for
from queue_worker.envelope import best_effort_job_type, parse_envelope
from queue_worker.errors import PermanentJobError
from queue_worker.observability import logger
from queue_worker.registry import JobContext, JobRegistry, JobSender

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

MAX_LOGGED_ERROR_CHARS = 500


def receive_count_of(record: SQSRecord) -> int:
    """``ApproximateReceiveCount`` as an int (1 when absent, as on a first delivery)."""
    raw = record.attributes.approximate_receive_count
    try:
        return max(1, int(raw))
    except (TypeError, ValueError):
        return 1


def process_record(record: SQSRecord, registry: JobRegistry, sender: JobSender | None = None) -> object:
    """Run the job in ``record``; returns the job's result, raises when the record must be reported failed.

    Permanent errors (bad envelope, unknown type, invalid payload, :class:`PermanentJobError`) are
    logged at ERROR without a traceback; anything else is logged with its traceback as transient.
    """
    context = JobContext(
        message_id=record.message_id,
        correlation_id=correlation_id_for(record.raw_event),
        receive_count=receive_count_of(record),
        sender=sender,
    )
    with logger.append_context_keys(
        correlation_id=context.correlation_id,
        message_id=context.message_id,
        job_type=best_effort_job_type(record.body),
        receive_count=context.receive_count,
    ):
        started = time.perf_counter()
        try:
            result = registry.run(parse_envelope(record.body), context)
        except PermanentJobError as exc:
            logger.error(
                "job failed permanently",
                extra={"error_type": type(exc).__name__, "error": str(exc)[:MAX_LOGGED_ERROR_CHARS]},
            )
            raise
        except Exception as exc:
            logger.exception("job failed, will be retried", extra={"error_type": type(exc).__name__})
            raise
        logger.info("job processed", extra={"duration_ms": round((time.perf_counter() - started) * 1000, 3)})
        return result
