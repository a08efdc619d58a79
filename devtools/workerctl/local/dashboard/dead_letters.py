"""The dashboard's dead-letter queue: a cached sample of its messages, redrive of chosen ones, purge.

Built on ``workerctl.dlq`` (the SQS adapter :class:`SqsQueues` and the logic ``workerctl dlq`` uses):
the sample is :func:`inspection.sample` (received, then made visible again at once) described by
:func:`inspection.describe`; a redrive moves messages with :func:`redrive.move_batch` (send → delete). What
the CLI has no need for, and is here: redriving only the messages the user ticked, by id. One lock
serialises all three, so a sample never hides a message a redrive is looking for.
"""

from __future__ import annotations

import threading
from dataclasses import asdict
from typing import Any

from workerctl.dlq.inspection import describe, sample
from workerctl.dlq.redrive import move_batch
from workerctl.dlq.sqs_adapter import QueueRef, Received, SqsQueues
from workerctl.errors import UserError
from workerctl.queues import BATCH

SAMPLE_LIMIT = 25  # dead letters listed; the DLQ's depth is shown next to them
MAX_BODY_CHARS = 65_536  # what "open" shows of a body
MAX_REDRIVE_RECEIVES = 50  # receives per redrive: 500 messages looked at for the chosen ones


class DeadLetters:
    """One DLQ and the queue its messages go back to."""

    def __init__(
        self,
        queues: SqsQueues,
        dlq: QueueRef,
        source: QueueRef | None,
        max_receive_count: int | None,
    ) -> None:
        self.queues = queues
        self.dlq = dlq
        self.source = source
        self._max_receive_count = max_receive_count
        self._lock = threading.Lock()
        self._sampled: dict[str, Received] = {}

    def refresh(self, visible: int) -> None:
        """Sample up to :data:`SAMPLE_LIMIT` of the ``visible`` messages (none are consumed)."""
        with self._lock:
            messages = sample(self.queues, self.dlq, SAMPLE_LIMIT, visible) if visible else []
            self._sampled = {message.message_id: message for message in messages}

    def listing(self) -> list[dict[str, Any]]:
        """The sampled dead letters, newest first, without their bodies."""
        rows = [asdict(describe(m, self._max_receive_count)) for m in self._sampled.values()]
        return sorted(rows, key=lambda row: row["sent_at"] or "", reverse=True)

    def detail(self, message_id: str) -> dict[str, Any] | None:
        """One sampled dead letter with its body and attributes, or None when it is not in the sample."""
        message = self._sampled.get(message_id)
        if message is None:
            return None
        return {
            **asdict(describe(message, self._max_receive_count)),
            "body": message.body[:MAX_BODY_CHARS],
            "body_truncated": len(message.body) > MAX_BODY_CHARS,
            "attributes": message.attributes,
            "message_attributes": {
                name: value.get("StringValue") for name, value in message.message_attributes.items()
            },
        }

    def redrive(self, message_ids: set[str]) -> int:
        """Move the messages with these ids back to the source queue; returns how many moved.

        Messages received on the way that were not chosen are made visible again at once.
        """
        if self.source is None:
            raise UserError(f"no queue redrives to {self.dlq.name}: nowhere to send its messages back")
        wanted, moved, passed = set(message_ids), 0, []
        with self._lock:
            try:
                for _ in range(MAX_REDRIVE_RECEIVES):
                    batch = self.queues.receive(self.dlq, BATCH)
                    if not batch:
                        break
                    chosen = [message for message in batch if message.message_id in wanted]
                    passed += [message.receipt_handle for message in batch if message not in chosen]
                    if chosen:
                        # move_batch's send → delete (only what was sent) → release step of `dlq redrive`
                        moved += move_batch(self.queues, self.dlq, self.source, chosen, moved)
                        wanted -= {message.message_id for message in chosen}
                    if not wanted:
                        break
            finally:
                self.queues.release(self.dlq, passed)
            # A new dict, never changed in place: listing() and detail() read it without the lock.
            self._sampled = {key: m for key, m in self._sampled.items() if key not in message_ids}
        return moved

    def purge(self, confirmation: str) -> None:
        """PurgeQueue, only when ``confirmation`` is the DLQ's name (the page asks the user to type it)."""
        if confirmation != self.dlq.name:
            raise UserError(f"type the queue name {self.dlq.name} to confirm the purge; nothing purged")
        with self._lock:
            self.queues.purge(self.dlq)
            self._sampled = {}
