"""``dlq inspect``: what one dead-lettered message says (its worker metadata or SQS's move), and a
sample of the DLQ that leaves every message in place."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from queue_worker.correlation import correlation_id_for
from queue_worker.dead_letter import DEAD_LETTER_ATTRIBUTE, original_message_id
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
    except json.JSONDecodeError:
        return None
    if isinstance(envelope, dict) and isinstance(envelope.get("type"), str) and "payload" in envelope:
        return str(envelope["type"])
    return None


def _dead_letter(message: Received) -> dict[str, Any] | None:
    raw = message.message_attributes.get(DEAD_LETTER_ATTRIBUTE, {}).get("StringValue")
    try:
        value = json.loads(raw) if raw else None
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def correlation_id(message: Received) -> str:
    """The correlation id the worker logged for this job (search the logs with it).

    The worker's own rule (``queue_worker.correlation``) on the message as Lambda would deliver it,
    with the original message id for a message the worker dead-lettered (its DLQ id is a new one).
    """
    raw = {"MessageId": message.message_id, "ReceiptHandle": message.receipt_handle, "Body": message.body}
    record = lambda_record(
        {**raw, "Attributes": message.attributes, "MessageAttributes": message.message_attributes}, "", ""
    )
    return correlation_id_for({**record, "messageId": original_message_id(record)})


def describe(message: Received, max_receive_count: int | None = None) -> Inspected:
    """The worker's ``DeadLetter`` metadata, or "moved by SQS after N receives".

    N is the jobs queue's ``max_receive_count`` when known (SQS moved the message after exactly that
    many); else the DLQ's own count minus this inspection's receive (earlier inspections add to it).
    """
    metadata = _dead_letter(message)
    sent = message.attributes.get("SentTimestamp")
    if metadata is not None:
        receives = int(metadata.get("receiveCount", 0))
        error = f"{metadata.get('errorType', 'Error')}: {metadata.get('errorMessage', '')}"
    else:
        receives = max_receive_count or max(
            int(message.attributes.get("ApproximateReceiveCount", "1")) - 1, 0
        )
        error = f"moved by SQS after {receives} receive{'' if receives == 1 else 's'}"
    return Inspected(
        message_id=message.message_id,
        sent_at=datetime.fromtimestamp(int(sent) / 1000, UTC).isoformat(timespec="seconds") if sent else None,
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
