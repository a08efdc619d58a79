"""``workerctl run``'s loop with a fake runtime: banner, SIGTERM stops it cleanly."""

from __future__ import annotations

import os
import signal
import threading
from typing import Any, ClassVar

import pytest

from workerctl.cli import main
from workerctl.cli import run as run_command
from workerctl.local.stats import RuntimeStats


class FakeRuntime:
    instances: ClassVar[list[FakeRuntime]] = []

    def __init__(self, options: Any, console: Any) -> None:
        self.options = options
        self.stats = RuntimeStats(processed=4)
        self.endpoint_url = "http://127.0.0.1:4566"
        self.dynamodb_endpoint_url = "http://127.0.0.1:4567"
        self.queue_urls = {"JobsQueue": "http://127.0.0.1:4566/123456789012/s-jobs"}
        self.health_url = "http://127.0.0.1:8085"
        self.dashboard_url = "http://127.0.0.1:8086"
        self.stopped = False
        self.uptime_seconds = 65.0
        self.discarded = {"s-jobs": 2, "s-jobs-dlq": 1}
        FakeRuntime.instances.append(self)

    def start(self) -> None:
        # Once started, ask to stop the way a process manager would.
        threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGTERM)).start()

    def stop(self) -> None:
        self.stopped = True


def test_sigterm_stops_the_runtime_and_restores_the_handler(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(run_command, "LocalRuntime", FakeRuntime)
    before = signal.getsignal(signal.SIGTERM)

    assert main(["run", "--no-demo", "--env", "prod"]) == 0

    (runtime,) = FakeRuntime.instances
    assert runtime.stopped
    assert (runtime.options.env, runtime.options.demo) == ("prod", False)
    assert signal.getsignal(signal.SIGTERM) == before
    out = capsys.readouterr().out
    assert "workerctl: queue JobsQueue: http://127.0.0.1:4566/123456789012/s-jobs" in out
    assert "workerctl: health http://127.0.0.1:8085/health" in out
    assert "workerctl: dashboard http://127.0.0.1:8086/" in out
    assert "workerctl: DynamoDB endpoint http://127.0.0.1:4567 (the template's tables)" in out
    assert "workerctl: stopped after 1m05s. processed 4 | failed 0" in out
    # the commands printed run as printed: the venv path, and --env for a profile other than dev
    assert (
        "workerctl: send a job:  .venv/bin/workerctl send --type checksum "
        """--payload '{"text": "hi"}' --env prod"""
    ) in out
    assert "workerctl: queue depth: .venv/bin/workerctl depth --env prod" in out
    assert "discarded with the in-memory emulator: 2 in s-jobs, 1 in s-jobs-dlq" in out
