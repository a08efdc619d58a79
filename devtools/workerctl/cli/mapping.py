"""``workerctl mapping list|disable|enable``: pause and resume the worker's SQS event source mapping.

As UpdateEventSourceMapping ``Enabled`` does on AWS: a disabled mapping stops receiving (batches in
flight finish) and messages wait on the queue; enabling it again drains them. The local runtime
registers its mappings in the emulator's Lambda API and its pollers follow their State within a
second, so the same command (or ``aws lambda update-event-source-mapping``) works on both.

MAPPING is a mapping's UUID, a function name or a queue name; without it, the stack's worker function
``<stack>-worker`` (stack from samconfig.toml for ``--env``; on AWS the same mapping as the stack's
``WorkerEventSourceMappingId`` output). ``--endpoint-url aws`` changes the deployed mapping.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any

from workerctl.aws import AWS_ERRORS, aws_call, error_code, user_error
from workerctl.cli.options import DEFAULT_ENDPOINT, add_connection_options, client_for, stack_queue_name
from workerctl.errors import UserError

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)
COLUMNS = ("uuid", "state", "function", "queue", "batch", "last result")


def register(subparsers: Any) -> None:
    """Add the ``mapping`` subcommand and its ``list``, ``disable`` and ``enable`` actions."""
    parser = subparsers.add_parser(
        "mapping", help="list, disable or enable the SQS event source mapping", description=__doc__
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="every event source mapping at the endpoint")
    add_connection_options(listing, endpoint_default=DEFAULT_ENDPOINT, service="Lambda")
    listing.set_defaults(func=run_list)
    for action, enabled in (("disable", False), ("enable", True)):
        what = "resume polling (the queue drains)" if enabled else "stop polling (messages stay queued)"
        sub = actions.add_parser(action, help=what, description=f"{action.capitalize()} a mapping: {what}.")
        sub.add_argument(
            "mapping",
            nargs="?",
            metavar="MAPPING",
            help="UUID, function name or queue name (default: the stack's <stack>-worker function)",
        )
        add_connection_options(sub, endpoint_default=DEFAULT_ENDPOINT, service="Lambda")
        sub.set_defaults(func=run_update, enabled=enabled)


def last_segment(arn: str) -> str:
    """The name at the end of an ARN (``...:function:app-worker`` → ``app-worker``)."""
    return arn.rsplit(":", 1)[-1]


def describe(mapping: dict[str, Any]) -> str:
    """``<uuid> (<function> <- <queue>)``: a mapping in one line."""
    function, queue = last_segment(mapping.get("FunctionArn", "")), last_segment(mapping["EventSourceArn"])
    return f"{mapping['UUID']} ({function} <- {queue})"


def list_mappings(client: Any, where: str) -> list[dict[str, Any]]:
    """Every event source mapping at the endpoint (all pages)."""
    with aws_call(f"ListEventSourceMappings at {where}"):
        pages = client.get_paginator("list_event_source_mappings").paginate()
        return [mapping for page in pages for mapping in page["EventSourceMappings"]]


def find_mapping(client: Any, selector: str, where: str) -> dict[str, Any]:
    """The one mapping ``selector`` names (UUID, function name, queue name), or a one-line UserError."""
    if UUID.match(selector):
        try:
            return dict(client.get_event_source_mapping(UUID=selector))
        except AWS_ERRORS as exc:
            if error_code(exc) == "ResourceNotFoundException":
                raise UserError(f"no event source mapping {selector} at {where}") from exc
            raise user_error(f"GetEventSourceMapping {selector} at {where}", exc) from exc
    everything = list_mappings(client, where)
    chosen = [
        m
        for m in everything
        if selector in (last_segment(m.get("FunctionArn", "")), last_segment(m["EventSourceArn"]))
    ]
    if len(chosen) == 1:
        return chosen[0]
    known = ", ".join(describe(m) for m in everything) or "none"
    if not chosen:
        raise UserError(f"no event source mapping for {selector!r} at {where} (mappings there: {known})")
    names = ", ".join(describe(m) for m in chosen)
    raise UserError(f"{selector!r} names {len(chosen)} event source mappings ({names}); pass a UUID")


def format_table(mappings: list[dict[str, Any]]) -> str:
    """Aligned text table, one row per mapping."""
    rows = [
        (
            m["UUID"],
            m.get("State", "-"),
            last_segment(m.get("FunctionArn", "")),
            last_segment(m["EventSourceArn"]),
            str(m.get("BatchSize", "-")),
            m.get("LastProcessingResult") or "-",
        )
        for m in mappings
    ]
    widths = [max(len(row[i]) for row in [COLUMNS, *rows]) for i in range(len(COLUMNS))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in [COLUMNS, *rows]
    )


def _where(args: argparse.Namespace) -> str:
    return "AWS" if args.endpoint_url == "aws" else str(args.endpoint_url)


def run_list(args: argparse.Namespace) -> int:
    """Print every mapping at the endpoint."""
    mappings = list_mappings(client_for(args, "lambda"), _where(args))
    sys.stdout.write(
        (format_table(mappings) if mappings else f"no event source mappings at {_where(args)}") + "\n"
    )
    return 0


def run_update(args: argparse.Namespace) -> int:
    """UpdateEventSourceMapping ``Enabled`` on the chosen mapping; prints the State it reports."""
    client = client_for(args, "lambda")
    where = _where(args)
    mapping = find_mapping(client, args.mapping or stack_queue_name(args, "worker"), where)
    with aws_call(f"UpdateEventSourceMapping {mapping['UUID']} at {where}"):
        answer = client.update_event_source_mapping(UUID=mapping["UUID"], Enabled=args.enabled)
    print(f"event source mapping {describe(mapping)}: {answer.get('State', 'unknown')}")
    return 0
