"""The core both wings share: the one botocore-error translation, the queue look-up, chunks of 10."""

from __future__ import annotations

import pytest
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)

from tests.unit.workerctl.fakes import FakeSqs
from workerctl.aws import aws_call, user_error
from workerctl.errors import QueueNotFoundError, UserError
from workerctl.queues import chunks, find_queue, queue_url_by_name


def client_error(code: str, message: str = "") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "AnyOperation")


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            NoCredentialsError(),
            "no AWS credentials: set AWS_PROFILE or configure the default credential chain",
        ),
        (
            EndpointConnectionError(endpoint_url="http://e:1/"),
            "cannot reach http://e:1: is `workerctl run` running?",
        ),
        (
            ConnectTimeoutError(endpoint_url="http://e:1/"),
            "cannot reach http://e:1: is `workerctl run` running?",
        ),
        (client_error("AccessDenied", "not allowed\nsecond line"), "Op q failed: AccessDenied: not allowed"),
        (client_error("Throttling"), "Op q failed: Throttling: no detail"),
        (
            ReadTimeoutError(endpoint_url="http://e:1/"),
            'Op q failed: Read timeout on endpoint URL: "http://e:1/"',
        ),
    ],
)
def test_every_botocore_failure_is_one_line(error: Exception, expected: str) -> None:
    message = str(user_error("Op q", error))
    assert message == expected
    assert "\n" not in message


@pytest.mark.parametrize("code", ["QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue"])
def test_a_missing_queue_is_its_own_kind_of_user_error(code: str) -> None:
    with (
        pytest.raises(QueueNotFoundError, match="GetQueueAttributes q: the queue does not exist"),
        aws_call("GetQueueAttributes q"),
    ):
        raise client_error(code)


def test_aws_call_leaves_other_exceptions_alone() -> None:
    with pytest.raises(KeyError), aws_call("Op"):
        raise KeyError("not botocore")


def test_the_queue_look_up_is_none_only_for_a_missing_queue() -> None:
    sqs = FakeSqs({"a": "http://e/a"})
    assert queue_url_by_name(sqs, "a") == "http://e/a"
    assert queue_url_by_name(sqs, "b") is None
    with pytest.raises(UserError, match=r"^GetQueueUrl a at http://x failed: AccessDenied: nope$"):
        queue_url_by_name(FakeSqs({"a": "http://e/a"}, error="AccessDenied"), "a", "http://x")


def test_find_queue_tries_the_fifo_twin_second() -> None:
    asked: list[str] = []
    assert (
        find_queue("q", lambda name: asked.append(name) or (name if name.endswith(".fifo") else None))
        == "q.fifo"
    )
    assert asked == ["q", "q.fifo"]
    assert find_queue("q", lambda name: None) is None


def test_chunks_of_ten_keep_order_and_the_remainder() -> None:
    assert [list(chunk) for chunk in chunks(list(range(23)))] == [
        list(range(10)),
        list(range(10, 20)),
        [20, 21, 22],
    ]
    assert list(chunks([])) == []
    assert [list(chunk) for chunk in chunks("abcde", size=2)] == [["a", "b"], ["c", "d"], ["e"]]
