"""Watching child processes: shared by the emulator process tests (unit here, e2e in tests/e2e)."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path


def running(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie (a container's pid 1 may never reap it)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return not stat.parent.parent.joinpath("self").exists()  # no /proc: trust os.kill


def wait_until_gone(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while running(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not running(pid)


def emulator_children() -> list[str]:
    return [child.name for child in multiprocessing.active_children() if child.name == "workerctl-emulator"]
