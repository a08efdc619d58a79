"""`dlq redrive` and `dlq purge` on moto: nothing lost, body and attributes intact, FIFO groups kept."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from tests.factories import envelope
from workerctl import cli

CLI = ["--endpoint-url", "aws", "--stack", "it"]  # moto intercepts the AWS endpoints
ATTRIBUTES: dict[str, Any] = {
    "DeadLetter": {"DataType": "String", "StringValue": json.dumps({"originalMessageId": "orig-1"})},
    "CorrelationId": {"DataType": "String", "StringValue": "corr-1"},
    "Attempt": {"DataType": "Number", "StringValue": "3"},
    "Blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01binary"},
}


def receive_all(sqs: Any, url: str) -> list[dict[str, Any]]:
    """Every message of ``url`` (hidden for a minute), in delivery order."""
    messages: list[dict[str, Any]] = []
    while batch := sqs.receive_message(
        QueueUrl=url,
        MaxNumberOfMessages=10,
        VisibilityTimeout=60,
        MessageAttributeNames=["All"],
        MessageSystemAttributeNames=["All"],
    ).get("Messages", []):
        messages.extend(batch)
    return messages


def visible(sqs: Any, url: str) -> int:
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    values = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    return int(values[names[0]]) + int(values[names[1]])


@pytest.fixture
def dead_letters(sqs: Any, queues: dict[str, str]) -> list[str]:
    """15 DLQ messages with every attribute type; returns their bodies."""
    bodies = [envelope(payload={"n": n}) for n in range(15)]
    for body in bodies:
        sqs.send_message(QueueUrl=queues["dlq"], MessageBody=body, MessageAttributes=ATTRIBUTES)
    return bodies


def test_redrive_moves_every_message_back_intact(
    sqs: Any, queues: dict[str, str], dead_letters: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    # When (moto has no StartMessageMoveTask: the CLI falls back to receive/send/delete)
    assert cli.main(["dlq", "redrive", *CLI]) == 0
    # Then
    out = capsys.readouterr()
    assert out.out.splitlines()[-1] == "redrove 15 message(s) from it-jobs-dlq to it-jobs"
    assert "no StartMessageMoveTask" in out.err
    moved = receive_all(sqs, queues["jobs"])
    assert sorted(message["Body"] for message in moved) == sorted(dead_letters)
    for message in moved:
        assert message["MessageAttributes"] == ATTRIBUTES
    assert visible(sqs, queues["dlq"]) == 0


def test_max_limits_the_redrive(
    sqs: Any, queues: dict[str, str], dead_letters: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["dlq", "redrive", "--max", "4", "--rate", "100", *CLI]) == 0
    *audit, last = capsys.readouterr().out.splitlines()
    assert last == "redrove 4 message(s) from it-jobs-dlq to it-jobs"
    assert len(audit) == 4
    assert all(line.startswith("audit ") and "action=redrive" in line for line in audit)
    assert len(receive_all(sqs, queues["jobs"])) == 4
    assert visible(sqs, queues["dlq"]) == 11


def test_dry_run_moves_nothing(
    sqs: Any, queues: dict[str, str], dead_letters: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["dlq", "redrive", "--dry-run", *CLI]) == 0
    assert capsys.readouterr().out.startswith("dry run: would move ~15 message(s) it-jobs-dlq -> it-jobs")
    assert visible(sqs, queues["dlq"]) == 15
    assert visible(sqs, queues["jobs"]) == 0


def test_fifo_redrive_keeps_groups_order_and_attributes(sqs: Any, capsys: pytest.CaptureFixture[str]) -> None:
    # Given FIFO queues found by name (the plain names do not exist) and two groups in the DLQ
    fifo = {"FifoQueue": "true"}
    dlq = sqs.create_queue(QueueName="itf-jobs-dlq.fifo", Attributes=fifo)["QueueUrl"]
    jobs = sqs.create_queue(QueueName="itf-jobs.fifo", Attributes=fifo)["QueueUrl"]
    sent = [("a", 0), ("b", 0), ("a", 1), ("b", 1), ("a", 2)]
    for group, n in sent:
        sqs.send_message(
            QueueUrl=dlq,
            MessageBody=envelope(payload={"group": group, "n": n}),
            MessageGroupId=group,
            MessageDeduplicationId=f"{group}-{n}",
            MessageAttributes=ATTRIBUTES,
        )
    # When
    assert cli.main(["dlq", "redrive", "--endpoint-url", "aws", "--stack", "itf", "--max", "5"]) == 0
    # Then every message is back, in its group, in order, with its attributes
    *audit, last = capsys.readouterr().out.splitlines()
    assert last == "redrove 5 message(s) from itf-jobs-dlq.fifo to itf-jobs.fifo"
    assert len(audit) == 5
    moved = receive_all(sqs, jobs)
    by_group: dict[str, list[int]] = {}
    for message in moved:
        payload = json.loads(message["Body"])["payload"]
        assert message["Attributes"]["MessageGroupId"] == payload["group"]
        assert message["MessageAttributes"] == ATTRIBUTES
        by_group.setdefault(payload["group"], []).append(payload["n"])
    assert by_group == {"a": [0, 1, 2], "b": [0, 1]}
    assert visible(sqs, dlq) == 0


def test_purge_with_yes_empties_the_dlq(
    sqs: Any, queues: dict[str, str], dead_letters: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["dlq", "purge", "--yes", *CLI]) == 0
    assert capsys.readouterr().out.startswith("purged it-jobs-dlq (~15 message(s)")
    assert visible(sqs, queues["dlq"]) == 0


def test_purge_without_a_terminal_refuses(
    sqs: Any,
    queues: dict[str, str],
    dead_letters: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("it-jobs-dlq\n"))  # piped input is not a confirmation
    assert cli.main(["dlq", "purge", *CLI]) == 2
    assert "not a terminal" in capsys.readouterr().err
    assert visible(sqs, queues["dlq"]) == 15


@pytest.fixture
def emulator() -> Iterator[str]:
    """A moto server on a free loopback port: the local runtime's emulator."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def test_redrive_on_the_emulator_endpoint(emulator: str, capsys: pytest.CaptureFixture[str]) -> None:
    # Given queues on the emulator (unique names: the server's state outlives the test), the jobs
    # queue's RedrivePolicy naming the DLQ as the template's does
    sqs = boto3.client("sqs", region_name="eu-west-1", endpoint_url=emulator)
    dlq = sqs.create_queue(QueueName="emu-jobs-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "5"})
    jobs = sqs.create_queue(QueueName="emu-jobs", Attributes={"RedrivePolicy": policy})["QueueUrl"]
    for n in range(3):
        sqs.send_message(QueueUrl=dlq, MessageBody=f"job-{n}", MessageAttributes=ATTRIBUTES)
    # When redriving against the emulator's URL (no move task is even tried there)
    argv = ["dlq", "redrive", "--endpoint-url", emulator, "--queue-url", dlq, "--source-queue-url", jobs]
    assert cli.main(argv) == 0
    # Then
    out = capsys.readouterr()
    *audit, last = out.out.splitlines()
    assert last == "redrove 3 message(s) from emu-jobs-dlq to emu-jobs"
    assert [line.split()[3] for line in audit] == ["action=redrive"] * 3
    assert out.err == ""
    moved = receive_all(sqs, jobs)
    assert sorted(m["Body"] for m in moved) == ["job-0", "job-1", "job-2"]
    assert all(m["MessageAttributes"] == ATTRIBUTES for m in moved)
    assert visible(sqs, dlq) == 0
