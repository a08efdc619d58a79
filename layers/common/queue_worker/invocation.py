"""One worker invocation, from the SQS event to the partial batch response: the handler's one call.

:func:`process_batch` lets the idempotency guard see the invocation's deadline, runs every record
through :class:`~queue_worker.batch_run.BatchRun` under the processor that matches the queue type
(standard or FIFO), and after the batch (:func:`finish_batch`) writes one INFO line with the batch's
counts and the succeeded and skipped records' compact entries (chunked under CloudWatch's 256 KiB
event limit), annotates the trace, applies the visibility changes (backoff, skipped records) in batches of
10 and adds the batch's metrics to the Powertools ``Metrics`` singleton, which ``log_metrics`` flushes.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.batch import process_partial_response

from queue_worker.backoff import full_jitter_delay
from queue_worker.batch_run import BatchRun, WorkerDependencies
from queue_worker.log import logger
from queue_worker.processor_choice import is_fifo_event, processor_for

# Characters of id entries per log line: the rest of the line is < 2 KiB, CloudWatch's limit is 256 KiB.
MAX_IDS_CHARS = 200_000

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
    """Every record of ``event`` through ``run``, then :func:`finish_batch` (tests drive a run with it)."""
    response = process_partial_response(
        event=event,
        record_handler=run.handle,
        processor=processor_for(event, skip_group_on_error),
        context=context,
    )
    failed_ids = {str(item["itemIdentifier"]) for item in response["batchItemFailures"]}
    finish_batch(run, event, failed_ids, fifo=is_fifo_event(event))
    return response


def id_chunks(
    succeeded: list[str], skipped: list[str], budget: int = MAX_IDS_CHARS
) -> list[dict[str, list[str]]]:
    """The entries as ``{"succeeded_ids": [...], "skipped_ids": [...]}`` pieces of at most ``budget``
    characters each (one log event is at most 256 KiB); the first piece rides on the batch line.

    >>> id_chunks(["a 1", "b 1", "c 1"], [], budget=8)
    [{'succeeded_ids': ['a 1', 'b 1']}, {'succeeded_ids': ['c 1']}]
    """
    pieces: list[dict[str, list[str]]] = [{}]
    size = 0
    for key, entries in (("succeeded_ids", succeeded), ("skipped_ids", skipped)):
        for entry in entries:
            if size + len(entry) + 4 > budget and size:
                pieces.append({})
                size = 0
            pieces[-1].setdefault(key, []).append(entry)
            size += len(entry) + 4  # the quotes, comma and space JSON adds
    return pieces


def finish_batch(run: BatchRun, event: Mapping[str, Any], failed_ids: set[str], fifo: bool) -> None:
    """Count the batch and apply visibility changes. FIFO: every failed record of the batch gets the
    same delay so the group becomes visible together and keeps its order."""
    run.metrics.received = len(event.get("Records", []))  # FIFO-skipped records were received too
    chunks = id_chunks(run.succeeded, run.skipped)
    logger.info("batch processed", extra={**run.metrics.summary(), **chunks[0]})
    for more in chunks[1:]:
        logger.info("batch processed (continued)", extra=more)
    tracer = run.deps.tracer
    if tracer is not None and tracer.enabled:
        tracer.annotate_invocation(run.traced_records, run.metrics.received - run.traced_records)
    changes = dict(run.visibility)
    if fifo and failed_ids:
        delay = max(changes.values(), default=0)
        for record in event.get("Records", []):
            if record["messageId"] in failed_ids:
                changes[record["receiptHandle"]] = delay
    if not changes or run.deps.visibility is None:
        return
    failed = run.deps.visibility.change_visibility(changes)
    if failed:
        logger.warning(
            "could not change visibility; those records wait out the timeout",
            extra={"records": len(failed)},
        )
