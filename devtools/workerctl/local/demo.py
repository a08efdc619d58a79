"""The demo jobs ``workerctl run`` enqueues at start, so a new user sees every outcome at once.

The job types they use besides ``checksum`` live in :mod:`workerctl.local.demo_jobs`, which the runtime
appends to the worker's ``JOB_MODULES`` (the function process imports it; this module stays here).
"""

from __future__ import annotations

import json
from typing import Any

DEMO_JOB_MODULE = "workerctl.local.demo_jobs"
# Successes, a transient failure retried until its third receive (workerctl.local.demo_jobs), a permanent one.
DEMO_JOBS: tuple[tuple[str, object], ...] = (
    ("checksum", {"text": "hello from the local runtime"}),
    ("checksum", {"text": "a second job", "algorithm": "blake2b"}),
    ("demo.flaky", {"succeed_on_receive": 3}),
    ("demo.no_such_job", {"note": "unknown type: fails permanently and ends in the DLQ"}),
)


def send_demo_jobs(client: Any, queue_url: str) -> None:
    """Send each demo job with its own ``CorrelationId`` (``demo-1``, ``demo-2``, ...)."""
    for index, (job_type, payload) in enumerate(DEMO_JOBS, start=1):
        client.send_message(
            QueueUrl=queue_url,
            MessageBody=json.dumps({"type": job_type, "payload": payload}),
            MessageAttributes={"CorrelationId": {"DataType": "String", "StringValue": f"demo-{index}"}},
        )
