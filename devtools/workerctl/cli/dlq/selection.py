"""Which dead letters a ``dlq redrive``/``dlq export`` acts on: the selection flags and their meaning.

A message is selected when it matches **every** flag given, and any one value of a repeated flag
(``--job-type a --job-type b`` = type a or b). No flag selects everything. ``--max`` is not a filter:
it stops after that many selected messages.

- ``--job-type``: the envelope's ``type``;
- ``--error-type``: the ``errorType`` of the worker's ``DeadLetter`` metadata, or ``MovedBySqs`` for a
  message SQS moved after ``maxReceiveCount`` receives (it has no metadata);
- ``--message-id``: the DLQ message's id or the job's original message id (either matches);
- ``--correlation-id``: the id the worker logged for the job (``dlq inspect --json``'s ``correlation_id``);
- ``--since``/``--until``: when it was dead-lettered (``failedAt``; for SQS moves, when it was sent).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from workerctl.cli.timespec import parse_when
from workerctl.dlq.inspection import Inspected

MOVED_BY_SQS = "MovedBySqs"


def error_type(row: Inspected) -> str:
    """The worker's ``errorType``, or :data:`MOVED_BY_SQS` for a message without metadata."""
    if row.dead_letter is None:
        return MOVED_BY_SQS
    return str(row.dead_letter.get("errorType", "Error"))


def dead_lettered_at(row: Inspected) -> datetime | None:
    """``failedAt`` of the metadata, else the message's sent time (SQS keeps it when it moves one)."""
    raw = (row.dead_letter or {}).get("failedAt") or row.sent_at
    try:
        value = datetime.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def original_id(row: Inspected) -> str:
    """The job's first message id (kept in the metadata), else the DLQ message's own."""
    return str((row.dead_letter or {}).get("originalMessageId") or row.message_id)


@dataclass(frozen=True)
class Selection:
    """The filters of one command; empty sets and None bounds select everything."""

    job_types: frozenset[str] = frozenset()
    error_types: frozenset[str] = frozenset()
    message_ids: frozenset[str] = frozenset()
    correlation_ids: frozenset[str] = frozenset()
    since: datetime | None = None
    until: datetime | None = None
    max: int | None = field(default=None, compare=False)

    @property
    def filters(self) -> bool:
        """True when any flag narrows the selection (``--max`` alone does not)."""
        sets = (self.job_types, self.error_types, self.message_ids, self.correlation_ids)
        return any(sets) or self.since is not None or self.until is not None

    def matches(self, row: Inspected) -> bool:
        """True when ``row`` passes every flag that was given."""
        checks = (
            (self.job_types, {row.job_type or ""}),
            (self.error_types, {error_type(row)}),
            (self.message_ids, {row.message_id, original_id(row)}),
            (self.correlation_ids, {row.correlation_id or ""}),
        )
        if any(wanted and not wanted & values for wanted, values in checks):
            return False
        if self.since is None and self.until is None:
            return True
        when = dead_lettered_at(row)
        if when is None:
            return False
        return (self.since is None or when >= self.since) and (self.until is None or when < self.until)

    def describe(self) -> dict[str, Any]:
        """The flags that were given, for the audit line (``{}`` = everything)."""
        described: dict[str, Any] = {
            name: sorted(values)
            for name, values in (
                ("job_type", self.job_types),
                ("error_type", self.error_types),
                ("message_id", self.message_ids),
                ("correlation_id", self.correlation_ids),
            )
            if values
        }
        for name, bound in (("since", self.since), ("until", self.until)):
            if bound is not None:
                described[name] = bound.isoformat(timespec="seconds")
        if self.max is not None:
            described["max"] = self.max
        return described


def add_selection_arguments(parser: argparse.ArgumentParser, *, max_help: str) -> None:
    """The selection flags of ``redrive`` and ``export`` (``--max`` too)."""
    group = parser.add_argument_group("selection (all given flags must match; repeat a flag for OR)")
    group.add_argument("--job-type", action="append", default=[], metavar="T", help="envelope type")
    group.add_argument(
        "--error-type", action="append", default=[], metavar="E", help=f"errorType, or {MOVED_BY_SQS}"
    )
    group.add_argument(
        "--message-id", action="append", default=[], metavar="ID", help="DLQ or original message id"
    )
    group.add_argument("--correlation-id", action="append", default=[], metavar="C", help="correlation id")
    group.add_argument("--since", type=parse_when, metavar="WHEN", help="dead-lettered at/after (ISO, 2h)")
    group.add_argument("--until", type=parse_when, metavar="WHEN", help="dead-lettered before (ISO, 30m)")
    group.add_argument("--max", type=_at_least_one, metavar="N", help=max_help)


def selection_from(args: argparse.Namespace) -> Selection:
    """The :class:`Selection` the parsed flags describe."""
    return Selection(
        job_types=frozenset(args.job_type),
        error_types=frozenset(args.error_type),
        message_ids=frozenset(args.message_id),
        correlation_ids=frozenset(args.correlation_id),
        since=args.since,
        until=args.until,
        max=args.max,
    )


def _at_least_one(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be >= 1")
    return value
