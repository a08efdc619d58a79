"""Where a run's work shows besides SQS: the console, the run log (``workerctl trace``), the EMF metrics
summary and the dashboard. One sink for the functions' lines, one tap on each mapping's invoke, so the
runtime wires them in one place."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from workerctl.local.console import Console
from workerctl.local.dashboard.wiring import Dashboard
from workerctl.local.metrics_summary import MetricsSummary
from workerctl.local.run_log import RunLog

if TYPE_CHECKING:
    from workerctl.local.options import RuntimeOptions
    from workerctl.local.sandbox.pool import InvocationResult
    from workerctl.local.template.event_sources import SqsEventSpec

type Invoke = Callable[[Any], InvocationResult]


class RunOutput:
    """The run's console, run log, metrics summary and dashboard (each optional but the console)."""

    def __init__(self, options: RuntimeOptions, console: Console) -> None:
        self.console = console
        self.metrics = MetricsSummary()
        self.summary_seconds = options.metrics_summary_seconds  # 0: no summary
        self.run_log = RunLog(options.run_log) if options.run_log is not None else None
        self.dashboard = (
            None
            if options.dashboard_port is None
            else Dashboard(options.dashboard_port, options.region, local=options.endpoint_url != "aws")
        )

    def function_log(self, line: str) -> None:
        """Sink for the functions' output: the console, then the run log, the summary, the dashboard."""
        self.console.log(line)
        if self.run_log is not None:
            self.run_log.function_line(line)
        if self.summary_seconds > 0:
            self.metrics.feed(line)
        if self.dashboard is not None:
            self.dashboard.feed(line)

    def tap(self, key: str, event: SqsEventSpec, invoke: Invoke) -> Invoke:
        """A mapping's ``invoke``, its records logged as received and its batches shown on the page."""
        tapped = invoke if self.run_log is None else self.run_log.delivering(invoke)
        return tapped if self.dashboard is None else self.dashboard.observe(key, event, tapped)

    def print_metrics_summary(self) -> None:
        """Print the metrics that arrived since the last summary, if any (one console write)."""
        lines = self.metrics.summary_lines()
        if lines:
            self.console.log("\n".join(lines))

    def start_summary(self, stopped: threading.Event) -> None:
        """Print the summary every ``metrics_summary_seconds`` until ``stopped`` (nothing when 0)."""
        if self.summary_seconds > 0:
            threading.Thread(target=self._summary_loop, args=(stopped,), name="metrics", daemon=True).start()

    def _summary_loop(self, stopped: threading.Event) -> None:
        while not stopped.wait(self.summary_seconds):
            self.print_metrics_summary()
