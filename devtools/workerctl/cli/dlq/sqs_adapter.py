"""DLQ operations: look without consuming, redrive (AWS move task or receive → send → delete), purge.

:class:`SqsQueues` is the adapter: the only code here that calls SQS, and the place where botocore errors
become one-line :class:`UserError` messages. The functions below it are the logic and take the adapter.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError, NoCredentialsError

from queue_worker.correlation import correlation_id_for
from queue_worker.dead_letter import DEAD_LETTER_ATTRIBUTE, original_message_id
from workerctl.aws import QUEUE_NOT_FOUND_CODES
from workerctl.errors import UserError
from workerctl.local.esm.records import lambda_record

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import (
        ChangeMessageVisibilityBatchRequestEntryTypeDef,
        DeleteMessageBatchRequestEntryTypeDef,
        SendMessageBatchRequestEntryTypeDef,
    )

BATCH = 10  # SQS receive/send/delete batch limit
HOLD_SECONDS = 30  # how long a received message stays hidden if we die before releasing or deleting it
WAIT_SECONDS = 1  # short long-poll: an empty answer then means "empty", also on AWS
ACTIVE_TASK_STATES = frozenset({"RUNNING", "CANCELLING"})
_UNSUPPORTED = frozenset({"500", "501", "NotImplemented", "UnknownOperation", "UnknownOperationException"})


class QueueNotFoundError(UserError):
    """The queue named in a call does not exist at the endpoint."""


class MoveTaskUnsupportedError(Exception):
    """The endpoint has no StartMessageMoveTask (moto): redrive with receive → send → delete instead."""


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


def _from_client_error(what: str, exc: ClientError, *, unsupported: bool) -> Exception:
    """The error to raise for a ClientError of ``what``."""
    error = exc.response.get("Error", {})
    code, message = str(error.get("Code", "")), str(error.get("Message", "")).strip()
    if code in QUEUE_NOT_FOUND_CODES:
        return QueueNotFoundError(f"{what}: the queue does not exist")
    if unsupported and code in _UNSUPPORTED:
        return MoveTaskUnsupportedError(what)
    if "already" in message.lower() and "task" in message.lower():
        return UserError(f"{what}: a message move task is already running for this DLQ ({message})")
    return UserError(f"{what} failed: {code}: {message.splitlines()[0] if message else 'no detail'}")


@contextmanager
def _calling(what: str, *, unsupported: bool = False) -> Iterator[None]:
    """Turn botocore failures of ``what`` into one-line :class:`UserError` (or MoveTaskUnsupportedError)."""
    try:
        yield
    except NotImplementedError as exc:  # moto in-process: the operation does not exist there
        if not unsupported:
            raise
        raise MoveTaskUnsupportedError(what) from exc
    except NoCredentialsError as exc:
        raise UserError(
            "no AWS credentials: set AWS_PROFILE or configure the default credential chain"
        ) from exc
    except EndpointConnectionError as exc:
        raise UserError(f"cannot reach {exc.kwargs.get('endpoint_url')}: is `workerctl run` up?") from exc
    except ClientError as exc:
        raise _from_client_error(what, exc, unsupported=unsupported) from exc
    except BotoCoreError as exc:
        raise UserError(f"{what} failed: {exc}") from exc


class SqsQueues:
    """The SQS calls DLQ operations need, on an injectable client (typed ``SQSClient``)."""

    def __init__(self, client: SQSClient) -> None:
        self._client = client

    def find(self, name: str) -> QueueRef | None:
        """The queue called ``name``, or None when it does not exist."""
        try:
            with _calling(f"GetQueueUrl {name}"):
                return QueueRef(self._client.get_queue_url(QueueName=name)["QueueUrl"])
        except QueueNotFoundError:
            return None

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
        for start in range(0, len(handles), BATCH):
            entries: list[ChangeMessageVisibilityBatchRequestEntryTypeDef] = [
                {"Id": str(i), "ReceiptHandle": handle, "VisibilityTimeout": 0}
                for i, handle in enumerate(handles[start : start + BATCH])
            ]
            with _calling(f"ChangeMessageVisibilityBatch {queue.name}"):
                self._client.change_message_visibility_batch(QueueUrl=queue.url, Entries=entries)

    def send(
        self, queue: QueueRef, entries: Sequence[SendMessageBatchRequestEntryTypeDef]
    ) -> tuple[set[str], list[str]]:
        """SendMessageBatch: the entry ids that were sent, and one ``code: message`` per failure."""
        with _calling(f"SendMessageBatch {queue.name}"):
            answer = self._client.send_message_batch(QueueUrl=queue.url, Entries=entries)
        sent = {item["Id"] for item in answer.get("Successful", [])}
        return sent, [f"{item['Code']}: {item.get('Message', '')}" for item in answer.get("Failed", [])]

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


@dataclass(frozen=True)
class Inspected:
    """What ``dlq inspect`` shows of one message."""

    message_id: str
    sent_at: str | None
    receive_count: int
    job_type: str | None
    error: str
    group_id: str | None = None
    correlation_id: str | None = None
    dead_letter: dict[str, Any] | None = None


def job_type(body: str) -> str | None:
    """The ``type`` of a ``{"type": ..., "payload": ...}`` envelope, else None."""
    try:
        envelope = json.loads(body)
    except json.JSONDecodeError:
        return None
    if isinstance(envelope, dict) and isinstance(envelope.get("type"), str) and "payload" in envelope:
        return str(envelope["type"])
    return None


def _dead_letter(message: Received) -> dict[str, Any] | None:
    raw = message.message_attributes.get(DEAD_LETTER_ATTRIBUTE, {}).get("StringValue")
    try:
        value = json.loads(raw) if raw else None
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def correlation_id(message: Received) -> str:
    """The correlation id the worker logged for this job (search the logs with it).

    The worker's own rule (``queue_worker.correlation``) on the message as Lambda would deliver it,
    with the original message id for a message the worker dead-lettered (its DLQ id is a new one).
    """
    raw = {"MessageId": message.message_id, "ReceiptHandle": message.receipt_handle, "Body": message.body}
    record = lambda_record(
        {**raw, "Attributes": message.attributes, "MessageAttributes": message.message_attributes}, "", ""
    )
    return correlation_id_for({**record, "messageId": original_message_id(record)})


def describe(message: Received, max_receive_count: int | None = None) -> Inspected:
    """The worker's ``DeadLetter`` metadata, or "moved by SQS after N receives".

    N is the jobs queue's ``max_receive_count`` when known (SQS moved the message after exactly that
    many); else the DLQ's own count minus this inspection's receive (earlier inspections add to it).
    """
    metadata = _dead_letter(message)
    sent = message.attributes.get("SentTimestamp")
    if metadata is not None:
        receives = int(metadata.get("receiveCount", 0))
        error = f"{metadata.get('errorType', 'Error')}: {metadata.get('errorMessage', '')}"
    else:
        receives = max_receive_count or max(
            int(message.attributes.get("ApproximateReceiveCount", "1")) - 1, 0
        )
        error = f"moved by SQS after {receives} receive{'' if receives == 1 else 's'}"
    return Inspected(
        message_id=message.message_id,
        sent_at=datetime.fromtimestamp(int(sent) / 1000, UTC).isoformat(timespec="seconds") if sent else None,
        receive_count=receives,
        job_type=job_type(message.body),
        error=error,
        group_id=message.attributes.get("MessageGroupId"),
        correlation_id=correlation_id(message),
        dead_letter=metadata,
    )


def sample(
    queues: SqsQueues, dlq: QueueRef, limit: int, visible: int, hold_seconds: int = 10
) -> list[Received]:
    """Up to ``limit`` distinct messages of the ``visible`` the caller counted; every one is made
    visible again before this returns."""
    held: dict[str, Received] = {}
    handles: list[str] = []
    try:
        while len(held) < min(limit, visible):
            batch = queues.receive(dlq, limit - len(held), hold_seconds)
            handles.extend(message.receipt_handle for message in batch)
            if not batch:
                break
            held.update((message.message_id, message) for message in batch)
    finally:
        queues.release(dlq, handles)
    return list(held.values())[:limit]


def send_entry(index: int, message: Received, destination: QueueRef) -> SendMessageBatchRequestEntryTypeDef:
    """The SendMessageBatch entry that replays ``message``: same body, attributes and trace header."""
    entry: Any = {"Id": str(index), "MessageBody": message.body}
    keep = ("DataType", "StringValue", "BinaryValue")
    attributes = {
        name: {key: value[key] for key in keep if key in value}
        for name, value in message.message_attributes.items()
    }
    if attributes:
        entry["MessageAttributes"] = attributes
    if trace := message.attributes.get("AWSTraceHeader"):
        entry["MessageSystemAttributes"] = {"AWSTraceHeader": {"DataType": "String", "StringValue": trace}}
    if destination.fifo:
        entry["MessageGroupId"] = message.attributes.get("MessageGroupId") or "dlq-redrive"
        # Fresh per DLQ message (the original's id could still be inside the 5-minute dedup window),
        # and stable if this send is retried.
        entry["MessageDeduplicationId"] = message.message_id
    return entry  # type: ignore[no-any-return]


def _move(queues: SqsQueues, dlq: QueueRef, destination: QueueRef, batch: list[Received], before: int) -> int:
    sent, failures = queues.send(destination, [send_entry(i, m, destination) for i, m in enumerate(batch)])
    queues.delete(dlq, [m.receipt_handle for i, m in enumerate(batch) if str(i) in sent])  # only once sent
    if failures:
        queues.release(dlq, [m.receipt_handle for i, m in enumerate(batch) if str(i) not in sent])
        raise UserError(
            f"{len(failures)} message(s) could not be sent to {destination.name} ({failures[0]}); "
            f"they stay in the DLQ; {before + len(sent)} moved"
        )
    return len(sent)


def redrive_locally(
    queues: SqsQueues,
    dlq: QueueRef,
    destination: QueueRef,
    *,
    rate: int | None = None,
    limit: int | None = None,
    progress: Callable[[int], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Receive → send → delete, at most ``rate`` messages/s; returns the number moved.

    Without ``limit`` it moves the messages present at the start, so messages that fail again during
    the run and come back are not redriven in a loop.
    """
    budget = queues.counts(dlq)[0] if limit is None else limit
    moved, started = 0, clock()
    while moved < budget:
        batch = queues.receive(dlq, min(BATCH, budget - moved, rate or BATCH))
        if not batch:
            break
        moved += _move(queues, dlq, destination, batch, moved)
        if progress is not None:
            progress(moved)
        if rate and (pause := started + moved / rate - clock()) > 0:
            sleep(min(pause, BATCH))  # a rate limit: at most one batch's worth of seconds
    return moved


def start_move_task(queues: SqsQueues, dlq: QueueRef, destination: QueueRef, rate: int | None) -> str:
    """StartMessageMoveTask DLQ → destination after checking no task is active; returns the handle."""
    source_arn = queues.attribute(dlq, "QueueArn")
    active = [task for task in queues.move_tasks(source_arn) if task.get("Status") in ACTIVE_TASK_STATES]
    if active:
        raise UserError(
            f"a message move task is already {str(active[0]['Status']).lower()} for {dlq.name} "
            f"(handle {active[0].get('TaskHandle', '?')}): see `dlq redrive --status` or use --cancel HANDLE"
        )
    return queues.start_move_task(source_arn, queues.attribute(destination, "QueueArn"), rate)
