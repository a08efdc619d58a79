"""Selective redrive: scan the DLQ once, move the selected messages, leave the others as they were.

StartMessageMoveTask has no filter, so a selection is always moved client-side, on AWS too:

1. receive the DLQ in batches of 10, each message hidden for ``hold_seconds`` while the scan runs
   (without that, SQS would hand the same unselected messages back on every receive);
2. selected messages go through :func:`~workerctl.dlq.redrive.move_batch`: send to the jobs queue,
   then delete from the DLQ only what was sent, at most ``rate`` per second;
3. every unselected (or past ``--max``) message is made visible again with ChangeMessageVisibility 0 as
   soon as the scan ends, also when it ends with an error (if the process dies, they come back by
   themselves after ``hold_seconds``).

The scan covers the messages present at the start (like an unselected redrive), so a job that fails
again during the run is not redriven in a loop. A dry run scans the same way and moves nothing.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from workerctl.cli.dlq.audit import AuditTrail, caller, default_audit_log
from workerctl.cli.dlq.display import Progress, format_table
from workerctl.cli.dlq.selection import Selection, original_id, selection_from
from workerctl.cli.options import is_aws
from workerctl.dlq.inspection import Inspected, describe
from workerctl.dlq.redrive import move_batch
from workerctl.dlq.sqs_adapter import QueueRef, Received, SqsQueues
from workerctl.queues import BATCH, chunks

SCAN_HOLD_SECONDS = 120  # how long the scan keeps messages hidden if it dies before releasing them


@dataclass
class Scan:
    """What one selective run saw: the selected rows (moved, or listed by a dry run) and how many it read;
    a dry run also keeps the selected messages themselves (``dlq export`` writes them, ``replay`` deletes)."""

    selected: list[Inspected] = field(default_factory=list)
    messages: list[Received] = field(default_factory=list)
    scanned: int = 0


@dataclass
class _Held:
    """Latest receipt handle of each message the scan keeps hidden (a re-received one has a new handle)."""

    handles: dict[str, str] = field(default_factory=dict)

    def hold(self, message: Received) -> None:
        self.handles[message.message_id] = message.receipt_handle

    def fresh(self, batch: list[Received], seen: set[str]) -> list[Received]:
        """The messages of ``batch`` not seen before (now seen); held ones that came back get renewed."""
        for message in batch:
            if message.message_id in self.handles:
                self.hold(message)  # back after the hold ran out: only its newest handle is valid
        fresh = [message for message in batch if message.message_id not in seen]
        seen.update(message.message_id for message in fresh)
        return fresh


def redrive_selected(
    queues: SqsQueues,
    dlq: QueueRef,
    destination: QueueRef,
    selection: Selection,
    *,
    dry_run: bool = False,
    keep_selected: bool = False,
    rate: int | None = None,
    max_receive_count: int | None = None,
    on_moved: Callable[[Inspected, str], None] | None = None,
    progress: Callable[[int], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    hold_seconds: int = SCAN_HOLD_SECONDS,
) -> Scan:
    """Move (or, with ``dry_run``, list) the messages ``selection`` matches; see the module docstring.

    ``keep_selected`` (dry run only) leaves the selected messages hidden for ``hold_seconds`` instead of
    releasing them: the caller deletes them (``dlq replay``, once each replacement is sent) or releases them.
    """
    budget = queues.counts(dlq)[0]
    scan, held, seen = Scan(), _Held(), set[str]()
    started = clock()
    try:
        while scan.scanned < budget and (selection.max is None or len(scan.selected) < selection.max):
            fresh = held.fresh(queues.receive(dlq, BATCH, hold_seconds), seen)
            if not fresh:
                break  # empty, or only messages this scan has already seen
            scan.scanned += len(fresh)
            chosen = _choose(fresh, selection, max_receive_count, len(scan.selected), held)
            if dry_run:
                if not keep_selected:
                    held.handles.update((message.message_id, message.receipt_handle) for message, _ in chosen)
                scan.selected.extend(row for _, row in chosen)
                scan.messages.extend(message for message, _ in chosen)
                continue
            for chunk in chunks(chosen, min(BATCH, rate or BATCH)):
                _move_chunk(queues, (dlq, destination), list(chunk), scan, on_moved)
                if progress is not None:
                    progress(len(scan.selected))
                if rate and (pause := started + len(scan.selected) / rate - clock()) > 0:
                    sleep(min(pause, BATCH))
    finally:
        queues.release(dlq, list(held.handles.values()))
    return scan


def _choose(
    fresh: list[Received],
    selection: Selection,
    max_receive_count: int | None,
    already: int,
    held: _Held,
) -> list[tuple[Received, Inspected]]:
    """The selected messages of ``fresh`` (up to ``--max``); the others are held for release."""
    room = None if selection.max is None else selection.max - already
    chosen: list[tuple[Received, Inspected]] = []
    for message in fresh:
        row = describe(message, max_receive_count)
        if (room is None or len(chosen) < room) and selection.matches(row):
            chosen.append((message, row))
        else:
            held.hold(message)
    return chosen


def _move_chunk(
    queues: SqsQueues,
    route: tuple[QueueRef, QueueRef],
    chunk: list[tuple[Received, Inspected]],
    scan: Scan,
    on_moved: Callable[[Inspected, str], None] | None,
) -> None:
    rows = {message.message_id: row for message, row in chunk}
    moved = move_batch(queues, *route, [message for message, _ in chunk], len(scan.selected))
    for message, new_id in moved:
        scan.selected.append(rows[message.message_id])
        if on_moved is not None:
            on_moved(rows[message.message_id], new_id)


def audit_trail(
    args: argparse.Namespace, action: str, selection: Selection, dlq: QueueRef, to: QueueRef
) -> AuditTrail:
    """The audit trail of this command run (``--audit-log``, ``--json``, the caller's identity)."""
    endpoint = None if is_aws(args.endpoint_url) else args.endpoint_url
    return AuditTrail(
        path=args.audit_log or default_audit_log(),
        who=caller(endpoint, args.region),
        action=action,
        selection=selection.describe(),
        from_queue=dlq.name,
        to_queue=to.name,
        as_json=args.json,
    )


def audit_row(trail: AuditTrail, row: Inspected, new_id: str) -> None:
    """One audit line for ``row`` moved as ``new_id``."""
    trail.record(
        row.message_id,
        new_id,
        original_id=original_id(row),
        job_type=row.job_type,
        correlation_id=row.correlation_id,
    )


def run_selective(
    args: argparse.Namespace, queues: SqsQueues, dlq: QueueRef, source: QueueRef, limit: int | None
) -> int:
    """``dlq redrive`` with selection flags (or ``--dry-run``): scan, move or list, audit, summarise."""
    selection = selection_from(args)
    trail = audit_trail(args, "redrive", selection, dlq, source)
    scan = redrive_selected(
        queues,
        dlq,
        source,
        selection,
        dry_run=args.dry_run,
        rate=args.rate,
        max_receive_count=limit,
        on_moved=lambda row, new_id: audit_row(trail, row, new_id),
        progress=Progress(),
    )
    verb = "would move" if args.dry_run else "moved"
    if args.json:
        for row in scan.selected if args.dry_run else ():
            print(json.dumps({"kind": "message", **asdict(row)}))
        summary = {"kind": "summary", "dry_run": args.dry_run, "selected": len(scan.selected)}
        print(json.dumps({**summary, "scanned": scan.scanned, "from": dlq.name, "to": source.name}))
        return 0
    if args.dry_run and scan.selected:
        print(format_table(scan.selected))
    tail = "; nothing moved" if args.dry_run else ""
    counts = f"{len(scan.selected)} of {scan.scanned} message(s) scanned"
    print(f"{verb} {counts} {dlq.name} -> {source.name}{tail}")
    return 0
