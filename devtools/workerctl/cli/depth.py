"""``workerctl depth``: visible, in-flight and delayed messages of the jobs queue and its DLQ."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from workerctl.aws import aws_call
from workerctl.cli.options import add_connection_options, client_for, queue_url

COUNTS = {
    "visible": "ApproximateNumberOfMessages",
    "in-flight": "ApproximateNumberOfMessagesNotVisible",
    "delayed": "ApproximateNumberOfMessagesDelayed",
}


def register(subparsers: Any) -> None:
    """Add the ``depth`` subcommand."""
    parser = subparsers.add_parser(
        "depth", help="queue depths of the jobs queue and the DLQ", description=__doc__
    )
    parser.add_argument("--queue-url", help="jobs queue URL (default: <stack>-jobs looked up by name)")
    parser.add_argument("--dlq-url", help="DLQ URL (default: <stack>-jobs-dlq looked up by name)")
    add_connection_options(parser, endpoint_default="http://localhost:4566")
    parser.set_defaults(func=run)


def depth(client: Any, url: str) -> dict[str, int]:
    """The three counts of one queue."""
    with aws_call(f"GetQueueAttributes {url}"):
        answer = client.get_queue_attributes(QueueUrl=url, AttributeNames=list(COUNTS.values()))
    attributes = answer["Attributes"]
    return {label: int(attributes.get(name, 0)) for label, name in COUNTS.items()}


def format_table(rows: dict[str, dict[str, int]]) -> str:
    """Aligned text table: one row per queue.

    >>> print(format_table({"jobs": {"visible": 1, "in-flight": 2, "delayed": 0}}))
    queue  visible  in-flight  delayed
    jobs         1          2        0
    """
    width = max(len("queue"), *(len(name) for name in rows))
    header = f"{'queue':<{width}}  " + "  ".join(COUNTS)
    lines = [header]
    for name, counts in rows.items():
        cells = "  ".join(f"{counts[label]:>{len(label)}}" for label in COUNTS)
        lines.append(f"{name:<{width}}  {cells}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Print the depth table."""
    client = client_for(args)
    rows = {
        "jobs": depth(client, queue_url(client, args)),
        "dead-letter": depth(client, queue_url(client, args, dead_letter=True)),
    }
    sys.stdout.write(format_table(rows) + "\n")
    return 0
