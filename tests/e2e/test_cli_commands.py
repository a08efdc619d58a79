"""``workerctl send`` and ``depth`` against an emulator on a loopback port."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.e2e.helpers import ROOT, LineSink, running, runtime_options
from workerctl.cli import main
from workerctl.local.emulator import EmbeddedEmulator
from workerctl.local.resources import create_tables
from workerctl.local.template.loader import load_model

pytestmark = pytest.mark.e2e
STACK = "sqs-lambda-worker-dev"


@pytest.fixture
def endpoint() -> Iterator[str]:
    emulator = EmbeddedEmulator("127.0.0.1", 0)
    url = emulator.start()
    try:
        yield url
    finally:
        emulator.stop()


@pytest.fixture
def sqs(endpoint: str) -> Any:
    client = boto3.client("sqs", endpoint_url=endpoint, region_name="eu-west-1")
    client.create_queue(QueueName=f"{STACK}-jobs")
    client.create_queue(QueueName=f"{STACK}-jobs-dlq")
    return client


def queue(sqs: Any, suffix: str = "") -> str:
    return str(sqs.get_queue_url(QueueName=f"{STACK}-jobs{suffix}")["QueueUrl"])


def test_send_type_count_and_depth(sqs: Any, endpoint: str, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--endpoint-url", endpoint, "--region", "eu-west-1"]
    code = main(
        [
            "send",
            "--type",
            "checksum",
            "--payload",
            '{"text": "hi"}',
            "--count",
            "12",
            "--correlation-id",
            "c-1",
            *args,
        ]
    )
    assert code == 0
    assert "sent 12 job(s)" in capsys.readouterr().out

    message = sqs.receive_message(QueueUrl=queue(sqs), MessageAttributeNames=["All"])["Messages"][0]
    assert json.loads(message["Body"]) == {"type": "checksum", "payload": {"text": "hi"}}
    assert message["MessageAttributes"]["CorrelationId"]["StringValue"] == "c-1"

    assert main(["depth", *args]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["queue", "visible", "in-flight", "delayed"]
    assert lines[1].split() == ["jobs", "11", "1", "0"]
    assert lines[2].split() == ["dead-letter", "0", "0", "0"]


def test_send_file_validates_every_envelope(
    sqs: Any, endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "jobs.jsonl"
    good.write_text(
        '{"type": "checksum", "payload": {"text": "a"}}\n\n{"type": "fan_out", "payload": null}\n'
    )
    assert main(["send", "--file", str(good), "--endpoint-url", endpoint]) == 0
    array = tmp_path / "jobs.json"
    array.write_text(json.dumps([{"type": "checksum"}]))
    assert main(["send", "--file", str(array), "--endpoint-url", endpoint]) == 0
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"type": "ok"}\n{"tpye": "typo"}\nnot json\n')
    assert main(["send", "--file", str(bad), "--endpoint-url", endpoint]) == 2
    error = capsys.readouterr().err
    assert "2 invalid envelope(s)" in error
    assert "line 2" in error
    assert "line 3" in error
    attributes = sqs.get_queue_attributes(QueueUrl=queue(sqs), AttributeNames=["ApproximateNumberOfMessages"])
    assert attributes["Attributes"]["ApproximateNumberOfMessages"] == "3"


def test_missing_queue_and_bad_payload_are_one_line_errors(
    endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["depth", "--endpoint-url", endpoint]) == 2
    assert "queue sqs-lambda-worker-dev-jobs not found" in capsys.readouterr().err
    assert main(["send", "--type", "checksum", "--payload", "{oops", "--endpoint-url", endpoint]) == 2
    assert "--payload is not valid JSON" in capsys.readouterr().err


def test_runtime_drains_queues_at_another_endpoint_by_name(sqs: Any, endpoint: str) -> None:
    """``--endpoint-url``: nothing created, queues found by name, the demo jobs processed."""
    # The other endpoint must hold what the worker uses besides queues (e.g. the idempotency table).
    model = load_model(ROOT / "template.yaml", stack_name=STACK, region="eu-west-1")
    create_tables(boto3.client("dynamodb", endpoint_url=endpoint, region_name="eu-west-1"), model.tables)
    options = runtime_options(
        endpoint_url=endpoint, health_port=0, poll_wait_seconds=1, parameter_overrides={"LogLevel": "ERROR"}
    )
    with running(options, LineSink(keep=0)) as runtime:
        assert runtime.queue_urls == {"DeadLetterQueue": queue(sqs, "-dlq"), "JobsQueue": queue(sqs)}
        deadline = time.monotonic() + 60
        while runtime.stats.processed < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert runtime.stats.processed >= 2  # the two demo checksum jobs
