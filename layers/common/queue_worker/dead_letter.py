"""Direct dead-lettering of permanent failures: what the DLQ message carries, and whether to trust it.

The original body and message attributes are kept byte for byte so a redrive replays the job
exactly; the error metadata rides in one ``DeadLetter`` String attribute (JSON, format in docs/dlq.md)
because SQS allows only 10 attributes per message. A producer controls message attributes, so the
``originalMessageId`` of a ``DeadLetter`` attribute is believed only when its ``signature`` (HMAC-SHA256
with the stack's signing key over the original id and the body) verifies: otherwise a producer could
name another job's id and have its job skipped as a replay. Pure functions: the CLI imports them too.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from queue_worker.sqs_record import group_id_of, message_attributes_of, receive_count_of, text_attribute

DEAD_LETTER_ATTRIBUTE = "DeadLetter"
MAX_MESSAGE_ATTRIBUTES = 10
MAX_ERROR_MESSAGE_CHARS = 1_000
SIGNATURE_FIELD = "signature"
SIGNATURE_PREFIX = "hmac-sha256:"


@dataclass(frozen=True)
class DeadLetterMessage:
    """A message ready for SendMessage on the DLQ (``BinaryValue`` attributes are bytes)."""

    body: str
    attributes: dict[str, dict[str, Any]]
    group_id: str | None = None
    deduplication_id: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    trace_header: str | None = None  # the record's AWSTraceHeader, sent on as a system attribute


class Trust(StrEnum):
    """What a record's ``DeadLetter`` attribute is worth for the job's identity."""

    ABSENT = "absent"  # a first delivery: the job is known by its own message id
    VERIFIED = "verified"  # signed by this stack: the job keeps its first delivery's id
    UNVERIFIED = "unverified"  # missing, malformed or wrong signature: ignored (logged as a warning)


@dataclass(frozen=True)
class JobIdentity:
    """The id a job is known by (its idempotency key's default) and why."""

    message_id: str
    trust: Trust


def signature(key: bytes, original_message_id: str, body: str) -> str:
    """``hmac-sha256:<hex>`` over the JSON text ``[original_message_id, body]`` (unambiguous framing).

    >>> signature(b"k", "m-1", "{}")[:12]
    'hmac-sha256:'
    """
    text = json.dumps([original_message_id, body])
    return SIGNATURE_PREFIX + hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def read_metadata(record: Mapping[str, Any]) -> dict[str, Any] | None:
    """The ``DeadLetter`` JSON object of a Lambda SQS record; None when absent or not an object."""
    attribute = message_attributes_of(record).get(DEAD_LETTER_ATTRIBUTE)
    raw = attribute.get("stringValue") if attribute is not None else None
    if not isinstance(raw, str):
        return None
    try:
        value = json.loads(raw)
    except (json.JSONDecodeError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def original_message_id(record: Mapping[str, Any]) -> str:
    """The original id the ``DeadLetter`` attribute *claims* (unverified: for display, e.g. the CLI).

    The worker uses :func:`job_identity`, which believes the claim only with a valid signature.
    """
    claimed = (read_metadata(record) or {}).get("originalMessageId")
    return claimed if isinstance(claimed, str) and claimed else str(record.get("messageId", ""))


def job_identity(record: Mapping[str, Any], key: bytes | None) -> JobIdentity:
    """The record's own id, or the first delivery's id when the ``DeadLetter`` signature verifies."""
    own = str(record.get("messageId", ""))
    if DEAD_LETTER_ATTRIBUTE not in message_attributes_of(record):
        return JobIdentity(own, Trust.ABSENT)
    metadata = read_metadata(record) or {}
    claimed, signed = metadata.get("originalMessageId"), metadata.get(SIGNATURE_FIELD)
    body = record.get("body")
    if key and isinstance(claimed, str) and claimed and isinstance(signed, str) and isinstance(body, str):
        expected = signature(key, claimed, body).encode()
        if hmac.compare_digest(signed.encode("utf-8", "surrogatepass"), expected):
            return JobIdentity(claimed, Trust.VERIFIED)
    return JobIdentity(own, Trust.UNVERIFIED)


def to_send_attributes(lambda_attributes: Mapping[str, Any]) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Lambda's ``messageAttributes`` → SendMessage's ``MessageAttributes``, and the names left out.

    Lambda hands ``binaryValue`` base64-encoded; SendMessage takes the bytes, so they are decoded here
    (the DLQ gets the producer's bytes, not their base64 text). An entry that is not an object, has no
    value or carries invalid base64 cannot be sent: it is left out and named.
    """
    converted: dict[str, dict[str, Any]] = {}
    dropped: list[str] = []
    for name, value in lambda_attributes.items():
        entry = _send_attribute(value)
        if entry is None:
            dropped.append(str(name))
        else:
            converted[str(name)] = entry
    return converted, dropped


def _send_attribute(value: object) -> dict[str, Any] | None:
    if not isinstance(value, Mapping):
        return None
    data_type = value.get("dataType") or value.get("DataType") or "String"
    entry: dict[str, Any] = {"DataType": str(data_type)}
    if isinstance(value.get("stringValue"), str):
        entry["StringValue"] = value["stringValue"]
    elif isinstance(value.get("binaryValue"), str):
        try:
            entry["BinaryValue"] = base64.b64decode(value["binaryValue"], validate=True)
        except (binascii.Error, ValueError):
            return None
    else:
        return None
    return entry


def to_metadata_attributes(attributes: Mapping[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """SendMessage attributes → their JSON form inside ``originalAttributes`` (bytes as base64 text)."""
    return {
        name: {
            key: base64.b64encode(value).decode("ascii") if isinstance(value, bytes) else value
            for key, value in entry.items()
        }
        for name, entry in attributes.items()
    }


def folded_attributes(metadata: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``originalAttributes`` of a ``DeadLetter`` metadata object in SendMessage's shape (bytes decoded).

    What a redrive sends back when the originals were folded (ten of them left no room for ours).
    Entries that are not ``{"DataType", "StringValue"|"BinaryValue"}`` objects are skipped.
    """
    folded = metadata.get("originalAttributes")
    if not isinstance(folded, Mapping):
        return {}
    restored: dict[str, dict[str, Any]] = {}
    for name, entry in folded.items():
        if not isinstance(entry, Mapping) or not isinstance(entry.get("DataType"), str):
            continue
        if isinstance(entry.get("StringValue"), str):
            restored[str(name)] = {"DataType": entry["DataType"], "StringValue": entry["StringValue"]}
        elif isinstance(entry.get("BinaryValue"), str):
            try:
                data = base64.b64decode(entry["BinaryValue"], validate=True)
            except (binascii.Error, ValueError):
                continue
            restored[str(name)] = {"DataType": entry["DataType"], "BinaryValue": data}
    return restored


def dead_letter_message(
    record: Mapping[str, Any],
    error: Exception,
    failed_at: datetime,
    *,
    signing_key: bytes | None = None,
    identity: JobIdentity | None = None,
) -> DeadLetterMessage:
    """Build the DLQ message for a Lambda SQS ``record`` that failed permanently with ``error``.

    ``identity`` (default: :func:`job_identity`) gives ``originalMessageId``, so a redriven message that
    fails again keeps the first delivery's id. A ``DeadLetter`` attribute the record already carries is
    replaced by the new one (never folded or counted among the originals).
    """
    identity = identity or job_identity(record, signing_key)
    body = record.get("body")
    body = body if isinstance(body, str) else ""
    metadata: dict[str, Any] = {
        "errorType": type(error).__name__,
        "errorMessage": str(error)[:MAX_ERROR_MESSAGE_CHARS],
        "originalMessageId": identity.message_id,
        "receiveCount": receive_count_of(record),
        "failedAt": failed_at.isoformat(timespec="milliseconds"),
        "sourceQueue": str(record.get("eventSourceARN", "")).rsplit(":", 1)[-1],
    }
    carried = record.get("messageAttributes")  # all of them: what cannot be copied is named below
    carried = carried if isinstance(carried, Mapping) else {}
    lambda_attributes = {name: value for name, value in carried.items() if name != DEAD_LETTER_ATTRIBUTE}
    originals, dropped = to_send_attributes(lambda_attributes)
    if dropped:
        metadata["droppedAttributes"] = dropped
    if len(originals) >= MAX_MESSAGE_ATTRIBUTES:
        # No room for ours: keep the originals inside the metadata so nothing is lost.
        metadata["originalAttributes"] = to_metadata_attributes(originals)
        originals = {}
    if signing_key:
        metadata[SIGNATURE_FIELD] = signature(signing_key, identity.message_id, body)
    originals[DEAD_LETTER_ATTRIBUTE] = {"DataType": "String", "StringValue": json.dumps(metadata)}
    group_id = group_id_of(record)
    return DeadLetterMessage(
        body=body,
        attributes=originals,
        group_id=group_id,
        deduplication_id=str(record.get("messageId", "")) if group_id else None,
        metadata=metadata,
        trace_header=text_attribute(record, "AWSTraceHeader"),
    )
