"""DLQ redrive on AWS: StartMessageMoveTask, --status and --cancel, stubbed with botocore's Stubber."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError
from botocore.stub import Stubber

from workerctl import cli
from workerctl.cli.dlq import command as dlq_command
from workerctl.dlq.redrive import start_move_task
from workerctl.dlq.sqs_adapter import QueueRef, SqsQueues
from workerctl.errors import MoveTaskUnsupportedError, UserError

ACCOUNT_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012"
DLQ = QueueRef(f"{ACCOUNT_URL}/app-jobs-dlq")
JOBS = QueueRef(f"{ACCOUNT_URL}/app-jobs")
DLQ_ARN = "arn:aws:sqs:eu-west-1:123456789012:app-jobs-dlq"
JOBS_ARN = "arn:aws:sqs:eu-west-1:123456789012:app-jobs"
AWS_ARGS = ["--endpoint-url", "aws", "--queue-url", DLQ.url]


@pytest.fixture
def stubbed() -> Iterator[tuple[SqsQueues, Stubber]]:
    client = boto3.client("sqs", region_name="eu-west-1")
    with Stubber(client) as stubber:
        yield SqsQueues(client), stubber
        stubber.assert_no_pending_responses()


@pytest.fixture
def cli_queues(stubbed: tuple[SqsQueues, Stubber], monkeypatch: pytest.MonkeyPatch) -> Stubber:
    """The CLI's adapter is the stubbed one."""
    monkeypatch.setattr(dlq_command, "make_queues", lambda _args: stubbed[0])
    return stubbed[1]


def expect_arn(stubber: Stubber, queue: QueueRef, arn: str) -> None:
    stubber.add_response(
        "get_queue_attributes",
        {"Attributes": {"QueueArn": arn}},
        {"QueueUrl": queue.url, "AttributeNames": ["QueueArn"]},
    )


def expect_tasks(stubber: Stubber, *tasks: dict[str, Any]) -> None:
    stubber.add_response(
        "list_message_move_tasks", {"Results": list(tasks)}, {"SourceArn": DLQ_ARN, "MaxResults": 10}
    )


def task(status: str, **extra: Any) -> dict[str, Any]:
    return {"Status": status, "SourceArn": DLQ_ARN, "DestinationArn": JOBS_ARN, **extra}


def test_start_move_task_from_dlq_arn_to_jobs_arn_at_the_rate(stubbed: tuple[SqsQueues, Stubber]) -> None:
    # Given no active task (only a finished one)
    queues, stubber = stubbed
    expect_arn(stubber, DLQ, DLQ_ARN)
    expect_tasks(stubber, task("COMPLETED", ApproximateNumberOfMessagesMoved=3))
    expect_arn(stubber, JOBS, JOBS_ARN)
    stubber.add_response(
        "start_message_move_task",
        {"TaskHandle": "handle-1"},
        {"SourceArn": DLQ_ARN, "DestinationArn": JOBS_ARN, "MaxNumberOfMessagesPerSecond": 50},
    )
    # When / Then
    assert start_move_task(queues, DLQ, JOBS, rate=50) == "handle-1"


def test_without_rate_aws_picks_it(stubbed: tuple[SqsQueues, Stubber]) -> None:
    queues, stubber = stubbed
    expect_arn(stubber, DLQ, DLQ_ARN)
    expect_tasks(stubber)
    expect_arn(stubber, JOBS, JOBS_ARN)
    stubber.add_response(
        "start_message_move_task", {"TaskHandle": "h"}, {"SourceArn": DLQ_ARN, "DestinationArn": JOBS_ARN}
    )
    assert start_move_task(queues, DLQ, JOBS, rate=None) == "h"


@pytest.mark.parametrize("status", ["RUNNING", "CANCELLING"])
def test_an_active_task_is_a_one_line_error_and_nothing_starts(
    stubbed: tuple[SqsQueues, Stubber], status: str
) -> None:
    queues, stubber = stubbed
    expect_arn(stubber, DLQ, DLQ_ARN)
    expect_tasks(stubber, task(status, TaskHandle="busy-handle"))
    with pytest.raises(UserError) as raised:
        start_move_task(queues, DLQ, JOBS, rate=10)
    message = str(raised.value)
    assert f"already {status.lower()}" in message
    assert "busy-handle" in message
    assert "\n" not in message


def test_a_task_started_meanwhile_is_the_same_clear_error(stubbed: tuple[SqsQueues, Stubber]) -> None:
    queues, stubber = stubbed
    expect_arn(stubber, DLQ, DLQ_ARN)
    expect_tasks(stubber)
    expect_arn(stubber, JOBS, JOBS_ARN)
    stubber.add_client_error(
        "start_message_move_task",
        service_error_code="InvalidParameterValue",
        service_message="There is already a task running. Only one active task is allowed for a source.",
        http_status_code=400,
    )
    with pytest.raises(UserError, match="already running") as raised:
        start_move_task(queues, DLQ, JOBS, rate=None)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize("code", ["UnknownOperationException", "NotImplemented", "500"])
def test_an_endpoint_without_move_tasks_is_reported_as_unsupported(
    stubbed: tuple[SqsQueues, Stubber], code: str
) -> None:
    queues, stubber = stubbed
    stubber.add_client_error("list_message_move_tasks", service_error_code=code, http_status_code=500)
    with pytest.raises(MoveTaskUnsupportedError):
        queues.move_tasks(DLQ_ARN)


def test_redrive_on_aws_prints_the_task_handle(
    cli_queues: Stubber, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a DLQ given by URL that the jobs queue's RedrivePolicy names
    cli_queues.add_response(
        "list_dead_letter_source_queues", {"queueUrls": [JOBS.url]}, {"QueueUrl": DLQ.url, "MaxResults": 10}
    )
    expect_arn(cli_queues, DLQ, DLQ_ARN)
    expect_tasks(cli_queues)
    expect_arn(cli_queues, JOBS, JOBS_ARN)
    cli_queues.add_response(
        "start_message_move_task",
        {"TaskHandle": "handle-9"},
        {"SourceArn": DLQ_ARN, "DestinationArn": JOBS_ARN, "MaxNumberOfMessagesPerSecond": 500},
    )
    code = cli.main(["dlq", "redrive", "--rate", "500", "--source-queue-url", JOBS.url, *AWS_ARGS])
    assert code == 0
    assert "handle-9" in capsys.readouterr().out


def test_status_lists_the_tasks(cli_queues: Stubber, capsys: pytest.CaptureFixture[str]) -> None:
    expect_arn(cli_queues, DLQ, DLQ_ARN)
    running = task(
        "RUNNING",
        TaskHandle="h-1",
        ApproximateNumberOfMessagesMoved=5,
        ApproximateNumberOfMessagesToMove=20,
        MaxNumberOfMessagesPerSecond=10,
        StartedTimestamp=1_795_464_000_000,
    )
    expect_tasks(cli_queues, running, task("FAILED", FailureReason="AccessDenied"))
    assert cli.main(["dlq", "redrive", "--status", *AWS_ARGS]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("RUNNING: moved 5 of 20, rate 10/s, started 2026-")
    assert lines[0].endswith("handle h-1")
    assert lines[1].startswith("FAILED")
    assert "failure: AccessDenied" in lines[1]


def test_cancel_by_handle(cli_queues: Stubber, capsys: pytest.CaptureFixture[str]) -> None:
    cli_queues.add_response(
        "cancel_message_move_task", {"ApproximateNumberOfMessagesMoved": 7}, {"TaskHandle": "h-1"}
    )
    assert cli.main(["dlq", "redrive", "--cancel", "h-1", *AWS_ARGS]) == 0
    assert "~7 message(s) moved" in capsys.readouterr().out


def test_move_tasks_on_the_local_emulator_are_a_user_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["dlq", "redrive", "--status", "--queue-url", DLQ.url]) == 2
    err = capsys.readouterr().err
    assert err.startswith("workerctl dlq: error: message move tasks exist on AWS only")
    assert err.count("\n") == 1


class RaisingClient:
    """Every SQS call fails with one botocore error."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def __getattr__(self, _name: str) -> Any:
        def call(**_kwargs: Any) -> Any:
            raise self.error

        return call


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (NoCredentialsError(), "no AWS credentials"),
        (EndpointConnectionError(endpoint_url="http://localhost:4566"), "cannot reach http://localhost:4566"),
        (
            ClientError({"Error": {"Code": "AccessDenied", "Message": "not allowed\nat all"}}, "PurgeQueue"),
            "PurgeQueue app-jobs-dlq failed: AccessDenied: not allowed",
        ),
    ],
)
def test_botocore_errors_become_one_line_user_errors(error: Exception, expected: str) -> None:
    queues = SqsQueues(RaisingClient(error))  # type: ignore[arg-type]
    with pytest.raises(UserError) as raised:
        queues.purge(DLQ)
    assert str(raised.value).startswith(expected)
    assert "\n" not in str(raised.value)


def test_a_missing_queue_is_none_for_find(stubbed: tuple[SqsQueues, Stubber]) -> None:
    queues, stubber = stubbed
    stubber.add_client_error(
        "get_queue_url", service_error_code="AWS.SimpleQueueService.NonExistentQueue", http_status_code=400
    )
    assert queues.find("nope") is None
