"""The embedded emulator serves from its own process, survives Ctrl-C to the group, and stops for good."""

from __future__ import annotations

import os
import signal
import time
import urllib.error
import urllib.request
from typing import Any

import boto3
import pytest

from tests.unit.workerctl.processes import emulator_children, running
from workerctl.local.emulator import EmbeddedEmulator

pytestmark = pytest.mark.e2e


def sqs_client(endpoint: str) -> Any:
    return boto3.client(
        "sqs",
        endpoint_url=endpoint,
        region_name="eu-west-1",
        aws_access_key_id="t",
        aws_secret_access_key="t",
    )


def queue_names(endpoint: str) -> list[str]:
    return [url.rsplit("/", 1)[1] for url in sqs_client(endpoint).list_queues().get("QueueUrls", [])]


def test_the_server_answers_from_its_own_process_and_is_gone_after_stop() -> None:
    emulator = EmbeddedEmulator("127.0.0.1", 0)
    url = emulator.start()
    pid = emulator.pid
    try:
        assert pid is not None
        assert pid != os.getpid()
        assert running(pid)
        assert url == emulator.endpoint_url
        assert url.startswith("http://127.0.0.1:")
        assert queue_names(url) == []  # starts empty
        sqs_client(url).create_queue(QueueName="q1")
        assert queue_names(url) == ["q1"]
    finally:
        emulator.stop()
    assert not running(pid)
    assert emulator.pid is None
    assert emulator_children() == []
    emulator.stop()  # idempotent
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url, timeout=2)
    with pytest.raises(RuntimeError, match="not running"):
        _ = emulator.endpoint_url


def test_ctrl_c_to_the_process_group_leaves_the_emulator_serving() -> None:
    emulator = EmbeddedEmulator("127.0.0.1", 0)
    url = emulator.start()
    try:
        assert emulator.pid is not None
        os.kill(emulator.pid, signal.SIGINT)
        time.sleep(0.3)
        assert running(emulator.pid)
        assert queue_names(url) == []
    finally:
        emulator.stop()
