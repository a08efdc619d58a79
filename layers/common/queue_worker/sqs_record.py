"""Tolerant reading of Lambda SQS records, and the check that an event is an SQS batch at all.

Lambda's records are well formed, but a test event, a replayed log or a hand-made ``sam local invoke``
file may not be. Each reader here returns a documented default instead of raising (docs/decisions.md):
``ApproximateReceiveCount`` missing or not a positive integer → 1; ``SentTimestamp`` missing → no age
observed; ``attributes``/``messageAttributes`` missing or not objects → empty; a message attribute
that is not an object → ignored by readers (and left out of a dead letter, which names it).
What cannot be defaulted is refused for the whole event by :func:`sqs_records`: a record without a
usable ``messageId`` could not be reported in ``batchItemFailures``, so processing the rest would let
SQS delete it unseen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from queue_worker.errors import InvalidEventError

SQS_EVENT_SOURCE = "aws:sqs"
MAX_DIGITS = 18  # epoch milliseconds need 13


def system_attributes_of(record: Mapping[str, Any]) -> Mapping[str, Any]:
    """``attributes`` (ApproximateReceiveCount, SentTimestamp, ...), empty when missing or malformed."""
    attributes = record.get("attributes")
    return attributes if isinstance(attributes, Mapping) else {}


def message_attributes_of(record: Mapping[str, Any]) -> Mapping[str, Mapping[str, Any]]:
    """``messageAttributes`` whose values are objects; anything else is treated as absent."""
    attributes = record.get("messageAttributes")
    if not isinstance(attributes, Mapping):
        return {}
    return {name: value for name, value in attributes.items() if isinstance(value, Mapping)}


def receive_count_of(record: Mapping[str, Any]) -> int:
    """``ApproximateReceiveCount`` as an int (1 when absent or not a positive integer)."""
    count = _digits(system_attributes_of(record).get("ApproximateReceiveCount"))
    return max(1, count) if count is not None else 1


def sent_timestamp_ms(record: Mapping[str, Any]) -> int | None:
    """``SentTimestamp`` in epoch milliseconds, None when absent or not digits."""
    return _digits(system_attributes_of(record).get("SentTimestamp"))


def _digits(raw: object) -> int | None:
    """An ASCII-digit string of sane length as an int (Lambda sends numbers as strings), else None."""
    if not isinstance(raw, str) or not (raw.isascii() and raw.isdigit()) or len(raw) > MAX_DIGITS:
        return None
    return int(raw)


def text_attribute(record: Mapping[str, Any], name: str) -> str | None:
    """A system attribute that must be text (``AWSTraceHeader``, ``MessageGroupId``), else None."""
    value = system_attributes_of(record).get(name)
    return value if isinstance(value, str) and value else None


def group_id_of(record: Mapping[str, Any]) -> str | None:
    """The FIFO ``MessageGroupId``, None for a standard queue."""
    return text_attribute(record, "MessageGroupId")


def is_fifo_record(record: Mapping[str, Any]) -> bool | None:
    """True/False from the source ARN (``.fifo`` or not); None when the record names no source."""
    arn = record.get("eventSourceARN")
    return arn.endswith(".fifo") if isinstance(arn, str) and arn else None


def _record_problem(index: int, record: object) -> str | None:
    if not isinstance(record, Mapping):
        return f"record {index} is not an object"
    source = record.get("eventSource")
    if source is not None and source != SQS_EVENT_SOURCE:
        return f"record {index} comes from {str(source)[:40]!r}, not {SQS_EVENT_SOURCE!r}"
    message_id = record.get("messageId")
    if not isinstance(message_id, str) or not message_id.strip():
        return f"record {index} has no usable messageId"
    return None


def sqs_records(event: object) -> Sequence[Mapping[str, Any]]:
    """The records of an SQS batch event, or :class:`InvalidEventError` saying why it is not one.

    Records whose ``attributes`` or ``messageAttributes`` are not objects come back with ``{}`` there.

    Refused: not an object, no non-empty ``Records`` list, a record that is not an object, comes from
    another source (S3, SNS...) or has no usable ``messageId``, and a batch mixing FIFO and standard
    queues (one event source mapping reads one queue). Records without a source ARN take no side.
    """
    records = event.get("Records") if isinstance(event, Mapping) else None
    if not isinstance(records, list) or not records:
        shape = type(event).__name__ if not isinstance(event, Mapping) else "an object without Records"
        raise InvalidEventError(f"not an SQS batch event: expected {{'Records': [...]}}, got {shape}")
    for index, record in enumerate(records):
        problem = _record_problem(index, record)
        if problem:
            raise InvalidEventError(f"not an SQS batch event: {problem}")
    kinds = {is_fifo_record(record) for record in records} - {None}
    if len(kinds) > 1:
        raise InvalidEventError("refused: the batch mixes FIFO and standard queue records")
    return [_with_object_containers(record) for record in records]


def _with_object_containers(record: Mapping[str, Any]) -> Mapping[str, Any]:
    """``attributes``/``messageAttributes`` that are not objects become ``{}`` (Powertools' processors
    call ``.get`` on them); the record itself is returned when both are fine (the common case)."""
    fixes: dict[str, dict[str, Any]] = {
        name: {}
        for name in ("attributes", "messageAttributes")
        if not isinstance(record.get(name, {}), Mapping)
    }
    return {**record, **fixes} if fixes else record


def is_fifo_batch(records: Sequence[Mapping[str, Any]]) -> bool:
    """True when the (validated) batch comes from a FIFO queue: every record that names a source does."""
    return any(is_fifo_record(record) for record in records)
