"""`dlq export` and `dlq replay` on the in-memory SQS fake: export consumes nothing, replay validates the
whole file first, sends before it deletes, keeps the signed DeadLetter of an unchanged job, and a rerun
never sends a job twice."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from queue_worker.dead_letter import dead_letter_message, job_identity
from queue_worker.errors import PermanentJobError
from tests.crash import run_dying_at_delete
from tests.factories import as_lambda_attributes, envelope, sqs_record
from tests.unit.workerctl.fakes import DLQ, JOBS, FakeSqs
from workerctl.cli import main
from workerctl.cli.dlq import export as export_module
from workerctl.cli.dlq import replay_command as replay_module
from workerctl.cli.dlq.audit import default_audit_log, read_audit_log
from workerctl.cli.dlq.replay_file import job_modules
from workerctl.dlq.sqs_adapter import SqsQueues

KEY = b"unit-signing-key"
CLI = ["--stack", "app", "--job-modules", "queue_worker.example_jobs"]


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeSqs:
    """A DLQ of three: two signed dead letters (checksum with a bad algorithm, fan_out) and one SQS move."""
    sqs = FakeSqs({"app-jobs-dlq": DLQ.url, "app-jobs": JOBS.url})
    for module in (export_module, replay_module):
        monkeypatch.setattr(module, "client_for", lambda _args: sqs)
    bad = sqs_record(envelope("checksum", {"text": "a", "algorithm": "crc"}), correlation_id="order-1")
    fan = sqs_record(envelope("fan_out", {"jobs": [{"type": "checksum", "payload": {"text": "c"}}]}))
    for record in (bad, fan):
        message = dead_letter_message(record, PermanentJobError("no"), datetime.now(UTC), signing_key=KEY)
        sqs.put(DLQ.url, message.body, message.attributes)
    sqs.put(DLQ.url, envelope("checksum", {"text": "moved"}), None)
    return sqs


def export(tmp_path: Path, *flags: str) -> list[dict[str, Any]]:
    out = tmp_path / "dead.jsonl"
    assert main(["dlq", "export", "--out", str(out), "--stack", "app", *flags]) == 0
    return [json.loads(line) for line in out.read_text().splitlines()]


def write(tmp_path: Path, lines: list[dict[str, Any]]) -> Path:
    path = tmp_path / "dead.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def fixed(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The operator's fix: the checksum job's algorithm corrected in its envelope."""
    lines[0]["envelope"]["payload"]["algorithm"] = "sha256"
    return lines


def test_export_writes_each_dead_letter_with_its_metadata_and_consumes_nothing(
    fake: FakeSqs, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = export(tmp_path)
    assert [line["message_id"] for line in lines] == ["m0", "m1", "m2"]
    assert [line["error_type"] for line in lines] == ["PermanentJobError", "PermanentJobError", "MovedBySqs"]
    first = lines[0]
    assert first["envelope"] == {"type": "checksum", "payload": {"text": "a", "algorithm": "crc"}}
    assert first["body"] == fake.visible[DLQ.url][0]["Body"]
    assert first["correlation_id"] == "order-1"
    assert first["attributes"]["CorrelationId"] == {"DataType": "String", "StringValue": "order-1"}
    assert "DeadLetter" in first["attributes"]
    assert first["error_message"] == "no"
    assert first["failed_at"] is not None
    assert lines[2]["original_message_id"] == "m2"
    assert capsys.readouterr().out.startswith("exported 3 of 3 message(s) scanned app-jobs-dlq -> ")
    assert len(fake.visible[DLQ.url]) == 3  # all visible again: nothing consumed
    assert fake.hidden == {}


def test_export_applies_the_selection_and_never_overwrites_without_force(
    fake: FakeSqs, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert [line["message_id"] for line in export(tmp_path, "--error-type", "MovedBySqs")] == ["m2"]
    out = tmp_path / "dead.jsonl"
    assert main(["dlq", "export", "--out", str(out), "--stack", "app"]) == 2
    assert "exists" in capsys.readouterr().err
    assert len(export(tmp_path, "--force", "--job-type", "checksum")) == 2


def test_export_binary_attributes_as_base64_and_replay_restores_the_bytes(
    fake: FakeSqs, tmp_path: Path
) -> None:
    fake.visible[DLQ.url].clear()
    fake.put(DLQ.url, envelope(), {"Blob": {"DataType": "Binary", "BinaryValue": b"\x00\xff"}})
    (line,) = export(tmp_path)
    assert line["attributes"]["Blob"] == {"DataType": "Binary", "BinaryValue": "AP8="}
    assert main(["dlq", "replay", str(tmp_path / "dead.jsonl"), *CLI]) == 0
    assert fake.visible[JOBS.url][0]["MessageAttributes"]["Blob"]["BinaryValue"] == b"\x00\xff"


def test_replay_sends_the_fixed_jobs_then_deletes_their_dead_letters(
    fake: FakeSqs, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given an export whose checksum payload was fixed
    path = write(tmp_path, fixed(export(tmp_path)))
    originals = {m["MessageId"]: m for m in fake.visible[DLQ.url]}
    capsys.readouterr()
    # When it is replayed
    assert main(["dlq", "replay", str(path), *CLI]) == 0
    # Then the DLQ is empty and the jobs queue holds the three jobs
    assert fake.visible[DLQ.url] == []
    assert fake.hidden == {}
    edited, unchanged, moved = fake.visible[JOBS.url]
    assert json.loads(edited["Body"])["payload"] == {"text": "a", "algorithm": "sha256"}
    assert "DeadLetter" not in edited["MessageAttributes"]  # a new job: its old signature cannot verify
    assert edited["MessageAttributes"]["CorrelationId"]["StringValue"] == "order-1"
    # the unchanged job goes back byte for byte, its signed DeadLetter keeping the first message id
    assert unchanged["Body"] == originals["m1"]["Body"]
    assert unchanged["MessageAttributes"] == originals["m1"]["MessageAttributes"] | {
        "CorrelationId": {
            "DataType": "String",
            "StringValue": json.loads(path.read_text().splitlines()[1])["original_message_id"],
        }
    }
    record = sqs_record(
        unchanged["Body"], extra_attributes=as_lambda_attributes(unchanged["MessageAttributes"])
    )
    assert job_identity(record, KEY).trust == "verified"
    # the job SQS moved keeps its correlation id (its first message id) as an attribute
    assert moved["MessageAttributes"]["CorrelationId"]["StringValue"] == "m2"
    out = capsys.readouterr().out.splitlines()
    assert sum(line.startswith("audit ") and "action=replay" in line for line in out) == 3
    assert out[-1].startswith("replayed 3 of 3 dead letter(s) app-jobs-dlq -> app-jobs (3 sent now, 1 edited")
    audit = read_audit_log(default_audit_log())
    assert [(a["old_message_id"], a["selection"]) for a in audit] == [
        (old, {"file": str(path)}) for old in ("m0", "m1", "m2")
    ]
    assert [a["new_message_id"] for a in audit] == [m["MessageId"] for m in fake.visible[JOBS.url]]


def test_an_invalid_line_sends_nothing_and_names_every_bad_line(
    fake: FakeSqs, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = fixed(export(tmp_path))  # line 1 is valid
    lines[1]["envelope"]["type"] = "no_such_job"
    lines[2]["body"] = "edited by hand"
    unfixed = json.loads(json.dumps(lines[0])) | {"message_id": "m9"}
    unfixed["envelope"]["payload"]["algorithm"] = "crc"
    path = write(tmp_path, [*lines, lines[0], unfixed])
    capsys.readouterr()
    assert main(["dlq", "replay", str(path), *CLI]) == 2
    err = capsys.readouterr().err.splitlines()
    assert [line.split(":", 1)[0] for line in err[:4]] == [f"{path} line {n}" for n in (2, 3, 4, 5)]
    assert "unknown job type 'no_such_job'" in err[0]
    assert "edit envelope, not body" in err[1]
    assert "message_id m0 repeats line 1" in err[2]
    assert err[3].endswith(
        "line 5: invalid payload: algorithm: Input should be 'sha256', 'sha1', 'md5' or 'blake2b'"
    )
    assert err[-1] == f"workerctl dlq: error: {path}: 4 invalid line(s), listed above; nothing sent"
    assert fake.visible[JOBS.url] == []
    assert len(fake.visible[DLQ.url]) == 3
    assert not (tmp_path / "dead.jsonl.progress").exists()


def test_a_crash_between_send_and_delete_then_a_rerun_sends_nothing_twice(
    fake: FakeSqs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, fixed(export(tmp_path)))
    held = run_dying_at_delete(monkeypatch, ["dlq", "replay", str(path), *CLI])
    assert len(fake.visible[JOBS.url]) == 3  # sent, and recorded as sent
    progress = [json.loads(line) for line in (tmp_path / "dead.jsonl.progress").read_text().splitlines()]
    assert [step["old"] for step in progress] == ["m0", "m1", "m2"]
    # the crashed run's hold ends: the dead letters are visible again
    fake.change_message_visibility_batch(DLQ.url, [{"Id": h, "ReceiptHandle": h} for h in held])
    assert main(["dlq", "replay", str(path), *CLI]) == 0
    assert len(fake.visible[JOBS.url]) == 3  # nothing sent twice
    assert fake.visible[DLQ.url] == []
    assert fake.hidden == {}
    assert "(0 sent now, 1 edited, 0 done before, 0 not found)" in capsys.readouterr().out
    # and a third run finds everything done
    assert main(["dlq", "replay", str(path), *CLI]) == 0
    assert "replayed 0 of 3 dead letter(s)" in capsys.readouterr().out
    assert len(fake.visible[JOBS.url]) == 3


def test_a_dead_letter_gone_since_the_export_is_not_replayed(
    fake: FakeSqs, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, fixed(export(tmp_path)))
    fake.visible[DLQ.url].pop(2)  # redriven or purged meanwhile
    assert main(["dlq", "replay", str(path), *CLI]) == 1
    captured = capsys.readouterr()
    assert f"{path} line 3: dead letter m2 is not in app-jobs-dlq" in captured.err
    assert len(fake.visible[JOBS.url]) == 2


def test_a_sent_dead_letter_hidden_by_another_reader_is_not_sent_again(
    fake: FakeSqs, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, fixed(export(tmp_path)))
    (tmp_path / "dead.jsonl.progress").write_text('{"old": "m2", "new": "n-9"}\n{"old": "m2"\n')
    SqsQueues(fake).receive(DLQ, 10)  # type: ignore[arg-type] # an interrupted run still hides all three
    fake.change_message_visibility_batch(DLQ.url, [{"Id": "0", "ReceiptHandle": h} for h in ("r0", "r1")])
    assert main(["dlq", "replay", str(path), *CLI]) == 0
    assert "line 3: sent earlier as n-9" in capsys.readouterr().err
    assert len(fake.visible[JOBS.url]) == 2  # m0 and m1 only
    assert list(fake.hidden) == ["r2"]  # still hidden, deleted by a later rerun


def test_replay_validates_against_the_template_job_modules(
    fake: FakeSqs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, fixed(export(tmp_path)))
    monkeypatch.delenv("JOB_MODULES", raising=False)
    template = tmp_path / "template.yaml"
    template.write_text(
        "Parameters:\n  JobModules:\n    Type: String\n    Default: tests.no_such_module\n"
        "Resources:\n  Jobs:\n    Type: AWS::SQS::Queue\n"
    )
    cli = ["--stack", "app", "--template", str(template), "--config-file", str(tmp_path / "none.toml")]
    assert main(["dlq", "replay", str(path), *cli]) == 2
    assert "'tests.no_such_module', which cannot be imported" in capsys.readouterr().err
    monkeypatch.setenv("JOB_MODULES", "queue_worker.example_jobs")
    assert main(["dlq", "replay", str(path), *cli]) == 0


@pytest.mark.parametrize(
    ("endpoint", "expected"),
    [
        ("aws", ("queue_worker.example_jobs",)),
        ("http://localhost:4566", ("queue_worker.example_jobs", "workerctl.local.demo_jobs")),
    ],
)
def test_the_job_modules_are_the_stacks_and_locally_the_demo_jobs_too(
    monkeypatch: pytest.MonkeyPatch, endpoint: str, expected: tuple[str, ...]
) -> None:
    monkeypatch.delenv("JOB_MODULES", raising=False)
    root = Path(__file__).resolve().parents[5]
    args = argparse.Namespace(
        job_modules=None,
        endpoint_url=endpoint,
        template=root / "template.yaml",
        config_file=root / "samconfig.toml",
        env="prod",
    )
    assert job_modules(args) == expected
    assert job_modules(argparse.Namespace(job_modules=" a.b , c ")) == ("a.b", "c")
