"""7. Invocation duration per job and AWS calls per job, the inputs of docs/cost.md.

The real worker handler, warm, on batches of 10 ``checksum`` jobs (1 KiB bodies) at LogLevel INFO, with
the template's wiring: idempotency on a DynamoDB table, the jobs queue and DLQ, all in moto's in-process
``mock_aws``. Every batch has new message ids, so every job really runs (no idempotent replays).
AWS calls are counted at botocore's ``BaseClient._make_api_call``. Baseline: the same batches with
idempotency off (``IDEMPOTENCY_TABLE_NAME`` unset), which shows what the exactly-once guarantee costs.

moto answers a DynamoDB call in about as long as in-region DynamoDB does (single-digit ms), but this is
not a Lambda: at 256 MB Lambda gives about 0.14 vCPU, so CPU-bound parts run slower there.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from bench.batches import sqs_batch
from bench.common import Ratio, Report, lambda_context, median, silenced

BATCH = 10
INVOCATIONS = 40
BODY_BYTES = 1024


def _reset_worker_caches() -> None:
    import worker_handler  # noqa: PLC0415
    from queue_worker import settings  # noqa: PLC0415
    from queue_worker.adapters import aws_clients, dynamodb_idempotency  # noqa: PLC0415

    worker_handler.dependencies.cache_clear()
    settings.worker_settings.cache_clear()
    dynamodb_idempotency.dynamodb_idempotency_guard.cache_clear()
    aws_clients.sqs_client.cache_clear()


@contextmanager
def moto_worker(idempotency: bool) -> Iterator[tuple[Any, Counter[str]]]:
    """The worker handler wired to moto resources; yields it and a counter of AWS operations."""
    import boto3  # noqa: PLC0415
    from botocore.client import BaseClient  # noqa: PLC0415
    from moto import mock_aws  # noqa: PLC0415

    with mock_aws():
        sqs = boto3.client("sqs", region_name="eu-west-1")
        env = {
            "JOBS_QUEUE_URL": sqs.create_queue(QueueName="bench-jobs")["QueueUrl"],
            "DEAD_LETTER_QUEUE_URL": sqs.create_queue(QueueName="bench-jobs-dlq")["QueueUrl"],
            "IDEMPOTENCY_TABLE_NAME": "",
        }
        if idempotency:
            boto3.client("dynamodb", region_name="eu-west-1").create_table(
                TableName="bench-idempotency",
                KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
            )
            env["IDEMPOTENCY_TABLE_NAME"] = "bench-idempotency"
        calls: Counter[str] = Counter()
        original = BaseClient._make_api_call

        def counting(client: Any, operation: str, params: Any) -> Any:
            calls[f"{client.meta.service_model.service_name}:{operation}"] += 1
            return original(client, operation, params)

        with mock.patch.dict(os.environ, env), mock.patch.object(BaseClient, "_make_api_call", counting):
            _reset_worker_caches()
            import worker_handler  # noqa: PLC0415

            try:
                yield worker_handler, calls
            finally:
                _reset_worker_caches()


def unique_batch(invocation: int) -> dict[str, Any]:
    """A batch of ``checksum`` jobs whose message ids (the idempotency keys) were never seen."""
    event = sqs_batch(BATCH, "checksum", BODY_BYTES)
    for index, record in enumerate(event["Records"]):
        record["messageId"] = f"00000000-0000-4000-{invocation:04d}-{index:012d}"
    return event


def measure(idempotency: bool, invocations: int) -> tuple[float, dict[str, float]]:
    """Median ms per job over warm invocations, and AWS calls per job by operation."""
    from queue_worker.log import logger  # noqa: PLC0415

    context = lambda_context()
    previous_level = logger.log_level
    logger.setLevel("INFO")
    try:
        with moto_worker(idempotency) as (worker, calls), silenced(logger):
            response = worker.lambda_handler(unique_batch(0), context)  # warm: clients and table
            if response != {"batchItemFailures": []}:
                raise RuntimeError(f"the warm-up batch failed: {response}")
            calls.clear()
            samples = []
            for invocation in range(1, invocations + 1):
                started = time.perf_counter()
                worker.lambda_handler(unique_batch(invocation), context)
                samples.append((time.perf_counter() - started) * 1000 / BATCH)
            per_job = {name: count / (invocations * BATCH) for name, count in sorted(calls.items())}
    finally:
        logger.setLevel(previous_level)
    return median(samples), per_job


def run(smoke: bool = False) -> Report:
    invocations = 2 if smoke else INVOCATIONS
    report = Report(
        name="duration",
        title=f"Duration per job: worker handler, batches of {BATCH} checksum jobs, moto (ms, median)",
        columns=["pipeline", "jobs", "ms per job", "AWS calls per job"],
    )
    os.environ.setdefault("AWS_DEFAULT_REGION", "eu-west-1")
    with_idempotency, calls = measure(True, invocations)
    without, calls_without = measure(False, invocations)
    for label, value, per_job in (
        ("idempotency on (template default)", with_idempotency, calls),
        ("idempotency off", without, calls_without),
    ):
        detail = ", ".join(f"{name} {count:g}" for name, count in per_job.items()) or "none"
        report.rows.append([label, invocations * BATCH, value, detail])
    report.ratios.append(
        Ratio("ms per job, idempotency on vs off", with_idempotency, without, "ms", "info", None)
    )
    report.notes.append(
        "Input of docs/cost.md: billed duration per job d. moto's DynamoDB answers in single-digit ms, "
        "like in-region DynamoDB; Lambda at 256 MB has about 0.14 vCPU, so CPU-heavy jobs take longer there."
    )
    return report
