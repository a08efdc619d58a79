"""ReceiveMessage output → the SQS event Lambda delivers (every record field, Lambda's shapes).

Lambda renames and reshapes what SQS returns: camelCase keys, system attributes as strings in a fixed
order, message attributes as ``{stringValue, binaryValue, stringListValues, binaryListValues,
dataType}`` with binary values base64-encoded. Compare events/sqs-mixed-batch.json.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from typing import Any

from workerctl.local.esm.md5 import message_attributes_md5

# Lambda's order; SQS may return others (they are passed through after these).
SYSTEM_ATTRIBUTES = (
    "ApproximateReceiveCount",
    "SentTimestamp",
    "SenderId",
    "ApproximateFirstReceiveTimestamp",
    "AWSTraceHeader",
    "SequenceNumber",
    "MessageGroupId",
    "MessageDeduplicationId",
    "DeadLetterQueueSourceArn",
)


def _b64(value: bytes | str) -> str:
    raw = value.encode() if isinstance(value, str) else value
    return base64.b64encode(raw).decode("ascii")


def lambda_message_attribute(value: Mapping[str, Any]) -> dict[str, Any]:
    """One SQS ``MessageAttributeValue`` in Lambda's record shape."""
    shaped: dict[str, Any] = {}
    if value.get("StringValue") is not None:
        shaped["stringValue"] = value["StringValue"]
    if value.get("BinaryValue") is not None:
        shaped["binaryValue"] = _b64(value["BinaryValue"])
    shaped["stringListValues"] = list(value.get("StringListValues") or [])
    shaped["binaryListValues"] = [_b64(item) for item in value.get("BinaryListValues") or []]
    shaped["dataType"] = value.get("DataType", "String")
    return shaped


def lambda_attributes(attributes: Mapping[str, str]) -> dict[str, str]:
    """System attributes in Lambda's order (known ones first), all as strings."""
    ordered = {name: str(attributes[name]) for name in SYSTEM_ATTRIBUTES if name in attributes}
    ordered.update({name: str(value) for name, value in attributes.items() if name not in ordered})
    return ordered


def lambda_record(message: Mapping[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    """One ReceiveMessage ``Message`` → one Lambda SQS record."""
    attributes = message.get("MessageAttributes") or {}
    record: dict[str, Any] = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message.get("Body", ""),
        "attributes": lambda_attributes(message.get("Attributes") or {}),
        "messageAttributes": {name: lambda_message_attribute(v) for name, v in attributes.items()},
    }
    attributes_md5 = message_attributes_md5(attributes)
    if attributes_md5 is not None:  # Lambda's key order: after messageAttributes, before md5OfBody
        record["md5OfMessageAttributes"] = attributes_md5
    return record | {
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }


def lambda_event(records: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The invocation payload for a batch of records."""
    return {"Records": list(records)}
