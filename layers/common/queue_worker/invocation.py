"""One worker invocation, from the SQS event to the partial batch response: the handler's one call.

:func:`process_batch` refuses an event that is not an SQS batch (one ERROR line, then
:class:`~queue_worker.errors.InvalidEventError`: the whole invocation fails, so nothing is deleted
unseen), lets the idempotency guard see the invocation's deadline, runs every record
through :class:`~queue_worker.batch_run.BatchRun` under the processor that matches the queue type
(standard or FIFO), and after the batch (:func:`finish_batch`) writes one INFO line with the batch's
counts, logs one ERROR line for each failed record the run did not log (FIFO records held back
behind a failure), annotates the trace, applies the visibility changes (backoff, skipped records) in
batches of 10 and adds the batch's metrics to the Powertools ``Metrics`` singleton, which
``log_metrics`` flushes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.batch import process_partial_response

from queue_worker.backoff import full_jitter_delay
from queue_worker.batch_run import BatchRun, WorkerDependencies
from queue_worker.errors import InvalidEventError
from queue_worker.log import logger
from queue_worker.processor_choice import processor_for
from queue_worker.sqs_record import is_fifo_batch, sqs_records

if TYPE_CHECKING:
    from aws_lambda_powertools import Metrics
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from queue_worker.settings import WorkerSettings


def process_batch(
    event: dict[str, Any],
    context: LambdaContext,
    *,
    deps: WorkerDependencies,
    settings: WorkerSettings,
    metrics: Metrics,
) -> PartialItemFailureResponse:
    """Process one SQS event; the response names exactly the records SQS must deliver again."""
    try:
        sqs_records(event)
    except InvalidEventError as exc:
        logger.error("invocation refused", extra={"error": str(exc)})
        raise
    register = getattr(deps.idempotency, "register_lambda_context", None)
    if register is not None:  # Powertools expires in-progress keys when this invocation would time out
        register(context)
    run = BatchRun(
        deps=deps,
        remaining_ms=context.get_remaining_time_in_millis,
        margin_ms=settings.timeout_margin_ms,
        backoff_seconds=partial(
            full_jitter_delay,
            base_seconds=settings.backoff_base_seconds,
            cap_seconds=settings.backoff_cap_seconds,
        ),
    )
    response = run_batch(run, event, context, skip_group_on_error=settings.fifo_skip_group_on_error)
    run.metrics.publish(metrics)
    return response


def run_batch(
    run: BatchRun, event: dict[str, Any], context: LambdaContext, *, skip_group_on_error: bool = False
) -> PartialItemFailureResponse:
    """Every record of ``event`` through ``run``, then :func:`finish_batch` (tests drive a run with it).

    Raises :class:`InvalidEventError` for an event that is not an SQS batch.
    """
    records = sqs_records(event)
    fifo = is_fifo_batch(records)
    response = process_partial_response(
        event={"Records": list(records)},
        record_handler=run.handle,
        processor=processor_for(fifo, skip_group_on_error),
        context=context,
    )
    failed_ids = {str(item["itemIdentifier"]) for item in response["batchItemFailures"]}
    finish_batch(run, records, failed_ids, fifo=fifo)
    return response


def finish_batch(
    run: BatchRun, records: Sequence[Mapping[str, Any]], failed_ids: set[str], fifo: bool
) -> None:
    """Count the batch and apply visibility changes. FIFO: every failed record of the batch gets the
    same delay so the group becomes visible together and keeps its order."""
    run.metrics.received = len(records)  # FIFO-skipped records were received too
    _log_unlogged_failures(run, records, failed_ids, fifo)
    logger.info("batch processed", extra=run.metrics.summary())
    tracer = run.deps.tracer
    if tracer is not None and tracer.enabled:
        tracer.annotate_invocation(run.traced_records, run.metrics.received - run.traced_records)
    changes = dict(run.visibility)
    if fifo and failed_ids:
        delay = max(changes.values(), default=0)
        for record in records:
            handle = record.get("receiptHandle")
            if record["messageId"] in failed_ids and isinstance(handle, str) and handle:
                changes[handle] = delay
    if not changes or run.deps.visibility is None:
        return
    failed = run.deps.visibility.change_visibility(changes)
    if failed:
        logger.warning(
            "could not change visibility; those records wait out the timeout",
            extra={"records": len(failed)},
        )


def _log_unlogged_failures(
    run: BatchRun, records: Sequence[Mapping[str, Any]], failed_ids: set[str], fifo: bool
) -> None:
    """One ERROR line for each reported record the run never logged (FIFO: held back, not started)."""
    message = "record not processed: an earlier record of its FIFO batch failed" if fifo else "record failed"
    for record in records:
        message_id = str(record["messageId"])
        if message_id in failed_ids and message_id not in run.logged_failures:
            run.logged_failures.add(message_id)
            logger.error(message, extra={"message_id": message_id})
