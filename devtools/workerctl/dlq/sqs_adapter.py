"""The SQS adapter of the DLQ operations: the only code of ``workerctl dlq`` that calls SQS.

Botocore failures become one-line :class:`UserError` messages through :func:`workerctl.aws.user_error`;
the message move task calls also report an endpoint without them (moto) as
:class:`MoveTaskUnsupportedError`, so redrive can fall back to receive → send → delete.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from workerctl.aws import AWS_ERRORS, error_code, error_message, user_error
from workerctl.errors import MoveTaskUnsupportedError, UserError
from workerctl.queues import BATCH, chunks, queue_url_by_name, send_batches

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import (
        ChangeMessageVisibilityBatchRequestEntryTypeDef,
        DeleteMessageBatchRequestEntryTypeDef,
        SendMessageBatchRequestEntryTypeDef,
    )

HOLD_SECONDS = 30  # how long a received message stays hidden if we die before releasing or deleting it
WAIT_SECONDS = 1  # short long-poll: an empty answer then means "empty", also on AWS
_UNSUPPORTED = frozenset({"500", "501", "NotImplemented", "UnknownOperation", "UnknownOperationException"})


@dataclass(frozen=True)
class QueueRef:
    """A queue by URL; the name and FIFO-ness follow from it."""

    url: str

    @property
    def name(self) -> str:
        return self.url.rstrip("/").rsplit("/", 1)[-1]

    @property
    def fifo(self) -> bool:
        return self.name.endswith(".fifo")


@dataclass(frozen=True)
class Received:
    """One received message: body, system attributes and message attributes as SQS returned them."""

    message_id: str
    receipt_handle: str
    body: str
    attributes: dict[str, str]
    message_attributes: dict[str, dict[str, Any]]


@contextmanager
def _calling(what: str, *, unsupported: bool = False) -> Iterator[None]:
    """:func:`workerctl.aws.aws_call`, plus "no move tasks here" for the ``unsupported`` calls."""
    try:
        yield
    except NotImplementedError as exc:  # moto in-process: the operation does not exist there
        if not unsupported:
            raise
        raise MoveTaskUnsupportedError(what) from exc
    except AWS_ERRORS as exc:
        if unsupported and error_code(exc) in _UNSUPPORTED:
            raise MoveTaskUnsupportedError(what) from exc
        message = error_message(exc)
        if "already" in message.lower() and "task" in message.lower():
            raise UserError(
                f"{what}: a message move task is already running for this DLQ ({message})"
            ) from exc
        raise user_error(what, exc) from exc


class SqsQueues:
    """The SQS calls DLQ operations need, on an injectable client (typed ``SQSClient``)."""

    def __init__(self, client: SQSClient) -> None:
        self._client = client

    def find(self, name: str) -> QueueRef | None:
        """The queue called ``name``, or None when it does not exist."""
        url = queue_url_by_name(self._client, name)
        return None if url is None else QueueRef(url)

    def attribute(self, queue: QueueRef, name: str) -> str:
        with _calling(f"GetQueueAttributes {queue.name}"):
            attributes = self._client.get_queue_attributes(QueueUrl=queue.url, AttributeNames=[name])  # type: ignore[list-item]
        return {str(key): value for key, value in attributes.get("Attributes", {}).items()}.get(name, "")

    def max_receive_count(self, queue: QueueRef) -> int | None:
        """``maxReceiveCount`` of ``queue``'s RedrivePolicy (None without one)."""
        try:
            policy = json.loads(self.attribute(queue, "RedrivePolicy") or "{}")
            return int(policy["maxReceiveCount"])
        except (ValueError, KeyError, TypeError):
            return None

    def counts(self, queue: QueueRef) -> tuple[int, int]:
        """Approximate (visible, in flight) message counts."""
        names: Any = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        with _calling(f"GetQueueAttributes {queue.name}"):
            values = self._client.get_queue_attributes(QueueUrl=queue.url, AttributeNames=names)["Attributes"]
        return int(values.get(names[0], 0)), int(values.get(names[1], 0))

    def receive(self, queue: QueueRef, count: int, hold_seconds: int = HOLD_SECONDS) -> list[Received]:
        """Up to ``count`` (≤ 10) messages, hidden for ``hold_seconds``, with every attribute."""
        with _calling(f"ReceiveMessage {queue.name}"):
            answer = self._client.receive_message(
                QueueUrl=queue.url,
                MaxNumberOfMessages=min(count, BATCH),
                VisibilityTimeout=hold_seconds,
                WaitTimeSeconds=WAIT_SECONDS,
                MessageSystemAttributeNames=["All"],
                MessageAttributeNames=["All"],
            )
        return [
            Received(
                message_id=item["MessageId"],
                receipt_handle=item["ReceiptHandle"],
                body=item.get("Body", ""),
                attributes={str(key): value for key, value in item.get("Attributes", {}).items()},
                message_attributes={
                    key: dict(value) for key, value in item.get("MessageAttributes", {}).items()
                },
            )
            for item in answer.get("Messages", [])
        ]

    def release(self, queue: QueueRef, handles: Sequence[str]) -> None:
        """Make received messages visible again at once (visibility 0), so nothing is consumed."""
        for chunk in chunks(handles):
            entries: list[ChangeMessageVisibilityBatchRequestEntryTypeDef] = [
                {"Id": str(i), "ReceiptHandle": handle, "VisibilityTimeout": 0}
                for i, handle in enumerate(chunk)
            ]
            with _calling(f"ChangeMessageVisibilityBatch {queue.name}"):
                self._client.change_message_visibility_batch(QueueUrl=queue.url, Entries=entries)

    def send(
        self, queue: QueueRef, entries: Sequence[SendMessageBatchRequestEntryTypeDef]
    ) -> tuple[dict[str, str], list[str]]:
        """SendMessageBatch: ``{entry id: new message id}`` of those sent; ``code: message`` per failure.

        Entries go out in calls of at most 10 and 1 MiB (ten large dead letters exceed one call); a
        call that fails as a whole counts as a failure of each of its entries, so the caller deletes
        exactly what was sent.
        """
        sent: dict[str, str] = {}
        failures: list[str] = []
        for batch in send_batches(entries):
            try:
                with _calling(f"SendMessageBatch {queue.name}"):
                    answer = self._client.send_message_batch(QueueUrl=queue.url, Entries=list(batch))
            except UserError as exc:
                failures.extend(str(exc) for _ in batch)
                continue
            sent |= {item["Id"]: item.get("MessageId", "") for item in answer.get("Successful", [])}
            failures += [f"{item['Code']}: {item.get('Message', '')}" for item in answer.get("Failed", [])]
        return sent, failures

    def delete(self, queue: QueueRef, handles: Sequence[str]) -> None:
        """DeleteMessageBatch; a failure is reported (the message would be redriven twice)."""
        if not handles:
            return
        entries: list[DeleteMessageBatchRequestEntryTypeDef] = [
            {"Id": str(i), "ReceiptHandle": handle} for i, handle in enumerate(handles)
        ]
        with _calling(f"DeleteMessageBatch {queue.name}"):
            failed = self._client.delete_message_batch(QueueUrl=queue.url, Entries=entries).get("Failed", [])
        if failed:
            raise UserError(
                f"{len(failed)} message(s) were sent but stay in {queue.name}: {failed[0]['Code']}"
            )

    def dead_letter_sources(self, queue: QueueRef) -> list[str]:
        """ListDeadLetterSourceQueues: URLs of the queues whose RedrivePolicy names ``queue`` (one page)."""
        with _calling(f"ListDeadLetterSourceQueues {queue.name}"):
            answer = self._client.list_dead_letter_source_queues(QueueUrl=queue.url, MaxResults=10)
        return [str(url) for url in answer.get("queueUrls", [])]

    def purge(self, queue: QueueRef) -> None:
        with _calling(f"PurgeQueue {queue.name}"):
            self._client.purge_queue(QueueUrl=queue.url)

    def start_move_task(self, source_arn: str, destination_arn: str, rate: int | None) -> str:
        """StartMessageMoveTask; returns the task handle."""
        request: Any = {"SourceArn": source_arn, "DestinationArn": destination_arn}
        if rate is not None:
            request["MaxNumberOfMessagesPerSecond"] = rate
        with _calling("StartMessageMoveTask", unsupported=True):
            return self._client.start_message_move_task(**request)["TaskHandle"]

    def move_tasks(self, source_arn: str) -> list[dict[str, Any]]:
        """ListMessageMoveTasks: the most recent tasks of the DLQ, newest first."""
        with _calling("ListMessageMoveTasks", unsupported=True):
            results = self._client.list_message_move_tasks(SourceArn=source_arn, MaxResults=10)["Results"]
        return [dict(result) for result in results]

    def cancel_move_task(self, handle: str) -> int:
        """CancelMessageMoveTask; returns the approximate number of messages moved so far."""
        with _calling("CancelMessageMoveTask", unsupported=True):
            return int(
                self._client.cancel_message_move_task(TaskHandle=handle)["ApproximateNumberOfMessagesMoved"]
            )
