"""Dependency checks. Each returns results and never raises: a failure becomes a ``fail`` result."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

from queue_worker.errors import QueueUnavailableError
from queue_worker.health.document import CheckResult
from queue_worker.observability import logger

type Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The default clock."""
    return datetime.now(UTC)


class QueueAttributesReader(Protocol):
    """What the queue checks need from the SQS adapter."""

    def attributes(self, names: list[str]) -> dict[str, str]:  # pragma: no cover - protocol
        """GetQueueAttributes."""
        ...


def jobs_queue_checks(queue: QueueAttributesReader, clock: Clock = utc_now) -> list[CheckResult]:
    """The jobs queue is reachable; its visible and in-flight message counts."""
    component = "jobs-queue"
    try:
        attributes = queue.attributes(
            ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        )
    except QueueUnavailableError as exc:
        # The reason goes to the log (for operators), never to the body.
        logger.warning("health check: jobs queue unreachable", extra={"reason": str(exc)})
        return [CheckResult(component, "reachable", "fail", False, None, clock(), "queue unreachable")]
    now = clock()
    return [
        CheckResult(component, "reachable", "pass", True, None, now),
        CheckResult(
            component,
            "visibleMessages",
            "pass",
            _count(attributes, "ApproximateNumberOfMessages"),
            "messages",
            now,
        ),
        CheckResult(
            component,
            "inFlightMessages",
            "pass",
            _count(attributes, "ApproximateNumberOfMessagesNotVisible"),
            "messages",
            now,
        ),
    ]


def _count(attributes: dict[str, str], name: str) -> int:
    """An attribute as an int, 0 when absent or malformed."""
    try:
        return int(attributes.get(name, "0"))
    except ValueError:
        return 0
