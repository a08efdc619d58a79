"""A socket that accepts and never answers: the botocore read timeout and the round deadline bound /health."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import boto3
import pytest
from botocore.config import Config

from queue_worker.adapters.aws_clients import health_client_config
from queue_worker.adapters.sqs_queue import SqsJobQueue
from queue_worker.errors import QueueUnavailableError
from queue_worker.health.checks import jobs_queue_checks
from queue_worker.health.probes import Probe, run_probes


@pytest.fixture
def silent_endpoint() -> Iterator[str]:
    """http://127.0.0.1:<free port>: the kernel completes the handshake, nobody ever replies."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


def _queue(endpoint: str, config: Config) -> SqsJobQueue:
    client = boto3.client("sqs", region_name="eu-west-1", endpoint_url=endpoint, config=config)
    return SqsJobQueue(f"{endpoint}/123456789012/jobs", client)


def test_the_read_timeout_turns_into_an_unavailable_queue(silent_endpoint: str) -> None:
    queue = _queue(
        silent_endpoint, Config(read_timeout=0.3, connect_timeout=0.3, retries={"total_max_attempts": 1})
    )
    begin = time.monotonic()
    with pytest.raises(QueueUnavailableError, match="ReadTimeoutError") as caught:
        queue.attributes(["ApproximateNumberOfMessages"])
    assert time.monotonic() - begin < 3
    assert "127.0.0.1" not in str(caught.value)


def test_the_round_deadline_cuts_the_health_clients_own_timeouts(silent_endpoint: str) -> None:
    # Given the health function's client config (2 attempts x 2 s read) against the silent socket
    queue = _queue(silent_endpoint, health_client_config())
    probe = Probe("jobs-queue", "reachable", True, lambda: jobs_queue_checks(queue))
    # When one round runs with a 0.5 s deadline
    begin = time.monotonic()
    [result] = run_probes([probe], timeout_seconds=0.5)
    # Then it answers after the deadline, not after the botocore retries
    assert time.monotonic() - begin < 2
    assert (result.key, result.status, result.output) == ("jobs-queue:reachable", "fail", "check timed out")
