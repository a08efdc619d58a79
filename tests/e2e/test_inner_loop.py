"""The developer's loop: restart at once, failed start-ups that exit and free every port, your own job
(the README's) through --job-module/--job-path, and a console whose pretty lines carry correlation ids."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.helpers import (
    ROOT,
    LineSink,
    local_sqs,
    readme_job_sample,
    running,
    total_messages,
    wait_until,
)
from workerctl.cli import build_parser
from workerctl.cli.run import options_from
from workerctl.local.console import Console
from workerctl.local.ports import ensure_port_free, free_ports
from workerctl.local.runtime import LocalRuntime

pytestmark = pytest.mark.e2e

WORKERCTL = Path(sys.executable).parent / "workerctl"
FAST = [
    "QueueVisibilityTimeoutSeconds=4",
    "WorkerTimeoutSeconds=2",
    "MaxReceiveCount=2",
    "BackoffBaseSeconds=1",
    "BackoffCapSeconds=1",
    "TimeoutMarginMs=200",  # below the 2 s Timeout, or every record is skipped as out of time
]


def port_args(ports: list[int]) -> list[str]:
    emulator, tables, health = ports
    return ["--emulator-port", str(emulator), "--dynamodb-port", str(tables), "--port", str(health)]


def assert_ports_free(ports: list[int]) -> None:
    """Each port binds as the servers bind it (SO_REUSEADDR), and nothing accepts connections on it."""
    for port in ports:
        ensure_port_free("127.0.0.1", port, f"port {port}", "-")
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=1).close()


def cli_options(*args: str) -> Any:
    base = ["run", "--template", str(ROOT / "template.yaml"), "--config-file", str(ROOT / "samconfig.toml")]
    return options_from(build_parser().parse_args([*base, "--no-demo", "--poll-wait", "1", *args]))


def test_a_port_left_in_time_wait_by_the_last_run_does_not_block_the_next() -> None:
    # Given a port whose server closed a connection first (its socket waits in TIME_WAIT, as after Ctrl-C)
    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = int(server.getsockname()[1])
        client = socket.create_connection(("127.0.0.1", port))
        accepted, _ = server.accept()
        accepted.close()
        client.recv(1)
        client.close()
    # Then a plain bind is refused (the old check's mistake) and the check lets the restart through
    with socket.socket() as plain, pytest.raises(OSError):
        plain.bind(("127.0.0.1", port))
    ensure_port_free("127.0.0.1", port, "the AWS emulator", "pass --emulator-port PORT")


def test_restart_on_the_same_ports_right_after_a_run_with_traffic() -> None:
    # Given a run on fixed ports that served jobs and /health, then stopped
    ports = free_ports(3)
    sink = LineSink(keep=200)
    options = cli_options(*port_args(ports))
    for attempt in ("first", "restart"):
        with running(options, sink) as local:
            sqs = local_sqs(local.endpoint_url)
            url = local.polled_queue_urls()[0]
            sqs.send_message(
                QueueUrl=url, MessageBody=json.dumps({"type": "checksum", "payload": {"text": "x"}})
            )
            wait_until(lambda: local.stats.processed >= 1, sink, what=f"the {attempt} run's job")
            with urllib.request.urlopen(f"{local.health_url}/health/live", timeout=10) as answer:
                assert answer.status == 200
        # Then the next start on the same ports succeeds at once (the loop's second pass)
    assert_ports_free(ports)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--parameter-overrides", "JobModules=no_such_module"], "job module 'no_such_module'"),
        (["--job-module", "my_missing_jobs"], "job module 'my_missing_jobs'"),
    ],
)
def test_a_bad_job_module_exits_2_within_10_s_with_every_port_free(args: list[str], expected: str) -> None:
    ports = free_ports(3)
    completed = subprocess.run(
        [str(WORKERCTL), "run", "--no-demo", *port_args(ports), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=10,  # the liveness bound the issue sets: it hung for good before
    )
    assert completed.returncode == 2
    (error,) = completed.stderr.splitlines()
    assert error.startswith(f"workerctl run: error: {expected}")
    assert_ports_free(ports)


def test_a_handler_import_error_exits_2_with_one_line_and_every_port_free(tmp_path: Path) -> None:
    # Given a job module that exists but raises at import: only the function process can find out
    (tmp_path / "broken_jobs.py").write_text('raise RuntimeError("boom at import")\n')
    ports = free_ports(3)
    job_args = ["--job-path", str(tmp_path), "--job-module", "broken_jobs"]
    completed = subprocess.run(
        [str(WORKERCTL), "run", "--no-demo", *port_args(ports), *job_args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,  # emulators and function processes start first; it must still end, not hang
        env={**os.environ, "PYTHONPATH": ""},
    )
    assert completed.returncode == 2
    (error,) = completed.stderr.splitlines()
    assert error == (
        "workerctl run: error: cannot import handler worker_handler.lambda_handler of "
        "sqs-lambda-worker-dev-worker: RuntimeError: boom at import"
    )
    assert_ports_free(ports)


def test_the_readme_job_from_another_directory_runs_fails_and_dead_letters(tmp_path: Path) -> None:
    # Given the README's job module in a directory of its own, loaded with --job-module and --job-path
    (tmp_path / "greeting_jobs.py").write_text(readme_job_sample())
    options = cli_options(
        "--emulator-port", "0", "--port", "0", "--job-module", "greeting_jobs", "--job-path", str(tmp_path),
        "--parameter-overrides", *FAST,
    )  # fmt: skip
    sink = LineSink()
    local = LocalRuntime(options, Console(sink, tty=False, raw=False))  # type: ignore[arg-type]
    local.start()
    try:
        sqs = local_sqs(local.endpoint_url)
        url = local.queue_urls["JobsQueue"]
        dlq = local.queue_urls["DeadLetterQueue"]
        # When the README's three jobs are sent
        for correlation_id, name in (("hello-1", "Ada"), ("hello-2", ""), ("hello-3", "later")):
            sqs.send_message(
                QueueUrl=url,
                MessageBody=json.dumps({"type": "greet", "payload": {"name": name}}),
                MessageAttributes={"CorrelationId": {"DataType": "String", "StringValue": correlation_id}},
            )
        # Then one runs, one is dead-lettered at once and one after its retries, as the README says
        wait_until(
            lambda: total_messages(sqs, dlq) == 2 and total_messages(sqs, url) == 0,
            sink,
            timeout=120,  # the retried job needs MaxReceiveCount receives; a liveness bound, not a speed one
            what="2 in the DLQ",
        )
    finally:
        local.stop()
    lines = "".join(sink.lines)
    assert "greet [hello-1] job processed" in lines
    assert (
        "greet [hello-2] job failed permanently; sent to the dead-letter queue — PermanentJobError" in lines
    )
    assert "greet [hello-3] job failed, will be retried — RuntimeError: not now" in lines
    assert '"_aws"' not in lines  # pretty: metric lines only through the summary
    assert "Traceback" not in lines  # the transient failure's traceback is folded to its last line
