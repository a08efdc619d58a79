"""``workerctl dlq inspect|export|redrive|replay|purge``: operate the jobs queue's dead-letter queue.

Queues come from ``--queue-url``/``--source-queue-url`` or from the stack name (samconfig.toml):
``<stack>-jobs-dlq`` and ``<stack>-jobs`` (``.fifo`` when the plain names do not exist). The default
endpoint is the local runtime's emulator; ``--endpoint-url aws`` means AWS with the default credentials.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from workerctl.cli.dlq.arguments import (
    add_audit_arguments,
    add_common_arguments,
    add_force,
    add_source_queue,
    bounded,
)
from workerctl.cli.dlq.display import Progress, confirm_purge, format_table, format_task
from workerctl.cli.dlq.export import register_export
from workerctl.cli.dlq.replay_command import register_replay
from workerctl.cli.dlq.selection import add_selection_arguments, selection_from
from workerctl.cli.dlq.selective import audit_row, audit_trail, run_selective
from workerctl.cli.dlq.targets import DLQ_SUFFIX, ensure_dead_letter_queue, resolve
from workerctl.cli.options import client_for, is_aws
from workerctl.dlq.inspection import describe, sample
from workerctl.dlq.redrive import redrive_locally, start_move_task
from workerctl.dlq.sqs_adapter import SqsQueues
from workerctl.errors import MoveTaskUnsupportedError, UserError

MAX_RATE = 500  # StartMessageMoveTask's MaxNumberOfMessagesPerSecond limit


def make_queues(args: argparse.Namespace) -> SqsQueues:
    """The adapter on the SQS client for ``--endpoint-url``/``--region`` (``options.client_for``)."""
    return SqsQueues(client_for(args))


def _source_max_receive_count(queues: SqsQueues, args: argparse.Namespace) -> int | None:
    """The jobs queue's maxReceiveCount, best effort: only when it can be named without guessing."""
    if args.dlq_url and not args.queue_url:
        return None  # an explicit DLQ: the stack's jobs queue may not be its source
    try:
        return queues.max_receive_count(resolve(queues, args, args.queue_url, "jobs"))
    except UserError:
        return None


def run_inspect(args: argparse.Namespace) -> int:
    queues = make_queues(args)
    dlq = resolve(queues, args, args.dlq_url, DLQ_SUFFIX)
    visible, in_flight = queues.counts(dlq)
    limit = _source_max_receive_count(queues, args)
    rows = [describe(message, limit) for message in sample(queues, dlq, args.limit, visible)]
    if args.json:
        print(json.dumps({"kind": "queue", "queue": dlq.name, "visible": visible, "in_flight": in_flight}))
        for row in rows:
            print(json.dumps({"kind": "message", **asdict(row)}))
        return 0
    print(f"{dlq.name}: ~{visible} visible, ~{in_flight} in flight; sample of {len(rows)} (not consumed)")
    if rows:
        print(format_table(rows))
    return 0


def _tasks(args: argparse.Namespace, queues: SqsQueues) -> int:
    if not is_aws(args.endpoint_url):
        raise UserError(
            "message move tasks exist on AWS only (--endpoint-url aws); locally redrive runs inline"
        )
    if args.cancel:
        print(f"cancelling task; ~{queues.cancel_move_task(args.cancel)} message(s) moved so far")
        return 0
    dlq = resolve(queues, args, args.dlq_url, DLQ_SUFFIX)
    tasks = queues.move_tasks(queues.attribute(dlq, "QueueArn"))
    print("\n".join(format_task(task) for task in tasks) or f"no message move tasks for {dlq.name}")
    return 0


def run_redrive(args: argparse.Namespace) -> int:
    queues = make_queues(args)
    if args.status or args.cancel:
        return _tasks(args, queues)
    dlq = resolve(queues, args, args.dlq_url, DLQ_SUFFIX)
    ensure_dead_letter_queue(queues, args, dlq, "redrive")
    source = resolve(queues, args, args.queue_url, "jobs")
    selection = selection_from(args)
    if selection.filters:  # a filter: always client-side (a move task moves everything)
        return run_selective(args, queues, dlq, source, _source_max_receive_count(queues, args))
    use_task = is_aws(args.endpoint_url) and args.max is None
    if args.dry_run:
        how = "a StartMessageMoveTask" if use_task else "receive/send/delete"
        count = min(queues.counts(dlq)[0], args.max or sys.maxsize)
        print(f"dry run: would move ~{count} message(s) {dlq.name} -> {source.name} by {how}; nothing moved")
        return 0
    if use_task:
        try:
            handle = start_move_task(queues, dlq, source, args.rate)
        except MoveTaskUnsupportedError:
            print("the endpoint has no StartMessageMoveTask; moving messages here instead", file=sys.stderr)
        else:
            print(f"started message move task {dlq.name} -> {source.name}: {handle}")
            return 0
    trail = audit_trail(args, "redrive", selection, dlq, source)
    moved = redrive_locally(
        queues,
        dlq,
        source,
        rate=args.rate,
        limit=args.max,
        progress=Progress(),
        on_moved=lambda message, new_id: audit_row(trail, describe(message), new_id),
    )
    print(f"redrove {moved} message(s) from {dlq.name} to {source.name}")
    return 0


def run_purge(args: argparse.Namespace) -> int:
    queues = make_queues(args)
    dlq = resolve(queues, args, args.dlq_url, DLQ_SUFFIX)
    ensure_dead_letter_queue(queues, args, dlq, "purge")
    confirm_purge(dlq.name, yes=args.yes, interactive=sys.stdin.isatty(), ask=input)
    visible, _ = queues.counts(dlq)
    queues.purge(dlq)
    print(f"purged {dlq.name} (~{visible} message(s); AWS may take up to 60 s to finish)")
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``dlq`` with its ``inspect``, ``export``, ``redrive``, ``replay`` and ``purge`` subcommands."""
    dlq = subparsers.add_parser("dlq", help="inspect, export, redrive, replay or purge the dead-letter queue")
    actions = dlq.add_subparsers(dest="dlq_action", metavar="ACTION", required=True)
    inspect = actions.add_parser("inspect", help="count and sample DLQ messages without consuming them")
    inspect.add_argument("--limit", type=bounded(1), default=10, help="messages to sample (default 10)")
    inspect.add_argument("--json", action="store_true", help="JSON lines instead of a table")
    add_source_queue(inspect, "jobs queue URL (its maxReceiveCount)")
    inspect.set_defaults(func=run_inspect)
    export = register_export(actions)
    redrive = actions.add_parser("redrive", help="move DLQ messages back to the jobs queue")
    add_source_queue(redrive, "the jobs queue's URL (default: <stack>-jobs by name)")
    redrive.add_argument("--rate", type=bounded(1, MAX_RATE), help="messages per second (1-500)")
    redrive.add_argument("--dry-run", action="store_true", help="list what would move; move nothing")
    add_selection_arguments(redrive, max_help="move at most this many (moves them client-side)")
    add_audit_arguments(redrive)
    redrive.add_argument("--status", action="store_true", help="list the DLQ's message move tasks (AWS)")
    redrive.add_argument("--cancel", metavar="HANDLE", help="cancel a running message move task (AWS)")
    redrive.set_defaults(func=run_redrive)
    replay = register_replay(actions)
    purge = actions.add_parser("purge", help="delete every message in the DLQ (asks first)")
    purge.add_argument("--yes", action="store_true", help="do not ask (needed without a terminal)")
    for parser in (redrive, replay, purge):
        add_force(parser)
    purge.set_defaults(func=run_purge)
    for parser in (inspect, export, redrive, replay, purge):
        add_common_arguments(parser)
