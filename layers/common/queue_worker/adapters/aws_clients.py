"""Cached boto3 client factories: created on first use, never at import, short timeouts.

boto3 honours ``AWS_ENDPOINT_URL`` (and per-service variants), which is how the local runtime points the
functions at the embedded emulator.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from botocore.config import Config
    from mypy_boto3_cloudwatch import CloudWatchClient
    from mypy_boto3_lambda import LambdaClient
    from mypy_boto3_sqs import SQSClient

CONNECT_TIMEOUT_SECONDS = 2.0
READ_TIMEOUT_SECONDS = 5.0


@cache
def sqs_client() -> SQSClient:
    """The process-wide SQS client (boto3 is imported here, on first use, to keep cold starts cheap)."""
    import boto3  # noqa: PLC0415 - deferred on purpose
    from botocore.config import Config  # noqa: PLC0415

    config = Config(
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
        retries={"max_attempts": 3, "mode": "standard"},
    )
    return boto3.session.Session().client("sqs", config=config)


# /health must answer well inside its 10 s Lambda timeout and a prober's own timeout, so its clients
# give up sooner than the worker's: worst case per call is 2 attempts x (1 s connect + 2 s read).
HEALTH_CONNECT_TIMEOUT_SECONDS = 1.0
HEALTH_READ_TIMEOUT_SECONDS = 2.0
HEALTH_MAX_ATTEMPTS = 2


def health_client_config() -> Config:
    """Short timeouts and few retries for the read-only calls behind ``/health``."""
    from botocore.config import Config  # noqa: PLC0415 - deferred on purpose

    return Config(
        connect_timeout=HEALTH_CONNECT_TIMEOUT_SECONDS,
        read_timeout=HEALTH_READ_TIMEOUT_SECONDS,
        retries={"total_max_attempts": HEALTH_MAX_ATTEMPTS, "mode": "standard"},
    )


@cache
def health_sqs_client() -> SQSClient:
    """SQS client for GetQueueAttributes from the health function."""
    import boto3  # noqa: PLC0415 - deferred on purpose

    return boto3.session.Session().client("sqs", config=health_client_config())


@cache
def lambda_client() -> LambdaClient:
    """Lambda client for ListEventSourceMappings from the health function."""
    import boto3  # noqa: PLC0415 - deferred on purpose

    return boto3.session.Session().client("lambda", config=health_client_config())


@cache
def cloudwatch_client() -> CloudWatchClient:
    """CloudWatch client for GetMetricData from the health function."""
    import boto3  # noqa: PLC0415 - deferred on purpose

    return boto3.session.Session().client("cloudwatch", config=health_client_config())
