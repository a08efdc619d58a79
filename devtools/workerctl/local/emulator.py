"""The embedded AWS emulator (moto server) and the queues and tables from the template inside it.

The server runs in its own process, not in a thread of the runtime: every SQS and DynamoDB call of the
function processes would otherwise compete for one GIL with the pollers and the log forwarding. It is a
``spawn`` :class:`multiprocessing.Process` (like the function slots) rather than ``python -m
moto.server``: the pipe that carries back the bound address (port 0 works) is also the parent-death
signal (EOF ends the child even after a SIGKILL of the parent), ``sys.path`` travels with it, and the
child can ignore SIGINT: Ctrl-C reaches the whole process group, and the runtime stops the emulator
itself once the batches in flight have finished. ``daemon=True`` covers an exit without :meth:`stop`.

The template's queues and tables are created in it by :mod:`workerctl.local.resources`.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import sys
import tempfile
import threading
from multiprocessing.connection import wait
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workerctl.errors import UserError
from workerctl.local import fifo_receive, moto_mappings
from workerctl.local.ports import ensure_port_free

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

_SPAWN = multiprocessing.get_context("spawn")
START_TIMEOUT_SECONDS = 30.0  # a fresh interpreter importing moto; slow on a busy laptop
STOP_GRACE_SECONDS = 2.0
STDERR_TAIL_LINES = 8


def serve(host: str, port: int, parent: Connection, startup_log: str) -> None:
    """Child entry point: bind, report ``(host, port)`` to the parent, serve until it goes away.

    Until the socket is bound, stderr goes to ``startup_log`` so the parent can quote it on failure.
    werkzeug's ``make_server`` is used directly (as ``ThreadedMotoServer`` does in a thread whose bind
    error would leave its ``start()`` waiting forever).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the runtime stops us after its batches in flight
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    terminal = os.dup(2)
    with Path(startup_log).open("w") as log:
        os.dup2(log.fileno(), 2)
    # An exception here (e.g. werkzeug's SystemExit on a taken port) ends the process via
    # multiprocessing's bootstrap, which writes it to stderr: the start-up log.
    from moto.moto_server.werkzeug_app import (  # noqa: PLC0415 - heavy, only in this process
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server  # noqa: PLC0415

    fifo_receive.install()  # SQS's FIFO delivery rules, which moto's ReceiveMessage breaks
    moto_mappings.install()  # the runtime's pollers are the mappings; moto's own trigger needs Docker

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log line per SQS call
    app = DomainDispatcherApplication(create_backend_app)
    server = make_server(host, port, app, threaded=True, request_handler=MotoRequestHandler)
    sys.stderr.flush()
    os.dup2(terminal, 2)  # moto's own errors while serving show like any other process's
    os.close(terminal)
    parent.send(tuple(server.server_address[:2]))
    server.serve_forever()


def _exit_with_parent(parent: Connection) -> None:
    """Block on the pipe: EOF (the parent exited or was killed) or ``None`` ends this process."""
    with contextlib.suppress(EOFError, OSError):
        parent.recv()
    os._exit(0)


class EmbeddedEmulator:
    """moto's server in a child process on ``host:port``; :attr:`endpoint_url` once started."""

    def __init__(
        self,
        host: str,
        port: int,
        start_timeout: float = START_TIMEOUT_SECONDS,
        *,
        port_option: str = "--emulator-port",
    ) -> None:
        self._host = host
        self._port = port
        self._port_option = port_option
        self._start_timeout = start_timeout
        self._process: Any = None
        self._control: Connection | None = None
        self._url: str | None = None
        self._startup_log: Path | None = None

    def start(self) -> str:
        """Start the server (port checked first, for a one-line error) and return its URL."""
        self.launch()
        return self.wait_ready()

    def launch(self) -> None:
        """Check the port, spawn the server process and return at once: the child spends about a
        second importing moto, which :meth:`wait_ready` waits for, so the runtime can launch both
        emulators before waiting for either."""
        ensure_port_free(self._host, self._port, "the AWS emulator", f"pass {self._port_option} PORT")
        descriptor, startup_log = tempfile.mkstemp(prefix="workerctl-emulator-", suffix=".log")
        os.close(descriptor)
        self._startup_log = Path(startup_log)
        try:
            control, child_control = _SPAWN.Pipe()
            process = _SPAWN.Process(
                target=serve,
                args=(self._host, self._port, child_control, startup_log),
                name="workerctl-emulator",
                daemon=True,
            )
            self._process, self._control = process, control
            process.start()
            child_control.close()
        except BaseException:
            self.stop()
            raise

    def wait_ready(self) -> str:
        """Wait until the launched server serves and return its URL (a UserError if it does not)."""
        startup_log, self._startup_log = self._startup_log, None
        if startup_log is None:
            raise RuntimeError("the emulator was not launched; call launch() first")
        try:
            host, port = self._await_address(startup_log)
        except BaseException:
            self.stop()
            raise
        finally:
            startup_log.unlink(missing_ok=True)
        self._url = f"http://{host}:{port}"
        return self._url

    def _await_address(self, startup_log: Path) -> tuple[str, int]:
        """The address the child bound, or a UserError quoting its stderr when it died or hung."""
        assert self._control is not None
        ready = wait([self._control, self._process.sentinel], self._start_timeout)
        if self._control in ready:
            with contextlib.suppress(EOFError, OSError):
                host, port = self._control.recv()
                return str(host), int(port)
        if ready:
            self._process.join(STOP_GRACE_SECONDS)
            what = f"exited with code {self._process.exitcode} before serving"
        else:
            what = f"did not start within {self._start_timeout:g} s"
        lines = [line for line in startup_log.read_text(errors="replace").splitlines() if line.strip()]
        tail = "\n  ".join(lines[-STDERR_TAIL_LINES:]) or "(nothing on stderr)"
        raise UserError(f"the AWS emulator (moto server) {what}; its stderr ended with:\n  {tail}")

    @property
    def endpoint_url(self) -> str:
        """``http://host:port`` of the running server."""
        if self._url is None:
            raise RuntimeError("the emulator is not running; call start() first")
        return self._url

    @property
    def pid(self) -> int | None:
        """The server process's id while it runs (for tests and diagnostics)."""
        pid = None if self._process is None else self._process.pid
        return None if pid is None else int(pid)

    def stop(self) -> None:
        """Terminate the server process, then kill it after a grace period (idempotent)."""
        process, control = self._process, self._control
        self._process = self._control = self._url = None
        if self._startup_log is not None:
            self._startup_log.unlink(missing_ok=True)
            self._startup_log = None
        if process is None:
            return
        if process.pid is not None:
            process.terminate()
            process.join(STOP_GRACE_SECONDS)
            if process.is_alive():
                process.kill()
                process.join()
        if control is not None:
            control.close()
