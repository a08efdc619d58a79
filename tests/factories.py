"""Event factories: Lambda-shaped SQS records and batches, so tests never hand-build dicts."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from typing import Any

JOBS_QUEUE_ARN = "arn:aws:sqs:eu-west-1:123456789012:sqs-lambda-worker-test-jobs"
FIFO_QUEUE_ARN = JOBS_QUEUE_ARN + ".fifo"


def envelope(job_type: str = "checksum", payload: Any = None) -> str:
    """A job envelope body (``checksum`` of a short text by default)."""
    return json.dumps({"type": job_type, "payload": {"text": "hello"} if payload is None else payload})


def sqs_record(
    body: str | None = None,
    *,
    message_id: str | None = None,
    receive_count: int = 1,
    correlation_id: str | None = None,
    trace_header: str | None = None,
    group_id: str | None = None,
    sent_timestamp_ms: int = 1_795_464_000_000,
    extra_attributes: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One record exactly as Lambda delivers it from SQS."""
    message_id = message_id or str(uuid.uuid4())
    body = envelope() if body is None else body
    attributes: dict[str, str] = {
        "ApproximateReceiveCount": str(receive_count),
        "SentTimestamp": str(sent_timestamp_ms),
        "SenderId": "AIDAIENQZJOLO23YVJ4VO",
        "ApproximateFirstReceiveTimestamp": str(sent_timestamp_ms + 5),
    }
    if trace_header:
        attributes["AWSTraceHeader"] = trace_header
    if group_id:
        attributes.update(
            MessageGroupId=group_id, MessageDeduplicationId=message_id, SequenceNumber="1884949646046769"
        )
    message_attributes: dict[str, dict[str, Any]] = dict(extra_attributes or {})
    if correlation_id:
        message_attributes["CorrelationId"] = string_attribute(correlation_id)
    return {
        "messageId": message_id,
        "receiptHandle": f"rh-{message_id}",
        "body": body,
        "attributes": attributes,
        "messageAttributes": message_attributes,
        "md5OfBody": hashlib.md5(body.encode(), usedforsecurity=False).hexdigest(),
        "eventSource": "aws:sqs",
        "eventSourceARN": FIFO_QUEUE_ARN if group_id else JOBS_QUEUE_ARN,
        "awsRegion": "eu-west-1",
    }


def string_attribute(value: str) -> dict[str, Any]:
    """Lambda's shape of a String message attribute."""
    return {"stringValue": value, "stringListValues": [], "binaryListValues": [], "dataType": "String"}


def sqs_event(*records: dict[str, Any]) -> dict[str, Any]:
    """A batch event."""
    return {"Records": list(records)}


def binary_attribute(data: bytes) -> dict[str, Any]:
    """Lambda's shape of a Binary message attribute: the bytes base64-encoded."""
    return {
        "binaryValue": base64.b64encode(data).decode("ascii"),
        "stringListValues": [],
        "binaryListValues": [],
        "dataType": "Binary",
    }


def as_lambda_attributes(send_attributes: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """SendMessage ``MessageAttributes`` → what Lambda delivers for them (a redriven message's record)."""
    shaped: dict[str, dict[str, Any]] = {}
    for name, entry in send_attributes.items():
        if "BinaryValue" in entry:
            shaped[name] = {**binary_attribute(entry["BinaryValue"]), "dataType": entry["DataType"]}
        else:
            shaped[name] = {**string_attribute(entry["StringValue"]), "dataType": entry["DataType"]}
    return shaped
