"""``dlq inspect``: what one dead-lettered message says (its worker metadata or SQS's move), and a
sample of the DLQ that leaves every message in place."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from queue_worker.correlation import correlation_id_for
from queue_worker.dead_letter import original_message_id, read_metadata
from workerctl.dlq.sqs_adapter import QueueRef, Received, SqsQueues
from workerctl.local.esm.records import lambda_record


@dataclass(frozen=True)
class Inspected:
    """What ``dlq inspect`` shows of one message."""

    message_id: str
    sent_at: str | None
    receive_count: int
    job_type: str | None
    error: str
    group_id: str | None = None
    correlation_id: str | None = None
    dead_letter: dict[str, Any] | None = None


def job_type(body: str) -> str | None:
    """The ``type`` of a ``{"type": ..., "payload": ...}`` envelope, else None."""
    try:
        envelope = json.loads(body)
    except (json.JSONDecodeError, RecursionError):
        return None
    if isinstance(envelope, dict) and isinstance(envelope.get("type"), str) and "payload" in envelope:
        return str(envelope["type"])
    return None


def as_record(message: Received) -> dict[str, Any]:
    """``message`` as Lambda would deliver it: the shape the worker's readers of it take."""
    raw = {"MessageId": message.message_id, "ReceiptHandle": message.receipt_handle, "Body": message.body}
    return lambda_record(
        {**raw, "Attributes": message.attributes, "MessageAttributes": message.message_attributes}, "", ""
    )


def correlation_id(message: Received) -> str:
    """The correlation id the worker logged for this job (search the logs with it).

    The worker's own rule (``queue_worker.correlation``) on the message as Lambda would deliver it,
    with the original message id for a message the worker dead-lettered (its DLQ id is a new one).
    """
    record = as_record(message)
    return correlation_id_for({**record, "messageId": original_message_id(record)})


def _whole(value: object) -> int | None:
    """``value`` as a whole number when it is one (``3``, ``"3"``), else None: metadata is untrusted."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip() if isinstance(value, str) else ""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 20 else None


def _sent_at(timestamp: object) -> str | None:
    milliseconds = _whole(timestamp)
    if milliseconds is None:
        return None
    try:
        return datetime.fromtimestamp(milliseconds / 1000, UTC).isoformat(timespec="seconds")
    except (OverflowError, OSError, ValueError):  # past year 9999
        return None


def describe(message: Received, max_receive_count: int | None = None) -> Inspected:
    """The worker's ``DeadLetter`` metadata, or "moved by SQS after N receives".

    N is the jobs queue's ``max_receive_count`` when known (SQS moved the message after exactly that
    many); else the DLQ's own count minus this inspection's receive (earlier inspections add to it).
    """
    metadata = read_metadata(as_record(message))
    if metadata is not None:
        receives = _whole(metadata.get("receiveCount")) or 0
        error = f"{metadata.get('errorType', 'Error')}: {metadata.get('errorMessage', '')}"
    else:
        receives = max_receive_count or max(
            (_whole(message.attributes.get("ApproximateReceiveCount")) or 1) - 1, 0
        )
        error = f"moved by SQS after {receives} receive{'' if receives == 1 else 's'}"
    return Inspected(
        message_id=message.message_id,
        sent_at=_sent_at(message.attributes.get("SentTimestamp")),
        receive_count=receives,
        job_type=job_type(message.body),
        error=error,
        group_id=message.attributes.get("MessageGroupId"),
        correlation_id=correlation_id(message),
        dead_letter=metadata,
    )


def sample(
    queues: SqsQueues, dlq: QueueRef, limit: int, visible: int, hold_seconds: int = 10
) -> list[Received]:
    """Up to ``limit`` distinct messages of the ``visible`` the caller counted; every one is made
    visible again before this returns."""
    held: dict[str, Received] = {}
    handles: list[str] = []
    try:
        while len(held) < min(limit, visible):
            batch = queues.receive(dlq, limit - len(held), hold_seconds)
            handles.extend(message.receipt_handle for message in batch)
            if not batch:
                break
            held.update((message.message_id, message) for message in batch)
    finally:
        queues.release(dlq, handles)
    return list(held.values())[:limit]
