"""/health end to end on moto: real queues, a real (moto) Lambda function and event source mapping,
CloudWatch metric data, and the handler with its real adapters and cached clients.

moto 5.2 implements ListEventSourceMappings without Docker (creating a function only stores its zip),
so no Stubber is needed here; moto never sets LastProcessingResult, which the unit fault matrix covers.
"""

from __future__ import annotations

import copy
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from moto import mock_aws

import health_handler
from queue_worker.adapters import aws_clients
from queue_worker.health.mapping_check import NOT_CONFIGURED, NOT_FOUND
from queue_worker.health.monitor import HealthMonitor
from queue_worker.health.settings import HealthSettings, health_settings
from tests.conftest import load_event
from tests.unit.health.contract import assert_health_document, assert_no_leak
from tests.unit.health.fakes import FakeMonotonic

REGION = "eu-west-1"
_FACTORIES = (aws_clients.health_sqs_client, aws_clients.lambda_client, aws_clients.cloudwatch_client)
_MONITOR = health_handler.monitor  # the cached factory, even while a test replaces it


@dataclass
class Stack:
    sqs: Any
    lambda_: Any
    cloudwatch: Any
    jobs_url: str
    dlq_url: str
    mapping_uuid: str


def _clear_caches() -> None:
    for factory in _FACTORIES:
        factory.cache_clear()
    health_settings.cache_clear()
    _MONITOR.cache_clear()


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("worker_handler.py", "def lambda_handler(event, context):\n    return {}\n")
    return buffer.getvalue()


@pytest.fixture
def stack(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    """The deployed shape: both queues, the worker with its mapping, the health function's env."""
    with mock_aws():
        sqs = boto3.client("sqs", region_name=REGION)
        dlq_url = sqs.create_queue(QueueName="stack-jobs-dlq")["QueueUrl"]
        jobs_url = sqs.create_queue(QueueName="stack-jobs")["QueueUrl"]
        jobs_arn = sqs.get_queue_attributes(QueueUrl=jobs_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        role = boto3.client("iam", region_name=REGION).create_role(
            RoleName="worker", AssumeRolePolicyDocument="{}"
        )
        lambda_ = boto3.client("lambda", region_name=REGION)
        lambda_.create_function(
            FunctionName="stack-worker",
            Runtime="python3.13",
            Role=role["Role"]["Arn"],
            Handler="worker_handler.lambda_handler",
            Code={"ZipFile": _zip()},
        )
        mapping = lambda_.create_event_source_mapping(EventSourceArn=jobs_arn, FunctionName="stack-worker")
        env = {
            "JOBS_QUEUE_URL": jobs_url,
            "DEAD_LETTER_QUEUE_URL": dlq_url,
            "JOBS_QUEUE_ARN": jobs_arn,
            "JOBS_QUEUE_NAME": "stack-jobs",
            "WORKER_FUNCTION_NAME": "stack-worker",
            "OLDEST_MESSAGE_WARN_SECONDS": "300",
            "RELEASE_ID": "dev",
        }
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        _clear_caches()
        yield Stack(
            sqs, lambda_, boto3.client("cloudwatch", region_name=REGION), jobs_url, dlq_url, mapping["UUID"]
        )
        _clear_caches()


def _probe(lambda_context: Any, method: str = "GET") -> tuple[int, dict[str, Any], str]:
    event = copy.deepcopy(load_event("health-request.json"))
    event["requestContext"]["http"]["method"] = method
    response = health_handler.lambda_handler(event, lambda_context)
    raw = response["body"]
    body = json.loads(raw) if raw else {}
    if raw:
        assert_health_document(body)
        assert_no_leak(raw)
    return response["statusCode"], body, raw


def _value(body: dict[str, Any], key: str) -> tuple[str, Any]:
    check = body["checks"][key][0]
    return check["status"], check["observedValue"]


def _put_age(stack: Stack, seconds: float) -> None:
    stack.cloudwatch.put_metric_data(
        Namespace="AWS/SQS",
        MetricData=[
            {
                "MetricName": "ApproximateAgeOfOldestMessage",
                "Dimensions": [{"Name": "QueueName", "Value": "stack-jobs"}],
                "Value": seconds,
                "Unit": "Seconds",
                "Timestamp": datetime.now(UTC),
            }
        ],
    )


def test_a_healthy_stack_passes_with_real_values(stack: Stack, lambda_context: Any) -> None:
    # (no message sent to the jobs queue here: moto would try to run the mapped function in Docker)
    _put_age(stack, 42)
    code, body, _ = _probe(lambda_context)
    assert (code, body["status"]) == (200, "pass")
    assert _value(body, "jobs-queue:visibleMessages") == ("pass", 0)
    assert _value(body, "jobs-queue:inFlightMessages") == ("pass", 0)
    assert _value(body, "dead-letter-queue:messages") == ("pass", 0)
    assert _value(body, "event-source-mapping:state") == ("pass", "Enabled")
    assert _value(body, "jobs-queue:oldestMessageAge") == ("pass", 42.0)


def test_dead_letters_and_an_old_message_warn(stack: Stack, lambda_context: Any) -> None:
    stack.sqs.send_message(QueueUrl=stack.dlq_url, MessageBody="poison")
    _put_age(stack, 900)
    code, body, _ = _probe(lambda_context)
    assert (code, body["status"]) == (200, "warn")
    assert _value(body, "dead-letter-queue:messages") == ("warn", 1)
    assert _value(body, "jobs-queue:oldestMessageAge") == ("warn", 900.0)


def test_a_disabled_mapping_fails(stack: Stack, lambda_context: Any) -> None:
    stack.lambda_.update_event_source_mapping(UUID=stack.mapping_uuid, Enabled=False)
    code, body, _ = _probe(lambda_context)
    assert (code, body["status"]) == (503, "fail")
    assert _value(body, "event-source-mapping:state") == ("fail", "Disabled")


def test_a_deleted_jobs_queue_fails(stack: Stack, lambda_context: Any) -> None:
    stack.sqs.delete_queue(QueueUrl=stack.jobs_url)
    code, body, _ = _probe(lambda_context)
    assert (code, body["status"]) == (503, "fail")
    assert _value(body, "jobs-queue:reachable") == ("fail", False)


def test_the_local_runtime_shape_degrades_to_warn(
    stack: Stack, lambda_context: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given no worker function name (the local runtime has no mapping) and no CloudWatch data
    stack.lambda_.delete_event_source_mapping(UUID=stack.mapping_uuid)
    for n in range(3):
        stack.sqs.send_message(QueueUrl=stack.jobs_url, MessageBody=str(n))
    stack.sqs.receive_message(QueueUrl=stack.jobs_url, MaxNumberOfMessages=1)
    monkeypatch.setenv("WORKER_FUNCTION_NAME", "")
    monkeypatch.delenv("JOBS_QUEUE_NAME")
    monkeypatch.delenv("JOBS_QUEUE_ARN")
    _clear_caches()
    code, body, _ = _probe(lambda_context)
    assert (code, body["status"]) == (200, "warn")
    assert body["checks"]["event-source-mapping:state"][0]["output"] == NOT_CONFIGURED
    assert _value(body, "jobs-queue:oldestMessageAge") == ("pass", None)
    assert _value(body, "jobs-queue:visibleMessages") == ("pass", 2)
    assert _value(body, "jobs-queue:inFlightMessages") == ("pass", 1)


def test_a_function_without_a_mapping_warns(
    stack: Stack, lambda_context: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKER_FUNCTION_NAME", "stack-other-worker")
    _clear_caches()
    code, body, _ = _probe(lambda_context)
    assert (code, body["status"]) == (200, "warn")
    assert body["checks"]["event-source-mapping:state"][0]["output"] == NOT_FOUND


def test_a_burst_of_100_probes_makes_four_aws_calls(
    stack: Stack, lambda_context: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the handler's real adapters, counted at botocore's before-call hook, and a frozen clock
    calls: list[str] = []
    for factory in _FACTORIES:
        factory().meta.events.register("before-call", lambda model, **_: calls.append(model.name))
    clock = FakeMonotonic()
    real = _MONITOR.__wrapped__()
    monitor = HealthMonitor(real._compute, HealthSettings.from_env().cache_seconds, clock)
    monkeypatch.setattr(health_handler, "monitor", lambda: monitor)
    # When 100 probes arrive within the cache window (GET and HEAD alike)
    codes = [_probe(lambda_context, "HEAD" if n % 2 else "GET")[0] for n in range(100)]
    # Then one round: one call per dependency
    assert codes == [200] * 100
    assert sorted(calls) == sorted(
        ["GetQueueAttributes", "GetQueueAttributes", "ListEventSourceMappings", "GetMetricData"]
    )
    clock.advance(5)
    _probe(lambda_context)
    assert len(calls) == 8
