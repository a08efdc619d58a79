"""`dlq inspect` on moto: shows the sample and the worker's metadata, and consumes nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from queue_worker.dead_letter import dead_letter_message
from tests.factories import envelope, sqs_record
from workerctl import cli

CLI = ["--endpoint-url", "aws", "--stack", "it"]  # moto intercepts the AWS endpoints


def counts(sqs: Any, url: str) -> tuple[int, int]:
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    values = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    return int(values[names[0]]), int(values[names[1]])


def dead_letter(sqs: Any, url: str, job: str = "checksum") -> str:
    """Send what the worker sends for a permanent failure; returns the original message id."""
    record = sqs_record(envelope(job), receive_count=1)
    message = dead_letter_message(record, KeyError("no such job"), datetime.now(UTC))
    sqs.send_message(QueueUrl=url, MessageBody=message.body, MessageAttributes=message.attributes)
    return str(record["messageId"])


def move_by_sqs(sqs: Any, jobs_url: str, body: str) -> None:
    """Receive a jobs-queue message past maxReceiveCount (5) so moto moves it to the DLQ."""
    sqs.send_message(QueueUrl=jobs_url, MessageBody=body)
    for _ in range(6):
        sqs.receive_message(QueueUrl=jobs_url, VisibilityTimeout=0)


def test_inspect_does_not_consume(
    sqs: Any, queues: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    # Given 12 messages in the DLQ
    for n in range(12):
        sqs.send_message(QueueUrl=queues["dlq"], MessageBody=envelope(f"job-{n}"))
    # When sampling 11 of them (two receives)
    assert cli.main(["dlq", "inspect", "--limit", "11", "--json", *CLI]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    # Then 11 distinct messages are shown
    assert lines[0] == {"kind": "queue", "queue": "it-jobs-dlq", "visible": 12, "in_flight": 0}
    assert len({line["message_id"] for line in lines[1:]}) == 11
    # And every message is still there and receivable right away
    assert counts(sqs, queues["dlq"]) == (12, 0)
    bodies: set[str] = set()
    for _ in range(3):
        answer = sqs.receive_message(QueueUrl=queues["dlq"], MaxNumberOfMessages=10, VisibilityTimeout=60)
        bodies |= {message["Body"] for message in answer.get("Messages", [])}
    assert len(bodies) == 12


def test_inspect_shows_worker_metadata_and_sqs_moves(
    sqs: Any, queues: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    original_id = dead_letter(sqs, queues["dlq"], job="demo.no_such_job")
    move_by_sqs(sqs, queues["jobs"], "not an envelope")
    assert counts(sqs, queues["dlq"]) == (2, 0)

    assert cli.main(["dlq", "inspect", "--json", *CLI]) == 0
    rows = {row["job_type"]: row for row in map(json.loads, capsys.readouterr().out.splitlines()[1:])}
    worker = rows["demo.no_such_job"]
    assert worker["error"] == "KeyError: 'no such job'"
    assert worker["dead_letter"]["originalMessageId"] == original_id
    assert worker["correlation_id"] == original_id
    assert worker["dead_letter"]["sourceQueue"] == "sqs-lambda-worker-test-jobs"
    assert rows[None]["error"] == "moved by SQS after 5 receives"
    assert rows[None]["dead_letter"] is None


def test_table_output(sqs: Any, queues: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    dead_letter(sqs, queues["dlq"])
    assert cli.main(["dlq", "inspect", *CLI]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "it-jobs-dlq: ~1 visible, ~0 in flight; sample of 1 (not consumed)"
    assert out[1].startswith("MESSAGE ID")
    assert "checksum" in out[2]
    assert "KeyError: 'no such job'" in out[2]


def test_an_empty_dlq_prints_only_the_summary(
    queues: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["dlq", "inspect", *CLI]) == 0
    assert capsys.readouterr().out == "it-jobs-dlq: ~0 visible, ~0 in flight; sample of 0 (not consumed)\n"


def test_unknown_stack_is_one_line(queues: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["dlq", "inspect", "--endpoint-url", "aws", "--stack", "nope"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "workerctl dlq: error: queue nope-jobs-dlq (or nope-jobs-dlq.fifo) not found at aws; "
        "check --stack/--env or pass a URL\n"
    )
