"""Dead-letter then redrive gives back the message as its producer sent it, byte for byte.

The real path on moto: a producer's message on the jobs queue, received as the event source mapping
receives it (``lambda_record``, Lambda's shape), a permanent failure in the real worker handler (it
dead-letters the message itself), then ``workerctl dlq redrive``. The redriven message must carry the
original body and every original attribute (string, number, binary, ten of them, a correlation id)
and the trace header (checked in the redrive's request: moto's SendMessageBatch drops it);
``DeadLetter`` rides along when there is room (it keeps the job's first id).
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

import worker_handler
from tests.factories import envelope
from workerctl import cli
from workerctl.cli.dlq import command as dlq_command
from workerctl.dlq.sqs_adapter import SqsQueues
from workerctl.local.esm.records import lambda_record

CLI = ["--endpoint-url", "aws", "--stack", "it"]  # moto intercepts the AWS endpoints
TRACE = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
BODY = envelope("no_such_type", {"text": "héllo ✓", "n": 1})  # an unknown type: a permanent failure


def string(value: str, data_type: str = "String") -> dict[str, Any]:
    return {"DataType": data_type, "StringValue": value}


def binary(value: bytes, data_type: str = "Binary") -> dict[str, Any]:
    return {"DataType": data_type, "BinaryValue": value}


TEN = {
    "CorrelationId": string("corr-10"),
    **{f"Text{n}": string(f"value {n} ✓") for n in range(4)},
    "Count": string("-12.50", "Number"),
    "Count.int": string("7", "Number.int"),
    "Raw": binary(bytes(range(256))),
    "Raw.png": binary(b"\x89PNG\r\n\x1a\n\x00\xff", "Binary.png"),
    "Empty-ish": string(" "),
}
CASES: dict[str, dict[str, Any]] = {
    "string": {"Note": string("héllo ✓ \t spaces ")},
    "number": {"Attempt": string("3.50", "Number"), "Big": string("-1e30", "Number.float")},
    "binary": {"Blob": binary(b"\x00\x01\xfe\xffbinary\x80")},
    "correlation-id": {"CorrelationId": string("corr-1")},
    "ten-attributes": TEN,
}


def receive_one(sqs: Any, url: str) -> dict[str, Any]:
    answer = sqs.receive_message(
        QueueUrl=url,
        MaxNumberOfMessages=10,
        MessageAttributeNames=["All"],
        MessageSystemAttributeNames=["All"],
    )
    messages = answer.get("Messages", [])
    assert len(messages) == 1, messages
    return dict(messages[0])


def dead_letter_then_redrive(
    sqs: Any, queues: dict[str, str], lambda_context: Any, attributes: dict[str, Any], trace: str | None
) -> tuple[str, dict[str, Any]]:
    """Produce, fail permanently in the worker, redrive; returns the first message id and the redriven."""
    extra = {"MessageSystemAttributes": {"AWSTraceHeader": string(trace)}} if trace else {}
    sqs.send_message(QueueUrl=queues["jobs"], MessageBody=BODY, MessageAttributes=attributes, **extra)
    first = receive_one(sqs, queues["jobs"])
    assert first["Attributes"].get("AWSTraceHeader") == trace  # moto keeps it: what follows is ours
    jobs_arn = sqs.get_queue_attributes(QueueUrl=queues["jobs"], AttributeNames=["QueueArn"])["Attributes"]
    record = lambda_record(first, jobs_arn["QueueArn"], "eu-west-1")
    assert worker_handler.lambda_handler({"Records": [record]}, lambda_context) == {"batchItemFailures": []}
    sqs.delete_message(QueueUrl=queues["jobs"], ReceiptHandle=first["ReceiptHandle"])  # as the mapping does
    assert cli.main(["dlq", "redrive", *CLI]) == 0
    return str(first["MessageId"]), receive_one(sqs, queues["jobs"])


@pytest.mark.parametrize("attributes", CASES.values(), ids=CASES.keys())
def test_redrive_restores_body_and_attributes(
    sqs: Any, wired: dict[str, str], lambda_context: Any, attributes: dict[str, Any]
) -> None:
    # When a producer's message is dead-lettered by the worker and redriven
    first_id, redriven = dead_letter_then_redrive(sqs, wired, lambda_context, attributes, trace=None)
    # Then it is the producer's message again, byte for byte
    assert redriven["Body"] == BODY
    restored = dict(redriven.get("MessageAttributes", {}))
    dead_letter = restored.pop("DeadLetter", None)
    assert restored == attributes
    # And DeadLetter rides along when there is room: it keeps the job's first message id
    if len(attributes) < 10:
        assert dead_letter is not None
        assert json.loads(dead_letter["StringValue"])["originalMessageId"] == first_id
    else:
        assert dead_letter is None


def test_redrive_restores_the_trace_header(
    sqs: Any, wired: dict[str, str], lambda_context: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the redrive's own client, recording its SendMessageBatch entries: moto drops an entry's
    # MessageSystemAttributes (its SendMessage keeps them; AWS keeps both), so past the DLQ the
    # request is what can be checked
    sent: list[dict[str, Any]] = []
    client = boto3.client("sqs", region_name="eu-west-1")
    client.meta.events.register(
        "provide-client-params.sqs.SendMessageBatch", lambda params, **_: sent.extend(params["Entries"])
    )
    monkeypatch.setattr(dlq_command, "make_queues", lambda _args: SqsQueues(client))
    attributes = {"CorrelationId": string("corr-t")}
    # When
    _, redriven = dead_letter_then_redrive(sqs, wired, lambda_context, attributes, trace=TRACE)
    # Then the worker kept the trace header in the DLQ and the redrive sends it back with the message
    assert redriven["Body"] == BODY
    assert {k: v for k, v in redriven["MessageAttributes"].items() if k != "DeadLetter"} == attributes
    [entry] = sent
    assert entry["MessageSystemAttributes"] == {"AWSTraceHeader": string(TRACE)}
