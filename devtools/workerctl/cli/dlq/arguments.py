"""Arguments every ``dlq`` subcommand shares: which DLQ, which stack, the endpoint, bounded numbers, audit.

In their own module so each subcommand's module can register its own parser without importing
``command.py`` (which imports them).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from workerctl.cli.options import DEFAULT_ENDPOINT, add_connection_options


def bounded(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse ``type`` for a whole number in ``[low, high]`` (no upper bound when ``high`` is None)."""

    def parse(text: str) -> int:
        value = int(text)
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(
                f"must be between {low} and {high}" if high else f"must be >= {low}"
            )
        return value

    return parse


def add_audit_arguments(parser: argparse.ArgumentParser) -> None:
    """``--json`` and ``--audit-log`` of the commands that move messages."""
    parser.add_argument("--json", action="store_true", help="JSON lines (audit lines, summary) on stdout")
    parser.add_argument(
        "--audit-log",
        type=Path,
        metavar="FILE",
        help="audit log to append to (default: $WORKERCTL_AUDIT_LOG or .workerctl/audit.jsonl)",
    )


def add_source_queue(parser: argparse.ArgumentParser, help_text: str) -> None:
    """``--source-queue-url``: the jobs queue (``args.queue_url``; ``--queue-url`` is the DLQ's)."""
    parser.add_argument("--source-queue-url", dest="queue_url", metavar="URL", help=help_text)


def add_force(parser: argparse.ArgumentParser) -> None:
    """``--force``: act on a ``--queue-url`` that is not a dead-letter queue of the stack."""
    parser.add_argument(
        "--force",
        action="store_true",
        help="act on a --queue-url that is not a dead-letter queue of the stack (checked by default)",
    )


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    """``--queue-url``/``--dlq-url``, ``--stack`` and the connection options."""
    parser.add_argument(
        "--queue-url", "--dlq-url", dest="dlq_url", metavar="URL", help="DLQ URL (default: <stack>-jobs-dlq)"
    )
    parser.add_argument("--stack", help="stack name (default: stack_name of --env in samconfig.toml)")
    add_connection_options(parser, endpoint_default=DEFAULT_ENDPOINT)
