"""The parent side of function execution: slots (child processes) with Lambda's Timeout enforced.

A slot keeps its process warm between invocations. An invocation that overruns the function's Timeout
has its process killed; the next one is a cold start in a new process. :class:`FunctionPool` hands out
free slots, so its size is the function's concurrency. Processes start when an invocation first needs
one (as Lambda's execution environments do); the slot freed last is used first, so a mapping whose
five pollers see one message at a time keeps one process. A handler that cannot be imported fails
that invocation (``Runtime.ImportModuleError``, logged with the cause) and the next one tries again;
:meth:`FunctionPool.start` still cold-starts every slot up front, for callers that want import errors
before any message.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from workerctl.errors import UserError
from workerctl.local.sandbox.child import ChildSetup, child_main

INIT_TIMEOUT_SECONDS = 30.0  # imports of a cold start (Lambda allows 10 s; a laptop's first import is slower)
_SPAWN = multiprocessing.get_context("spawn")

type LogSink = Callable[[str], None]


@dataclass(frozen=True)
class InvocationResult:
    """How one invocation ended. ``response`` is the handler's JSON-decoded return value when ``ok``."""

    ok: bool
    response: Any = None
    error: str | None = None
    timed_out: bool = False


class FunctionSlot:
    """One concurrency slot: a long-lived child process running the handler."""

    def __init__(self, setup: ChildSetup, timeout_s: float, log_sink: LogSink) -> None:
        self._setup = setup
        self._timeout_s = timeout_s
        self._log_sink = log_sink
        self._process: Any = None
        self._control: Any = None
        self.cold_starts = 0

    def start(self) -> None:
        """Spawn the process and wait for the handler import; raises UserError when it fails."""
        control, child_control = _SPAWN.Pipe()
        logs, child_logs = _SPAWN.Pipe(duplex=False)
        process = _SPAWN.Process(
            target=child_main, args=(self._setup, child_control, child_logs), daemon=True
        )
        process.start()
        child_control.close()
        child_logs.close()
        threading.Thread(target=self._forward_logs, args=(logs,), daemon=True).start()
        self._process, self._control = process, control
        self.cold_starts += 1
        reply = control.recv() if control.poll(INIT_TIMEOUT_SECONDS) else ("init_error", "import timed out")
        if reply[0] != "ready":
            self.stop()
            raise UserError(
                f"cannot import handler {self._setup.module}.{self._setup.function} "
                f"of {self._setup.function_name}: {reply[1]}"
            )

    def _forward_logs(self, logs: Any) -> None:
        try:
            while True:
                self._log_sink(logs.recv())
        except (EOFError, OSError):
            return

    @property
    def warm(self) -> bool:
        """True while the slot has a live process (its next invocation is not a cold start)."""
        return self._process is not None and self._process.is_alive()

    def invoke(self, event: Any) -> InvocationResult:
        """Run one invocation, cold-starting the process if there is none; a timeout or a crash kills
        the process (the next call starts a new one)."""
        request_id = str(uuid.uuid4())
        if not self.warm:
            try:
                self.start()
            except UserError as exc:
                return self._failed(request_id, "Runtime.ImportModuleError", str(exc))
        try:
            self._control.send(("invoke", event, request_id, self._timeout_s))
            finished = self._control.poll(self._timeout_s)
            reply = self._control.recv() if finished else None
        except (EOFError, OSError):
            self.stop()
            return self._failed(request_id, "Runtime.ExitError", "the function process exited")
        if reply is None:
            self.stop()
            self._log("ERROR", request_id, f"Task timed out after {self._timeout_s:.2f} seconds")
            return InvocationResult(ok=False, error="timeout", timed_out=True)
        if reply[0] == "ok":
            return InvocationResult(ok=True, response=json.loads(reply[1]))
        return self._failed(request_id, reply[1], reply[2], reply[3])

    def _failed(
        self, request_id: str, error_type: str, message: str, stack: list[str] | None = None
    ) -> InvocationResult:
        self._log(
            "ERROR",
            request_id,
            "invocation failed",
            errorType=error_type,
            errorMessage=message,
            stackTrace=stack or [],
        )
        return InvocationResult(ok=False, error=f"{error_type}: {message}")

    def _log(self, level: str, request_id: str, message: str, **extra: Any) -> None:
        """A JSON line in the shape of the worker's own logs, so the stream stays machine-readable."""
        line = {
            "level": level,
            "message": message,
            "function_name": self._setup.function_name,
            "function_request_id": request_id,
            "source": "workerctl",
            **extra,
        }
        self._log_sink(json.dumps(line))

    def stop(self) -> None:
        """Ask the process to exit, then kill it if it does not within a second."""
        process, control = self._process, self._control
        self._process = self._control = None
        if process is None:
            return
        with contextlib.suppress(OSError, ValueError):
            control.send(None)
        process.join(1.0)
        if process.is_alive():
            process.kill()
            process.join()
        control.close()


class FunctionPool:
    """``size`` slots, started on demand; :meth:`invoke` blocks until one is free."""

    def __init__(self, slots: list[FunctionSlot]) -> None:
        self._free = list(slots)
        self._all = list(slots)
        self._available = threading.Condition()

    def start(self) -> None:
        """Cold-start every slot up front (in parallel), so an import error shows before any message."""
        FunctionPool.start_all([self])

    @staticmethod
    def start_all(pools: list[FunctionPool], *, first_only: bool = False) -> None:
        """Cold-start the slots of all ``pools`` in parallel; the first import error is raised.

        ``first_only``: one slot per pool (the one :meth:`invoke` takes first), so a handler that cannot
        be imported stops the start-up at once while the other slots still start on demand."""
        errors: list[UserError] = []

        def start(slot: FunctionSlot) -> None:
            try:
                slot.start()
            except UserError as exc:
                errors.append(exc)
            except Exception as exc:
                errors.append(UserError(f"cannot start a function process: {type(exc).__name__}: {exc}"))

        slots = (
            [pool._free[-1] for pool in pools if pool._free]
            if first_only
            else [s for p in pools for s in p._all]
        )
        threads = [threading.Thread(target=start, args=(slot,)) for slot in slots]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            for pool in pools:
                pool.stop()
            raise errors[0]

    def invoke(self, event: Any) -> InvocationResult:
        """Invoke on a free slot."""
        with self._available:
            self._available.wait_for(lambda: bool(self._free))
            slot = self._free.pop()  # the slot freed last: warm unless its process was killed
        try:
            return slot.invoke(event)
        finally:
            with self._available:
                self._free.append(slot)
                self._available.notify()

    def stop(self) -> None:
        """Stop every slot's process."""
        for slot in self._all:
            slot.stop()

    @property
    def started(self) -> int:
        """Slots with a live process right now."""
        return sum(slot.warm for slot in self._all)

    @property
    def cold_starts(self) -> int:
        """Processes started so far (initial ones plus restarts after timeouts and crashes)."""
        return sum(slot.cold_starts for slot in self._all)
