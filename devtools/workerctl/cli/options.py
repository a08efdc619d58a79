"""Options and look-ups shared by the subcommands: endpoint, region, environment, queue URLs."""

from __future__ import annotations

import argparse
import os
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from workerctl.aws import AWS_ERRORS, aws_client
from workerctl.errors import UserError
from workerctl.local.template.samconfig import load_environment
from workerctl.queues import find_queue, queue_url_by_name

DEFAULT_ENDPOINT = "http://localhost:4566"
DEFAULT_REGION = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "eu-west-1"


def add_connection_options(
    parser: argparse.ArgumentParser, *, endpoint_default: str, service: str = "SQS"
) -> None:
    """``--endpoint-url`` (of ``service``, for the help), ``--region``, ``--env``, ``--config-file``."""
    parser.add_argument(
        "--endpoint-url",
        default=endpoint_default,
        help=f"{service} endpoint; 'aws' for real AWS with your credentials (default: {endpoint_default})",
    )
    parser.add_argument("--region", default=DEFAULT_REGION, help=f"AWS region (default: {DEFAULT_REGION})")
    parser.add_argument(
        "--env", default="dev", help="samconfig.toml environment naming the stack (default: dev)"
    )
    parser.add_argument(
        "--config-file",
        type=Path,
        default=Path("samconfig.toml"),
        help="samconfig file (default: samconfig.toml)",
    )


def is_aws(endpoint_url: str) -> bool:
    """True for ``aws`` or an ``*.amazonaws.com`` URL: real AWS, reached with the user's credentials."""
    return endpoint_url == "aws" or _host(endpoint_url).endswith(".amazonaws.com")


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:  # "http://[::1": checked_endpoint says what is wrong
        return ""


def checked_endpoint(endpoint: str) -> str | None:
    """``--endpoint-url`` as botocore wants it (None for ``aws``), or a one-line :class:`UserError`.

    Everything urllib would only raise about later (an unclosed ``[``, a port that is not a number or
    is out of range) is caught here.
    """
    if endpoint == "aws":
        return None
    try:
        parts = urlsplit(endpoint)
        port = parts.port  # raises for "abc" and for anything outside 0-65535
    except ValueError as exc:
        raise UserError(f"bad --endpoint-url {endpoint!r}: {exc}") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname or port == 0:
        raise UserError(f"bad --endpoint-url {endpoint!r}: give http(s)://host:port or 'aws'")
    return endpoint


def client_for(args: argparse.Namespace, service: str = "sqs") -> Any:
    """The ``service`` client for ``--endpoint-url`` (``aws``: real AWS) in ``--region``; a bad URL is a
    UserError. The emulator serves every service on one port, as AWS's ``AWS_ENDPOINT_URL`` assumes."""
    endpoint = checked_endpoint(args.endpoint_url)
    try:
        return aws_client(service, endpoint, args.region, local=not is_aws(args.endpoint_url))
    except ValueError as exc:
        what = f"bad --endpoint-url {args.endpoint_url!r} or --region {args.region!r}"
        raise UserError(f"{what}: {exc}") from exc
    except AWS_ERRORS as exc:  # no region at all, an unknown profile
        raise UserError(f"cannot create a client for {service}: {exc}") from exc


def stack_queue_name(args: argparse.Namespace, suffix: str) -> str:
    """``<stack>-<suffix>``: the stack is ``--stack`` where the command has it, else samconfig's for --env."""
    stack = getattr(args, "stack", None) or load_environment(args.config_file, args.env).stack_name
    return f"{stack}-{suffix}"


def queue_url(client: Any, args: argparse.Namespace, *, dead_letter: bool = False) -> str:
    """``--queue-url``/``--dlq-url`` if given, else ``<stack>-jobs[-dlq][.fifo]`` looked up by name."""
    explicit = getattr(args, "dlq_url" if dead_letter else "queue_url", None)
    if explicit:
        return str(explicit)
    name = stack_queue_name(args, "jobs-dlq" if dead_letter else "jobs")
    url = find_queue(name, partial(queue_url_by_name, client, endpoint_url=args.endpoint_url))
    if url is None:
        raise UserError(f"queue {name} not found at {args.endpoint_url}; pass --queue-url or check --env")
    return url
