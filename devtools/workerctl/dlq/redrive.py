"""``dlq redrive``: an AWS message move task, or receive → send → delete where there is none (moto)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from queue_worker.dead_letter import DEAD_LETTER_ATTRIBUTE, folded_attributes, read_metadata
from workerctl.dlq.inspection import as_record
from workerctl.dlq.sqs_adapter import QueueRef, Received, SqsQueues
from workerctl.errors import UserError
from workerctl.queues import BATCH

if TYPE_CHECKING:
    from mypy_boto3_sqs.type_defs import SendMessageBatchRequestEntryTypeDef

ACTIVE_TASK_STATES = frozenset({"RUNNING", "CANCELLING"})


def replay_attributes(message: Received) -> dict[str, dict[str, Any]]:
    """The message attributes that restore ``message`` as its producer sent it.

    A dead letter keeps its original attributes beside ``DeadLetter``, which stays: it carries the
    job's first message id across the redrive. When the original had ten, the worker folded them
    into ``DeadLetter`` (SQS allows ten): they come back as sent, and ``DeadLetter`` has no room.
    """
    keep = ("DataType", "StringValue", "BinaryValue")
    attributes = {
        name: {key: value[key] for key in keep if key in value}
        for name, value in message.message_attributes.items()
    }
    metadata = read_metadata(as_record(message))
    if folded := folded_attributes(metadata) if metadata is not None else {}:
        attributes.pop(DEAD_LETTER_ATTRIBUTE, None)
        attributes |= folded
    return attributes


def send_entry(index: int, message: Received, destination: QueueRef) -> SendMessageBatchRequestEntryTypeDef:
    """The SendMessageBatch entry that replays ``message``: same body, attributes and trace header."""
    entry: Any = {"Id": str(index), "MessageBody": message.body}
    if attributes := replay_attributes(message):
        entry["MessageAttributes"] = attributes
    if trace := message.attributes.get("AWSTraceHeader"):
        entry["MessageSystemAttributes"] = {"AWSTraceHeader": {"DataType": "String", "StringValue": trace}}
    if destination.fifo:
        entry["MessageGroupId"] = message.attributes.get("MessageGroupId") or "dlq-redrive"
        # Fresh per DLQ message (the original's id could still be inside the 5-minute dedup window),
        # and stable if this send is retried.
        entry["MessageDeduplicationId"] = message.message_id
    return entry  # type: ignore[no-any-return]


def move_batch(
    queues: SqsQueues,
    dlq: QueueRef,
    destination: QueueRef,
    batch: list[Received],
    before: int,
    *,
    on_sent: Callable[[list[tuple[Received, str]]], None] | None = None,
) -> list[tuple[Received, str]]:
    """Send ``batch`` to ``destination``, then delete from the DLQ only what was sent (never the reverse).

    Returns each moved message with its new message id. A failed send releases the unsent messages
    (visible again at once) and raises; ``before`` is how many moved earlier in the run (for the message).
    ``on_sent`` sees the sent messages before any is deleted (``dlq replay`` records its progress there).
    """
    sent, failures = queues.send(destination, [send_entry(i, m, destination) for i, m in enumerate(batch)])
    if on_sent is not None and sent:
        on_sent([(m, sent[str(i)]) for i, m in enumerate(batch) if str(i) in sent])
    queues.delete(dlq, [m.receipt_handle for i, m in enumerate(batch) if str(i) in sent])  # only once sent
    if failures:
        queues.release(dlq, [m.receipt_handle for i, m in enumerate(batch) if str(i) not in sent])
        raise UserError(
            f"{len(failures)} message(s) could not be sent to {destination.name} ({failures[0]}); "
            f"they stay in the DLQ; {before + len(sent)} moved"
        )
    return [(m, sent[str(i)]) for i, m in enumerate(batch)]


def redrive_locally(
    queues: SqsQueues,
    dlq: QueueRef,
    destination: QueueRef,
    *,
    rate: int | None = None,
    limit: int | None = None,
    progress: Callable[[int], None] | None = None,
    on_moved: Callable[[Received, str], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Receive → send → delete, at most ``rate`` messages/s; returns the number moved.

    Without ``limit`` it moves the messages present at the start, so messages that fail again during
    the run and come back are not redriven in a loop. ``on_moved(message, new_id)`` (the audit) is
    called for each moved message.
    """
    budget = queues.counts(dlq)[0] if limit is None else limit
    moved, started = 0, clock()
    while moved < budget:
        batch = queues.receive(dlq, min(BATCH, budget - moved, rate or BATCH))
        if not batch:
            break
        pairs = move_batch(queues, dlq, destination, batch, moved)
        moved += len(pairs)
        if on_moved is not None:
            for message, new_id in pairs:
                on_moved(message, new_id)
        if progress is not None:
            progress(moved)
        if rate and (pause := started + moved / rate - clock()) > 0:
            sleep(min(pause, BATCH))  # a rate limit: at most one batch's worth of seconds
    return moved


def start_move_task(queues: SqsQueues, dlq: QueueRef, destination: QueueRef, rate: int | None) -> str:
    """StartMessageMoveTask DLQ → destination after checking no task is active; returns the handle."""
    source_arn = queues.attribute(dlq, "QueueArn")
    active = [task for task in queues.move_tasks(source_arn) if task.get("Status") in ACTIVE_TASK_STATES]
    if active:
        raise UserError(
            f"a message move task is already {str(active[0]['Status']).lower()} for {dlq.name} "
            f"(handle {active[0].get('TaskHandle', '?')}): see `dlq redrive --status` or use --cancel HANDLE"
        )
    return queues.start_move_task(source_arn, queues.attribute(destination, "QueueArn"), rate)
