"""Selective redrive and export → fix → replay on the local runtime: a DLQ of two job types and three
error types (two the worker dead-lettered, one SQS-style move without metadata); each selection moves
exactly its messages, a dry run none, and a replayed fixed job succeeds once."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.helpers import LineSink, local_sqs, options_for_jobs, running, total_messages, wait_until
from workerctl.cli import main
from workerctl.local.runtime import LocalRuntime

pytestmark = pytest.mark.e2e
SINK = LineSink()  # a timed-out wait shows the runtime's last lines
JOB_MODULES = ["--job-modules", "queue_worker.example_jobs,tests.e2e.trace_jobs"]


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRuntime]:
    run_log = tmp_path_factory.mktemp("run") / "run-log.jsonl"
    with running(options_for_jobs("tests.e2e.trace_jobs", run_log=run_log), SINK) as local:
        yield local


def visible(sqs: Any, url: str) -> list[dict[str, Any]]:
    """Every message of ``url`` (received, then made visible again at once)."""
    found: list[dict[str, Any]] = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=30).get(
        "Messages", []
    ):
        found += batch
    for message in found:
        sqs.change_message_visibility(
            QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
        )
    return found


@pytest.fixture
def mixed_dlq(runtime: LocalRuntime, tmp_path: Path) -> dict[str, Any]:
    """checksum and e2e.needs_file jobs: InvalidPayloadError, PermanentJobError (dead-lettered by the
    worker), and one of each type put in the DLQ directly, as SQS moves them (no metadata)."""
    sqs = local_sqs(runtime.endpoint_url)
    jobs = runtime.polled_queue_urls()[0]
    dlq = runtime.queue_urls["DeadLetterQueue"]
    for message in visible(sqs, dlq):  # a clean DLQ for each test
        sqs.delete_message(QueueUrl=dlq, ReceiptHandle=message["ReceiptHandle"])
    fix, tag = tmp_path / "fixed", uuid.uuid4().hex[:8]  # correlation ids of this test only
    bodies = {
        "checksum-invalid": {"type": "checksum", "payload": {"text": "a", "algorithm": "crc"}},
        "needs-file": {"type": "e2e.needs_file", "payload": {"path": str(fix)}},
    }
    for name, body in bodies.items():
        sqs.send_message(QueueUrl=jobs, MessageBody=json.dumps(body), MessageAttributes=_corr(name, tag))
    for name, body in {
        "checksum-moved": {"type": "checksum", "payload": {"text": "moved"}},
        "needs-file-moved": {"type": "e2e.needs_file", "payload": {"path": str(fix)}},
    }.items():
        sqs.send_message(QueueUrl=dlq, MessageBody=json.dumps(body), MessageAttributes=_corr(name, tag))
    wait_until(lambda: len(visible(sqs, dlq)) == 4 and total_messages(sqs, jobs) == 0, SINK)
    return {"sqs": sqs, "jobs": jobs, "dlq": dlq, "fix": fix, "tag": tag}


def _corr(name: str, tag: str) -> dict[str, Any]:
    return {"CorrelationId": {"DataType": "String", "StringValue": f"{name}@{tag}"}}


def correlations(sqs: Any, url: str) -> list[str]:
    found = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"])
    handles = [m["ReceiptHandle"] for m in found.get("Messages", [])]
    for handle in handles:
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=0)
    names = (m["MessageAttributes"]["CorrelationId"]["StringValue"] for m in found.get("Messages", []))
    return sorted(name.split("@")[0] for name in names)


def test_each_selection_moves_exactly_its_messages(
    runtime: LocalRuntime, mixed_dlq: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    sqs, dlq, endpoint = mixed_dlq["sqs"], mixed_dlq["dlq"], ["--endpoint-url", str(runtime.endpoint_url)]
    # A dry run lists the selection and moves nothing
    assert main(["dlq", "redrive", "--job-type", "checksum", "--dry-run", "--json", *endpoint]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert sorted(line["correlation_id"].split("@")[0] for line in lines if line["kind"] == "message") == [
        "checksum-invalid",
        "checksum-moved",
    ]
    assert len(visible(sqs, dlq)) == 4
    # The operator fixes the cause, then moves only the worker's PermanentJobError dead letter
    mixed_dlq["fix"].touch()
    assert main(["dlq", "redrive", "--error-type", "PermanentJobError", *endpoint]) == 0
    assert "moved 1 of 4 message(s) scanned" in capsys.readouterr().out
    wait_until(lambda: total_messages(sqs, mixed_dlq["jobs"]) == 0, SINK)
    assert correlations(sqs, dlq) == ["checksum-invalid", "checksum-moved", "needs-file-moved"]
    # SQS's moves of one type: exactly that one
    assert (
        main(["dlq", "redrive", "--error-type", "MovedBySqs", "--job-type", "e2e.needs_file", *endpoint]) == 0
    )
    assert "moved 1 of 3 message(s) scanned" in capsys.readouterr().out
    wait_until(lambda: total_messages(sqs, mixed_dlq["jobs"]) == 0, SINK)
    assert correlations(sqs, dlq) == ["checksum-invalid", "checksum-moved"]


def test_export_fix_replay_on_the_local_runtime(
    runtime: LocalRuntime, mixed_dlq: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sqs, dlq, endpoint = mixed_dlq["sqs"], mixed_dlq["dlq"], ["--endpoint-url", str(runtime.endpoint_url)]
    out = tmp_path / "dead.jsonl"
    assert main(["dlq", "export", "--out", str(out), "--error-type", "InvalidPayloadError", *endpoint]) == 0
    (line,) = [json.loads(text) for text in out.read_text().splitlines()]
    assert len(visible(sqs, dlq)) == 4  # nothing consumed
    line["envelope"]["payload"]["algorithm"] = "sha256"  # the fix
    out.write_text(json.dumps(line) + "\n")
    assert main(["dlq", "replay", str(out), *JOB_MODULES, *endpoint]) == 0
    assert main(["dlq", "replay", str(out), *JOB_MODULES, *endpoint]) == 0  # a rerun sends nothing
    wait_until(lambda: total_messages(sqs, mixed_dlq["jobs"]) == 0, SINK)
    assert correlations(sqs, dlq) == ["checksum-moved", "needs-file", "needs-file-moved"]
    # the replayed job ran once and succeeded, under the dead letter's correlation id
    capsys.readouterr()
    wanted = f"checksum-invalid@{mixed_dlq['tag']}"
    assert main(["trace", wanted, "--run-log", str(runtime.options.run_log)]) == 0
    whats = [text.split("  ", 2)[-1] for text in capsys.readouterr().out.splitlines()]
    assert sum(what.startswith("dead-lettered: InvalidPayloadError") for what in whats) == 1
    assert sum(what.startswith("replayed by ") for what in whats) == 1
    assert sum(what == "succeeded" for what in whats) == 1
