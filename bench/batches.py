"""Lambda-shaped SQS batches of a given size and body size, and the no-op job registry."""

from __future__ import annotations

import json
from typing import Any

JOBS_QUEUE_ARN = "arn:aws:sqs:eu-west-1:123456789012:bench-jobs"
NOOP_JOB = "noop"


def body_of(job_type: str, size: int = 0) -> str:
    """A job envelope; ``size`` > 0 pads the payload so the body is exactly ``size`` bytes."""
    body = json.dumps({"type": job_type, "payload": {"text": ""}})
    if size > len(body):
        body = json.dumps({"type": job_type, "payload": {"text": "x" * (size - len(body))}})
    return body


def sqs_batch(count: int, job_type: str = NOOP_JOB, body_size: int = 0) -> dict[str, Any]:
    """``count`` records as Lambda delivers them, each with a ``CorrelationId`` attribute."""
    body = body_of(job_type, body_size)
    return {
        "Records": [
            {
                "messageId": f"00000000-0000-4000-8000-{i:012d}",
                "receiptHandle": f"rh-{i}",
                "body": body,
                "attributes": {
                    "ApproximateReceiveCount": "1",
                    "SentTimestamp": "1795464000000",
                    "SenderId": "AIDAIENQZJOLO23YVJ4VO",
                    "ApproximateFirstReceiveTimestamp": "1795464000005",
                },
                "messageAttributes": {
                    "CorrelationId": {
                        "stringValue": f"corr-{i}",
                        "stringListValues": [],
                        "binaryListValues": [],
                        "dataType": "String",
                    }
                },
                "md5OfBody": "0" * 32,
                "eventSource": "aws:sqs",
                "eventSourceARN": JOBS_QUEUE_ARN,
                "awsRegion": "eu-west-1",
            }
            for i in range(count)
        ]
    }


def noop_registry() -> Any:
    """A registry with one job that does nothing (the per-record cost is then all framework)."""
    from pydantic import BaseModel  # noqa: PLC0415 - after the code paths are set

    from queue_worker.registry import JobContext, JobRegistry  # noqa: PLC0415

    class Noop(BaseModel):
        text: str = ""

    registry = JobRegistry()

    @registry.job(NOOP_JOB, Noop)
    def noop(payload: Noop, context: JobContext) -> None:  # noqa: ARG001 - the job shape
        return None

    return registry
