"""Queue checks (GetQueueAttributes). Each returns results and never raises: a failure is a result.

Keys: ``jobs-queue:reachable``, ``jobs-queue:visibleMessages``, ``jobs-queue:inFlightMessages`` and
``dead-letter-queue:messages`` (visible + in flight; ``warn`` above zero).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

from queue_worker.errors import QueueUnavailableError
from queue_worker.health.document import CheckResult
from queue_worker.log import logger

type Clock = Callable[[], datetime]

NO_DLQ = "not checked: no dead-letter queue configured"


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


def dead_letter_queue_checks(
    queue: QueueAttributesReader | None, clock: Clock = utc_now
) -> list[CheckResult]:
    """Messages in the DLQ (visible + in flight): ``warn`` above zero, ``fail`` when unreachable.

    Unreachable is ``fail`` because the DLQ is part of the deployment: without it the worker cannot
    dead-letter permanent failures and poison messages stay in the jobs queue. No DLQ configured
    (``DEAD_LETTER_QUEUE_URL`` unset) is ``warn``: nothing says where dead letters go.
    """
    component, measurement = "dead-letter-queue", "messages"
    if queue is None:
        return [CheckResult(component, measurement, "warn", None, "messages", clock(), NO_DLQ)]
    try:
        attributes = queue.attributes(
            ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        )
    except QueueUnavailableError as exc:
        logger.warning("health check: dead-letter queue unreachable", extra={"reason": str(exc)})
        return [CheckResult(component, measurement, "fail", None, "messages", clock(), "queue unreachable")]
    depth = _count(attributes, "ApproximateNumberOfMessages") + _count(
        attributes, "ApproximateNumberOfMessagesNotVisible"
    )
    if depth > 0:
        return [
            CheckResult(component, measurement, "warn", depth, "messages", clock(), "dead letters waiting")
        ]
    return [CheckResult(component, measurement, "pass", 0, "messages", clock())]
