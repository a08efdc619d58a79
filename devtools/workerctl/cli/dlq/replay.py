"""``workerctl dlq replay FILE.jsonl``: send the (possibly fixed) jobs of an export, then delete their
dead letters, each only after its replacement is sent, and never send one twice across reruns.

1. Every line is checked first (the envelope, then the job type and payload against the worker's job
   modules): one invalid line and nothing is sent (one stderr line per invalid line, exit 2).
2. The DLQ is scanned once for the exported dead letters still to replay, which stay hidden while the
   replay runs; any other message is made visible again at once.
3. Per batch of up to 10: send the replacements (original correlation id and attributes), record
   them in FILE.jsonl.progress (fsync'd), delete their dead letters, record them done, audit.

An unchanged envelope is sent as the original body with its signed DeadLetter attribute (the job keeps
its first message id, so a duplicate is skipped by the worker's idempotency); an edited one is a new job.
A rerun never sends what the progress file says was sent: a dead letter sent but not deleted (a crash
in between) is only deleted, or counted done when it is gone (while the DLQ has messages in flight it
may be hidden by the interrupted run: it is then left for a later rerun). An exported dead letter that
is not in the DLQ and was never sent (redriven or purged since, or held by another reader) is not
replayed: one line says so and the exit code is 1.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from workerctl.cli.dlq.audit import AuditTrail
from workerctl.cli.dlq.progress import ReplayProgress
from workerctl.cli.dlq.replay_file import ReplayEntry
from workerctl.cli.dlq.selection import Selection
from workerctl.cli.dlq.selective import SCAN_HOLD_SECONDS, redrive_selected
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
