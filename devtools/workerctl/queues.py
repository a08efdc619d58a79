"""Queue look-up by name and SQS's batch limit, shared by both wings (CLI commands and local runtime)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from workerctl.aws import aws_call
from workerctl.errors import QueueNotFoundError

BATCH = 10  # SQS's limit per ReceiveMessage and per Send/Delete/ChangeMessageVisibility batch


def chunks[T](items: Sequence[T], size: int = BATCH) -> Iterator[Sequence[T]]:
    """``items`` in consecutive slices of at most ``size`` (SQS batch calls take 10 entries).

    >>> [list(chunk) for chunk in chunks(range(23))]  # doctest: +ELLIPSIS
    [[0, 1, ..., 9], [10, ..., 19], [20, 21, 22]]
    """
    for start in range(0, len(items), size):
        yield items[start : start + size]


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
