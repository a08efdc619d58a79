"""Cached boto3 client factories: created on first use, never at import, short timeouts.

boto3 honours ``AWS_ENDPOINT_URL`` (and per-service variants), which is how the local runtime points the
functions at the embedded emulator.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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
