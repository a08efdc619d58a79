"""``dlq replay``'s progress file, ``FILE.jsonl.progress``: which dead letters it has replayed.

A rerun must not send a job twice, and a replay can stop anywhere (a crash, Ctrl-C, a failed call).
So each step is written down the moment it happens, appended and fsync'd before the next step:

- ``{"old": <DLQ message id>, "new": <new message id>}`` right after the replacement was sent (before
  the dead letter is deleted): a rerun never sends it again;
- ``{"old": <DLQ message id>, "done": true}`` once the dead letter is deleted (or found gone) and the
  audit line written: a rerun skips it altogether.

DLQ message ids never repeat, so the file stays true for any export that names the same ids. A line
cut short by a crash is skipped when read (its step is redone, which that step makes safe).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from workerctl.errors import UserError

SUFFIX = ".progress"


def progress_path(export: Path) -> Path:
    """``FILE.jsonl`` → ``FILE.jsonl.progress`` (beside it)."""
    return export.with_name(export.name + SUFFIX)


@dataclass
class ReplayProgress:
    """What earlier runs (and this one) did: ``sent`` maps DLQ ids to new ids, ``done`` is complete."""

    path: Path
    sent: dict[str, str] = field(default_factory=dict)
    done: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, path: Path) -> ReplayProgress:
        """The progress recorded in ``path`` (none when it does not exist yet)."""
        progress = cls(path)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return progress
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(f"cannot read the replay's progress file {path}: {exc}") from exc
        for raw in lines:
            try:
                step = json.loads(raw)
            except json.JSONDecodeError:
                continue  # cut short by a crash
            if not isinstance(step, dict) or not isinstance(old := step.get("old"), str):
                continue
            if isinstance(new := step.get("new"), str):
                progress.sent[old] = new
            if step.get("done") is True:
                progress.done.add(old)
        return progress

    def ensure_writable(self) -> None:
        """Fail before the first send, not after it (a send whose progress is lost could repeat)."""
        self._append([], create=True)

    def record_sent(self, pairs: list[tuple[str, str]]) -> None:
        """``(DLQ id, new id)`` of replacements just sent: on disk before any dead letter is deleted."""
        self.sent.update(pairs)
        self._append([{"old": old, "new": new} for old, new in pairs])

    def record_done(self, old_ids: list[str]) -> None:
        """Dead letters whose replay is complete (deleted or gone, audited)."""
        self.done.update(old_ids)
        self._append([{"old": old, "done": True} for old in old_ids])

    def _append(self, steps: list[dict[str, object]], *, create: bool = False) -> None:
        if not steps and not create:
            return
        try:
            with self.path.open("a", encoding="utf-8") as out:
                out.write("".join(json.dumps(step) + "\n" for step in steps))
                out.flush()
                os.fsync(out.fileno())
        except OSError as exc:
            raise UserError(
                f"cannot record the replay's progress in {self.path}: {exc.strerror or exc}"
            ) from exc
