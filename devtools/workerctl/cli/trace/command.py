"""``workerctl trace ID``: the journey of a job (by message id or correlation id), in time order.

Sent, each receive with its count, each attempt's outcome (succeeded; failed with the error type and
the backoff chosen; skipped near the timeout; dead-lettered with the reason), redrives and replays
(from the audit log), and the jobs it sent onward (same correlation id). On AWS (``--endpoint-url
aws``) it runs a CloudWatch Logs Insights query on the worker's log group, found from the stack, and
waits for it with progress on stderr; locally it reads the local runtime's run log.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from workerctl.aws import aws_client
from workerctl.cli.dlq.audit import default_audit_log, read_audit_log
from workerctl.cli.options import DEFAULT_ENDPOINT, add_connection_options, is_aws, stack_queue_name
from workerctl.cli.run import DEFAULT_RUN_LOG
from workerctl.cli.timespec import parse_when
from workerctl.cli.trace.insights import LogsInsights
from workerctl.cli.trace.journey import Step, journey, parse_time, related_ids
from workerctl.errors import UserError
from workerctl.local.run_log import read_run_log

MAX_ROUNDS = 3  # queries: the id, then the ids found with it (redrives, onward jobs), then once more


def register(subparsers: Any) -> None:
    """Add the ``trace`` subcommand."""
    parser = subparsers.add_parser(
        "trace", help="the journey of one job: a message id or a correlation id", description=__doc__
    )
    parser.add_argument("id", metavar="ID", help="a message id (any copy of the job) or a correlation id")
    parser.add_argument(
        "--since", type=parse_when, default="1d", metavar="WHEN", help="search from (ISO or 2h; default: 1d)"
    )
    parser.add_argument("--json", action="store_true", help="JSON lines, one per step")
    parser.add_argument("--stack", help="stack name (default: stack_name of --env in samconfig.toml)")
    parser.add_argument(
        "--run-log", type=Path, default=DEFAULT_RUN_LOG, metavar="FILE", help="local: the run log to read"
    )
    parser.add_argument("--audit-log", type=Path, metavar="FILE", help="audit log with redrives and replays")
    add_connection_options(parser, endpoint_default=DEFAULT_ENDPOINT)
    parser.set_defaults(func=run)


def aws_documents(
    args: argparse.Namespace, audit: list[dict[str, Any]], insights: LogsInsights
) -> list[dict[str, Any]]:
    """The worker's log documents about the job from Logs Insights: the id, then every related id."""
    stack = stack_queue_name(args, "").removesuffix("-")
    group = insights.log_group(stack)
    until = datetime.now(UTC)
    ids, searched = related_ids(audit, {args.id}), set[str]()
    documents: list[dict[str, Any]] = []
    for _ in range(MAX_ROUNDS):
        if ids <= searched:
            break
        documents += insights.search(group, ids - searched, args.since, until)
        searched |= ids
        ids = related_ids([*audit, *documents], ids)
    return documents


def local_documents(args: argparse.Namespace) -> list[dict[str, Any]]:
    """The run log's documents from ``--since`` on."""
    try:
        documents = list(read_run_log(args.run_log))
    except FileNotFoundError:
        raise UserError(f"no run log at {args.run_log}: start `workerctl run` (or pass --run-log)") from None
    return [document for document in documents if _after(document.get("timestamp"), args.since)]


def _after(value: object, since: datetime) -> bool:
    when = parse_time(value)
    return when is None or when >= since


def render(steps: list[Step], wanted: str, audit: list[dict[str, Any]]) -> list[str]:
    """The readable journey: a line per step, and what each other message of the job is."""
    if not steps:
        return [f"nothing found for {wanted}"]
    first = steps[0].message_id
    roles: dict[str, str] = {}
    for line in audit:
        original, old = line.get("original_message_id"), line.get("old_message_id")
        roles[str(old)] = f"dead letter of {original}"
        roles[str(line.get("new_message_id"))] = f"{line.get('action')} of {original} (dead letter {old})"
    lines = []
    for step in steps:
        count = f" #{step.receive_count}" if step.receive_count is not None else ""
        lines.append(f"{step.when.isoformat(timespec='milliseconds')}  {step.message_id}{count}  {step.what}")
    others = sorted({step.message_id for step in steps} - {first})
    lines += [f"message {other}: {roles.get(other, 'sent onward (same correlation id)')}" for other in others]
    return lines


def run(args: argparse.Namespace) -> int:
    audit = [
        line
        for line in read_audit_log(args.audit_log or default_audit_log())
        if _after(line.get("when"), args.since)
    ]
    if is_aws(args.endpoint_url):
        clients = {
            name: aws_client(name, None, args.region, local=False) for name in ("logs", "cloudformation")
        }
        progress = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
        insights = LogsInsights(clients["logs"], clients["cloudformation"], progress=progress)
        documents = aws_documents(args, audit, insights)
    else:
        documents = local_documents(args)
    steps, _ = journey([*audit, *documents], args.id)
    if args.json:
        for step in steps:
            print(json.dumps({**asdict(step), "when": step.when.isoformat(timespec="milliseconds")}))
        return 0
    print("\n".join(render(steps, args.id, audit)))
    return 0
