"""Shared by the e2e tests: a console sink, a running local runtime, an SQS client and queue depth."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
import pytest

from workerctl.local.console import Console
from workerctl.local.options import RuntimeOptions
from workerctl.local.runtime import LocalRuntime

ROOT = Path(__file__).resolve().parents[2]
DEPTH_ATTRIBUTES = (
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
)


class LineSink:
    """A console stream that keeps what is written instead of printing it (the last ``keep`` writes,
    all of them when ``keep`` is None), so the runtime's logs stay inspectable without flooding."""

    def __init__(self, keep: int | None = None) -> None:
        self.keep = keep
        self.lines: list[str] = []

    def write(self, text: str) -> int:
        self.lines.append(text)
        if self.keep is not None:
            del self.lines[: max(len(self.lines) - self.keep, 0)]
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def runtime_options(**fields: Any) -> RuntimeOptions:
    """Options for the repository's template.yaml and samconfig.toml, with ``fields`` on top."""
    return RuntimeOptions(template=ROOT / "template.yaml", samconfig=ROOT / "samconfig.toml", **fields)


def options_for_jobs(job_module: str, **fields: Any) -> RuntimeOptions:
    """:func:`runtime_options` for a test's own jobs: the embedded emulator and /health on free ports,
    no demo jobs, 1 s long polls, and ``job_module`` (e.g. ``tests.e2e.e2e_jobs``) importable."""
    return runtime_options(
        emulator_port=0,
        health_port=0,
        demo=False,
        poll_wait_seconds=1,
        extra_job_modules=(job_module,),
        extra_sys_paths=(str(ROOT),),
        **fields,
    )


@contextmanager
def running(options: RuntimeOptions, sink: LineSink) -> Iterator[LocalRuntime]:
    """A started :class:`LocalRuntime` writing to ``sink``; stopped on exit."""
    local = LocalRuntime(options, Console(sink, tty=False))  # type: ignore[arg-type]
    local.start()
    try:
        yield local
    finally:
        local.stop()


def local_sqs(endpoint_url: str | None) -> Any:
    """An SQS client for the emulator at ``endpoint_url`` (fake credentials)."""
    return local_client("sqs", endpoint_url)


def local_client(service: str, endpoint_url: str | None) -> Any:
    """A ``service`` client for the emulator at ``endpoint_url`` (fake credentials)."""
    return boto3.client(
        service,
        endpoint_url=endpoint_url,
        region_name="eu-west-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


def total_messages(sqs: Any, url: str) -> int:
    """Visible + in flight + delayed messages of the queue at ``url``: zero means fully drained."""
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=list(DEPTH_ATTRIBUTES))["Attributes"]
    return sum(int(attributes[name]) for name in DEPTH_ATTRIBUTES)


def wait_for[T](condition: Callable[[], T], what: str, sink: LineSink, timeout: float = 60.0) -> T:
    """Poll ``condition`` until truthy (returned); fail after ``timeout`` s (a bound, not a measurement)
    showing the last lines the runtime wrote to ``sink``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    recent = "".join(sink.lines[-15:])
    pytest.fail(f"timed out after {timeout} s waiting for {what}; runtime output:\n{recent}")
