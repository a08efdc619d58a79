"""``workerctl dlq replay FILE.jsonl``: the command around :func:`workerctl.cli.dlq.replay.replay`
(check the file, find the queues, replay, report what was not replayed and the summary)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from workerctl.cli.dlq import replay as replay_logic
from workerctl.cli.dlq.arguments import add_audit_arguments, add_source_queue, bounded
from workerctl.cli.dlq.progress import ReplayProgress, progress_path
from workerctl.cli.dlq.replay import Replayed, replay
from workerctl.cli.dlq.replay_file import job_modules, read_export, registry_validator
from workerctl.cli.dlq.selection import Selection
from workerctl.cli.dlq.selective import audit_trail
from workerctl.cli.dlq.targets import DLQ_SUFFIX, ensure_dead_letter_queue, resolve
from workerctl.cli.options import client_for
from workerctl.dlq.sqs_adapter import QueueRef, SqsQueues


def run_replay(args: argparse.Namespace) -> int:
    """Check the file, replay it, print the summary; exit 1 when some dead letters were not found."""
    entries = read_export(args.file, registry_validator(job_modules(args)))
    queues = SqsQueues(client_for(args))
    dlq = resolve(queues, args, args.dlq_url, DLQ_SUFFIX)
    ensure_dead_letter_queue(queues, args, dlq, "replay")
    jobs = resolve(queues, args, args.queue_url, "jobs")
    progress = ReplayProgress.load(progress_path(args.file))
    progress.ensure_writable()
    trail = audit_trail(args, "replay", Selection(), dlq, jobs)
    trail.selection = {"file": str(args.file)}
    result = replay(queues, (dlq, jobs), entries, progress, trail, rate=args.rate)
    for entry in result.missing:
        print(
            f"{args.file} line {entry.line}: dead letter {entry.message_id} is not in {dlq.name} (redriven "
            "or purged since the export, or held by another reader): not replayed",
            file=sys.stderr,
        )
    for entry in result.unconfirmed:
        print(
            f"{args.file} line {entry.line}: sent earlier as {progress.sent[entry.message_id]}; its dead "
            f"letter is not visible while {dlq.name} has messages in flight (an interrupted run may hide "
            "it for a while): not sent again; rerun later to delete it",
            file=sys.stderr,
        )
    edited = sum(entry.edited for entry in entries)
    summary = (
        f"replayed {result.completed} of {len(entries)} dead letter(s) {dlq.name} -> {jobs.name} "
        f"({result.sent} sent now, {edited} edited, {result.skipped} done before, "
        f"{len(result.missing)} not found); progress in {progress.path}"
    )
    print(summary if not args.json else _json_summary(args.file, result, len(entries), (dlq, jobs)))
    return 1 if result.missing else 0


def _json_summary(path: Path, result: Replayed, total: int, route: tuple[QueueRef, QueueRef]) -> str:
    return json.dumps(
        {
            "kind": "summary",
            "file": str(path),
            "entries": total,
            "completed": result.completed,
            "sent": result.sent,
            "skipped": result.skipped,
            "missing": [entry.message_id for entry in result.missing],
            "from": route[0].name,
            "to": route[1].name,
        }
    )


def register_replay(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Add ``dlq replay`` (the caller adds ``--force`` and the common DLQ/stack/endpoint options)."""
    replay_parser = actions.add_parser(
        "replay",
        help="send the (fixed) jobs of a `dlq export` file, then delete their dead letters",
        description=replay_logic.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    replay_parser.add_argument("file", type=Path, metavar="FILE", help="a `dlq export` JSON lines file")
    add_source_queue(replay_parser, "the jobs queue's URL (default: <stack>-jobs by name)")
    replay_parser.add_argument("--rate", type=bounded(1, 500), help="messages per second (1-500)")
    replay_parser.add_argument(
        "--job-modules",
        metavar="M[,M]",
        help="the worker's job modules to validate against (default: $JOB_MODULES, else the template's "
        "JobModules for --env; locally plus the demo jobs)",
    )
    replay_parser.add_argument(
        "--template",
        type=Path,
        default=Path("template.yaml"),
        help="template with JobModules (default: template.yaml)",
    )
    add_audit_arguments(replay_parser)
    replay_parser.set_defaults(func=run_replay)
    return replay_parser
