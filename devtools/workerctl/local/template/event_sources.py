"""A function's ``Type: SQS`` events: the event source mappings the local runtime emulates.

Only what the template says is kept here, unvalidated (``FilterCriteria`` patterns stay as written):
:mod:`workerctl.local.esm.validation` refuses, with AWS's words, what CreateEventSourceMapping refuses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# With no ScalingConfig, Lambda starts polling a standard queue with five concurrent batches and scales
# up from there (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html); locally the
# mapping stays at that start, instead of one process per possible concurrent invocation (1,000).
DEFAULT_POLLERS = 5


@dataclass(frozen=True)
class SqsEventSpec:
    """One ``Type: SQS`` event of a function: the event source mapping to emulate."""

    name: str
    queue_arn: str
    queue_logical_id: str | None
    batch_size: int = 10
    batching_window_seconds: float | None = None  # None: not set (FIFO mappings refuse any window)
    maximum_concurrency: int | None = None  # ScalingConfig.MaximumConcurrency
    minimum_pollers: int | None = None  # ProvisionedPollerConfig.MinimumPollers (provisioned mode)
    maximum_pollers: int | None = None  # ProvisionedPollerConfig.MaximumPollers
    filter_patterns: tuple[Any, ...] = ()  # FilterCriteria.Filters[].Pattern as written
    report_batch_item_failures: bool = False
    enabled: bool = True
    metrics: tuple[str, ...] = ()  # MetricsConfig.Metrics: accepted, not emitted locally

    @property
    def window_seconds(self) -> float:
        """The batching window in seconds (0 when not set)."""
        return self.batching_window_seconds or 0.0

    @property
    def pollers(self) -> int:
        """Poller threads (= concurrent invocations): MaximumConcurrency, else provisioned mode's
        MinimumPollers, else Lambda's initial :data:`DEFAULT_POLLERS`."""
        return self.maximum_concurrency or self.minimum_pollers or DEFAULT_POLLERS


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _enabled(value: Any) -> bool:
    return value not in (False, "false", "False")


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
        provisioned = props.get("ProvisionedPollerConfig") or {}
        window = props.get("MaximumBatchingWindowInSeconds")
        specs.append(
            SqsEventSpec(
                name=str(name),
                queue_arn=queue_arn,
                queue_logical_id=arn_owner.get(queue_arn),
                batch_size=int(props.get("BatchSize", 10)),
                batching_window_seconds=None if window is None else float(window),
                maximum_concurrency=_optional_int(scaling.get("MaximumConcurrency")),
                minimum_pollers=_optional_int(provisioned.get("MinimumPollers")),
                maximum_pollers=_optional_int(provisioned.get("MaximumPollers")),
                filter_patterns=tuple(
                    item.get("Pattern") for item in (props.get("FilterCriteria") or {}).get("Filters") or []
                ),
                report_batch_item_failures="ReportBatchItemFailures"
                in (props.get("FunctionResponseTypes") or []),
                enabled=_enabled(props.get("Enabled", True)),
                metrics=tuple(str(m) for m in (props.get("MetricsConfig") or {}).get("Metrics") or []),
            )
        )
    return tuple(specs)
