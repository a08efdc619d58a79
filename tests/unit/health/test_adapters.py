"""The Lambda and CloudWatch adapters against botocore's Stubber (expected parameters, error mapping)."""

from __future__ import annotations

from datetime import timedelta

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError
from botocore.stub import Stubber

from queue_worker.adapters import aws_clients
from queue_worker.adapters.cloudwatch_metrics import CloudWatchQueueMetrics
from queue_worker.adapters.lambda_mappings import LambdaEventSourceMappings
from queue_worker.errors import DependencyUnavailableError
from queue_worker.health.mapping_check import MappingState
from tests.unit.health.fakes import FIXED_NOW

QUEUE_ARN = "arn:aws:sqs:eu-west-1:123456789012:stack-jobs"
OTHER_ARN = "arn:aws:sqs:eu-west-1:123456789012:other"


def _mapping(arn: str, state: str = "Enabled", **extra: str) -> dict[str, str]:
    return {"UUID": "6b1c1b43-1a3e-4a55-9a6e-5e0b8f1f0c11", "EventSourceArn": arn, "State": state, **extra}


def _lambda(stub: Stubber | None = None) -> tuple[LambdaEventSourceMappings, Stubber]:
    client = boto3.client("lambda", region_name="eu-west-1")
    return LambdaEventSourceMappings(client), Stubber(client)


def test_mapping_lookup_by_function_and_arn() -> None:
    adapter, stubber = _lambda()
    stubber.add_response(
        "list_event_source_mappings",
        {"EventSourceMappings": [_mapping(QUEUE_ARN, LastProcessingResult="PROBLEM: Function call failed")]},
        {"FunctionName": "w", "EventSourceArn": QUEUE_ARN, "MaxItems": 100},
    )
    with stubber:
        assert adapter.find("w", "stack-jobs", QUEUE_ARN) == MappingState(
            "Enabled", "PROBLEM: Function call failed"
        )


def test_without_an_arn_the_mapping_is_matched_by_queue_name() -> None:
    adapter, stubber = _lambda()
    mappings = [_mapping(OTHER_ARN, "Disabled"), _mapping(QUEUE_ARN)]
    stubber.add_response(
        "list_event_source_mappings",
        {"EventSourceMappings": mappings},
        {"FunctionName": "w", "MaxItems": 100},
    )
    stubber.add_response(
        "list_event_source_mappings",
        {"EventSourceMappings": mappings[:1]},
        {"FunctionName": "w", "MaxItems": 100},
    )
    with stubber:
        assert adapter.find("w", "stack-jobs") == MappingState("Enabled", None)
        assert adapter.find("w", "stack-jobs") is None


def test_a_missing_function_means_no_mapping_and_other_errors_are_unavailable() -> None:
    adapter, stubber = _lambda()
    stubber.add_client_error("list_event_source_mappings", "ResourceNotFoundException")
    stubber.add_client_error(
        "list_event_source_mappings", "TooManyRequestsException", service_message=QUEUE_ARN
    )
    with stubber:
        assert adapter.find("w", "q", QUEUE_ARN) is None
        with pytest.raises(DependencyUnavailableError, match="TooManyRequestsException") as caught:
            adapter.find("w", "q", QUEUE_ARN)
    assert "arn:" not in str(caught.value)


def _boom(**_: object) -> None:
    raise EndpointConnectionError(endpoint_url="https://secret.example")


def test_connection_errors_are_unavailable_without_the_endpoint() -> None:
    lambda_client = boto3.client("lambda", region_name="eu-west-1")
    cloudwatch = boto3.client("cloudwatch", region_name="eu-west-1")
    for client in (lambda_client, cloudwatch):
        client.meta.events.register("before-send", _boom)
    with pytest.raises(DependencyUnavailableError, match="EndpointConnectionError") as caught:
        LambdaEventSourceMappings(lambda_client).find("w", "q")
    assert "secret" not in str(caught.value)
    with pytest.raises(DependencyUnavailableError, match="EndpointConnectionError"):
        CloudWatchQueueMetrics(cloudwatch).oldest_message_age("q", FIXED_NOW)


def _cloudwatch() -> tuple[CloudWatchQueueMetrics, Stubber]:
    client = boto3.client("cloudwatch", region_name="eu-west-1")
    return CloudWatchQueueMetrics(client), Stubber(client)


def test_oldest_age_query_and_latest_value() -> None:
    adapter, stubber = _cloudwatch()
    expected = {
        "MetricDataQueries": [
            {
                "Id": "age",
                "MetricStat": {
                    "Metric": {
                        "Namespace": "AWS/SQS",
                        "MetricName": "ApproximateAgeOfOldestMessage",
                        "Dimensions": [{"Name": "QueueName", "Value": "stack-jobs"}],
                    },
                    "Period": 60,
                    "Stat": "Maximum",
                },
            }
        ],
        "StartTime": FIXED_NOW - timedelta(minutes=14),
        "EndTime": FIXED_NOW + timedelta(minutes=1),
        "ScanBy": "TimestampDescending",
    }
    stubber.add_response(
        "get_metric_data",
        {"MetricDataResults": [{"Id": "age", "Values": [42.0, 7.0], "StatusCode": "Complete"}]},
        expected,
    )
    stubber.add_response(
        "get_metric_data", {"MetricDataResults": [{"Id": "age", "Values": [], "StatusCode": "Complete"}]}
    )
    stubber.add_response(
        "get_metric_data",
        {"MetricDataResults": [{"Id": "age", "Values": [], "StatusCode": "Forbidden"}]},
        None,
    )
    with stubber:
        assert adapter.oldest_message_age("stack-jobs", FIXED_NOW) == 42.0
        assert adapter.oldest_message_age("stack-jobs", FIXED_NOW) is None
        with pytest.raises(DependencyUnavailableError, match="Forbidden"):
            adapter.oldest_message_age("stack-jobs", FIXED_NOW)


def test_health_clients_have_short_timeouts_and_few_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    for factory in (aws_clients.health_sqs_client, aws_clients.lambda_client, aws_clients.cloudwatch_client):
        factory.cache_clear()
        client = factory()
        config: Config = client.meta.config
        assert (config.connect_timeout, config.read_timeout) == (1.0, 2.0)
        assert config.retries == {"total_max_attempts": 2, "mode": "standard"}
        assert factory() is client
        factory.cache_clear()


def test_adapters_create_their_client_lazily(monkeypatch: pytest.MonkeyPatch) -> None:
    sentinel_lambda, sentinel_cloudwatch = object(), object()
    monkeypatch.setattr("queue_worker.adapters.lambda_mappings.lambda_client", lambda: sentinel_lambda)
    monkeypatch.setattr(
        "queue_worker.adapters.cloudwatch_metrics.cloudwatch_client", lambda: sentinel_cloudwatch
    )
    assert LambdaEventSourceMappings().client is sentinel_lambda
    assert CloudWatchQueueMetrics().client is sentinel_cloudwatch
