"""A job module for the local runtime benchmark: ``bench.noop`` does nothing (``JOB_MODULES`` names it)."""

from __future__ import annotations

from pydantic import BaseModel

from queue_worker.registry import JobContext, job


class Noop(BaseModel):
    text: str = ""


@job("bench.noop", Noop)
def noop(payload: Noop, context: JobContext) -> None:  # noqa: ARG001 - the job shape
    return None
