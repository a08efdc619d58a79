"""The fault matrix: each injected fault gives its documented status and code, a valid body, no leak.

Faults reach the checks through the real adapters (botocore Stubber / an event hook raising botocore's
own exceptions, with ARNs and URLs in their messages) or through fakes (blocking calls, arbitrary
exceptions). Whatever fails, the body must hold nothing but our own words and numbers.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.exceptions import ReadTimeoutError
from botocore.stub import Stubber

from queue_worker.adapters.cloudwatch_metrics import CloudWatchQueueMetrics
from queue_worker.adapters.lambda_mappings import LambdaEventSourceMappings
from queue_worker.adapters.sqs_queue import SqsJobQueue
from queue_worker.health.mapping_check import MappingState
from tests.unit.health.conftest import DLQ_URL, JOBS_ARN, JOBS_URL, Invoke
from tests.unit.health.contract import assert_health_document, assert_no_leak
from tests.unit.health.fakes import Behaviour, FakeAws

SECRET = "SECRET-DETAIL"
MISSING = "AWS.SimpleQueueService.NonExistentQueue"
LEAKY_MESSAGE = f"{SECRET} User: arn:aws:iam::123456789012:role/x on {JOBS_URL} 123456789012"


def _client_error_queue(url: str, code: str) -> SqsJobQueue:
    client = boto3.client("sqs", region_name="eu-west-1")
    stubber = Stubber(client)
    stubber.add_client_error("get_queue_attributes", service_error_code=code, service_message=LEAKY_MESSAGE)
    stubber.activate()
    return SqsJobQueue(url, client)


def _read_timeout_queue(url: str) -> SqsJobQueue:
    client = boto3.client("sqs", region_name="eu-west-1")

    def time_out(**_: Any) -> None:
        raise ReadTimeoutError(endpoint_url=f"{url}?{SECRET}")

    client.meta.events.register("before-send.sqs.GetQueueAttributes", time_out)
    return SqsJobQueue(url, client)


def _failing_mappings() -> LambdaEventSourceMappings:
    client = boto3.client("lambda", region_name="eu-west-1")
    stubber = Stubber(client)
    stubber.add_client_error(
        "list_event_source_mappings",
        service_error_code="AccessDeniedException",
        service_message=LEAKY_MESSAGE,
    )
    stubber.activate()
    return LambdaEventSourceMappings(client)


def _failing_metrics() -> CloudWatchQueueMetrics:
    client = boto3.client("cloudwatch", region_name="eu-west-1")
    stubber = Stubber(client)
    stubber.add_client_error(
        "get_metric_data", service_error_code="Throttling", service_message=LEAKY_MESSAGE
    )
    stubber.activate()
    return CloudWatchQueueMetrics(client)


def _block(fake: Any) -> None:
    fake.behaviour = Behaviour(release=threading.Event())


type Fault = Callable[[FakeAws], None]

# scenario -> (fault, overall status, HTTP code, key of the check that carries it, its status)
MATRIX: dict[str, tuple[Fault, str, int, str, str]] = {
    "healthy": (lambda f: None, "pass", 200, "jobs-queue:reachable", "pass"),
    "queue missing": (
        lambda f: setattr(f, "jobs", _client_error_queue(JOBS_URL, MISSING)),
        "fail",
        503,
        "jobs-queue:reachable",
        "fail",
    ),
    "queue read timeout (botocore)": (
        lambda f: setattr(f, "jobs", _read_timeout_queue(JOBS_URL)),
        "fail",
        503,
        "jobs-queue:reachable",
        "fail",
    ),
    "queue call hangs past the deadline": (
        lambda f: _block(f.jobs),
        "fail",
        503,
        "jobs-queue:reachable",
        "fail",
    ),
    "queue adapter raises anything": (
        lambda f: setattr(f.jobs, "behaviour", Behaviour(error=RuntimeError(LEAKY_MESSAGE))),
        "fail",
        503,
        "jobs-queue:reachable",
        "fail",
    ),
    "DLQ non-empty": (
        lambda f: setattr(f.dlq, "visible", 3),
        "warn",
        200,
        "dead-letter-queue:messages",
        "warn",
    ),
    "DLQ missing": (
        lambda f: setattr(f, "dlq", _client_error_queue(DLQ_URL, MISSING)),
        "fail",
        503,
        "dead-letter-queue:messages",
        "fail",
    ),
    "mapping disabled": (
        lambda f: setattr(f.mappings, "mapping", MappingState("Disabled", "OK")),
        "fail",
        503,
        "event-source-mapping:state",
        "fail",
    ),
    "mapping updating": (
        lambda f: setattr(f.mappings, "mapping", MappingState("Updating", "OK")),
        "warn",
        200,
        "event-source-mapping:state",
        "warn",
    ),
    "mapping LastProcessingResult failing": (
        lambda f: setattr(f.mappings, "mapping", MappingState("Enabled", f"PROBLEM: {LEAKY_MESSAGE}")),
        "fail",
        503,
        "event-source-mapping:lastProcessingResult",
        "fail",
    ),
    "mapping not found": (
        lambda f: setattr(f.mappings, "mapping", None),
        "warn",
        200,
        "event-source-mapping:state",
        "warn",
    ),
    "mapping lookup denied": (
        lambda f: setattr(f, "mappings", _failing_mappings()),
        "warn",
        200,
        "event-source-mapping:state",
        "warn",
    ),
    "mapping lookup hangs": (
        lambda f: _block(f.mappings),
        "warn",
        200,
        "event-source-mapping:state",
        "warn",
    ),
    "CloudWatch erroring": (
        lambda f: setattr(f, "metrics", _failing_metrics()),
        "warn",
        200,
        "jobs-queue:oldestMessageAge",
        "warn",
    ),
    "CloudWatch hangs": (
        lambda f: _block(f.metrics),
        "warn",
        200,
        "jobs-queue:oldestMessageAge",
        "warn",
    ),
    "CloudWatch raises anything": (
        lambda f: setattr(f.metrics, "behaviour", Behaviour(error=ValueError(LEAKY_MESSAGE))),
        "warn",
        200,
        "jobs-queue:oldestMessageAge",
        "warn",
    ),
    "CloudWatch has no datapoints": (
        lambda f: setattr(f.metrics, "age", None),
        "pass",
        200,
        "jobs-queue:oldestMessageAge",
        "pass",
    ),
    "oldest message too old": (
        lambda f: setattr(f.metrics, "age", 301.0),
        "warn",
        200,
        "jobs-queue:oldestMessageAge",
        "warn",
    ),
}


@pytest.mark.parametrize("scenario", list(MATRIX))
def test_fault_matrix(
    scenario: str, fake_aws: FakeAws, install_monitor: Callable[..., Any], invoke: Invoke
) -> None:
    # Given the fault injected into one dependency
    fault, overall, code, key, check_status = MATRIX[scenario]
    fault(fake_aws)
    install_monitor()
    # When a probe arrives
    status_code, headers, body, raw = invoke()
    # Then the documented status and code, a valid document and nothing leaked
    assert body is not None
    assert (body["status"], status_code) == (overall, code)
    assert body["checks"][key][0]["status"] == check_status
    assert headers["Content-Type"] == "application/health+json"
    assert headers["Cache-Control"] == "max-age=5"
    assert_health_document(body)
    assert_no_leak(raw, SECRET, "PROBLEM: ", "RuntimeError", "ValueError")


def test_a_hanging_call_is_cut_at_the_deadline(
    fake_aws: FakeAws, install_monitor: Callable[..., Any], invoke: Invoke
) -> None:
    # Given every dependency hanging (released only at teardown)
    for fake in (fake_aws.jobs, fake_aws.dlq, fake_aws.mappings, fake_aws.metrics):
        _block(fake)
    install_monitor(HEALTH_CHECK_TIMEOUT_SECONDS="0.2")
    # When probed, the answer comes after one deadline, not four
    begin = time.monotonic()
    status_code, _, body, _ = invoke()
    elapsed = time.monotonic() - begin
    # Then each check reports its timeout and the call took about one deadline
    assert status_code == 503
    assert body is not None
    assert body["checks"]["jobs-queue:reachable"][0]["output"] == "check timed out"
    assert body["checks"]["event-source-mapping:state"][0]["status"] == "warn"
    assert elapsed < 2.0


def test_the_mapping_is_looked_up_by_function_name_and_queue_arn(
    fake_aws: FakeAws, install_monitor: Callable[..., Any], invoke: Invoke
) -> None:
    invoke()
    assert fake_aws.mappings.lookups == [("stack-worker", "stack-jobs", JOBS_ARN)]
