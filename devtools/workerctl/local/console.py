"""The console of the local runtime: the functions' log lines, and the status line next to them.

On a TTY the status is one line redrawn in place (``\\r``); log lines are printed above it, each JSON
entry as one readable line (:mod:`workerctl.local.log_lines`, in colour unless ``NO_COLOR`` is set;
metric lines only through the summary). ``raw`` keeps every line exactly as the function wrote it.
When stdout is not a TTY (CI, ``| tee``) the console is raw unless asked otherwise, so the stream
stays machine-readable, and the status is a plain line every few seconds instead.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import TextIO

from workerctl.local.log_lines import pretty_line

CLEAR_LINE = "\r\x1b[K"


class Console:
    """Serialises output: log lines (pretty or raw) above the status line, which is redrawn or printed."""

    def __init__(
        self, stream: TextIO | None = None, *, tty: bool | None = None, raw: bool | None = None
    ) -> None:
        self._stream = stream or sys.stdout
        self._tty = self._stream.isatty() if tty is None else tty
        self._raw = not self._tty if raw is None else raw
        self._colour = self._tty and not os.environ.get("NO_COLOR")
        self._lock = threading.Lock()
        self._status = ""
        self._last_plain = ""

    @property
    def is_tty(self) -> bool:
        """True when the status is redrawn in place."""
        return self._tty

    @property
    def is_raw(self) -> bool:
        """True when log lines are printed exactly as written (JSON stays JSON)."""
        return self._raw

    def log(self, line: str) -> None:
        """Print one log line (above the status line on a TTY); in pretty mode an EMF line is dropped."""
        text = line if self._raw else pretty_line(line, colour=self._colour)
        if text is None:
            return
        with self._lock:
            if self._tty and self._status:
                self._stream.write(f"{CLEAR_LINE}{text}\n{self._status}")
            else:
                self._stream.write(f"{text}\n")
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
