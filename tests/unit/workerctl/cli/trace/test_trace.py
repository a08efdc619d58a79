"""``workerctl trace``: the journey from log documents, locally from the run log and on AWS through
Logs Insights (botocore Stubber on real clients, recorded response shapes)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from tests.unit.workerctl.cli.trace.recorded import AUDIT, WORKER_LINES, insights_rows
from workerctl.cli import main
from workerctl.cli.trace.insights import LogsInsights, query_string
from workerctl.cli.trace.journey import journey
from workerctl.errors import UserError


def whats(steps: Any) -> list[tuple[str, str]]:
    return [(step.message_id, step.what) for step in steps]


def test_a_job_that_failed_twice_succeeded_and_fanned_out() -> None:
    steps, ids = journey([*AUDIT, *WORKER_LINES], "order-7")
    assert whats(steps) == [
        ("A", "failed: TimeoutError; retry in 2 s (backoff)"),
        ("A", "failed: TimeoutError; retry in 3 s (backoff)"),
        ("A", "succeeded"),
        ("C", "succeeded"),
    ]
    assert [step.receive_count for step in steps] == [1, 2, 3, 1]
    assert not {"Z", "Z2"} & ids  # batch neighbours are not part of the job


def test_found_by_message_id_too() -> None:
    steps, _ = journey(WORKER_LINES, "A")
    assert [step.message_id for step in steps] == ["A", "A", "A", "C"]


def test_a_dead_lettered_and_redriven_job() -> None:
    steps, _ = journey([*AUDIT, *WORKER_LINES], "B")
    assert whats(steps) == [
        ("B", "dead-lettered: PermanentJobError: no such account"),
        (
            "D1",
            "redriven by arn:aws:sts::123456789012:assumed-role/oncall/ana as B2 "
            "(selection {'error_type': ['PermanentJobError']})",
        ),
        ("B2", "succeeded"),
    ]


def test_local_trace_reads_the_run_log(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_log, audit = tmp_path / "run.jsonl", tmp_path / "audit.jsonl"
    received = {
        "kind": "received", "timestamp": "2026-05-01T03:00:00.500+00:00", "message_id": "A",
        "original_message_id": "A", "correlation_id": "order-7", "receive_count": 1,
        "sent_at": "2026-05-01T02:59:59.000+00:00",
    }  # fmt: skip
    run_log.write_text("".join(json.dumps(d) + "\n" for d in [received, *WORKER_LINES]))
    audit.write_text("".join(json.dumps(d) + "\n" for d in AUDIT))
    argv = ["trace", "order-7", "--run-log", str(run_log), "--audit-log", str(audit), "--since", "2026-05-01"]
    assert main(argv) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:3] == [
        "2026-05-01T02:59:59.000+00:00  A  sent",
        "2026-05-01T03:00:00.500+00:00  A #1  received (receive 1)",
        "2026-05-01T03:00:01.000+00:00  A #1  failed: TimeoutError; retry in 2 s (backoff)",
    ]
    assert out[-1] == "message C: sent onward (same correlation id)"


def test_local_trace_without_a_run_log_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["trace", "x", "--run-log", str(tmp_path / "none.jsonl")]) == 2
    assert "no run log at" in capsys.readouterr().err


def clients() -> tuple[Any, Any]:
    logs = boto3.client("logs", region_name="eu-west-1")
    cloudformation = boto3.client("cloudformation", region_name="eu-west-1")
    return logs, cloudformation


def test_logs_insights_finds_the_log_group_and_waits_for_the_query() -> None:
    # Given the stack's log group and a query that runs once before it completes
    logs, cloudformation = clients()
    progress: list[str] = []
    with Stubber(logs) as logs_stub, Stubber(cloudformation) as cfn_stub:
        cfn_stub.add_response(
            "describe_stack_resource",
            {
                "StackResourceDetail": {
                    "LogicalResourceId": "WorkerLogGroup",
                    "PhysicalResourceId": "/aws/lambda/app-worker",
                    "ResourceType": "AWS::Logs::LogGroup",
                    "LastUpdatedTimestamp": datetime(2026, 5, 1, tzinfo=UTC),
                    "ResourceStatus": "CREATE_COMPLETE",
                }
            },
            {"StackName": "app", "LogicalResourceId": "WorkerLogGroup"},
        )
        logs_stub.add_response(
            "start_query",
            {"queryId": "q-1"},
            {
                "logGroupName": "/aws/lambda/app-worker",
                "startTime": 1_777_593_600,
                "endTime": 1_777_604_400,
                "queryString": query_string({"order-7"}),
                "limit": 10_000,
            },
        )
        running = {"recordsMatched": 0.0, "recordsScanned": 1200.0, "bytesScanned": 360000.0}
        logs_stub.add_response(
            "get_query_results", {"status": "Running", "results": [], "statistics": running}
        )
        done = {"recordsMatched": 7.0, "recordsScanned": 5000.0, "bytesScanned": 1500000.0}
        logs_stub.add_response(
            "get_query_results",
            {"status": "Complete", "results": insights_rows(WORKER_LINES[:3]), "statistics": done},
            {"queryId": "q-1"},
        )
        insights = LogsInsights(logs, cloudformation, progress=progress.append, sleep=lambda _s: None)
        # When
        group = insights.log_group("app")
        documents = insights.search(
            group, {"order-7"}, datetime(2026, 5, 1, tzinfo=UTC), datetime(2026, 5, 1, 3, tzinfo=UTC)
        )
        logs_stub.assert_no_pending_responses()
    # Then
    assert [d["message"] for d in documents] == [line["message"] for line in WORKER_LINES[:3]]
    assert progress == [
        "Logs Insights running: 1200 records scanned, 0 matched",
        "Logs Insights complete: 5000 records scanned, 7 matched",
    ]


def test_a_failed_query_is_one_line() -> None:
    logs, cloudformation = clients()
    with Stubber(logs) as stub:
        stub.add_response(
            "start_query",
            {"queryId": "q-2"},
            {"logGroupName": "g", "startTime": ANY, "endTime": ANY, "queryString": ANY, "limit": ANY},
        )
        stub.add_response("get_query_results", {"status": "Failed", "results": []})
        with pytest.raises(UserError, match="ended failed"):
            LogsInsights(logs, cloudformation, sleep=lambda _s: None).search(
                "g", {"x"}, datetime(2026, 5, 1, tzinfo=UTC), datetime(2026, 5, 2, tzinfo=UTC)
            )


def test_ids_that_could_break_the_query_are_refused() -> None:
    with pytest.raises(UserError, match="cannot search for"):
        query_string({'x" or @message like "'})


def test_aws_trace_follows_the_related_ids_in_a_second_query(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given the first query finds B's dead-lettering and the audit log its redrive as B2
    searched: list[set[str]] = []

    class FakeInsights:
        def log_group(self, stack: str) -> str:
            assert stack == "app"
            return "/aws/lambda/app-worker"

        def search(self, group: str, ids: set[str], since: datetime, until: datetime) -> list[dict[str, Any]]:
            searched.append(set(ids))
            return [d for d in WORKER_LINES if ids & {d.get("message_id"), d.get("correlation_id")}] + [
                d for d in WORKER_LINES if any(e.split()[0] in ids for e in d.get("succeeded_ids", []))
            ]

    monkeypatch.setattr("workerctl.cli.trace.command.LogsInsights", lambda *_a, **_k: FakeInsights())
    audit = tmp_path / "audit.jsonl"
    audit.write_text(json.dumps(AUDIT[0]) + "\n")
    argv = [
        "trace",
        "B",
        "--endpoint-url",
        "aws",
        "--stack",
        "app",
        "--audit-log",
        str(audit),
        "--since",
        "2026-05-01",
    ]
    assert main(argv) == 0
    assert searched[0] == {"B", "B2", "D1"}
    assert capsys.readouterr().out.splitlines()[-2:] == [
        "message B2: redrive of B (dead letter D1)",
        "message D1: dead letter of B",
    ]
