"""The child side of a function slot: one long-lived process per concurrency slot, like a Lambda sandbox.

The handler module is imported once (cold start), so module state survives warm invocations. stdout and
stderr are forwarded line by line to the parent, which prints them around its status line. Messages on
the control pipe: child → parent ``("ready",)``, ``("init_error", text)``, ``("ok", json)``,
``("error", type, message, stack)``; parent → child ``("invoke", event, request_id, timeout_s)``,
or ``None`` to stop.
"""

from __future__ import annotations

import importlib
import io
import json
import os
import signal
import sys
import traceback
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from workerctl.local.sandbox.context import LocalLambdaContext

if TYPE_CHECKING:
    from collections.abc import Callable
    from multiprocessing.connection import Connection


@dataclass(frozen=True)
class ChildSetup:
    """Everything the child needs, picklable for the spawn start method."""

    module: str
    function: str
    function_name: str
    function_arn: str
    memory_mb: int
    sys_paths: tuple[str, ...]
    environment: dict[str, str] = field(default_factory=dict)


def context_for(setup: ChildSetup, request_id: str, timeout_s: float) -> LocalLambdaContext:
    """The context of one invocation of ``setup``'s function: its identity and a ``timeout_s`` deadline."""
    return LocalLambdaContext(
        setup.function_name,
        function_arn=setup.function_arn,
        memory_mb=setup.memory_mb,
        request_id=request_id,
        timeout_s=timeout_s,
    )


class _LineForwarder(io.TextIOBase):
    """A text stream that sends each complete line to the parent."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._pending = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._pending += text
        *lines, self._pending = self._pending.split("\n")
        for line in lines:
            self._connection.send(line)
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self._connection.send(self._pending)
            self._pending = ""


def _load(setup: ChildSetup) -> Callable[[Any, Any], Any]:
    os.environ.update(setup.environment)
    for path in reversed(setup.sys_paths):
        sys.path.insert(0, path)
    handler: Callable[[Any, Any], Any] = getattr(importlib.import_module(setup.module), setup.function)
    return handler


def child_main(setup: ChildSetup, control: Connection, logs: Connection) -> None:
    """Entry point of the slot process (runs until the parent sends ``None`` or closes the pipe)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the parent stops us
    sys.stdout = sys.stderr = _LineForwarder(logs)
    try:
        handler = _load(setup)
    except BaseException as exc:
        summary = "".join(traceback.format_exception_only(exc)).strip().splitlines()[-1]
        control.send(("init_error", summary))
        return
    control.send(("ready",))
    while (message := control.recv()) is not None:
        _, event, request_id, timeout_s = message
        try:
            response = handler(event, context_for(setup, request_id, timeout_s))
            reply: tuple[Any, ...] = ("ok", json.dumps(response))
        except Exception as exc:
            reply = ("error", type(exc).__name__, str(exc), traceback.format_exc().splitlines())
        sys.stdout.flush()
        control.send(reply)
