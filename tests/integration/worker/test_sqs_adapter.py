"""The SQS adapter against moto: onward sends, dead letters, visibility changes, errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from queue_worker.adapters.sqs_queue import SqsJobQueue
from queue_worker.dead_letter import DEAD_LETTER_ATTRIBUTE, dead_letter_message
from queue_worker.envelope import JobEnvelope
from queue_worker.errors import QueueUnavailableError
from tests.factories import binary_attribute, sqs_record

TRACE = "Root=1-691f3c2a-4f1e2d3c4b5a69788796a5b4;Parent=53995c3f42cd8ad8;Sampled=1"


def receive_all(sqs: Any, url: str) -> list[dict[str, Any]]:
    return sqs.receive_message(
        QueueUrl=url,
        MaxNumberOfMessages=10,
        MessageAttributeNames=["All"],
        MessageSystemAttributeNames=["All"],
    ).get("Messages", [])


def test_send_job_carries_the_correlation_id_and_trace_header(sqs: Any, queues: dict[str, str]) -> None:
    queue = SqsJobQueue(queues["jobs"])
    queue.send_job(JobEnvelope(type="checksum", payload={"text": "x"}), "corr-1", TRACE)
    [message] = receive_all(sqs, queues["jobs"])
    assert json.loads(message["Body"]) == {"type": "checksum", "payload": {"text": "x"}}
    assert message["MessageAttributes"]["CorrelationId"]["StringValue"] == "corr-1"
    assert message["Attributes"]["AWSTraceHeader"] == TRACE


def test_dead_letters_keep_body_attributes_and_metadata(sqs: Any, queues: dict[str, str]) -> None:
    record = sqs_record('{"type": "nope"}', message_id="orig-1", correlation_id="corr-2", receive_count=1)
    SqsJobQueue(queues["dlq"]).send_dead_letter(
        dead_letter_message(record, ValueError("boom"), datetime.now(UTC))
    )
    [message] = receive_all(sqs, queues["dlq"])
    assert message["Body"] == '{"type": "nope"}'
    assert message["MessageAttributes"]["CorrelationId"]["StringValue"] == "corr-2"
    metadata = json.loads(message["MessageAttributes"][DEAD_LETTER_ATTRIBUTE]["StringValue"])
    assert (metadata["originalMessageId"], metadata["errorType"]) == ("orig-1", "ValueError")


def test_fifo_dead_letters_keep_their_group(sqs: Any, aws: None) -> None:
    url = sqs.create_queue(QueueName="it-dlq.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    record = sqs_record(message_id="orig-3", group_id="customer-9")
    SqsJobQueue(url).send_dead_letter(dead_letter_message(record, ValueError("x"), datetime.now(UTC)))
    [message] = receive_all(sqs, url)
    assert message["Attributes"]["MessageGroupId"] == "customer-9"


def test_binary_attributes_reach_the_dlq_byte_for_byte(sqs: Any, queues: dict[str, str]) -> None:
    data = bytes(range(256))
    record = sqs_record(message_id="orig-b", extra_attributes={"blob": binary_attribute(data)})
    SqsJobQueue(queues["dlq"]).send_dead_letter(
        dead_letter_message(record, ValueError("x"), datetime.now(UTC))
    )
    [message] = receive_all(sqs, queues["dlq"])
    assert message["MessageAttributes"]["blob"] == {"DataType": "Binary", "BinaryValue": data}


def test_send_job_on_a_fifo_queue_sets_the_group_and_deduplication_id(sqs: Any, aws: None) -> None:
    url = sqs.create_queue(QueueName="it-jobs.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    queue = SqsJobQueue(url)
    child = JobEnvelope(type="checksum", payload={"text": "x"})
    queue.send_job(child, "corr-f", group_id="parent-group", deduplication_id="d-1")
    queue.send_job(child, "corr-f", group_id="parent-group", deduplication_id="d-1")  # a retried parent
    queue.send_job(child, "corr-g")  # no parent group: the correlation id groups it
    messages = receive_all(sqs, url)
    assert [m["Attributes"]["MessageGroupId"] for m in messages] == ["parent-group", "corr-g"]
    assert messages[0]["Attributes"]["MessageDeduplicationId"] == "d-1"


def test_change_visibility_batches_and_reports_bad_handles(sqs: Any, queues: dict[str, str]) -> None:
    for i in range(12):
        sqs.send_message(QueueUrl=queues["jobs"], MessageBody=str(i))
    handles = [m["ReceiptHandle"] for m in receive_all(sqs, queues["jobs"])]
    handles += [m["ReceiptHandle"] for m in receive_all(sqs, queues["jobs"])]
    assert len(handles) == 12
    failed = SqsJobQueue(queues["jobs"]).change_visibility(dict.fromkeys(handles, 0) | {"bogus-handle": 0})
    assert failed == ["bogus-handle"]
    assert len(receive_all(sqs, queues["jobs"])) == 10  # visible again at once


def test_a_missing_queue_raises_a_domain_error_without_its_url(aws: None) -> None:
    queue = SqsJobQueue("https://sqs.eu-west-1.amazonaws.com/123456789012/does-not-exist")
    with pytest.raises(QueueUnavailableError) as info:
        queue.attributes(["ApproximateNumberOfMessages"])
    assert "does-not-exist" not in str(info.value)
    with pytest.raises(QueueUnavailableError, match="SendMessage"):
        queue.send_job(JobEnvelope(type="t"), "c")
    assert queue.change_visibility({"h": 0}) == ["h"]
