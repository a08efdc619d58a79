"""CloudWatch Embedded Metric Format lines → metric points (what the metrics summary adds up).

The worker flushes its metrics as EMF: JSON lines whose ``_aws.CloudWatchMetrics`` names the metrics,
their units and dimension keys, with values (a number or a list) as top-level keys. :func:`parse_emf`
turns one line into :class:`MetricPoint` s; anything else is simply not a metric.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

type Dimensions = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class MetricPoint:
    """One metric of one EMF document; ``dimensions`` are (key, value) pairs sorted by key."""

    namespace: str
    name: str
    unit: str
    dimensions: Dimensions
    values: tuple[float, ...]


def parse_emf(line: str) -> list[MetricPoint]:
    """The metrics of ``line`` if it is an EMF document; ``[]`` for anything else (never raises)."""
    if '"_aws"' not in line:  # cheap pre-check: most lines are ordinary logs
        return []
    try:
        document = json.loads(line)
    except (ValueError, RecursionError):
        return []
    if not is_emf(document):
        return []
    directives = document["_aws"]["CloudWatchMetrics"]
    return [point for directive in directives for point in _points(document, directive)]


def is_emf(document: object) -> bool:
    """True for a JSON object whose ``_aws.CloudWatchMetrics`` is a list: an EMF metric document."""
    aws = document.get("_aws") if isinstance(document, dict) else None
    return isinstance(aws, dict) and isinstance(aws.get("CloudWatchMetrics"), list)


def _points(document: dict[str, Any], directive: Any) -> list[MetricPoint]:
    if not isinstance(directive, dict):
        return []
    namespace = directive.get("Namespace")
    keys = {key for keys in _list(directive.get("Dimensions")) for key in _list(keys)}
    dimensions = tuple(
        sorted(
            (key, document[key])
            for key in keys
            if isinstance(key, str) and isinstance(document.get(key), str)
        )
    )
    points = []
    for metric in _list(directive.get("Metrics")):
        name = metric.get("Name") if isinstance(metric, dict) else None
        if not isinstance(name, str) or not (values := _numbers(document.get(name))):
            continue
        unit = metric.get("Unit", "None")
        namespace_ = namespace if isinstance(namespace, str) else ""
        unit_ = unit if isinstance(unit, str) else "None"
        points.append(MetricPoint(namespace_, name, unit_, dimensions, values))
    return points


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _numbers(value: Any) -> tuple[float, ...]:
    """A number or a list of numbers as floats; () when any is not a finite number."""
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in items):
        return ()
    return tuple(float(v) for v in items)
