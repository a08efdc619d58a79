"""The embedded emulator's process fails clearly and leaves no orphan (no connection to it: see
tests/e2e/test_emulator_process.py for a serving one)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.conftest import ROOT
from tests.unit.workerctl.processes import emulator_children, running, wait_until_gone
from workerctl.errors import UserError
from workerctl.local import emulator as emulator_module
from workerctl.local.emulator import EmbeddedEmulator

# Starts an emulator, prints its pid, then waits to be killed (stands in for `workerctl run`).
PARENT_SCRIPT = """
import time
from workerctl.local.emulator import EmbeddedEmulator
if __name__ == "__main__":
    emulator = EmbeddedEmulator("127.0.0.1", 0)
    emulator.start()
    print(emulator.pid, flush=True)
    time.sleep(120)
"""


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield int(listener.getsockname()[1])


def test_a_busy_port_is_a_one_line_error_and_starts_no_process(
    busy_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_process(*args: object, **kwargs: object) -> None:
        raise AssertionError("no process may start on a busy port")

    monkeypatch.setattr(emulator_module._SPAWN, "Process", no_process)
    with pytest.raises(UserError) as raised:
        EmbeddedEmulator("127.0.0.1", busy_port).start()
    message = str(raised.value)
    assert message.startswith(f"port {busy_port} for the AWS emulator is in use")
    assert message.endswith("pass --emulator-port PORT")
    assert "\n" not in message


def test_a_server_that_dies_at_start_is_a_user_error_quoting_its_stderr(
    busy_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Skip the parent's check: the child itself then fails to bind, as in a race for the port.
    monkeypatch.setattr(emulator_module, "ensure_port_free", lambda *args: None)
    emulator = EmbeddedEmulator("127.0.0.1", busy_port)
    with pytest.raises(
        UserError, match=r"exited with code 1 before serving; its stderr ended with"
    ) as raised:
        emulator.start()
    assert "Address already in use" in str(raised.value)
    assert f"Port {busy_port} is in use by another program" in str(raised.value)  # werkzeug's words
    assert emulator.pid is None
    assert emulator_children() == []


def test_a_server_that_does_not_answer_in_time_is_a_user_error_and_is_stopped() -> None:
    emulator = EmbeddedEmulator("127.0.0.1", 0, start_timeout=0.01)  # no interpreter imports moto that fast
    with pytest.raises(UserError, match=r"did not start within 0\.01 s"):
        emulator.start()
    assert emulator.pid is None
    assert emulator_children() == []


def test_the_emulator_exits_when_the_runtime_process_is_killed() -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT_SCRIPT],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "devtools")},
    )
    pid = 0
    try:
        assert parent.stdout is not None
        pid = int(parent.stdout.readline())
        assert running(pid)
        parent.kill()  # SIGKILL: no atexit, no stop()
        parent.wait(10)
        assert wait_until_gone(pid), f"emulator {pid} outlived its parent"
    finally:
        parent.kill()
        parent.wait(10)
        if pid and running(pid):
            os.kill(pid, signal.SIGKILL)  # a failing run leaves no server behind
