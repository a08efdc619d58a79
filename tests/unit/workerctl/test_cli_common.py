"""The shared queue look-up: --stack, the .fifo twin, and which GetQueueUrl errors mean "not found"."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from workerctl.cli.options import client_for, queue_url
from workerctl.errors import UserError

ROOT = Path(__file__).resolve().parents[3]


class FakeSqs:
    """GetQueueUrl over a dict of existing queues; ``error`` replaces every answer with that code."""

    def __init__(self, existing: dict[str, str], error: str | None = None) -> None:
        self.existing, self.error, self.asked = existing, error, list[str]()

    def get_queue_url(self, QueueName: str) -> dict[str, str]:  # noqa: N803 - boto3's name
        self.asked.append(QueueName)
        code = self.error or ("" if QueueName in self.existing else "QueueDoesNotExist")
        if code:
            raise ClientError({"Error": {"Code": code, "Message": "nope"}}, "GetQueueUrl")
        return {"QueueUrl": self.existing[QueueName]}


def args(**overrides: object) -> argparse.Namespace:
    defaults = {"endpoint_url": "http://e", "region": "eu-west-1", "env": "dev"}
    return argparse.Namespace(**{"config_file": ROOT / "samconfig.toml", **defaults, **overrides})


def test_stack_option_wins_and_the_fifo_twin_is_tried_second() -> None:
    # Given only a FIFO jobs queue for stack "s"
    client = FakeSqs({"s-jobs.fifo": "http://e/s-jobs.fifo"})
    # When / Then
    assert queue_url(client, args(stack="s")) == "http://e/s-jobs.fifo"
    assert client.asked == ["s-jobs", "s-jobs.fifo"]


def test_without_stack_option_the_samconfig_stack_is_used() -> None:
    client = FakeSqs({})
    with pytest.raises(UserError, match="queue sqs-lambda-worker-dev-jobs-dlq not found at http://e"):
        queue_url(client, args(), dead_letter=True)


def test_access_denied_is_not_read_as_not_found() -> None:
    client = FakeSqs({}, error="AccessDenied")
    with pytest.raises(UserError) as raised:
        queue_url(client, args(stack="s"))
    assert str(raised.value) == "GetQueueUrl s-jobs at http://e failed: AccessDenied: nope"
    assert client.asked == ["s-jobs"]


@pytest.mark.parametrize("endpoint", ["localhost:4566", "ftp://e"])
def test_a_bad_endpoint_is_a_user_error(endpoint: str) -> None:
    with pytest.raises(UserError, match="bad --endpoint-url"):
        client_for(args(endpoint_url=endpoint))
