"""Integration fixtures: moto-backed AWS, clients created after the mock starts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from moto import mock_aws

from queue_worker.adapters import aws_clients


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
