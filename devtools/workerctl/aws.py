"""boto3 clients for the dev tooling, and the one translation of botocore errors into one-line errors.

This is the only module of ``workerctl`` that imports boto3 or botocore at run time, besides the
health probe's lazy import of botocore's signer (only when it signs); ``mypy_boto3_*`` stubs are
type-only. Everything else catches :data:`AWS_ERRORS` and turns them into
:class:`~workerctl.errors.UserError` with :func:`user_error` or :func:`aws_call`.

``endpoint_url`` None means the real AWS endpoints with the user's own credentials; any other value is
an emulator, reached with fake credentials unless the environment already has some.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError
from botocore.exceptions import ConnectionError as EndpointUnreachableError

from workerctl.errors import QueueNotFoundError, UserError

# Any failure of a botocore call: the service answered with an error, or the call never got an answer.
AWS_ERRORS: tuple[type[Exception], ...] = (BotoCoreError, ClientError)
# GetQueueUrl's "no such queue" error codes (the AWS JSON protocol and the legacy query one).
QUEUE_NOT_FOUND_CODES = frozenset({"AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"})
LOCAL_CREDENTIALS = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}
_CONFIG = Config(
    connect_timeout=2,
    read_timeout=30,  # above the 20 s long poll
    retries={"max_attempts": 3, "mode": "standard"},
    max_pool_connections=50,
)


def aws_client(service: str, endpoint_url: str | None, region: str, *, local: bool = True) -> Any:
    """A client for ``service`` (``"sqs"``, ``"dynamodb"``) at ``endpoint_url`` (AWS itself when None)."""
    credentials: dict[str, str] = {}
    if local and endpoint_url is not None and not os.environ.get("AWS_ACCESS_KEY_ID"):
        credentials = dict(LOCAL_CREDENTIALS)
    session = boto3.session.Session(region_name=region)
    return session.client(service, endpoint_url=endpoint_url, config=_CONFIG, **credentials)  # type: ignore[call-overload]


def error_code(exc: Exception) -> str:
    """The service's error code of a ClientError (``AccessDenied``, ...); ``""`` for anything else."""
    return str(exc.response.get("Error", {}).get("Code", "")) if isinstance(exc, ClientError) else ""


def error_message(exc: Exception) -> str:
    """The service's error message of a ClientError, stripped; ``""`` for anything else."""
    return (
        str(exc.response.get("Error", {}).get("Message", "")).strip() if isinstance(exc, ClientError) else ""
    )


def user_error(what: str, exc: Exception) -> UserError:
    """The one-line error for a failed call ``what`` (e.g. ``"PurgeQueue app-jobs-dlq"``).

    >>> str(user_error("PurgeQueue q", ClientError({"Error": {"Code": "AccessDenied"}}, "PurgeQueue")))
    'PurgeQueue q failed: AccessDenied: no detail'
    """
    if isinstance(exc, NoCredentialsError):
        return UserError("no AWS credentials: set AWS_PROFILE or configure the default credential chain")
    if isinstance(exc, EndpointUnreachableError):
        endpoint = str(exc.kwargs.get("endpoint_url", "the endpoint")).rstrip("/")
        return UserError(f"cannot reach {endpoint}: is `workerctl run` running?")
    code, message = error_code(exc), error_message(exc)
    if code in QUEUE_NOT_FOUND_CODES:
        return QueueNotFoundError(f"{what}: the queue does not exist")
    if isinstance(exc, ClientError):
        return UserError(f"{what} failed: {code}: {message.splitlines()[0] if message else 'no detail'}")
    return UserError(f"{what} failed: {exc}")


@contextmanager
def aws_call(what: str) -> Iterator[None]:
    """Raise :func:`user_error` (from the original) when a botocore call inside fails."""
    try:
        yield
    except AWS_ERRORS as exc:
        raise user_error(what, exc) from exc
