"""What ``workerctl dlq`` prints and asks: the inspect table, move task lines, progress, the purge prompt."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime

from workerctl.dlq.inspection import Inspected
from workerctl.errors import UserError

COLUMNS = (("MESSAGE ID", 36), ("SENT (UTC)", 25), ("RECEIVES", 8), ("TYPE", 20), ("ERROR", 70))


def _cell(value: object, width: int) -> str:
    text = " ".join(str("-" if value is None else value).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def format_table(rows: list[Inspected]) -> str:
    """The readable ``inspect`` table: one line per message, long values cut with an ellipsis."""
    lines = ["  ".join(title.ljust(width) for title, width in COLUMNS).rstrip()]
    for row in rows:
        values = (row.message_id, row.sent_at, row.receive_count, row.job_type, row.error)
        lines.append(
            "  ".join(_cell(v, w).ljust(w) for v, (_, w) in zip(values, COLUMNS, strict=True)).rstrip()
        )
    return "\n".join(lines)


def confirm_purge(name: str, *, yes: bool, interactive: bool, ask: Callable[[str], str]) -> None:
    """Return when the purge may go ahead; raise :class:`UserError` otherwise."""
    if yes:
        return
    if not interactive:
        raise UserError(f"refusing to purge {name}: not a terminal, so nobody confirmed; pass --yes")
    try:
        answer = ask(f"This deletes every message in {name}. Type the queue name to confirm: ")
    except EOFError:
        answer = ""
    if answer.strip() != name:
        raise UserError("the answer did not match the queue name; nothing purged")


def format_task(task: dict[str, object]) -> str:
    """One ``--status`` line for a ListMessageMoveTasks result."""
    started = task.get("StartedTimestamp")
    when = (
        datetime.fromtimestamp(int(str(started)) / 1000, UTC).isoformat(timespec="seconds")
        if started
        else "?"
    )
    to_move = task.get("ApproximateNumberOfMessagesToMove", "?")
    line = f"{task.get('Status')}: moved {task.get('ApproximateNumberOfMessagesMoved', 0)} of {to_move}"
    line += f", rate {task.get('MaxNumberOfMessagesPerSecond', 'auto')}/s, started {when}"
    if task.get("TaskHandle"):
        line += f", handle {task['TaskHandle']}"
    return line + (f", failure: {task['FailureReason']}" if task.get("FailureReason") else "")


class Progress:
    """Prints "moved N so far" to stderr at most once a second."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock, self._last = clock, clock()

    def __call__(self, moved: int) -> None:
        if self._clock() - self._last >= 1:
            self._last = self._clock()
            print(f"moved {moved} so far", file=sys.stderr, flush=True)
