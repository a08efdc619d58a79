"""``workerctl dlq replay FILE.jsonl``: send the (possibly fixed) jobs of an export, then delete their
dead letters, each only after its replacement is sent, and never send one twice across reruns.

1. Every line is checked first (:mod:`~workerctl.cli.dlq.replay_file`): one invalid line and nothing
   is sent (one stderr line per invalid line, exit 2).
2. The DLQ is scanned once for the exported dead letters still to replay, which stay hidden while the
   replay runs; any other message is made visible again at once.
3. Per batch of up to 10: send the replacements (original correlation id and attributes), record
   them in ``FILE.jsonl.progress`` (fsync'd), delete their dead letters, record them done, audit.

A rerun skips what the progress file says was sent: a dead letter sent but not deleted (a crash in
between) is only deleted, or counted done when it is already gone. An exported dead letter that is
not in the DLQ and was never sent (redriven or purged since, or held by another reader) is not
replayed: one line says so and the exit code is 1.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from workerctl.cli.dlq.arguments import add_audit_arguments, add_source_queue, bounded
from workerctl.cli.dlq.audit import AuditTrail
from workerctl.cli.dlq.progress import ReplayProgress, progress_path
from workerctl.cli.dlq.replay_file import ReplayEntry, job_modules, read_export, registry_validator
from workerctl.cli.dlq.selection import Selection
from workerctl.cli.dlq.selective import SCAN_HOLD_SECONDS, audit_trail, redrive_selected
from workerctl.cli.dlq.targets import DLQ_SUFFIX, ensure_dead_letter_queue, resolve
from workerctl.cli.options import client_for
from workerctl.dlq.redrive import move_batch
from workerctl.dlq.sqs_adapter import QueueRef, Received, SqsQueues
from workerctl.queues import BATCH, chunks

MAX_HOLD_SECONDS = 43_200  # SQS's longest visibility timeout (12 hours)


@dataclass
class Replayed:
    """What one run did: ``sent`` now, ``completed`` (deleted or gone), ``missing`` lines never sent."""

    sent: int = 0
    completed: int = 0
    skipped: int = 0  # done by an earlier run
    missing: list[ReplayEntry] = field(default_factory=list)
    unconfirmed: list[ReplayEntry] = field(default_factory=list)  # sent before; dead letter maybe hidden


def replay(
    queues: SqsQueues,
    route: tuple[QueueRef, QueueRef],
    entries: list[ReplayEntry],
    progress: ReplayProgress,
    trail: AuditTrail,
    *,
    rate: int | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Replayed:
    """Replay ``entries`` from the DLQ to the jobs queue (``route``); see the module docstring."""
    dlq, jobs = route
    result = Replayed(skipped=sum(entry.message_id in progress.done for entry in entries))
    pending = {entry.message_id: entry for entry in entries if entry.message_id not in progress.done}
    if not pending:
        return result
    others_in_flight = queues.counts(dlq)[1]  # before the scan hides anything itself
    hold = min(MAX_HOLD_SECONDS, SCAN_HOLD_SECONDS + math.ceil(len(pending) / (rate or BATCH)))
    wanted = Selection(message_ids=frozenset(pending), max=len(pending))
    scan = redrive_selected(queues, dlq, jobs, wanted, dry_run=True, keep_selected=True, hold_seconds=hold)
    found = {message.message_id: message for message in scan.messages if message.message_id in pending}
    queues.release(dlq, [m.receipt_handle for m in scan.messages if m.message_id not in pending])

    def complete(pairs: list[tuple[str, str]]) -> None:
        for old, new in pairs:
            entry = pending[old]
            trail.record(
                old,
                new,
                original_id=entry.original_message_id,
                job_type=entry.job_type,
                correlation_id=entry.correlation_id,
            )
        progress.record_done([old for old, _ in pairs])
        result.completed += len(pairs)

    try:
        sent_before = [old for old in pending if old in progress.sent]
        leftovers = [found.pop(old) for old in sent_before if old in found]
        if leftovers:
            queues.delete(dlq, [message.receipt_handle for message in leftovers])
        gone = [old for old in sent_before if old not in {m.message_id for m in leftovers}]
        if others_in_flight:  # an interrupted run may still hide them: delete them on a later rerun
            result.unconfirmed = [pending[old] for old in gone]
            gone = []
        complete([(m.message_id, progress.sent[m.message_id]) for m in leftovers])
        complete([(old, progress.sent[old]) for old in gone])
        to_send = [pending[old] for old in pending if old not in progress.sent and old in found]
        result.missing = [e for old, e in pending.items() if old not in progress.sent and old not in found]
        started = clock()
        for chunk in chunks(to_send, min(BATCH, rate or BATCH)):
            batch = [_replacement(entry, found.pop(entry.message_id)) for entry in chunk]
            moved = move_batch(queues, dlq, jobs, batch, result.sent, on_sent=_recorder(progress, result))
            complete([(message.message_id, new) for message, new in moved])
            if rate and (pause := started + result.sent / rate - clock()) > 0:
                sleep(min(pause, BATCH))
    finally:
        queues.release(dlq, [message.receipt_handle for message in found.values()])
    return result


def _recorder(progress: ReplayProgress, result: Replayed) -> Callable[[list[tuple[Received, str]]], None]:
    def sent(pairs: list[tuple[Received, str]]) -> None:
        progress.record_sent([(message.message_id, new) for message, new in pairs])
        result.sent += len(pairs)

    return sent


def _replacement(entry: ReplayEntry, dead_letter: Received) -> Received:
    """What :func:`move_batch` sends for ``entry``: its body and attributes, the dead letter's receipt
    handle (deleted once sent), group id and trace header, and its id (a FIFO send's deduplication id)."""
    return Received(
        message_id=dead_letter.message_id,
        receipt_handle=dead_letter.receipt_handle,
        body=entry.body,
        attributes=dead_letter.attributes,
        message_attributes=entry.attributes,
    )


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
    import json  # noqa: PLC0415

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
        description=__doc__,
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
