"""The port check every local server (emulator, /health) makes before it binds.

Its own small module so the servers share it without importing each other: a taken port becomes one
:class:`UserError` line naming the option that changes it, instead of a bind traceback.

The probe binds with ``SO_REUSEADDR``, as the servers do (``http.server`` and werkzeug set it): without
it, the sockets the previous run left in TIME_WAIT refuse the bind for about a minute, so a restart
right after Ctrl-C was refused although the servers themselves would have bound. With it, the bind
fails only while a socket listens on the port: a program is really serving there.
"""

from __future__ import annotations

import socket
from collections.abc import Iterable

from workerctl.errors import UserError


def ensure_port_free(host: str, port: int, what: str, how_to_change: str) -> None:
    """Raise a one-line :class:`UserError` when ``host:port`` cannot be bound (0 = any free port)."""
    if port == 0:
        return
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise UserError(
                f"port {port} for {what} is in use ({exc.strerror}): a program is serving on it "
                f"(another `make run`?); stop it, or {how_to_change}"
            ) from exc


def ensure_ports_free(host: str, ports: Iterable[tuple[int, str, str]]) -> None:
    """Check each ``(port, what, how_to_change)`` before any slow start-up work; the first taken one
    is the error. A port given twice is an error too: both servers cannot bind it."""
    seen: dict[int, str] = {}
    for port, what, how_to_change in ports:
        if port in seen:
            raise UserError(f"port {port} is asked for both {seen[port]} and {what}; {how_to_change}")
        ensure_port_free(host, port, what, how_to_change)
        if port:
            seen[port] = what


def free_ports(count: int, host: str = "127.0.0.1") -> list[int]:
    """``count`` distinct ports free on ``host`` right now (the OS picks them), for tests and bench that
    need fixed ports known in advance; another program may still take one before it is bound."""
    sockets = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind((host, 0))
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()
