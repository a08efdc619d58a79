"""The health document: check results, their aggregation and the HTTP status they map to.

The body only ever holds values this module puts there (status words, numbers, fixed ``output``
strings chosen by the checks): never ARNs, account ids, queue URLs or exception text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

type Status = Literal["pass", "warn", "fail"]

SERVICE_ID = "sqs-lambda-worker"
CONTENT_TYPE = "application/health+json"
HTTP_STATUS: dict[Status, int] = {"pass": 200, "warn": 200, "fail": 503}
_SEVERITY: dict[Status, int] = {"pass": 0, "warn": 1, "fail": 2}


@dataclass(frozen=True)
class CheckResult:
    """One ``component:measurement`` observation."""

    component: str
    measurement: str
    status: Status
    observed_value: int | float | bool | str | None
    observed_unit: str | None
    time: datetime
    output: str | None = None

    @property
    def key(self) -> str:
        """The key under ``checks`` in the document."""
        return f"{self.component}:{self.measurement}"

    def to_json(self) -> dict[str, object]:
        """The check object as the draft spells it."""
        body: dict[str, object] = {
            "componentType": "component",
            "observedValue": self.observed_value,
            "status": self.status,
            "time": self.time.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        }
        if self.observed_unit is not None:
            body["observedUnit"] = self.observed_unit
        if self.output is not None:
            body["output"] = self.output
        return body


def worst_status(statuses: Iterable[Status]) -> Status:
    """The most severe status, ``pass`` for none."""
    return max(statuses, key=_SEVERITY.__getitem__, default="pass")


def health_document(
    results: Iterable[CheckResult], *, release_id: str, service_id: str, version: str = "1"
) -> dict[str, object]:
    """The full ``application/health+json`` body."""
    results = list(results)
    checks: dict[str, list[dict[str, object]]] = {}
    for result in results:
        checks.setdefault(result.key, []).append(result.to_json())
    return {
        "status": worst_status(r.status for r in results),
        "version": version,
        "releaseId": release_id,
        "serviceId": service_id,
        "description": "SQS worker health: queue reachability and flow",
        "checks": checks,
    }


def problem_document(
    output: str, *, release_id: str, service_id: str, version: str = "1"
) -> dict[str, object]:
    """A ``fail`` document for requests we refuse (unknown path, wrong method); ``output`` is ours."""
    return {
        "status": "fail",
        "version": version,
        "releaseId": release_id,
        "serviceId": service_id,
        "output": output,
    }


@dataclass(frozen=True)
class DocumentHeader:
    """Who answers, on every document: the service, the deployment's release id and the version."""

    release_id: str
    version: str = "1"
    service_id: str = SERVICE_ID

    def health(self, results: Iterable[CheckResult]) -> dict[str, object]:
        """:func:`health_document` under this header."""
        return health_document(
            results, release_id=self.release_id, service_id=self.service_id, version=self.version
        )

    def problem(self, output: str) -> dict[str, object]:
        """:func:`problem_document` under this header."""
        return problem_document(
            output, release_id=self.release_id, service_id=self.service_id, version=self.version
        )
