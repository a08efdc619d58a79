"""SQS FIFO delivery rules restored in the embedded moto server (applied in its process only).

SQS never hands out a message of a message group while another message of that group is in flight, and
hands a group's messages out in order (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues-understanding-logic.html).
moto's ReceiveMessage breaks both: it takes its snapshot of in-flight groups once per call, so a long
poll that started earlier can take a message of a group another call just took, and it releases
timed-out messages from "in flight" one by one while scanning, so when a failed batch of a group
becomes visible again it returns the group's *last* message first (and then nothing else of that group
until that one is done). Its ``SequenceNumber`` is random, and only set with an explicit deduplication
id. :func:`install` wraps moto's FIFO send and receive: every FIFO message gets an increasing
``SequenceNumber``; one scan at a time per queue, every visible message released from "in flight"
before the scan, the long poll done here as repeated zero-wait scans. Standard queues are left to moto.
"""

from __future__ import annotations

import itertools
import threading
import time
from typing import Any

RESCAN_SECONDS = 0.2  # messages that become visible again (a visibility timeout) notify nobody
_LOCKS: dict[int, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()
_SEQUENCE = itertools.count(10**15)  # SQS's are 20 digits, increasing per queue


def _queue_lock(queue: Any) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(id(queue), threading.Lock())


def install() -> None:
    """Patch moto's SQS backend in this process (the emulator's); idempotent."""
    from moto.sqs.models import SQSBackend  # noqa: PLC0415 - only in the emulator process

    if getattr(SQSBackend.receive_message, "_fifo_fixed", False):
        return
    _number_fifo_sends(SQSBackend)
    _fix_fifo_receives(SQSBackend)


def _number_fifo_sends(backend: Any) -> None:
    original_send = backend.send_message

    def send_message(self: Any, queue_name: str, *args: Any, **kwargs: Any) -> Any:
        queue = self.get_queue(queue_name)
        if not queue.fifo_queue:
            return original_send(self, queue_name, *args, **kwargs)
        with _queue_lock(queue):  # no receive sees the message before its number
            message = original_send(self, queue_name, *args, **kwargs)
            message.sequence_number = f"{next(_SEQUENCE):020d}"
        return message

    backend.send_message = send_message


def _fix_fifo_receives(backend: Any) -> None:
    original = backend.receive_message

    def receive_message(  # noqa: PLR0917 - moto's own signature, called positionally
        self: Any,
        queue_name: str,
        count: int,
        wait_seconds_timeout: int,
        visibility_timeout: int,
        message_attribute_names: list[str] | None = None,
    ) -> list[Any]:
        queue = self.get_queue(queue_name)
        if not queue.fifo_queue:
            answer: list[Any] = original(
                self, queue_name, count, wait_seconds_timeout, visibility_timeout, message_attribute_names
            )
            return answer
        deadline = time.monotonic() + (wait_seconds_timeout or 0)
        while True:
            with _queue_lock(queue):
                for message in [m for m in queue.pending_messages if m.visible]:
                    queue.pending_messages.discard(message)
                found: list[Any] = original(
                    self, queue_name, count, 0, visibility_timeout, message_attribute_names
                )
            remaining = deadline - time.monotonic()
            if found or remaining <= 0:
                return found
            with queue._messages_lock:
                queue._messages_lock.wait(timeout=min(RESCAN_SECONDS, remaining))

    receive_message._fifo_fixed = True  # type: ignore[attr-defined]
    backend.receive_message = receive_message
