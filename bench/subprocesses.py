"""Run :mod:`bench.probe` in fresh interpreters and collect its JSON line."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any

from bench.common import ROOT, subprocess_environment

PROBE_TIMEOUT_SECONDS = 120


def probe(target: str, *args: str, **env: str) -> dict[str, Any]:
    """One fresh interpreter running ``target``; adds ``wall_ms`` (spawn to exit, as the parent saw it)."""
    started = time.perf_counter()
    completed = subprocess.run(  # bounded by the timeout; arguments are ours
        [sys.executable, "-m", "bench.probe", target, *args],
        cwd=ROOT,
        env=subprocess_environment(**env),
        capture_output=True,
        text=True,
        timeout=PROBE_TIMEOUT_SECONDS,
        check=False,
    )
    wall_ms = (time.perf_counter() - started) * 1000
    if completed.returncode != 0:
        raise RuntimeError(f"probe {target} failed ({completed.returncode}): {completed.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    result["wall_ms"] = wall_ms
    return result
