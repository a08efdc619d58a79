"""Log documents as the worker writes them (Powertools JSON at INFO) and Logs Insights answers, for the
trace tests. Shapes recorded from the worker's own output and the CloudWatch Logs API reference."""

from __future__ import annotations

import json
from typing import Any

BASE = {"service": "sqs-lambda-worker", "location": "batch_run.py:0", "function_name": "app-worker"}


def line(message: str, when: str, level: str = "INFO", **keys: Any) -> dict[str, Any]:
    """One worker log line; ``when`` is Powertools' ``2026-05-01 03:00:00,000+0000``."""
    return {"level": level, "message": message, "timestamp": f"2026-05-01 {when},000+0000", **BASE, **keys}


def record_keys(message_id: str, count: int, correlation: str, job_type: str = "fan_out") -> dict[str, Any]:
    return {
        "message_id": message_id,
        "receive_count": count,
        "correlation_id": correlation,
        "job_type": job_type,
    }


# Job A (correlation "order-7"): fails twice, succeeds on its third receive and fans out child C, which
# succeeds. Job B (no CorrelationId: its id is its correlation id) is dead-lettered, redriven as B2,
# and succeeds. Job Z is unrelated and shares A's batch line.
WORKER_LINES = [
    line(
        "job failed, will be retried",
        "03:00:01",
        "ERROR",
        error_type="TimeoutError",
        retry_in_seconds=2,
        **record_keys("A", 1, "order-7"),
    ),
    line("batch processed", "03:00:01", received=2, succeeded=1, succeeded_ids=["Z 1"]),
    line(
        "job failed, will be retried",
        "03:00:04",
        "ERROR",
        error_type="TimeoutError",
        retry_in_seconds=3,
        **record_keys("A", 2, "order-7"),
    ),
    line(
        "job failed permanently; sent to the dead-letter queue",
        "03:00:05",
        "ERROR",
        error_type="PermanentJobError",
        error="no such account",
        **record_keys("B", 1, "B", "checksum"),
    ),
    line("batch processed", "03:00:08", received=2, succeeded=2, succeeded_ids=["A 3 order-7", "Z2 1"]),
    line("batch processed (continued)", "03:00:09", succeeded_ids=["C 1 order-7"]),
    line("batch processed", "03:10:00", received=1, succeeded=1, succeeded_ids=["B2 1 B"]),
]
AUDIT = [
    {
        "kind": "audit",
        "when": "2026-05-01T03:09:00Z",
        "who": "arn:aws:sts::123456789012:assumed-role/oncall/ana",
        "action": "redrive",
        "selection": {"error_type": ["PermanentJobError"]},
        "old_message_id": "D1",
        "new_message_id": "B2",
        "original_message_id": "B",
        "job_type": "checksum",
        "correlation_id": "B",
        "from_queue": "app-jobs-dlq",
        "to_queue": "app-jobs",
    }
]


def insights_rows(documents: list[dict[str, Any]]) -> list[list[dict[str, str]]]:
    """GetQueryResults ``results``: one row per event, ``@timestamp`` and ``@message`` (plus ``@ptr``)."""
    return [
        [
            {"field": "@timestamp", "value": "2026-05-01 03:00:00.000"},
            {"field": "@message", "value": json.dumps(document)},
            {"field": "@ptr", "value": "CmAKJwoj..."},
        ]
        for document in documents
    ]
