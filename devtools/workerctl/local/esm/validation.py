"""What Lambda's CreateEventSourceMapping refuses, refused before the runtime starts, in AWS's words.

A mapping AWS would not create must not run locally either: an invalid filter could delete every
message, a visibility timeout below the function's Timeout redelivers a batch while it still runs. Each
refusal is one line naming the function and the event, with the message AWS returns
(``InvalidParameterValueException``), as recorded from CreateEventSourceMapping and CloudFormation
deployments; the rules are on https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html
and https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html. The template tests run the
same checks on every profile, so a bad parameter combination is caught before ``sam deploy``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from workerctl.errors import UserError
from workerctl.local.esm.filters import FilterPatternError, parse_pattern

if TYPE_CHECKING:
    from workerctl.local.template.event_sources import SqsEventSpec
    from workerctl.local.template.model import FunctionSpec, QueueSpec

FIFO_MAX_BATCH = 10
UNWINDOWED_MAX_BATCH = 10
DEFAULT_VISIBILITY_SECONDS = 30  # SQS's default VisibilityTimeout
FIFO_BATCH_SIZE = "Maximum batch size must be between 1 and 10 inclusive"
FIFO_WINDOW = "Batching window is not supported for FIFO queues"
WINDOW_NEEDED = (
    "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10"
)
NONEXISTENT_QUEUE = (
    "Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. "
    "SQS Error Message: The specified queue does not exist or you do not have access to it."
)


def visibility_text(visibility: int, timeout: float) -> str:
    """AWS's message for a queue whose VisibilityTimeout is below the function's Timeout."""
    return (
        f"Queue visibility timeout: {visibility} seconds is less than Function timeout: {timeout:g} seconds"
    )


def parsed_filters(event: SqsEventSpec) -> tuple[dict[str, Any], ...]:
    """The event's FilterCriteria patterns, parsed (FilterPatternError for one AWS refuses)."""
    return tuple(parse_pattern(pattern) for pattern in event.filter_patterns)


def mapping_error(
    event: SqsEventSpec, timeout: float, queue_attributes: Mapping[str, str] | None
) -> str | None:
    """AWS's refusal of this mapping (function ``timeout``; the queue's attributes, None if unknown)."""
    attributes = queue_attributes or {}
    fifo = attributes.get("FifoQueue") == "true" or event.queue_arn.endswith(".fifo")
    if fifo and event.batch_size > FIFO_MAX_BATCH:
        return FIFO_BATCH_SIZE
    if fifo and event.batching_window_seconds is not None:
        return FIFO_WINDOW
    if event.batch_size > UNWINDOWED_MAX_BATCH and not event.window_seconds:
        return WINDOW_NEEDED
    visibility = int(attributes.get("VisibilityTimeout", DEFAULT_VISIBILITY_SECONDS))
    if queue_attributes is not None and visibility < timeout:
        return visibility_text(visibility, timeout)
    try:
        parsed_filters(event)
    except FilterPatternError as exc:
        return f"{exc} ({exc.detail})"
    return None


def refusal(function: FunctionSpec, event: SqsEventSpec, message: str) -> UserError:
    """The one-line start-up error for a mapping AWS would refuse."""
    return UserError(
        f"function {function.logical_id}, event {event.name}: CreateEventSourceMapping would fail: "
        f"InvalidParameterValueException: {message}"
    )


def check_mappings(functions: Iterable[FunctionSpec], queues: Iterable[QueueSpec]) -> None:
    """Raise :func:`refusal` for the first enabled or disabled SQS event AWS would refuse.

    Queues come from the template; an event whose queue is not declared there is checked against the
    endpoint when the runtime looks its queues up.
    """
    by_arn = {queue.arn: queue for queue in queues}
    for function in functions:
        for event in function.sqs_events:
            queue = by_arn.get(event.queue_arn)
            message = mapping_error(event, function.timeout, queue.attributes if queue else None)
            if message is not None:
                raise refusal(function, event, message)
