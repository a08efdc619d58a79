"""A registry with one ``work`` job whose payload picks its outcome, and a BatchRun driven over it.

Shared by the BatchRun, tracing and handler tests (test modules never import each other).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from queue_worker.batch_run import BatchRun, WorkerDependencies
from queue_worker.errors import PermanentJobError
from queue_worker.invocation import run_batch
from queue_worker.registry import IdempotencyGuard, JobContext, JobRegistry
from tests.factories import envelope, sqs_record
from tests.unit.worker.fakes import FakeDeadLetters, FakeVisibility, run_directly


class Work(BaseModel):
    outcome: str = "ok"


def make_registry(calls: list[str]) -> JobRegistry:
    registry = JobRegistry()

    @registry.job("work", Work)
    def work(payload: Work, ctx: JobContext) -> str:
        calls.append(ctx.message_id)
        if payload.outcome == "transient":
            raise TimeoutError("downstream slow")
        if payload.outcome == "permanent":
            raise PermanentJobError("cannot ever work")
        return payload.outcome

    return registry


def make_run(
    calls: list[str],
    dead_letters: FakeDeadLetters | None = None,
    visibility: FakeVisibility | None = None,
    remaining: Any = lambda: 60_000,
    *,
    idempotency: IdempotencyGuard = run_directly,
    requeue: FakeDeadLetters | None = None,
    signing_key: bytes | None = None,
    max_receive_count: int | None = None,
) -> BatchRun:
    deps = WorkerDependencies(
        registry=make_registry(calls),
        idempotency=idempotency,
        dead_letters=dead_letters,
        visibility=visibility,
        clock=lambda: datetime.fromtimestamp(1_795_464_001, UTC),
        requeue=requeue,
        signing_key=signing_key,
        max_receive_count=max_receive_count,
    )
    return BatchRun(deps=deps, remaining_ms=remaining, margin_ms=1_000, backoff_seconds=lambda n: 10 * n)


def work(outcome: str, **kwargs: Any) -> dict[str, Any]:
    return sqs_record(envelope("work", {"outcome": outcome}), **kwargs)


def process(run: BatchRun, event: dict[str, Any], context: Any) -> list[str]:
    response = run_batch(run, event, context)
    return [item["itemIdentifier"] for item in response["batchItemFailures"]]
