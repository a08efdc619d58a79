"""How ``workerctl run`` asks for the dashboard, and how the dashboard reads the runtime's queues."""

from __future__ import annotations

import json
from typing import Any

import pytest

from workerctl.cli.main import build_parser
from workerctl.cli.run import options_from
from workerctl.cli.run_banner import describe
from workerctl.errors import UserError
from workerctl.local.dashboard.wiring import CallCounter, Dashboard
from workerctl.local.options import RuntimeOptions
from workerctl.local.runtime import LocalRuntime
from workerctl.local.stats import RuntimeStats

BASE = "http://127.0.0.1:4566/123456789012"
JOBS, DLQ, OTHER = f"{BASE}/app-jobs", f"{BASE}/app-jobs-dlq", f"{BASE}/app-other"


def test_run_serves_the_dashboard_on_8086_unless_told_otherwise() -> None:
    parse = build_parser().parse_args
    assert options_from(parse(["run"])).dashboard_port == 8086
    assert options_from(parse(["run", "--dashboard-port", "0"])).dashboard_port == 0
    assert options_from(parse(["run", "--no-dashboard"])).dashboard_port is None
    assert RuntimeOptions().dashboard_port is None  # in-process runtimes (tests) opt in
    with pytest.raises(UserError, match="--dashboard-port must be a port number"):
        options_from(parse(["run", "--dashboard-port", "70000"]))


def test_the_banner_prints_the_dashboard_url() -> None:
    runtime = LocalRuntime(RuntimeOptions(dashboard_port=0))
    runtime.dashboard_url = "http://127.0.0.1:8086"
    args = build_parser().parse_args(["run"])
    assert "workerctl: dashboard http://127.0.0.1:8086/" in describe(runtime, args, 1.0).splitlines()
    assert isinstance(runtime.dashboard, Dashboard)
    assert LocalRuntime(RuntimeOptions()).dashboard is None


class FakeClient:
    def __init__(self) -> None:
        self.attributes = {
            JOBS: {
                "QueueArn": "arn:jobs",
                "RedrivePolicy": json.dumps({"deadLetterTargetArn": "arn:dlq", "maxReceiveCount": 3}),
            },
            DLQ: {"QueueArn": "arn:dlq"},
            OTHER: {"QueueArn": "arn:other"},
        }

    def get_queue_attributes(self, QueueUrl: str, AttributeNames: list[str]) -> dict[str, Any]:  # noqa: N803
        return {"Attributes": self.attributes[QueueUrl]}


class View:
    def __init__(self) -> None:
        self.queue_urls = {"Jobs": JOBS, "DeadLetters": DLQ, "Other": OTHER}
        self.health_url = None
        self.endpoint_url = "http://127.0.0.1:4566"
        self.stats = RuntimeStats()

    def polled_queue_urls(self) -> list[str]:
        return [JOBS]


def test_queue_roles_and_the_dlq_come_from_arns_and_redrive_policies() -> None:
    queues, dead_letters = Dashboard(0, "eu-west-1")._topology(FakeClient(), View())

    assert [(queue.name, queue.role) for queue in queues] == [
        ("app-jobs", "jobs"),
        ("app-jobs-dlq", "dead-letter"),
        ("app-other", "other"),
    ]
    assert dead_letters is not None
    assert (dead_letters.dlq.url, dead_letters.source and dead_letters.source.url) == (DLQ, JOBS)
    assert dead_letters.detail("nothing") is None


def test_without_a_redrive_policy_there_are_no_dead_letter_actions() -> None:
    client = FakeClient()
    client.attributes[JOBS] = {"QueueArn": "arn:jobs"}
    _, dead_letters = Dashboard(0, "eu-west-1")._topology(client, View())
    assert dead_letters is None


def test_the_call_counter_counts_every_request_its_client_sends() -> None:
    from botocore.awsrequest import AWSResponse

    from workerctl.aws import aws_client

    client = aws_client("sqs", "http://127.0.0.1:1", "eu-west-1")
    counter = CallCounter(client)
    answer = AWSResponse("http://127.0.0.1:1", 200, {}, None)
    answer._content = b'{"Attributes": {}}'  # what the JSON protocol returns, without a socket
    client.meta.events.register("before-send", lambda **_: answer)  # after the counter's handler

    for _ in range(3):
        client.get_queue_attributes(QueueUrl=JOBS)

    assert counter.calls == 3
