"""FIFO event source mappings: one batch per message group in flight, records in sequence order.

Lambda never has two batches of one message group in flight, across all the pollers of a mapping, and
delivers a group's records in order (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html,
"FIFO queues"). The queue promises both, but an emulator may not (moto does not: see
:mod:`workerctl.local.fifo_receive`), so the pollers of a FIFO mapping share a :class:`GroupGate`:
a receive is sorted by ``SequenceNumber``; a record whose group has a batch in flight (taken by a
concurrent receive) is held back, with every later record of its group, and returned to the queue at
once; the rest form the batch, and their groups stay held until :meth:`GroupGate.release`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from typing import Any


def group_of(message: dict[str, Any]) -> str:
    """A ReceiveMessage message's ``MessageGroupId`` ("" when there is none)."""
    return str((message.get("Attributes") or {}).get("MessageGroupId", ""))


def sequence_of(message: dict[str, Any]) -> int:
    """A message's ``SequenceNumber`` as a number (SQS sends a 20-digit string)."""
    return int((message.get("Attributes") or {}).get("SequenceNumber", 0))


class GroupGate:
    """Groups with a batch in flight, shared by every poller of one FIFO mapping."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._in_flight: set[str] = set()

    def admit(self, messages: Sequence[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """``(batch, held back)``: the batch in sequence order, its groups now held."""
        ordered = sorted(messages, key=sequence_of)
        batch: list[dict[str, Any]] = []
        held: list[dict[str, Any]] = []
        with self._lock:
            busy = set(self._in_flight)
            for message in ordered:
                (held if group_of(message) in busy else batch).append(message)
            self._in_flight.update(group_of(message) for message in batch)
        return batch, held

    def release(self, messages: Iterable[dict[str, Any]]) -> None:
        """The batch of ``messages`` is over: their groups may be delivered again."""
        with self._lock:
            self._in_flight.difference_update(group_of(message) for message in messages)

    def in_flight(self) -> set[str]:
        """The groups held right now (for tests and the status line)."""
        with self._lock:
            return set(self._in_flight)
