"""Shared helpers: import paths, Lambda-like environment, timing, reports and tables."""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stdout
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from workerctl.local.sandbox.context import LocalLambdaContext, frozen_clock

ROOT = Path(__file__).resolve().parent.parent
EVENTS_DIR = ROOT / "events"
RESULTS_DIR = Path(__file__).resolve().parent / "results"
CODE_PATHS = [ROOT / "layers" / "common", ROOT / "functions" / "worker", ROOT / "functions" / "health"]

# What Lambda (and the template) set before the handler module is imported.
LAMBDA_ENVIRONMENT = {
    "POWERTOOLS_SERVICE_NAME": "sqs-lambda-worker",
    "POWERTOOLS_METRICS_NAMESPACE": "SqsLambdaWorkerBench",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "AWS_DEFAULT_REGION": "eu-west-1",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
}


def use_code_paths() -> None:
    """Put the layer and both function folders on ``sys.path`` (Lambda puts them on its path)."""
    for path in reversed(CODE_PATHS):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))


def use_lambda_environment() -> None:
    """Set the Lambda-like variables that are not set yet (an explicit value wins)."""
    for name, value in LAMBDA_ENVIRONMENT.items():
        os.environ.setdefault(name, value)


def subprocess_environment(**extra: str) -> dict[str, str]:
    """Environment for a fresh interpreter: ours + the code paths on PYTHONPATH + Lambda variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JOBS_", "DEAD_LETTER_", "AWS_ENDPOINT"))}
    env.update(LAMBDA_ENVIRONMENT)
    env["PYTHONPATH"] = os.pathsep.join(str(p) for p in [ROOT, *CODE_PATHS])
    env.update(extra)
    return env


def load_event(name: str) -> dict[str, Any]:
    """One JSON file from events/."""
    data: dict[str, Any] = json.loads((EVENTS_DIR / name).read_text())
    return data


def lambda_context() -> LocalLambdaContext:
    """The shared fake Lambda context (workerctl's sandbox one) with 900 s left that never run out."""
    return LocalLambdaContext(
        "sqs-lambda-worker-bench",
        request_id="52fdfc07-2182-454f-963f-5f0f9a621d72",
        timeout_s=900,
        clock=frozen_clock,
    )


@contextmanager
def silenced(*loggers: Any) -> Iterator[None]:
    """Send stdout (EMF metrics) and the Powertools loggers' handler streams to /dev/null."""
    with Path(os.devnull).open("w") as null, redirect_stdout(null):
        previous = [logger.registered_handler.setStream(null) for logger in loggers]
        try:
            yield
        finally:
            for logger, stream in zip(loggers, previous, strict=True):
                logger.registered_handler.setStream(stream)


def time_once(action: Callable[[], object]) -> float:
    """Seconds taken by one call."""
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def interleaved(
    candidate: Callable[[], object], baseline: Callable[[], object], repetitions: int
) -> tuple[list[float], list[float]]:
    """Time both ``repetitions`` times, alternating which goes first, so drift hits both alike."""
    ours: list[float] = []
    theirs: list[float] = []
    for i in range(repetitions):
        if i % 2:
            theirs.append(time_once(baseline))
            ours.append(time_once(candidate))
        else:
            ours.append(time_once(candidate))
            theirs.append(time_once(baseline))
    return ours, theirs


def median(values: list[float]) -> float:
    return statistics.median(values)


@dataclass
class Ratio:
    """One headline comparison: candidate / baseline, with the target it must meet."""

    metric: str
    candidate: float
    baseline: float
    unit: str
    target: str
    limit: float | None  # ratio must be <= limit (or >= when ``higher_is_better``); None: information
    higher_is_better: bool = False
    ratio: float = 0.0
    met: bool | None = None

    def __post_init__(self) -> None:
        self.ratio = self.candidate / self.baseline if self.baseline else float("nan")
        if self.limit is not None:
            self.met = self.ratio >= self.limit if self.higher_is_better else self.ratio <= self.limit


@dataclass
class Report:
    """What one benchmark returns: its rows (a small table), headline ratios and notes."""

    name: str
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    ratios: list[Ratio] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: str | None = None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    def write(self, directory: Path = RESULTS_DIR) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{self.name}.json"
        path.write_text(json.dumps(self.as_json(), indent=2) + "\n")
        return path


def fmt(value: Any) -> str:
    if isinstance(value, float):
        if value != value:  # NaN
            return "n/a"
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    return str(value)


def table(columns: list[str], rows: list[list[Any]]) -> str:
    """A Markdown table (readable in a terminal and pasteable into docs/benchmarks.md)."""
    cells = [[fmt(c) for c in row] for row in rows]
    widths = [
        max(len(col), *(len(r[i]) for r in cells)) if cells else len(col) for i, col in enumerate(columns)
    ]
    line = "| " + " | ".join(col.ljust(w) for col, w in zip(columns, widths, strict=True)) + " |"
    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = ["| " + " | ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in cells]
    return "\n".join([line, rule, *body])


RATIO_COLUMNS = ["benchmark", "metric", "ours", "baseline", "unit", "ratio", "target", "met"]


def ratio_rows(reports: list[Report]) -> list[list[Any]]:
    """The summary table: one line per headline ratio (or the reason a benchmark was skipped)."""
    rows: list[list[Any]] = []
    for report in reports:
        if report.skipped:
            rows.append([report.name, report.skipped, "", "", "", "", "", "skipped"])
        for r in report.ratios:
            met = "info" if r.met is None else ("yes" if r.met else "NO")
            rows.append(
                [report.name, r.metric, r.candidate, r.baseline, r.unit, f"{r.ratio:.2f}x", r.target, met]
            )
    return rows
