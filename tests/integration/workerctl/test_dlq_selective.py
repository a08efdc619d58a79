"""`dlq redrive` with a selection on moto: a DLQ of two job types and three error types; each selection
moves exactly its messages, a dry run none, and a crash between send and delete is made harmless by
the worker's idempotency (keyed by the original message id)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

import worker_handler
from queue_worker.dead_letter import dead_letter_message
from queue_worker.errors import InvalidPayloadError, PermanentJobError
from tests.factories import envelope, sqs_event, sqs_record
from tests.integration.conftest import SIGNING_KEY
from workerctl import cli
from workerctl.cli.dlq.audit import default_audit_log, read_audit_log
from workerctl.dlq.sqs_adapter import SqsQueues

CLI = ["--endpoint-url", "aws", "--stack", "it"]
FAN_OUT = {"jobs": [{"type": "checksum", "payload": {"text": "child"}}]}


def payloads(sqs: Any, url: str) -> list[Any]:
    """Payloads of every message on ``url`` (made visible again at once)."""
    found: list[Any] = []
    handles: list[str] = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=30).get(
        "Messages", []
    ):
        found += [json.loads(m["Body"])["payload"] for m in batch]
        handles += [m["ReceiptHandle"] for m in batch]
    for handle in handles:
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=0)
    return found


@pytest.fixture
def mixed_dlq(sqs: Any, queues: dict[str, str]) -> dict[str, str]:
    """Six dead letters: checksum and fan_out, each failed with InvalidPayloadError, PermanentJobError
    (the worker's metadata, signed with the `wired` worker's key), or moved by SQS (none); correlation
    ids c-0..c-2 by error kind."""
    errors: list[Exception | None] = [InvalidPayloadError("bad"), PermanentJobError("no"), None]
    for n, (job_type, error) in enumerate((t, e) for t in ("checksum", "fan_out") for e in errors):
        payload = {"text": f"t{n}"} if job_type == "checksum" else FAN_OUT
        record = sqs_record(envelope(job_type, payload), correlation_id=f"c-{n % 3}", message_id=f"orig-{n}")
        if error is None:
            sqs.send_message(
                QueueUrl=queues["dlq"],
                MessageBody=record["body"],
                MessageAttributes={"CorrelationId": {"DataType": "String", "StringValue": f"c-{n % 3}"}},
            )
            continue
        message = dead_letter_message(record, error, datetime.now(UTC), signing_key=SIGNING_KEY.encode())
        sqs.send_message(
            QueueUrl=queues["dlq"], MessageBody=message.body, MessageAttributes=message.attributes
        )
    return queues


@pytest.mark.parametrize(
    ("flags", "moved"),
    [
        (["--job-type", "checksum"], ["t0", "t1", "t2"]),
        (["--error-type", "PermanentJobError"], ["t1", "fan_out"]),
        (["--error-type", "MovedBySqs", "--job-type", "checksum"], ["t2"]),
        (["--correlation-id", "c-0"], ["t0", "fan_out"]),
        (["--message-id", "orig-1", "--message-id", "orig-3"], ["t1", "fan_out"]),
        (["--job-type", "checksum", "--since", "1h", "--max", "2"], ["t0", "t1"]),
    ],
)
def test_each_selection_moves_exactly_the_selected(
    sqs: Any,
    mixed_dlq: dict[str, str],
    flags: list[str],
    moved: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["dlq", "redrive", *flags, *CLI]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1].startswith(f"moved {len(moved)} of ")
    assert out[-1].endswith(" message(s) scanned it-jobs-dlq -> it-jobs")
    texts = sorted(p.get("text", "fan_out") for p in payloads(sqs, mixed_dlq["jobs"]))
    assert texts == sorted(moved)
    assert len(payloads(sqs, mixed_dlq["dlq"])) == 6 - len(moved)  # the rest: still there, visible
    assert sum(line.startswith("audit ") for line in out) == len(moved)


def test_a_dry_run_lists_and_moves_nothing(
    sqs: Any, mixed_dlq: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["dlq", "redrive", "--dry-run", "--job-type", "fan_out", "--json", *CLI]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["job_type"] for line in lines if line["kind"] == "message"] == ["fan_out"] * 3
    assert lines[-1] == {
        "kind": "summary",
        "dry_run": True,
        "selected": 3,
        "scanned": 6,
        "from": "it-jobs-dlq",
        "to": "it-jobs",
    }
    assert payloads(sqs, mixed_dlq["jobs"]) == []
    assert len(payloads(sqs, mixed_dlq["dlq"])) == 6
    assert read_audit_log(default_audit_log()) == []


def as_record(message: dict[str, Any]) -> dict[str, Any]:
    """A received message as Lambda delivers it, message attributes included."""
    attributes = {
        name: {"dataType": value["DataType"], "stringValue": value.get("StringValue")}
        for name, value in message.get("MessageAttributes", {}).items()
    }
    record = sqs_record(message["Body"], message_id=message["MessageId"], extra_attributes=attributes)
    return record | {"receiptHandle": message["ReceiptHandle"]}


def test_a_crash_between_send_and_delete_duplicates_harmlessly(
    sqs: Any,
    mixed_dlq: dict[str, str],
    wired: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    lambda_context: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Given a redrive that dies after sending the fan_out job and before deleting it from the DLQ
    held: list[str] = []

    def die(self: SqsQueues, queue: Any, handles: list[str]) -> None:
        held.extend(handles)
        raise KeyboardInterrupt

    select = ["--message-id", "orig-4", *CLI]
    with monkeypatch.context() as patched:
        patched.setattr(SqsQueues, "delete", die)
        assert cli.main(["dlq", "redrive", *select]) == 130
    # and a rerun once the crashed run's hold is over, which sends it again
    for handle in held:
        sqs.change_message_visibility(QueueUrl=wired["dlq"], ReceiptHandle=handle, VisibilityTimeout=0)
    assert cli.main(["dlq", "redrive", *select]) == 0
    capsys.readouterr()
    # Then the jobs queue holds the same job twice (a duplicate, never a loss) and the DLQ no copy
    copies = sqs.receive_message(
        QueueUrl=wired["jobs"], MaxNumberOfMessages=10, MessageAttributeNames=["All"]
    )["Messages"]
    assert [json.loads(m["Body"])["payload"] for m in copies] == [FAN_OUT, FAN_OUT]
    assert len(payloads(sqs, wired["dlq"])) == 5  # orig-4 left it; the other five stay
    # When the worker runs both copies
    response = worker_handler.lambda_handler(sqs_event(*map(as_record, copies)), lambda_context)
    # Then the job's side effect (its one child) happened once: the key is the original message id
    assert response == {"batchItemFailures": []}
    assert payloads(sqs, wired["jobs"]) == [{"text": "child"}]
