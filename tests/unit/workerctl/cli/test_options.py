"""The shared queue look-up: --stack, the .fifo twin, and which GetQueueUrl errors mean "not found"."""

from __future__ import annotations

import argparse

import pytest

from tests.conftest import ROOT
from tests.unit.workerctl.fakes import FakeSqs
from workerctl.cli.options import client_for, queue_url
from workerctl.errors import UserError


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
