"""`dlq export` and `dlq replay` on moto with the real worker handler: jobs the worker dead-lettered are
exported (nothing consumed), fixed by editing the file and replayed: the fixed job succeeds once; an
invalid edit sends nothing; a crash between send and delete and a rerun send nothing twice."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import worker_handler
from tests.crash import run_dying_at_delete
from tests.factories import envelope, sqs_event, sqs_record
from tests.integration.workerctl.test_dlq_selective import as_record, payloads
from workerctl import cli

CLI = ["--endpoint-url", "aws", "--stack", "it", "--job-modules", "queue_worker.example_jobs"]
NESTED = {"jobs": [{"type": "fan_out", "payload": {"jobs": []}}]}  # invalid: a fan_out of fan_outs
FIXED = {"jobs": [{"type": "checksum", "payload": {"text": "child"}}]}


@pytest.fixture
def dead_lettered(wired: dict[str, str], lambda_context: Any) -> dict[str, str]:
    """Two jobs the worker dead-lettered (InvalidPayloadError): a fan_out and a checksum."""
    records = [
        sqs_record(envelope("fan_out", NESTED), correlation_id="order-9"),
        sqs_record(envelope("checksum", {"text": "x", "algorithm": "crc"})),
    ]
    assert worker_handler.lambda_handler(sqs_event(*records), lambda_context) == {"batchItemFailures": []}
    return wired


def export(tmp_path: Path) -> tuple[Path, list[dict[str, Any]]]:
    out = tmp_path / "dead.jsonl"
    assert cli.main(["dlq", "export", "--out", str(out), "--endpoint-url", "aws", "--stack", "it"]) == 0
    return out, [json.loads(line) for line in out.read_text().splitlines()]


def edit(path: Path, lines: list[dict[str, Any]], payload: Any) -> None:
    """The operator's fix: the fan_out job's payload replaced in its envelope."""
    (fan_out,) = [line for line in lines if line["job_type"] == "fan_out"]
    fan_out["envelope"]["payload"] = payload
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))


def run_worker(sqs: Any, url: str, lambda_context: Any) -> dict[str, Any]:
    """Deliver what the jobs queue holds to the real handler (deleting it, as the mapping would)."""
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"])
    records = [as_record(message) for message in messages.get("Messages", [])]
    for record in records:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=record["receiptHandle"])
    return dict(worker_handler.lambda_handler(sqs_event(*records), lambda_context))


def test_export_consumes_nothing(sqs: Any, dead_lettered: dict[str, str], tmp_path: Path) -> None:
    _, lines = export(tmp_path)
    assert sorted(line["job_type"] for line in lines) == ["checksum", "fan_out"]
    assert {line["error_type"] for line in lines} == {"InvalidPayloadError"}
    assert {line["correlation_id"] for line in lines if line["job_type"] == "fan_out"} == {"order-9"}
    assert len(payloads(sqs, dead_lettered["dlq"])) == 2  # both still there, visible at once


def test_export_fix_replay_the_fixed_job_succeeds_once(
    sqs: Any, dead_lettered: dict[str, str], tmp_path: Path, lambda_context: Any
) -> None:
    # Given an export whose fan_out payload is fixed (the checksum one is left out: a bad algorithm)
    path, lines = export(tmp_path)
    edit(path, [line for line in lines if line["job_type"] == "fan_out"], FIXED)
    # When it is replayed, and replayed again
    assert cli.main(["dlq", "replay", str(path), *CLI]) == 0
    assert cli.main(["dlq", "replay", str(path), *CLI]) == 0
    # Then the fixed job was sent once and its dead letter deleted; the other one stays
    assert payloads(sqs, dead_lettered["jobs"]) == [FIXED]
    assert [p["algorithm"] for p in payloads(sqs, dead_lettered["dlq"])] == ["crc"]
    # and the worker runs it: it succeeds and sends its one child, with the original correlation id
    assert run_worker(sqs, dead_lettered["jobs"], lambda_context) == {"batchItemFailures": []}
    children = sqs.receive_message(
        QueueUrl=dead_lettered["jobs"], MaxNumberOfMessages=10, MessageAttributeNames=["All"]
    )["Messages"]
    assert [json.loads(child["Body"])["payload"] for child in children] == [{"text": "child"}]
    assert children[0]["MessageAttributes"]["CorrelationId"]["StringValue"] == "order-9"


def test_an_invalid_edit_sends_nothing(
    sqs: Any, dead_lettered: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, lines = export(tmp_path)
    edit(path, lines, {"jobs": []})  # still invalid: at least one child
    capsys.readouterr()
    assert cli.main(["dlq", "replay", str(path), *CLI]) == 2
    err = capsys.readouterr().err
    assert err.count(f"{path} line ") == 2  # the fan_out's empty list and the checksum's algorithm
    assert payloads(sqs, dead_lettered["jobs"]) == []
    assert len(payloads(sqs, dead_lettered["dlq"])) == 2


def test_a_crash_between_send_and_delete_then_a_rerun_sends_nothing_twice(
    sqs: Any,
    dead_lettered: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    lambda_context: Any,
) -> None:
    path, lines = export(tmp_path)
    fan_out = [line for line in lines if line["job_type"] == "fan_out"]
    edit(path, fan_out, FIXED)
    held = run_dying_at_delete(monkeypatch, ["dlq", "replay", str(path), *CLI])
    for handle in held:  # the crashed run's hold is over
        sqs.change_message_visibility(
            QueueUrl=dead_lettered["dlq"], ReceiptHandle=handle, VisibilityTimeout=0
        )
    assert cli.main(["dlq", "replay", str(path), *CLI]) == 0
    assert payloads(sqs, dead_lettered["jobs"]) == [FIXED]  # sent once, never twice
    assert len(payloads(sqs, dead_lettered["dlq"])) == 1  # the fixed one's dead letter is gone
    assert run_worker(sqs, dead_lettered["jobs"], lambda_context) == {"batchItemFailures": []}
