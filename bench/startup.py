"""8. Start-up of the local runtime: seconds from ``workerctl run`` to its first poll, this tree against
the previous release, both measured in this run.

Baseline: the release before the start-up work (:data:`BASELINE_COMMIT`, the main branch the inner-loop
change started from), extracted with ``git archive`` into a temporary directory and run with the same
interpreter and virtualenv. Each run is a fresh interpreter (``bench/startup_child.py``) doing what
``make run RUN_ARGS="--no-demo [--env prod]"`` does, on free loopback ports: the clock starts before the
process is spawned and stops at the runtime's first ``ReceiveMessage`` (seen through botocore, so the
same probe times both versions unchanged); the child is then stopped with SIGTERM, as Ctrl-C would.
Candidate and baseline runs alternate; medians. Without git or the baseline commit (a tarball of the
project) the benchmark is skipped.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, Ratio, Report, median
from workerctl.local.ports import free_ports

BASELINE_COMMIT = "7fca95407569c9db838b1a1fa2db5291d4d846f9"
RUNS = {"dev": 3, "prod": 2}
CHILD_TIMEOUT_SECONDS = 120.0  # the previous release could hang for good after a failed start-up
TARGET = 1.0  # faster than the previous release; the goal (dev first poll within 5 s) is in the table


def baseline_tree(into: Path) -> Path:
    """The previous release's files under ``into`` (``git archive``); raises when git cannot give them."""
    archive = subprocess.run(  # arguments are ours; bounded
        ["git", "-C", str(ROOT), "archive", "--format=tar", BASELINE_COMMIT],
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def first_poll_seconds(tree: Path, env: str) -> float:
    """Seconds from spawning ``workerctl run`` in ``tree`` to its first ReceiveMessage (NaN if it failed)."""
    emulator, tables, health = free_ports(3)
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as scratch:
        result = Path(scratch) / "first-poll"
        run_args = ["--no-demo", "--env", env, "--emulator-port", str(emulator)]
        run_args += ["--dynamodb-port", str(tables), "--port", str(health)]
        started = time.time()
        child = [sys.executable, str(ROOT / "bench" / "startup_child.py"), str(tree), str(result)]
        try:
            completed = subprocess.run(  # bounded by the timeout (then killed); arguments are ours
                [*child, "--", *run_args],
                cwd=tree,
                env={k: v for k, v in os.environ.items() if k not in ("PORT", "PYTHONPATH")},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
                timeout=CHILD_TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            print(f"startup: {tree.name} {env} still running after {CHILD_TIMEOUT_SECONDS:g} s: killed")
            return float("nan")
        if completed.returncode != 0 or not result.exists():
            print(f"startup: {tree.name} {env} failed ({completed.returncode}): {completed.stderr[-500:]}")
            return float("nan")
        return float(result.read_text()) - started


def run(smoke: bool = False) -> Report:
    report = Report(
        name="startup",
        title="Start-up: `workerctl run --no-demo` to its first poll (s, median), previous release vs now",
        columns=["profile", "runs", "previous release", "now", "ratio", "failed runs (prev / now)"],
    )
    with tempfile.TemporaryDirectory(prefix="bench-baseline-") as scratch:
        try:
            old = baseline_tree(Path(scratch))
        except (OSError, subprocess.SubprocessError) as exc:
            why = f"{type(exc).__name__}: needs git and commit {BASELINE_COMMIT[:7]}"
            report.skipped = f"no baseline tree ({why})"
            return report
        for env, runs in (("dev", 1),) if smoke else RUNS.items():
            samples: dict[str, list[float]] = {"old": [], "new": []}
            for i in range(runs):
                order = ("old", "new") if i % 2 == 0 else ("new", "old")
                for which in order:
                    samples[which].append(first_poll_seconds(old if which == "old" else ROOT, env))
            good = {k: [v for v in values if v == v] for k, values in samples.items()}
            before = median(good["old"]) if good["old"] else float("nan")
            after = median(good["new"]) if good["new"] else float("nan")
            failed = f"{runs - len(good['old'])} / {runs - len(good['new'])}"
            ratio = Ratio(f"first poll, {env} profile", after, before, "s", "< 1.0x", TARGET)
            report.rows.append([env, runs, before, after, f"{ratio.ratio:.2f}x", failed])
            report.ratios.append(ratio)
    report.notes.append(
        f"Previous release: commit {BASELINE_COMMIT[:7]} (git archive), same interpreter and .venv. "
        "The issue's goal is a first poll within 5 s for dev on this machine. "
        "Both runs start every function process before polling (prod: 20 worker processes + health); "
        "lazy process start is a separate change."
    )
    return report
