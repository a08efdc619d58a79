"""Unit-test fixtures: captured structured logs and a socket guard (unit tests never touch the network)."""

from __future__ import annotations

import io
import json
import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from queue_worker.log import logger


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail loudly if a unit test opens a network connection."""

    def guard(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("unit tests must not open network connections")

    monkeypatch.setattr(socket.socket, "connect", guard)


@pytest.fixture
def log_lines() -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """Redirect the Powertools logger to memory; call the fixture value to get parsed JSON lines."""
    handler = logger.registered_handler
    buffer = io.StringIO()
    assert isinstance(handler, __import__("logging").StreamHandler)
    previous = handler.setStream(buffer)
    logger.setLevel("DEBUG")
    try:
        yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]
    finally:
        handler.setStream(previous)
        logger.setLevel("INFO")
