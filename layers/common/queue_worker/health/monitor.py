"""What ``GET /health`` runs: the four checks, concurrently, with their results cached for a few seconds.

A burst of probes inside the cache window costs one round of AWS calls (four: two GetQueueAttributes,
one ListEventSourceMappings, one GetMetricData); concurrent probes wait for the round in flight
instead of starting their own. Failing rounds are cached too, so an outage is not amplified by probes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from queue_worker.health.age_check import OldestAgeReader, oldest_message_checks
from queue_worker.health.checks import (
    Clock,
    QueueAttributesReader,
    dead_letter_queue_checks,
    jobs_queue_checks,
    utc_now,
)
from queue_worker.health.mapping_check import MappingReader, mapping_checks
from queue_worker.health.probes import Probe, run_probes

if TYPE_CHECKING:
    from queue_worker.health.document import CheckResult
    from queue_worker.health.settings import HealthSettings


@dataclass(frozen=True)
class HealthDependencies:
    """The adapters the checks read from (fakes in unit tests, AWS clients in the function)."""

    jobs_queue: QueueAttributesReader
    dead_letter_queue: QueueAttributesReader | None
    mappings: MappingReader
    metrics: OldestAgeReader


def build_probes(settings: HealthSettings, deps: HealthDependencies, clock: Clock = utc_now) -> list[Probe]:
    """The checks of one round. Queues are critical (fail); mapping and CloudWatch are not (warn)."""
    return [
        Probe("jobs-queue", "reachable", True, lambda: jobs_queue_checks(deps.jobs_queue, clock)),
        Probe(
            "dead-letter-queue",
            "messages",
            True,
            lambda: dead_letter_queue_checks(deps.dead_letter_queue, clock),
        ),
        Probe(
            "event-source-mapping",
            "state",
            False,
            lambda: mapping_checks(
                deps.mappings,
                function_name=settings.worker_function_name,
                queue_name=settings.jobs_queue_name,
                queue_arn=settings.jobs_queue_arn,
                clock=clock,
            ),
        ),
        Probe(
            "jobs-queue",
            "oldestMessageAge",
            False,
            lambda: oldest_message_checks(
                deps.metrics,
                queue_name=settings.jobs_queue_name,
                warn_seconds=settings.oldest_message_warn_seconds,
                clock=clock,
            ),
        ),
    ]


class HealthMonitor:
    """Caches one round of results for ``ttl_seconds`` of ``monotonic`` time (injectable for tests)."""

    def __init__(
        self,
        compute: Callable[[], list[CheckResult]],
        ttl_seconds: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._compute = compute
        self._ttl = ttl_seconds
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._cached: list[CheckResult] | None = None
        self._expires_at = 0.0

    @classmethod
    def from_settings(
        cls,
        settings: HealthSettings,
        deps: HealthDependencies,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> HealthMonitor:
        """The monitor the health function uses: settings' probes, timeout and cache window."""
        probes = build_probes(settings, deps)
        return cls(
            lambda: run_probes(probes, timeout_seconds=settings.check_timeout_seconds),
            settings.cache_seconds,
            monotonic,
        )

    def results(self) -> list[CheckResult]:
        """The cached round while it is fresh, else a new round (one at a time)."""
        with self._lock:
            if self._cached is not None and self._monotonic() < self._expires_at:
                return self._cached
            self._cached = self._compute()
            self._expires_at = self._monotonic() + self._ttl
            return self._cached
