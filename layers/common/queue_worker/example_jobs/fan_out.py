"""Example job ``fan_out``: split one job into several, enqueued onward with the same correlation id."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from queue_worker.envelope import JobEnvelope
from queue_worker.registry import JobContext, job


class FanOutPayload(BaseModel):
    """``{"jobs": [{"type": ..., "payload": ...}, ...]}``: 1 to 10 child jobs, none of them ``fan_out``."""

    model_config = ConfigDict(extra="forbid")

    jobs: list[JobEnvelope] = Field(min_length=1, max_length=10)

    @field_validator("jobs")
    @classmethod
    def _no_recursion(cls, jobs: list[JobEnvelope]) -> list[JobEnvelope]:
        """A fan_out of fan_outs could grow without bound; refuse it up front."""
        if any(child.type == "fan_out" for child in jobs):
            raise ValueError("a fan_out job may not contain fan_out jobs")
        return jobs


@job("fan_out", FanOutPayload)
def fan_out(payload: FanOutPayload, context: JobContext) -> dict[str, object]:
    """Send each child job onward; returns the new message ids."""
    sent = [context.send_job(child) for child in payload.jobs]
    return {"sent": sent}
