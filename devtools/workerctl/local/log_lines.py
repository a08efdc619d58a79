"""The functions' JSON log lines as one readable line each: the console's pretty mode.

A Powertools line is a JSON object of 15-30 fields, most of them the same on every line (function ARN,
memory size...). On a terminal the reader wants, per entry: time, level, job type, correlation id,
message and error type, so :func:`pretty_line` keeps those (and a few counters), in colour when asked.
A failure that will be retried (the worker's transient failures carry ``retry_in_seconds``) shows
only its traceback's last line; any other traceback (a crashed invocation) is printed in full under
its line, indented. EMF metric lines become ``None``: the metrics summary shows them. A line that is
not a JSON object (workerctl's own, plain prints) is returned unchanged. ``--raw`` skips all this.
"""

from __future__ import annotations

import json
import time
from typing import Any

from workerctl.local.emf import is_emf  # the one test for "is this a metric line"

RESET = "\x1b[0m"
LEVEL_COLOURS = {
    "DEBUG": "\x1b[2m",
    "INFO": "\x1b[32m",
    "WARNING": "\x1b[33m",
    "ERROR": "\x1b[31m",
    "CRITICAL": "\x1b[1;31m",
}
JOB_COLOUR = "\x1b[36m"
CORRELATION_COLOUR = "\x1b[35m"
DIM = "\x1b[2m"
# Shown as key=value after the message when present (and not 0): what a reader acts on.
DETAIL_KEYS = (
    "received",
    "succeeded",
    "failed_transient",
    "dead_lettered",
    "skipped_by_timeout",
    "receive_count",
    "retry_in_seconds",
    "duration_ms",
    "records",
    "job_types",
)
ERROR_TEXT_KEYS = ("error", "errorMessage")
ERROR_TYPE_KEYS = ("error_type", "exception_name", "errorType")


def pretty_line(line: str, *, colour: bool = False) -> str | None:
    """One readable line for ``line`` (more lines for a traceback shown in full), or None for EMF."""
    try:
        entry = json.loads(line)
    except ValueError:
        return line
    if not isinstance(entry, dict):
        return line
    if is_emf(entry):
        return None
    paint = _painter(colour)
    level = str(entry.get("level", "INFO")).upper()
    parts = [
        paint(DIM, _clock(entry.get("timestamp"))),
        paint(LEVEL_COLOURS.get(level, ""), f"{level:<5}"),
        paint(JOB_COLOUR, str(entry.get("job_type") or "-")),
        paint(CORRELATION_COLOUR, f"[{entry.get('correlation_id') or '-'}]"),
        str(entry.get("message", "")),
    ]
    error, traceback = _error(entry)
    if error:
        parts.append(f"— {paint(LEVEL_COLOURS['ERROR'], error)}")
    shown = [key for key in DETAIL_KEYS if entry.get(key) not in (None, 0, [], "")]
    details = [f"{key}={_short(entry[key])}" for key in shown]
    if details:
        parts.append(paint(DIM, " ".join(details)))
    text = " ".join(parts)
    return text if not traceback else "\n".join([text, *(f"    {row}" for row in traceback)])


def _error(entry: dict[str, Any]) -> tuple[str, list[str]]:
    """``"Type: message"`` for the entry's error, and the traceback lines to print in full (or none)."""
    error_type = next((str(entry[k]) for k in ERROR_TYPE_KEYS if entry.get(k)), "")
    text = next((str(entry[k]) for k in ERROR_TEXT_KEYS if entry.get(k)), "")
    stack = entry.get("exception") or entry.get("stackTrace") or ""
    rows = stack.splitlines() if isinstance(stack, str) else [str(row).rstrip() for row in stack]
    rows = [row for row in rows if row.strip()]
    if rows and not text:
        last = rows[-1].strip()  # "module.TypeName: message": the folded traceback
        text = last.split(": ", 1)[1] if ": " in last else last
    summary = f"{error_type}: {text}" if error_type and text else error_type or text
    transient = "retry_in_seconds" in entry
    return summary, [] if transient else rows


def _clock(timestamp: object) -> str:
    """``HH:MM:SS.mmm`` from Powertools' ``2026-11-29 15:35:04,864+0000``; now (UTC) when absent."""
    if isinstance(timestamp, str) and len(timestamp) >= 23 and timestamp[10] == " ":
        return timestamp[11:23].replace(",", ".")
    now = time.time()
    return time.strftime("%H:%M:%S", time.gmtime(now)) + f".{int(now % 1 * 1000):03d}"


def _short(value: object) -> str:
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    return str(value)


def _painter(colour: bool) -> Any:
    def paint(code: str, text: str) -> str:
        return f"{code}{text}{RESET}" if colour and code else text

    return paint
