"""Every benchmark runs at smoke sizes and writes a well-formed result (never a timing threshold).

Each runs in a fresh interpreter (``python -m bench --smoke --only NAME``): the benchmarks patch
module-level seams, start a loopback emulator and spawn probes, none of which belongs in this process.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from bench.__main__ import BENCHMARKS

ROOT = Path(__file__).resolve().parents[3]
REPORT_KEYS = {"name", "title", "columns", "rows", "ratios", "notes", "skipped"}
RATIO_KEYS = {
    "metric",
    "candidate",
    "baseline",
    "unit",
    "target",
    "limit",
    "higher_is_better",
    "ratio",
    "met",
}


def run_smoke(name: str, results: Path) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POWERTOOLS_")}
    completed = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--only", name, "--results", str(results)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "Ratios (ours / baseline, same run)" in completed.stdout
    data: dict[str, Any] = json.loads((results / f"{name}.json").read_text())
    return data


@pytest.mark.slow
@pytest.mark.parametrize("name", BENCHMARKS)
def test_each_benchmark_runs_at_smoke_size_and_writes_its_result(name: str, tmp_path: Path) -> None:
    # Given a tiny size, When the benchmark runs, Then its JSON has the report shape and positive figures
    report = run_smoke(name, tmp_path)
    assert set(report) == REPORT_KEYS
    assert report["name"] == name
    assert report["columns"]
    assert all(len(row) == len(report["columns"]) for row in report["rows"])
    if report["skipped"]:
        assert name in {"size", "throughput"}  # no .aws-sam/build yet, or the local runtime is unusable
        return
    assert report["rows"]
    assert report["ratios"]
    for ratio in report["ratios"]:
        assert set(ratio) == RATIO_KEYS
        assert ratio["candidate"] > 0
        assert ratio["baseline"] > 0
        assert math.isclose(ratio["ratio"], ratio["candidate"] / ratio["baseline"])
        assert ratio["met"] in (True, False, None)


@pytest.mark.slow
def test_the_duration_benchmark_counts_two_dynamodb_writes_per_job(tmp_path: Path) -> None:
    # docs/cost.md prices the idempotency table from this figure
    rows = {row[0]: row for row in run_smoke("duration", tmp_path)["rows"]}
    assert rows["idempotency on (template default)"][3] == "dynamodb:PutItem 1, dynamodb:UpdateItem 1"
    assert rows["idempotency off"][3] == "none"
