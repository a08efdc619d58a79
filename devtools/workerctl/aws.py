"""boto3 clients for the dev tooling (the only module here that imports boto3).

``endpoint_url`` None means the real AWS endpoints with the user's own credentials; any other value is
an emulator, reached with fake credentials unless the environment already has some.
"""

from __future__ import annotations

import os
from typing import Any

import boto3
from botocore.config import Config

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
