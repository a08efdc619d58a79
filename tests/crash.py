"""A workerctl run that dies between send and delete, the way a killed process would."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from workerctl.cli import main
from workerctl.dlq.sqs_adapter import SqsQueues


def run_dying_at_delete(monkeypatch: pytest.MonkeyPatch, argv: Sequence[str]) -> list[str]:
    """Run ``workerctl argv``, interrupted (Ctrl-C) at its first DLQ delete; the receipt handles it
    was about to delete (those dead letters stay hidden until their hold ends)."""
    held: list[str] = []

    def die(self: SqsQueues, queue: Any, handles: list[str]) -> None:
        held.extend(handles)
        raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr(SqsQueues, "delete", die)
        assert main(list(argv)) == 130
    return held
