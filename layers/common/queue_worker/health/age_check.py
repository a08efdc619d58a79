"""``jobs-queue:oldestMessageAge``: CloudWatch's AWS/SQS ApproximateAgeOfOldestMessage (optional).

CloudWatch is an optional dependency: when it fails the check is ``warn``, never ``fail``. With no
datapoint in the look-back window (idle queue, new stack, the local emulator) it is ``pass`` with
``observedValue: null`` (unknown, not zero) and a fixed ``output`` saying so.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Protocol

from queue_worker.errors import DependencyUnavailableError
from queue_worker.health.checks import Clock, utc_now
from queue_worker.health.document import CheckResult
from queue_worker.log import logger

if TYPE_CHECKING:
    from datetime import datetime

COMPONENT, MEASUREMENT, UNIT = "jobs-queue", "oldestMessageAge", "s"
NO_DATA = "no datapoints in the last 15 minutes"
UNAVAILABLE = "metric unavailable"
TOO_OLD = "oldest message is older than the warning threshold"


class OldestAgeReader(Protocol):
    """What the check needs from the CloudWatch adapter."""

    def oldest_message_age(self, queue_name: str, now: datetime) -> float | None:  # pragma: no cover
        """Seconds, or None without datapoints."""
        ...


def oldest_message_checks(
    reader: OldestAgeReader, *, queue_name: str, warn_seconds: float, clock: Clock = utc_now
) -> list[CheckResult]:
    """Age at or below ``warn_seconds`` = pass; above = warn; CloudWatch failing = warn."""
    now = clock()
    try:
        age = reader.oldest_message_age(queue_name, now)
    except DependencyUnavailableError as exc:
        logger.warning("health check: oldest message age unavailable", extra={"reason": str(exc)})
        return [CheckResult(COMPONENT, MEASUREMENT, "warn", None, UNIT, now, UNAVAILABLE)]
    if age is None or not math.isfinite(age):  # NaN/inf: no usable datapoint, and not valid JSON
        return [CheckResult(COMPONENT, MEASUREMENT, "pass", None, UNIT, now, NO_DATA)]
    if age > warn_seconds:
        return [CheckResult(COMPONENT, MEASUREMENT, "warn", age, UNIT, now, TOO_OLD)]
    return [CheckResult(COMPONENT, MEASUREMENT, "pass", age, UNIT, now)]
