"""Record shape: the SQS event Lambda delivers (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html)."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from tests.conformance.harness import Emulator

RECORD_KEYS = [
    "messageId",
    "receiptHandle",
    "body",
    "attributes",
    "messageAttributes",
    "md5OfBody",
    "eventSource",
    "eventSourceARN",
    "awsRegion",
]


def delivered(emulator: Emulator, fifo: bool = False, **send: Any) -> dict[str, Any]:
    """The one record an invocation receives after SendMessage(``send``)."""
    events: list[dict[str, Any]] = []
    mapping = emulator.mapping(events.append, fifo=fifo)
    mapping.send(**{"body": "hello", **send})
    mapping.run_once()
    ((record,),) = [event["Records"] for event in events]
    return dict(record)


def test_record_has_lambdas_keys_in_lambdas_order(emulator: Emulator) -> None:
    """https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html (example standard queue message event)"""
    record = delivered(emulator)
    assert list(record) == RECORD_KEYS
    assert (record["eventSource"], record["awsRegion"]) == ("aws:sqs", "eu-west-1")
    assert record["eventSourceARN"].startswith("arn:aws:sqs:eu-west-1:")


def test_md5_of_body_is_the_md5_of_the_body(emulator: Emulator) -> None:
    """https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html (md5OfBody)"""
    record = delivered(emulator, body="héllo wörld")
    assert record["md5OfBody"] == hashlib.md5("héllo wörld".encode()).hexdigest()


def test_md5_of_message_attributes_is_the_one_sqs_computes(emulator: Emulator) -> None:
    """https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html#sqs-attributes-md5-message-digest-calculation"""
    attributes = {
        "CorrelationId": {"DataType": "String", "StringValue": "order-7"},
        "Blob": {"DataType": "Binary", "BinaryValue": b"\x00\xff"},
        "Count": {"DataType": "Number.int", "StringValue": "12"},
    }
    sent = emulator.sqs.send_message(
        QueueUrl=emulator.queue()[0], MessageBody="x", MessageAttributes=attributes
    )["MD5OfMessageAttributes"]
    record = delivered(emulator, MessageAttributes=attributes)
    assert record["md5OfMessageAttributes"] == sent
    assert list(record).index("md5OfMessageAttributes") == list(record).index("md5OfBody") - 1


def test_md5_of_message_attributes_is_absent_without_attributes(emulator: Emulator) -> None:
    """https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html (a message without attributes)"""
    assert "md5OfMessageAttributes" not in delivered(emulator)


def test_message_attributes_take_lambdas_camel_case_shape(emulator: Emulator) -> None:
    """https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html (messageAttributes)"""
    record = delivered(
        emulator,
        MessageAttributes={
            "CorrelationId": {"DataType": "String", "StringValue": "c-1"},
            "Blob": {"DataType": "Binary", "BinaryValue": b"\x01\x02"},
        },
    )
    assert record["messageAttributes"] == {
        "CorrelationId": {
            "stringValue": "c-1",
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": "String",
        },
        "Blob": {
            "binaryValue": base64.b64encode(b"\x01\x02").decode(),
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": "Binary",
        },
    }


def test_system_attributes_are_strings_in_lambdas_order(emulator: Emulator) -> None:
    """https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html (attributes)"""
    attributes = delivered(emulator)["attributes"]
    assert list(attributes)[:4] == [
        "ApproximateReceiveCount",
        "SentTimestamp",
        "SenderId",
        "ApproximateFirstReceiveTimestamp",
    ]
    assert attributes["ApproximateReceiveCount"] == "1"
    assert all(isinstance(value, str) for value in attributes.values())


def test_fifo_records_carry_group_sequence_and_deduplication(emulator: Emulator) -> None:
    """https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html (example FIFO queue message event)"""
    attributes = delivered(emulator, fifo=True, MessageGroupId="g-1")["attributes"]
    assert attributes["MessageGroupId"] == "g-1"
    assert attributes["SequenceNumber"].isdigit()
    assert attributes["MessageDeduplicationId"]
    assert list(attributes).index("SequenceNumber") < list(attributes).index("MessageGroupId")
