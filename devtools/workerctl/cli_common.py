"""Options and look-ups shared by the subcommands: endpoint, region, environment, queue URLs."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from workerctl.aws import aws_client
from workerctl.errors import UserError
from workerctl.samconfig import load_environment

DEFAULT_ENDPOINT = "http://localhost:4566"
DEFAULT_REGION = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "eu-west-1"


def add_connection_options(parser: argparse.ArgumentParser, *, endpoint_default: str) -> None:
    """``--endpoint-url``, ``--region``, ``--env``, ``--config-file``."""
    parser.add_argument(
        "--endpoint-url",
        default=endpoint_default,
        help=f"SQS endpoint; 'aws' for real AWS with your credentials (default: {endpoint_default})",
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


def client_for(args: argparse.Namespace) -> Any:
    """The SQS client ``args`` point at."""
    endpoint = None if args.endpoint_url == "aws" else args.endpoint_url
    return aws_client("sqs", endpoint, args.region, local=endpoint is not None)


def queue_url(client: Any, args: argparse.Namespace, *, dead_letter: bool = False) -> str:
    """``--queue-url``/``--dlq-url`` if given, else ``<stack>-jobs[-dlq][.fifo]`` looked up by name."""
    explicit = getattr(args, "dlq_url" if dead_letter else "queue_url", None)
    if explicit:
        return str(explicit)
    stack = load_environment(args.config_file, args.env).stack_name
    base = f"{stack}-jobs" + ("-dlq" if dead_letter else "")
    for name in (base, f"{base}.fifo"):
        try:
            return str(client.get_queue_url(QueueName=name)["QueueUrl"])
        except ClientError:
            continue
        except BotoCoreError as exc:
            raise UserError(f"cannot reach {args.endpoint_url}: {exc}; is `workerctl run` running?") from exc
    raise UserError(f"queue {base} not found at {args.endpoint_url}; pass --queue-url or check --env")
