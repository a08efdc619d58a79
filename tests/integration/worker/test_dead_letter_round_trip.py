"""The dead-letter side of the round trip on moto: what a producer sent is what the DLQ holds.

A message with string, number, custom and binary attributes, a correlation id and a trace header
(and one with ten attributes) goes through the worker, fails permanently and lands in the DLQ with
the same body, the same attributes byte for byte, the same trace header, and a signed ``DeadLetter``
attribute; copied back to the jobs queue (what a redrive does) and failing again, it keeps the first
delivery's id.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

import worker_handler
from queue_worker.dead_letter import DEAD_LETTER_ATTRIBUTE, folded_attributes, signature
from queue_worker.settings import worker_settings
from tests.factories import JOBS_QUEUE_ARN, envelope
from workerctl.local.esm.records import lambda_record

KEY = "round-trip-signing-key-0123456789abcdef"
TRACE = "Root=1-691f3c2a-4f1e2d3c4b5a69788796a5b4;Parent=53995c3f42cd8ad8;Sampled=1"
ATTRIBUTES = {
    "CorrelationId": {"DataType": "String", "StringValue": "corr-rt"},
    "Amount": {"DataType": "Number", "StringValue": "42.50"},
    "Note": {"DataType": "String.custom", "StringValue": "héllo ✓"},
    "Blob": {"DataType": "Binary", "BinaryValue": bytes(range(256))},
    "Tagged": {"DataType": "Binary.png", "BinaryValue": b"\x89PNG\r\n\x1a\n\x00"},
}


@pytest.fixture
def wired(queues: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    monkeypatch.setenv("JOBS_QUEUE_URL", queues["jobs"])
    monkeypatch.setenv("DEAD_LETTER_QUEUE_URL", queues["dlq"])
    monkeypatch.setenv("DEAD_LETTER_SIGNING_KEY", KEY)
    monkeypatch.delenv("IDEMPOTENCY_TABLE_NAME", raising=False)
    for cached in (worker_settings, worker_handler.dependencies):
        cached.cache_clear()
    yield queues
    for cached in (worker_settings, worker_handler.dependencies):
        cached.cache_clear()


def receive_one(sqs: Any, url: str) -> dict[str, Any]:
    [message] = sqs.receive_message(
        QueueUrl=url,
        MaxNumberOfMessages=1,
        MessageAttributeNames=["All"],
        MessageSystemAttributeNames=["All"],
    )["Messages"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return message


def run_worker(sqs: Any, url: str, lambda_context: Any) -> str:
    """Deliver the queue's next message to the worker as Lambda would; return its message id."""
    message = receive_one(sqs, url)
    event = {"Records": [lambda_record(message, JOBS_QUEUE_ARN, "eu-west-1")]}
    assert worker_handler.lambda_handler(event, lambda_context) == {"batchItemFailures": []}
    return str(message["MessageId"])


def send(sqs: Any, url: str, body: str, attributes: dict[str, Any]) -> None:
    sqs.send_message(
        QueueUrl=url,
        MessageBody=body,
        MessageAttributes=attributes,
        MessageSystemAttributes={"AWSTraceHeader": {"DataType": "String", "StringValue": TRACE}},
    )


def test_the_dlq_holds_the_producers_message_and_a_redrive_keeps_the_first_id(
    sqs: Any, wired: dict[str, str], lambda_context: Any
) -> None:
    body = envelope("no_such_type", {"nested": ["ü", 1.5, None]})
    send(sqs, wired["jobs"], body, ATTRIBUTES)
    first_id = run_worker(sqs, wired["jobs"], lambda_context)

    dead = receive_one(sqs, wired["dlq"])
    assert dead["Body"] == body
    attributes = dict(dead["MessageAttributes"])
    metadata = json.loads(attributes.pop(DEAD_LETTER_ATTRIBUTE)["StringValue"])
    assert attributes == ATTRIBUTES  # every attribute byte for byte: binary values are the bytes sent
    assert dead["Attributes"]["AWSTraceHeader"] == TRACE
    assert metadata["originalMessageId"] == first_id
    assert metadata["signature"] == signature(KEY.encode(), first_id, body)

    # A redrive sends the dead letter back as it is; failing again, it keeps the first id.
    send(sqs, wired["jobs"], dead["Body"], dead["MessageAttributes"])
    assert run_worker(sqs, wired["jobs"], lambda_context) != first_id
    again = receive_one(sqs, wired["dlq"])
    second = json.loads(again["MessageAttributes"][DEAD_LETTER_ATTRIBUTE]["StringValue"])
    assert second["originalMessageId"] == first_id
    assert {k: v for k, v in again["MessageAttributes"].items() if k != DEAD_LETTER_ATTRIBUTE} == ATTRIBUTES


def test_ten_attributes_are_folded_and_come_back_byte_for_byte(
    sqs: Any, wired: dict[str, str], lambda_context: Any
) -> None:
    ten = {**ATTRIBUTES, **{f"Extra{i}": {"DataType": "String", "StringValue": f"v{i}"} for i in range(5)}}
    assert len(ten) == 10
    send(sqs, wired["jobs"], "not even json", ten)
    run_worker(sqs, wired["jobs"], lambda_context)
    dead = receive_one(sqs, wired["dlq"])
    assert list(dead["MessageAttributes"]) == [DEAD_LETTER_ATTRIBUTE]
    metadata = json.loads(dead["MessageAttributes"][DEAD_LETTER_ATTRIBUTE]["StringValue"])
    assert folded_attributes(metadata) == ten
    assert dead["Body"] == "not even json"
    assert dead["Attributes"]["AWSTraceHeader"] == TRACE
