"""A job type for the dashboard's browser tests: ``dashboard.gate`` fails permanently until a file exists.

So a test can dead-letter a job, open it on the page, create the file, and see the redrive succeed.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict

from queue_worker.errors import PermanentJobError
from queue_worker.registry import JobContext, job


class GatePayload(BaseModel):
    model_config = ConfigDict(extra="forbid")

    flag: str


@job("dashboard.gate", GatePayload)
def gate(payload: GatePayload, context: JobContext) -> str:
    if not Path(payload.flag).exists():
        raise PermanentJobError(f"gate closed: {Path(payload.flag).name} does not exist")
    return "passed"
