"""What CreateEventSourceMapping refuses, refused at start-up with AWS's words, one line, exit 2
(https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html,
https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conformance.harness import Emulator
from workerctl.cli.main import main
from workerctl.errors import UserError
from workerctl.local.options import RuntimeOptions
from workerctl.local.runtime import LocalRuntime

FIXTURE = Path(__file__).parent / "fixtures" / "mapping.yaml"
PREFIX = "function Worker, event Jobs: CreateEventSourceMapping would fail: InvalidParameterValueException: "


def refusal(**parameters: str) -> str:
    """The start-up error for the fixture template with ``parameters`` (nothing else is started)."""
    options = RuntimeOptions(
        template=FIXTURE,
        samconfig=FIXTURE.parent / "none.toml",
        parameter_overrides=parameters,
        emulator_port=0,
        health_port=0,
        demo=False,
    )
    runtime = LocalRuntime(options)
    try:
        with pytest.raises(UserError) as caught:
            runtime.start()
    finally:
        runtime.stop()  # a no-op after a failed start; stops a runtime that wrongly started
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(PREFIX)
    return message.removeprefix(PREFIX)


def test_batch_size_above_ten_needs_a_batching_window() -> None:
    """https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html (BatchSize: "When
    you set BatchSize to a value greater than 10, you must set MaximumBatchingWindowInSeconds to at
    least 1")"""
    assert refusal(BatchSize="11") == (
        "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10"
    )


def test_fifo_batch_size_is_at_most_ten() -> None:
    """https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html (BatchSize: "For FIFO
    queues, the maximum is 10")"""
    assert refusal(QueueType="fifo", BatchSize="11", Visibility="60") == (
        "Maximum batch size must be between 1 and 10 inclusive"
    )


def test_fifo_queues_take_no_batching_window() -> None:
    """https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html
    (MaximumBatchingWindowInSeconds: "Batching window is not supported for FIFO queues")"""
    assert refusal(QueueType="fifo", Window="0") == "Batching window is not supported for FIFO queues"


def test_queue_visibility_timeout_must_cover_the_function_timeout() -> None:
    """https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html#events-sqs-queueconfig
    ("set the source queue's visibility timeout to at least six times the timeout"; below the timeout
    CreateEventSourceMapping fails)"""
    assert refusal(Visibility="20", Timeout="30") == (
        "Queue visibility timeout: 20 seconds is less than Function timeout: 30 seconds"
    )


@pytest.mark.parametrize(
    "pattern",
    [
        "{not json",
        "null",
        json.dumps({"body": {"kind": "leaf, not a list"}}),
        json.dumps({"body": {"kind": []}}),
        json.dumps({"body": {"ip": [{"cidr": "10.0.0.0/8"}]}}),
    ],
    ids=["not JSON", "null", "leaf not a list", "empty list", "unknown operator"],
)
def test_invalid_filter_patterns_are_refused(pattern: str) -> None:
    """https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html#filtering-syntax
    (an invalid pattern: "Invalid filter pattern definition.")"""
    assert refusal(FilterPattern=pattern).startswith("Invalid filter pattern definition. (")


def test_a_queue_missing_at_an_external_endpoint_is_refused(emulator: Emulator) -> None:
    """https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html (EventSourceArn
    must exist: SQS answers NonExistentQueue)"""
    options = RuntimeOptions(
        template=FIXTURE,
        samconfig=FIXTURE.parent / "none.toml",
        endpoint_url=emulator.endpoint_url,
        health_port=0,
        demo=False,
    )
    with pytest.raises(
        UserError, match=r"^function Worker, event Jobs: .*NonExistentQueue\. SQS Error Message: "
    ):
        LocalRuntime(options).start()


def test_the_cli_prints_one_line_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html (the refusal, as a
    command-line error)"""
    code = main(
        [
            "run",
            "--template",
            str(FIXTURE),
            "--config-file",
            str(FIXTURE.parent / "none.toml"),
            "--emulator-port",
            "0",
            "--port",
            "0",
            "--no-demo",
            "--parameter-overrides",
            "BatchSize=50",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert "event Jobs" in err
    assert "Maximum batch window in seconds must be greater than 0" in err
