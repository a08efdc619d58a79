"""Allow-lists of the metric names and dimensions the alarms and the dashboard may use.

AWS/SQS: "Available CloudWatch metrics for Amazon SQS"
(https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html),
dimension QueueName.
AWS/Lambda: "Types of metrics for Lambda functions" and "Monitoring concurrency"
(https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html,
https://docs.aws.amazon.com/lambda/latest/dg/monitoring-concurrency.html); per-function dimension
FunctionName (Resource and ExecutedVersion exist for versions/aliases, which this stack does not use).
Event source mapping metrics ("Event source mapping metrics" on the same page; published only with the
mapping's ``MetricsConfig: {Metrics: [EventCount]}``): dimension EventSourceMappingUUID.
Worker EMF metrics: layers/common/queue_worker/metrics.py plus Powertools' ColdStart, which carries
the dimensions service and function_name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

SQS_METRICS = frozenset(
    {
        "ApproximateAgeOfOldestMessage",
        "ApproximateNumberOfGroupsWithInflightMessages",
        "ApproximateNumberOfMessagesDelayed",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesVisible",
        "NumberOfDeduplicatedSentMessages",
        "NumberOfEmptyReceives",
        "NumberOfMessagesDeleted",
        "NumberOfMessagesReceived",
        "NumberOfMessagesSent",
        "SentMessageSize",
    }
)
LAMBDA_METRICS = frozenset(
    {
        "AsyncEventAge",
        "AsyncEventsDropped",
        "AsyncEventsReceived",
        "ClaimedAccountConcurrency",
        "ConcurrentExecutions",
        "DeadLetterErrors",
        "DestinationDeliveryFailures",
        "Duration",
        "Errors",
        "Invocations",
        "IteratorAge",
        "OffsetLag",
        "PostRuntimeExtensionsDuration",
        "ProvisionedConcurrencyInvocations",
        "ProvisionedConcurrencySpilloverInvocations",
        "ProvisionedConcurrencyUtilization",
        "ProvisionedConcurrentExecutions",
        "RecursiveInvocationsDropped",
        "Throttles",
        "UnreservedConcurrentExecutions",
    }
)
MAPPING_METRICS = frozenset(
    {
        "PolledEventCount",
        "FilteredOutEventCount",
        "InvokedEventCount",
        "FailedInvokeEventCount",
        "DroppedEventCount",
        "DeletedEventCount",
    }
)
WORKER_EMF_METRICS = frozenset(
    {
        "RecordsReceived",
        "RecordsSucceeded",
        "RecordsFailedTransient",
        "RecordsDeadLettered",
        "RecordsSkippedByTimeout",
        "RecordsRequeued",
        "RecordsDuplicateDeadLetter",
        "JobDuration",
        "MessageAge",
    }
)
COLD_START = "ColdStart"
STATISTICS = frozenset({"SampleCount", "Average", "Sum", "Minimum", "Maximum"})
PERCENTILE = r"^p(\d{1,2}(\.\d+)?|100)$"


@dataclass(frozen=True)
class MetricLine:
    """One metric of a dashboard widget or an alarm: namespace, name, dimensions, statistic."""

    namespace: str
    name: str
    dimensions: Mapping[str, Any] = field(default_factory=dict)
    stat: str | None = None


def _catalogue(line: MetricLine, emf_namespace: str) -> tuple[frozenset[str], frozenset[str]] | None:
    """(known metric names, expected dimension names) for the line's namespace, or None if unknown."""
    if line.namespace == "AWS/SQS":
        return SQS_METRICS, frozenset({"QueueName"})
    if line.namespace == "AWS/Lambda":
        if line.name in MAPPING_METRICS:
            return MAPPING_METRICS, frozenset({"EventSourceMappingUUID"})
        return LAMBDA_METRICS, frozenset({"FunctionName"})
    if line.namespace == emf_namespace:
        if line.name == COLD_START:
            return frozenset({COLD_START}), frozenset({"service", "function_name"})
        return WORKER_EMF_METRICS, frozenset({"service"})
    return None


def metric_problems(line: MetricLine, emf_namespace: str) -> list[str]:
    """Why ``line`` is not a documented metric with the right dimension names (empty when it is)."""
    catalogue = _catalogue(line, emf_namespace)
    if catalogue is None:
        return [f"{line.namespace}/{line.name}: namespace is not AWS/SQS, AWS/Lambda or {emf_namespace}"]
    known, expected_dimensions = catalogue
    problems = []
    if line.name not in known:
        problems.append(f"{line.namespace}/{line.name}: not a documented metric of {line.namespace}")
    if set(line.dimensions) != expected_dimensions:
        problems.append(
            f"{line.namespace}/{line.name}: dimensions {sorted(line.dimensions)}, "
            f"expected {sorted(expected_dimensions)}"
        )
    if line.stat is not None and line.stat not in STATISTICS and not re.match(PERCENTILE, line.stat):
        problems.append(f"{line.namespace}/{line.name}: statistic {line.stat!r} is not valid")
    return problems
