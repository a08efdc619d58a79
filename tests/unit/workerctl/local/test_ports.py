"""The port check: a restart right after a run is allowed, a port a program serves on is not."""

from __future__ import annotations

import socket

import pytest

from workerctl.errors import UserError
from workerctl.local.ports import ensure_ports_free


def test_a_port_a_program_listens_on_is_one_line_naming_the_fix() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(UserError) as raised:
            ensure_ports_free("127.0.0.1", [(0, "x", "-"), (port, "/health", "set PORT or pass --port PORT")])
    message = str(raised.value)
    assert message.startswith(f"port {port} for /health is in use")
    assert "another `make run`?" in message
    assert message.endswith("stop it, or set PORT or pass --port PORT")
    assert "\n" not in message


def test_one_port_asked_for_twice_is_an_error_before_any_bind() -> None:
    with pytest.raises(UserError, match="port 5000 is asked for both the AWS emulator and /health"):
        ensure_ports_free(
            "127.0.0.1",
            [(5000, "the AWS emulator", "pass --emulator-port PORT"), (5000, "/health", "pass --port PORT")],
        )
