"""5. Health: warm (cached) request latency of ``GET /health`` and AWS calls per request over a burst.

The real handler (events/health-request.json) against moto's in-process ``mock_aws`` queues, AWS calls
counted with a botocore ``before-call`` hook on the handler's own clients. Baseline: the bare
``LambdaFunctionUrlResolver`` returning ``{"status": "ok"}`` on the same event. Interleaved; medians.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from bench.common import Ratio, Report, lambda_context, load_event, median, silenced

BURST = 500
UNCACHED_ROUNDS = 5
TARGET = None  # no target in the issue: the ratio is information; calls per request is the figure


def _reset_caches() -> None:
    import health_handler  # noqa: PLC0415
    from queue_worker.adapters import aws_clients  # noqa: PLC0415
    from queue_worker.health.settings import health_settings  # noqa: PLC0415

    health_settings.cache_clear()
    health_handler.monitor.cache_clear()
    for factory in (aws_clients.health_sqs_client, aws_clients.lambda_client, aws_clients.cloudwatch_client):
        factory.cache_clear()


@contextmanager
def moto_backed_health() -> Iterator[tuple[Any, Counter[str]]]:
    """The real health handler over moto queues; yields it and a counter of AWS operations."""
    import boto3  # noqa: PLC0415
    from moto import mock_aws  # noqa: PLC0415

    with mock_aws():
        sqs = boto3.client("sqs", region_name="eu-west-1")
        jobs = sqs.create_queue(QueueName="bench-jobs")["QueueUrl"]
        dlq = sqs.create_queue(QueueName="bench-jobs-dlq")["QueueUrl"]
        sqs.send_message(QueueUrl=jobs, MessageBody="{}")
        env = {
            "JOBS_QUEUE_URL": jobs,
            "DEAD_LETTER_QUEUE_URL": dlq,
            "JOBS_QUEUE_ARN": "arn:aws:sqs:eu-west-1:123456789012:bench-jobs",
            "WORKER_FUNCTION_NAME": "bench-worker",
            "HEALTH_CACHE_SECONDS": "300",
            "HEALTH_CHECK_TIMEOUT_SECONDS": "5",
        }
        with mock.patch.dict(os.environ, env):
            _reset_caches()
            import health_handler  # noqa: PLC0415
            from queue_worker.adapters import aws_clients  # noqa: PLC0415

            calls: Counter[str] = Counter()
            for client in (
                aws_clients.health_sqs_client(),
                aws_clients.lambda_client(),
                aws_clients.cloudwatch_client(),
            ):
                client.meta.events.register("before-call", lambda model, **_: calls.update([model.name]))
            try:
                yield health_handler, calls
            finally:
                _reset_caches()


def run(smoke: bool = False) -> Report:
    from bench.baselines import url_handler  # noqa: PLC0415
    from queue_worker.log import logger  # noqa: PLC0415

    report = Report(
        name="health",
        title="Health: GET /health latency (µs, median) and AWS calls per request",
        columns=["case", "requests", "median µs", "AWS calls", "calls/request"],
    )
    burst = 20 if smoke else BURST
    rounds = 1 if smoke else UNCACHED_ROUNDS
    event, context = load_event("health-request.json"), lambda_context()
    with moto_backed_health() as (handler, calls), silenced(logger, url_handler.logger):
        uncached = []
        for _ in range(rounds):
            handler.monitor.cache_clear()
            started = time.perf_counter()
            first = handler.lambda_handler(event, context)
            uncached.append(time.perf_counter() - started)
        round_calls = sum(calls.values()) / rounds
        by_operation = {name: count / rounds for name, count in sorted(calls.items())}
        report.rows.append(
            [
                "uncached round (moto in-process)",
                rounds,
                median(uncached) * 1e6,
                sum(calls.values()),
                round_calls,
            ]
        )
        calls.clear()
        ours, bare = [], []
        for i in range(burst):
            for which in (0, 1) if i % 2 == 0 else (1, 0):
                started = time.perf_counter()
                response = (handler if which == 0 else url_handler).lambda_handler(event, context)
                (ours if which == 0 else bare).append(time.perf_counter() - started)
                assert response["statusCode"] in (200, 503)
        report.rows.append(
            ["cached burst", burst, median(ours) * 1e6, sum(calls.values()), sum(calls.values()) / burst]
        )
        report.rows.append(["baseline: bare LambdaFunctionUrlResolver", burst, median(bare) * 1e6, 0, 0.0])
    report.ratios.append(
        Ratio(
            "GET /health cached vs bare resolver",
            median(ours) * 1e6,
            median(bare) * 1e6,
            "µs",
            "info",
            TARGET,
        )
    )
    report.ratios.append(
        Ratio(
            f"AWS calls per request over a burst of {burst + 1}",
            (round_calls + sum(calls.values())) / (burst + 1),
            1.0,
            "calls",
            "info",
            None,
        )
    )
    report.notes.append(
        f"first response status {first['statusCode']}; AWS calls per uncached round by operation: "
        f"{by_operation}; cache window 300 s for the burst; baseline for calls/request is 1 call each."
    )
    return report
