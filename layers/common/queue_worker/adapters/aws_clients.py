"""boto3 at the edge: cached client factories, the lazy-client base of every adapter, error codes.

Clients are created on first use, never at import (boto3 is imported inside :func:`_client` to keep
cold starts cheap), with short timeouts. boto3 honours ``AWS_ENDPOINT_URL`` (and per-service variants),
which is how the local runtime points the functions at the embedded emulator.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING, Any, TypeIs

if TYPE_CHECKING:
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError
    from mypy_boto3_cloudwatch import CloudWatchClient
    from mypy_boto3_lambda import LambdaClient
    from mypy_boto3_sqs import SQSClient

    from queue_worker.errors import WorkerError

CONNECT_TIMEOUT_SECONDS = 2.0
READ_TIMEOUT_SECONDS = 5.0
MAX_ATTEMPTS = 4  # the first try and 3 retries

# /health must answer well inside its 10 s Lambda timeout and a prober's own timeout, so its clients
# give up sooner than the worker's: worst case per call is 2 attempts x (1 s connect + 2 s read).
HEALTH_CONNECT_TIMEOUT_SECONDS = 1.0
HEALTH_READ_TIMEOUT_SECONDS = 2.0
HEALTH_MAX_ATTEMPTS = 2


def _config(connect_seconds: float, read_seconds: float, total_attempts: int) -> Config:
    """Timeouts and standard-mode retries (``total_max_attempts`` counts the first try too)."""
    from botocore.config import Config  # noqa: PLC0415 - deferred on purpose

    return Config(
        connect_timeout=connect_seconds,
        read_timeout=read_seconds,
        retries={"total_max_attempts": total_attempts, "mode": "standard"},
    )


def health_client_config() -> Config:
    """Short timeouts and few retries for the read-only calls behind ``/health``."""
    return _config(HEALTH_CONNECT_TIMEOUT_SECONDS, HEALTH_READ_TIMEOUT_SECONDS, HEALTH_MAX_ATTEMPTS)


def _client(service: str, config: Config) -> Any:
    """A new client for ``service`` (boto3 is imported here, on first use)."""
    import boto3  # noqa: PLC0415 - deferred on purpose

    return boto3.session.Session().client(service, config=config)  # type: ignore[call-overload]


@cache
def sqs_client() -> SQSClient:
    """The worker's SQS client (onward sends, dead letters, visibility changes)."""
    client: SQSClient = _client("sqs", _config(CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS, MAX_ATTEMPTS))
    return client


@cache
def health_sqs_client() -> SQSClient:
    """SQS client for GetQueueAttributes from the health function."""
    client: SQSClient = _client("sqs", health_client_config())
    return client


@cache
def lambda_client() -> LambdaClient:
    """Lambda client for ListEventSourceMappings from the health function."""
    client: LambdaClient = _client("lambda", health_client_config())
    return client


@cache
def cloudwatch_client() -> CloudWatchClient:
    """CloudWatch client for GetMetricData from the health function."""
    client: CloudWatchClient = _client("cloudwatch", health_client_config())
    return client


class LazyClientAdapter[C]:
    """Base of the adapters: an injected client (tests), else the shared one, created on first use."""

    def __init__(self, client: C | None, factory: Callable[[], C]) -> None:
        self._client = client
        self._factory = factory

    @property
    def client(self) -> C:
        """The injected client, or the shared lazy one."""
        if self._client is None:
            self._client = self._factory()
        return self._client


def is_aws_error(exc: BaseException) -> TypeIs[ClientError | BotoCoreError]:
    """True for botocore's ClientError and BotoCoreError.

    botocore is imported here, not at module level: the health function's cold start and
    ``/health/live`` need none of it, and once a client call has failed it is loaded already.
    """
    from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415

    return isinstance(exc, ClientError | BotoCoreError)


def aws_error_code(exc: ClientError | BotoCoreError) -> str:
    """A short, leak-free description: the AWS error code or the botocore exception class."""
    from botocore.exceptions import ClientError  # noqa: PLC0415 - see is_aws_error

    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", "ClientError"))
    return type(exc).__name__


@contextmanager
def aws_call(operation: str, error: type[WorkerError]) -> Iterator[None]:
    """Turn a botocore failure of ``operation`` into ``error("<operation> failed: <code>")``.

    The message never carries the service's own text (which may hold ARNs or URLs).
    """
    try:
        yield
    except Exception as exc:
        if not is_aws_error(exc):
            raise
        raise error(f"{operation} failed: {aws_error_code(exc)}") from exc
