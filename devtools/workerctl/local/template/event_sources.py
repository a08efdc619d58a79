"""A function's ``Type: SQS`` events: the event source mappings the local runtime emulates."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from workerctl.errors import UserError


@dataclass(frozen=True)
class SqsEventSpec:
    """One ``Type: SQS`` event of a function: the event source mapping to emulate."""

    name: str
    queue_arn: str
    queue_logical_id: str | None
    batch_size: int = 10
    batching_window_seconds: float = 0.0
    maximum_concurrency: int = 1000
    filters: tuple[dict[str, Any], ...] = ()
    report_batch_item_failures: bool = False
    enabled: bool = True


def _filters(properties: Mapping[str, Any]) -> tuple[dict[str, Any], ...]:
    """FilterCriteria.Filters[].Pattern (JSON strings, or already-parsed maps)."""
    patterns = []
    for item in (properties.get("FilterCriteria") or {}).get("Filters") or []:
        pattern = item.get("Pattern")
        try:
            patterns.append(json.loads(pattern) if isinstance(pattern, str) else dict(pattern))
        except (TypeError, ValueError) as exc:
            raise UserError(f"FilterCriteria pattern {pattern!r} is not a JSON object") from exc
    return tuple(patterns)


def sqs_events(
    events: Mapping[str, Any], attributes: Mapping[tuple[str, str], str]
) -> tuple[SqsEventSpec, ...]:
    """The resolved ``Events`` of a function → its SQS event source mappings."""
    arn_owner = {value: key[0] for key, value in attributes.items() if key[1] == "Arn"}
    specs = []
    for name, event in events.items():
        if not isinstance(event, Mapping) or event.get("Type") != "SQS":
            continue
        props = event.get("Properties") or {}
        queue_arn = str(props.get("Queue", ""))
        scaling = props.get("ScalingConfig") or {}
        specs.append(
            SqsEventSpec(
                name=str(name),
                queue_arn=queue_arn,
                queue_logical_id=arn_owner.get(queue_arn),
                batch_size=int(props.get("BatchSize", 10)),
                batching_window_seconds=float(props.get("MaximumBatchingWindowInSeconds", 0)),
                maximum_concurrency=int(scaling.get("MaximumConcurrency", 1000)),
                filters=_filters(props),
                report_batch_item_failures="ReportBatchItemFailures"
                in (props.get("FunctionResponseTypes") or []),
                enabled=props.get("Enabled", True) not in (False, "false", "False"),
            )
        )
    return tuple(specs)
