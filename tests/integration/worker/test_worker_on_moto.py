"""The worker handler wired to real adapters on moto: DLQ routing, backoff visibility, once-only jobs."""

from __future__ import annotations

import json
from typing import Any

import worker_handler
from tests.factories import envelope, sqs_event, sqs_record


def received_records(sqs: Any, url: str, count: int) -> list[dict[str, Any]]:
    """Receive ``count`` messages and shape them as Lambda records (real receipt handles)."""
    messages: list[dict[str, Any]] = []
    while len(messages) < count:
        batch = sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=10,
            MessageAttributeNames=["All"],
            MessageSystemAttributeNames=["All"],
        ).get("Messages", [])
        assert batch, "queue drained early"
        messages += batch
    return [
        sqs_record(
            m["Body"],
            message_id=m["MessageId"],
            receive_count=int(m["Attributes"]["ApproximateReceiveCount"]),
        )
        | {"receiptHandle": m["ReceiptHandle"]}
        for m in messages
    ]


def test_permanent_goes_to_dlq_fan_out_sends_once(
    sqs: Any, wired: dict[str, str], lambda_context: Any
) -> None:
    fan_out = envelope("fan_out", {"jobs": [{"type": "checksum", "payload": {"text": "child"}}]})
    for body in (fan_out, envelope("no_such_type", {}), envelope("checksum", {"text": "ok"})):
        sqs.send_message(QueueUrl=wired["jobs"], MessageBody=body)
    records = received_records(sqs, wired["jobs"], 3)
    event = sqs_event(*records)

    first = worker_handler.lambda_handler(event, lambda_context)
    second = worker_handler.lambda_handler(event, lambda_context)  # an at-least-once duplicate delivery

    assert first == second == {"batchItemFailures": []}
    dead = sqs.receive_message(QueueUrl=wired["dlq"], MaxNumberOfMessages=10, MessageAttributeNames=["All"])[
        "Messages"
    ]
    assert [json.loads(m["Body"])["type"] for m in dead] == ["no_such_type"]
    children = sqs.receive_message(QueueUrl=wired["jobs"], MaxNumberOfMessages=10, VisibilityTimeout=0)
    assert [json.loads(m["Body"])["payload"] for m in children["Messages"]] == [{"text": "child"}]


def test_a_skipped_record_is_visible_again_at_once(
    sqs: Any, wired: dict[str, str], lambda_context: Any
) -> None:
    sqs.send_message(QueueUrl=wired["jobs"], MessageBody=envelope("checksum", {"text": "late"}))
    event = sqs_event(*received_records(sqs, wired["jobs"], 1))
    lambda_context.remaining_ms = 1_000  # below the default 5 s margin
    response = worker_handler.lambda_handler(event, lambda_context)
    assert len(response["batchItemFailures"]) == 1
    again = sqs.receive_message(QueueUrl=wired["jobs"]).get("Messages", [])
    assert [json.loads(m["Body"])["payload"]["text"] for m in again] == ["late"]
