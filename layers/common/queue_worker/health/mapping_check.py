"""The worker's SQS event source mapping: ``event-source-mapping:state`` and ``:lastProcessingResult``.

Only values from fixed vocabularies reach the body: the mapping's State when it is one AWS documents,
``PROBLEM`` for any ``PROBLEM: ...`` processing result (the detail goes to the log), else ``unknown``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from queue_worker.errors import DependencyUnavailableError
from queue_worker.health.checks import Clock, utc_now
from queue_worker.health.document import CheckResult, Status
from queue_worker.log import logger

if TYPE_CHECKING:
    from datetime import datetime

COMPONENT = "event-source-mapping"
NOT_CONFIGURED = "not checked: no worker function configured"
NOT_FOUND = "no event source mapping found for the jobs queue"
UNAVAILABLE = "mapping state unavailable"
_STATE_STATUS: dict[str, Status] = {
    "Enabled": "pass",
    "Creating": "warn",
    "Enabling": "warn",
    "Updating": "warn",
    "Disabling": "fail",
    "Disabled": "fail",
    "Deleting": "fail",
}
_HEALTHY_RESULTS = frozenset({"OK", "No records processed"})


@dataclass(frozen=True)
class MappingState:
    """What the check needs from one event source mapping (the Lambda adapter builds it)."""

    state: str
    last_processing_result: str | None


class MappingReader(Protocol):
    """What the check needs from the Lambda adapter."""

    def find(
        self, function_name: str, queue_name: str, queue_arn: str | None = None
    ) -> MappingState | None:  # pragma: no cover - protocol
        """The mapping, or None when there is none."""
        ...


def mapping_checks(
    reader: MappingReader,
    *,
    function_name: str | None,
    queue_name: str,
    queue_arn: str | None = None,
    clock: Clock = utc_now,
) -> list[CheckResult]:
    """State Enabled = pass; transitional = warn; Disabled/Disabling/Deleting = fail.

    Not configured, not found, or the lookup failing = ``warn`` (the same handler runs in the local
    runtime, which has no mapping; a real outage also shows in the queue's counts and message age).
    """
    if not function_name:
        return [CheckResult(COMPONENT, "state", "warn", None, None, clock(), NOT_CONFIGURED)]
    try:
        mapping = reader.find(function_name, queue_name, queue_arn)
    except DependencyUnavailableError as exc:
        logger.warning("health check: mapping lookup failed", extra={"reason": str(exc)})
        return [CheckResult(COMPONENT, "state", "warn", None, None, clock(), UNAVAILABLE)]
    now = clock()
    if mapping is None:
        return [CheckResult(COMPONENT, "state", "warn", None, None, now, NOT_FOUND)]
    state_status = _STATE_STATUS.get(mapping.state, "fail")
    state_value = mapping.state if mapping.state in _STATE_STATUS else "unknown"
    state_output = None if state_status == "pass" else "mapping is not Enabled"
    return [
        CheckResult(COMPONENT, "state", state_status, state_value, None, now, state_output),
        _last_result(mapping.last_processing_result, now),
    ]


def _last_result(value: str | None, now: datetime) -> CheckResult:
    """LastProcessingResult: OK / No records processed = pass; PROBLEM... = fail; absent = pass."""
    measurement = "lastProcessingResult"
    if value is None:
        return CheckResult(COMPONENT, measurement, "pass", None, None, now, "not reported")
    if value in _HEALTHY_RESULTS:
        return CheckResult(COMPONENT, measurement, "pass", value, None, now)
    if value.startswith("PROBLEM"):
        logger.warning("health check: mapping reports a problem", extra={"last_processing_result": value})
        return CheckResult(
            COMPONENT, measurement, "fail", "PROBLEM", None, now, "Lambda reports a processing problem"
        )
    return CheckResult(COMPONENT, measurement, "warn", "unknown", None, now, "unrecognised result")
