"""The port check every local server (emulator, /health) makes before it binds.

Its own small module so the servers share it without importing each other: a taken port becomes one
:class:`UserError` line naming the option that changes it, instead of a bind traceback.
"""

from __future__ import annotations

import socket

from workerctl.errors import UserError


def ensure_port_free(host: str, port: int, what: str, how_to_change: str) -> None:
    """Raise a one-line :class:`UserError` when ``host:port`` cannot be bound (0 = any free port)."""
    if port == 0:
        return
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers bind: TIME_WAIT is free
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise UserError(f"port {port} for {what} is in use ({exc.strerror}); {how_to_change}") from exc
