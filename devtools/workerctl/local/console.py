"""The console of the local runtime: the functions' log lines, and the status line next to them.

On a TTY the status is one line redrawn in place (``\\r``); log lines are printed above it as they
are. When stdout is not a TTY (CI, ``| tee``) the status is a plain line every few seconds instead.
"""

from __future__ import annotations

import sys
import threading
from typing import TextIO

CLEAR_LINE = "\r\x1b[K"


class Console:
    """Serialises output: log lines pass through unchanged; the status line is redrawn or printed."""

    def __init__(self, stream: TextIO | None = None, *, tty: bool | None = None) -> None:
        self._stream = stream or sys.stdout
        self._tty = self._stream.isatty() if tty is None else tty
        self._lock = threading.Lock()
        self._status = ""
        self._last_plain = ""

    @property
    def is_tty(self) -> bool:
        """True when the status is redrawn in place."""
        return self._tty

    def log(self, line: str) -> None:
        """Print one log line (above the status line on a TTY)."""
        with self._lock:
            if self._tty and self._status:
                self._stream.write(f"{CLEAR_LINE}{line}\n{self._status}")
            else:
                self._stream.write(f"{line}\n")
            self._stream.flush()

    def status(self, text: str) -> None:
        """Show the status: redraw it on a TTY, else print it as a plain line."""
        with self._lock:
            if self._tty:
                self._status = text
                self._stream.write(f"{CLEAR_LINE}{text}")
            elif text != self._last_plain:
                self._stream.write(f"status: {text}\n")
            self._last_plain = text
            self._stream.flush()

    def close(self) -> None:
        """End the redrawn line so the shell prompt starts on a new one."""
        with self._lock:
            if self._tty and self._status:
                self._stream.write("\n")
                self._stream.flush()
            self._status = ""
