"""Integration fixtures: moto-backed AWS, clients created after the mock starts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from moto import mock_aws

import worker_handler
from queue_worker.adapters import aws_clients
from queue_worker.adapters.dynamodb_idempotency import dynamodb_idempotency_guard
from queue_worker.settings import worker_settings


@pytest.fixture
def aws() -> Iterator[None]:
    """An in-memory AWS account; the cached client factories are reset around it."""
    aws_clients.sqs_client.cache_clear()
    with mock_aws():
        yield
    aws_clients.sqs_client.cache_clear()


@pytest.fixture
def sqs(aws: None) -> Any:
    import boto3

    return boto3.client("sqs", region_name="eu-west-1")


@pytest.fixture
def queues(sqs: Any) -> dict[str, str]:
    """A jobs queue with its DLQ, configured as the template does."""
    dlq = sqs.create_queue(QueueName="it-jobs-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    jobs = sqs.create_queue(
        QueueName="it-jobs",
        Attributes={
            "VisibilityTimeout": "180",
            "RedrivePolicy": f'{{"deadLetterTargetArn": "{dlq_arn}", "maxReceiveCount": "5"}}',
        },
    )["QueueUrl"]
    return {"jobs": jobs, "dlq": dlq}


@pytest.fixture
def wired(queues: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """Environment as the template sets it, with the caches reset so the handler rebuilds its adapters."""
    import boto3

    boto3.client("dynamodb", region_name="eu-west-1").create_table(
        TableName="it-idem",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    monkeypatch.setenv("JOBS_QUEUE_URL", queues["jobs"])
    monkeypatch.setenv("DEAD_LETTER_QUEUE_URL", queues["dlq"])
    monkeypatch.setenv("IDEMPOTENCY_TABLE_NAME", "it-idem")
    for cached in (worker_settings, worker_handler.dependencies, dynamodb_idempotency_guard):
        cached.cache_clear()
    yield queues
    for cached in (worker_settings, worker_handler.dependencies, dynamodb_idempotency_guard):
        cached.cache_clear()
