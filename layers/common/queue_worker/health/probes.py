"""Probes: the checks of one round, run concurrently under one deadline, so a slow AWS call cannot add
up or hang /health.

Each check already turns its dependency's *expected* failures into results. :func:`run_probes` is the safety
net for the rest: a check still running at the deadline, or one that raised anything at all, becomes
one result with a fixed ``output`` (``fail`` for a critical check, ``warn`` for an optional one). The
exception's type goes to the log; nothing of it goes to the body.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

from queue_worker.health.checks import Clock, utc_now
from queue_worker.health.document import CheckResult, Status
from queue_worker.log import logger

TIMED_OUT = "check timed out"
CHECK_ERROR = "check failed"


@dataclass(frozen=True)
class Probe:
    """One check to run, and the key it reports under when it cannot report itself."""

    component: str
    measurement: str
    critical: bool
    run: Callable[[], list[CheckResult]]

    def fallback(self, output: str, clock: Clock) -> CheckResult:
        """The single result standing in for this check."""
        status: Status = "fail" if self.critical else "warn"
        return CheckResult(self.component, self.measurement, status, None, None, clock(), output)


def run_probes(
    probes: Sequence[Probe], *, timeout_seconds: float, clock: Clock = utc_now
) -> list[CheckResult]:
    """All probes' results, in probe order, within about ``timeout_seconds``.

    The pool is shut down without waiting: a call stuck past the deadline finishes (or hits its own
    botocore timeout) in the background and its result is dropped.
    """
    if not probes:
        return []
    executor = ThreadPoolExecutor(max_workers=len(probes), thread_name_prefix="health-check")
    try:
        futures = [executor.submit(probe.run) for probe in probes]
        wait(futures, timeout=timeout_seconds)
        results: list[CheckResult] = []
        for probe, future in zip(probes, futures, strict=True):
            results.extend(_outcome(probe, future, timeout_seconds, clock))
        return results
    finally:
        executor.shutdown(wait=False, cancel_futures=True)


def _outcome(
    probe: Probe, future: Future[list[CheckResult]], timeout_seconds: float, clock: Clock
) -> list[CheckResult]:
    """The probe's own results, or its fallback when it timed out or raised."""
    check = f"{probe.component}:{probe.measurement}"
    if not future.done():
        logger.warning("health check timed out", extra={"check": check, "timeout_seconds": timeout_seconds})
        return [probe.fallback(TIMED_OUT, clock)]
    error = future.exception()
    if error is not None:
        logger.warning("health check raised", extra={"check": check, "error_type": type(error).__name__})
        return [probe.fallback(CHECK_ERROR, clock)]
    return future.result()
