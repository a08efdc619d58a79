"""Dev-only job types for the local runtime's demo (never deployed; the runtime adds this module to
``JOB_MODULES``).

``demo.flaky`` fails transiently until the message's receive count reaches ``succeed_on_receive``, so
a new user sees a retry succeed without any sleeping.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from queue_worker.errors import TransientJobError
from queue_worker.registry import JobContext, job


class FlakyPayload(BaseModel):
    """``{"succeed_on_receive": 3}``: the receive on which the job starts succeeding."""

    model_config = ConfigDict(extra="forbid")

    succeed_on_receive: int = Field(default=2, ge=1, le=100)


@job("demo.flaky", FlakyPayload)
def flaky(payload: FlakyPayload, context: JobContext) -> dict[str, int]:
    """Raise a transient error on the first receives, then succeed."""
    if context.receive_count < payload.succeed_on_receive:
        raise TransientJobError(
            f"demo failure on receive {context.receive_count} of {payload.succeed_on_receive}"
        )
    return {"succeeded_on_receive": context.receive_count}
