"""Job types of the trace e2e test: one that fails until a receive and then fans out, one that fails
permanently until a file exists (the operator's "fix")."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict

from queue_worker.envelope import JobEnvelope
from queue_worker.errors import PermanentJobError, TransientJobError
from queue_worker.registry import JobContext, job


class FlakyFanOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    succeed_on_receive: int
    children: int = 1


@job("e2e.flaky_fan_out", FlakyFanOut)
def flaky_fan_out(payload: FlakyFanOut, context: JobContext) -> list[str]:
    if context.receive_count < payload.succeed_on_receive:
        raise TransientJobError(f"not before receive {payload.succeed_on_receive}")
    child = JobEnvelope(type="checksum", payload={"text": "child"})
    return [context.send_job(child) for _ in range(payload.children)]


class NeedsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str


@job("e2e.needs_file", NeedsFile)
def needs_file(payload: NeedsFile, context: JobContext) -> str:
    if not Path(payload.path).exists():
        raise PermanentJobError(f"{payload.path} is missing")
    return "fixed"
