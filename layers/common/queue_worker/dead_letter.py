"""Direct dead-lettering of permanent failures: what the DLQ message carries.

The original body and message attributes are kept so a redrive replays the job exactly; the error
metadata rides in one ``DeadLetter`` attribute (JSON) because SQS allows only 10 attributes per message.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

DEAD_LETTER_ATTRIBUTE = "DeadLetter"
MAX_MESSAGE_ATTRIBUTES = 10
MAX_ERROR_MESSAGE_CHARS = 1_000


@dataclass(frozen=True)
class DeadLetterMessage:
    """A message ready for SendMessage on the DLQ."""

    body: str
    attributes: dict[str, dict[str, Any]]
    group_id: str | None = None
    deduplication_id: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


def to_send_attributes(lambda_attributes: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Lambda's record ``messageAttributes`` shape → SendMessage's ``MessageAttributes`` shape."""
    converted: dict[str, dict[str, Any]] = {}
    for name, value in lambda_attributes.items():
        data_type = value.get("dataType") or value.get("DataType") or "String"
        entry: dict[str, Any] = {"DataType": data_type}
        if value.get("stringValue") is not None:
            entry["StringValue"] = value["stringValue"]
        if value.get("binaryValue") is not None:
            entry["BinaryValue"] = value["binaryValue"]
        converted[name] = entry
    return converted


def dead_letter_message(
    record: Mapping[str, Any], error: Exception, failed_at: datetime
) -> DeadLetterMessage:
    """Build the DLQ message for a Lambda SQS ``record`` that failed permanently with ``error``."""
    attributes = record.get("attributes") or {}
    metadata: dict[str, Any] = {
        "errorType": type(error).__name__,
        "errorMessage": str(error)[:MAX_ERROR_MESSAGE_CHARS],
        "originalMessageId": record["messageId"],
        "receiveCount": int(attributes.get("ApproximateReceiveCount", "1")),
        "failedAt": failed_at.isoformat(timespec="milliseconds"),
        "sourceQueue": str(record.get("eventSourceARN", "")).rsplit(":", 1)[-1],
    }
    originals = to_send_attributes(record.get("messageAttributes") or {})
    if len(originals) >= MAX_MESSAGE_ATTRIBUTES:
        # No room for ours: keep the originals inside the metadata so nothing is lost.
        metadata["originalAttributes"] = originals
        originals = {}
    originals[DEAD_LETTER_ATTRIBUTE] = {"DataType": "String", "StringValue": json.dumps(metadata)}
    return DeadLetterMessage(
        body=str(record["body"]),
        attributes=originals,
        group_id=attributes.get("MessageGroupId"),
        deduplication_id=record["messageId"] if attributes.get("MessageGroupId") else None,
        metadata=metadata,
    )


def original_message_id(record: Mapping[str, Any]) -> str:
    """The id a job is known by: the first delivery's message id, kept across a DLQ redrive.

    A redriven message is a new SQS message; its ``DeadLetter`` attribute still names the original id,
    so the default idempotency key (and the job's ``message_id``) stay the same and side effects that
    already happened are not repeated.
    """
    attribute = (record.get("messageAttributes") or {}).get(DEAD_LETTER_ATTRIBUTE)
    if not attribute:  # the common case: a first delivery
        return str(record["messageId"])
    try:
        original = json.loads(attribute.get("stringValue") or "{}").get("originalMessageId")
    except (json.JSONDecodeError, AttributeError):
        original = None
    return original if isinstance(original, str) and original else str(record["messageId"])
