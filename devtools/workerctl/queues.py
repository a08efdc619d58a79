"""Queue look-up by name and SQS's batch limits, shared by both wings (CLI commands and local runtime)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from workerctl.aws import aws_call
from workerctl.errors import QueueNotFoundError

BATCH = 10  # SQS's limit per ReceiveMessage and per Send/Delete/ChangeMessageVisibility batch
MAX_MESSAGE_BYTES = 1_048_576  # SQS: 1 MiB per message and per SendMessageBatch (the sum of its messages)


def chunks[T](items: Sequence[T], size: int = BATCH) -> Iterator[Sequence[T]]:
    """``items`` in consecutive slices of at most ``size`` (SQS batch calls take 10 entries).

    >>> [list(chunk) for chunk in chunks(range(23))]  # doctest: +ELLIPSIS
    [[0, 1, ..., 9], [10, ..., 19], [20, 21, 22]]
    """
    for start in range(0, len(items), size):
        yield items[start : start + size]


def message_size(entry: Mapping[str, Any]) -> int:
    """Bytes SQS counts for one SendMessage(Batch) entry: the body plus each message attribute's name,
    data type and value (UTF-8), as the SQS quotas page defines a message's size.

    >>> number = {"DataType": "Number", "StringValue": "1"}
    >>> message_size({"MessageBody": "héllo", "MessageAttributes": {"N": number}})
    14
    """
    size = len(str(entry.get("MessageBody", "")).encode())
    for name, value in (entry.get("MessageAttributes") or {}).items():
        size += len(name.encode()) + len(str(value.get("DataType", "")).encode())
        data = value.get("BinaryValue", value.get("StringValue", ""))
        size += len(data) if isinstance(data, bytes | bytearray) else len(str(data).encode())
    return size


def send_batches[T: Mapping[str, Any]](entries: Sequence[T]) -> Iterator[Sequence[T]]:
    """``entries`` in consecutive SendMessageBatch calls: at most 10 and at most 1 MiB in each.

    An entry over 1 MiB on its own gets a batch of its own (SQS refuses it there, with its reason).

    >>> big = {"MessageBody": "x" * 600_000}
    >>> [len(batch) for batch in send_batches([big, big, {"MessageBody": "y"}])]
    [1, 2]
    """
    batch: list[T] = []
    size = 0
    for entry in entries:
        entry_size = message_size(entry)
        if batch and (len(batch) == BATCH or size + entry_size > MAX_MESSAGE_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(entry)
        size += entry_size
    if batch:
        yield batch


def queue_url_by_name(client: Any, name: str, endpoint_url: str | None = None) -> str | None:
    """GetQueueUrl: the URL of the queue ``name``, None when it does not exist.

    Any other failure (access denied, throttling, no answer) is a one-line :class:`UserError` (naming
    ``endpoint_url`` when given), so it is never mistaken for "not found".
    """
    where = f" at {endpoint_url}" if endpoint_url else ""
    try:
        with aws_call(f"GetQueueUrl {name}{where}"):
            return str(client.get_queue_url(QueueName=name)["QueueUrl"])
    except QueueNotFoundError:
        return None


def find_queue[T](name: str, lookup: Callable[[str], T | None]) -> T | None:
    """``lookup(name)``, else ``lookup(name + ".fifo")``; None when neither queue exists.

    ``lookup`` is one GetQueueUrl that returns None only for a queue that does not exist and raises
    :class:`UserError` for anything else (access denied, throttling), so those are never "not found".
    """
    for candidate in (name, f"{name}.fifo"):
        if (found := lookup(candidate)) is not None:
            return found
    return None


def job_entry(body: str, correlation_id: str | None, *, fifo: bool) -> dict[str, Any]:
    """One job as SendMessage / SendMessageBatch parameters (a batch entry still needs its ``Id``): the
    ``CorrelationId`` attribute when given; FIFO queues get a group (the correlation id, else
    ``workerctl``) and a unique deduplication id, so two sends of one body are two jobs."""
    item: dict[str, Any] = {"MessageBody": body}
    if correlation_id:
        item["MessageAttributes"] = {"CorrelationId": {"DataType": "String", "StringValue": correlation_id}}
    if fifo:
        item |= {"MessageGroupId": correlation_id or "workerctl", "MessageDeduplicationId": str(uuid.uuid4())}
    return item
