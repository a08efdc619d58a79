"""Which queues a ``dlq`` command acts on: found by the stack's names, and checked to be a DLQ.

``dlq purge`` and ``dlq redrive`` empty the queue they are given. Handed the jobs queue's URL by
mistake, they would empty the live queue, so a queue given by URL must be a dead-letter queue of
the stack: some queue's RedrivePolicy names it (ListDeadLetterSourceQueues), or it is the stack's own
``<stack>-jobs-dlq[.fifo]``. ``--force`` skips the check.
"""

from __future__ import annotations

import argparse

from workerctl.cli.options import stack_queue_name
from workerctl.dlq.sqs_adapter import QueueRef, SqsQueues
from workerctl.errors import UserError
from workerctl.queues import find_queue

DLQ_SUFFIX = "jobs-dlq"


def resolve(queues: SqsQueues, args: argparse.Namespace, url: str | None, suffix: str) -> QueueRef:
    """``url`` when given, else ``<stack>-<suffix>`` or its ``.fifo`` twin (``queues.find_queue``).

    The look-up is shared with ``send``/``depth``; the message is this command's own (it has ``--stack``).
    """
    if url:
        return QueueRef(url)
    name = stack_queue_name(args, suffix)
    if found := find_queue(name, queues.find):
        return found
    raise UserError(
        f"queue {name} (or {name}.fifo) not found at {args.endpoint_url}; check --stack/--env or pass a URL"
    )


def _stack_dlq_name(args: argparse.Namespace) -> str | None:
    try:
        return stack_queue_name(args, DLQ_SUFFIX)
    except UserError:  # an unreadable samconfig: the RedrivePolicy check still decides
        return None


def ensure_dead_letter_queue(queues: SqsQueues, args: argparse.Namespace, dlq: QueueRef, action: str) -> None:
    """Return when ``dlq`` is a dead-letter queue of the stack (or ``--force``); else refuse, saying why."""
    if args.force or not args.dlq_url:
        return  # found by name: <stack>-jobs-dlq is the stack's DLQ
    ours = _stack_dlq_name(args)
    if ours is not None and dlq.name in (ours, f"{ours}.fifo"):
        return
    try:
        sources = queues.dead_letter_sources(dlq)
    except UserError as exc:
        raise UserError(
            f"cannot check that {dlq.name} is a dead-letter queue ({exc}); --force skips it"
        ) from exc
    if not sources:
        raise UserError(
            f"refusing to {action} {dlq.name}: it is not a dead-letter queue of the stack (no queue's "
            f"RedrivePolicy names it, and it is not {ours or '<stack>-jobs-dlq'}); "
            f"--force {action}s it anyway"
        )
