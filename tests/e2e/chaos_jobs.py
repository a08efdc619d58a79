"""Job module for the chaos test (loaded into the local runtime's worker through JOB_MODULES).

``chaos.work`` appends one line per executed side effect to the file named by ``CHAOS_LEDGER`` (an
``O_APPEND`` write of one short line is atomic), so the test can count how often each job ran.
Failure modes are driven by the payload and the receive count: no sleeps, no randomness in the worker.
"""

from __future__ import annotations

import os
import time

from pydantic import BaseModel

from queue_worker.errors import PermanentJobError
from queue_worker.registry import JobContext, job


class ChaosPayload(BaseModel):
    """One job of the chaos test."""

    job_id: str
    fail_times: int = 0  # transient failures before it succeeds (by receive count)
    permanent: bool = False
    hang_on_first_receive: bool = False  # overrun the function timeout once, before the side effect


@job("chaos.work", ChaosPayload, idempotency_key=lambda payload: payload.job_id)
def chaos_work(payload: ChaosPayload, context: JobContext) -> dict[str, str]:
    """Fail as told, else record the side effect exactly once per job id."""
    if payload.permanent:
        raise PermanentJobError(f"job {payload.job_id} is poison")
    if payload.hang_on_first_receive and context.receive_count == 1:
        deadline = time.monotonic() + 120  # the runtime kills this invocation at the function timeout
        while time.monotonic() < deadline:
            pass
    if context.receive_count <= payload.fail_times:
        raise ConnectionError(f"transient failure {context.receive_count} of {payload.fail_times}")
    ledger = os.environ["CHAOS_LEDGER"]
    fd = os.open(ledger, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, f"{payload.job_id}\n".encode())
    finally:
        os.close(fd)
    return {"job_id": payload.job_id}
