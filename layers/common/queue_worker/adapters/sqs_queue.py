"""SQS adapter: sends onward jobs and reads queue attributes, turning ClientError into domain errors."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, cast

from queue_worker.adapters.aws_clients import LazyClientAdapter, aws_call, sqs_client
from queue_worker.correlation import CORRELATION_ATTRIBUTE
from queue_worker.errors import QueueUnavailableError

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.literals import QueueAttributeNameType

    from queue_worker.dead_letter import DeadLetterMessage
    from queue_worker.envelope import JobEnvelope

MAX_BATCH_ENTRIES = 10  # SQS batch APIs take at most 10 entries


class SqsJobQueue(LazyClientAdapter["SQSClient"]):
    """One SQS queue. ``client`` defaults to the cached process-wide client, created on first use."""

    def __init__(self, queue_url: str, client: SQSClient | None = None) -> None:
        super().__init__(client, sqs_client)
        self._queue_url = queue_url

    def send_job(
        self,
        envelope: JobEnvelope,
        correlation_id: str,
        trace_header: str | None = None,
        *,
        group_id: str | None = None,
        deduplication_id: str | None = None,
    ) -> str:
        """Enqueue ``envelope`` with ``CorrelationId`` (and ``AWSTraceHeader``); returns its id.

        A FIFO queue needs a ``MessageGroupId``: the parent's group, else the correlation id (a job
        sending onward from a standard queue into a FIFO one); the deduplication id, when given, makes
        a retried parent's sends idempotent inside SQS's 5-minute window (without one, a random id:
        FIFO queues here have no content-based deduplication).
        """
        extra: dict[str, Any] = {}
        if trace_header:
            extra["MessageSystemAttributes"] = {
                "AWSTraceHeader": {"DataType": "String", "StringValue": trace_header}
            }
        if self._queue_url.endswith(".fifo"):
            extra["MessageGroupId"] = group_id or correlation_id
            extra["MessageDeduplicationId"] = deduplication_id or uuid.uuid4().hex
        with aws_call("SendMessage", QueueUnavailableError):
            response = self.client.send_message(
                QueueUrl=self._queue_url,
                MessageBody=envelope.model_dump_json(),
                MessageAttributes={
                    CORRELATION_ATTRIBUTE: {"DataType": "String", "StringValue": correlation_id}
                },
                **extra,
            )
        return response["MessageId"]

    def send_dead_letter(self, message: DeadLetterMessage) -> str:
        """Send a permanent failure to this (dead-letter) queue: body, attributes (binary as bytes),
        the trace header as ``AWSTraceHeader`` and the FIFO fields when present."""
        extra: dict[str, Any] = {}
        if message.group_id:
            extra["MessageGroupId"] = message.group_id
            if message.deduplication_id:
                extra["MessageDeduplicationId"] = message.deduplication_id
        if message.trace_header:
            extra["MessageSystemAttributes"] = {
                "AWSTraceHeader": {"DataType": "String", "StringValue": message.trace_header}
            }
        with aws_call("SendMessage to the DLQ", QueueUnavailableError):
            response = self.client.send_message(
                QueueUrl=self._queue_url,
                MessageBody=message.body,
                MessageAttributes=cast("Any", message.attributes),
                **extra,
            )
        return response["MessageId"]

    def change_visibility(self, timeouts: dict[str, int]) -> list[str]:
        """ChangeMessageVisibilityBatch for ``{receipt_handle: seconds}``; returns the handles that failed.

        Never raises: a record whose visibility could not be changed simply waits out the queue's
        visibility timeout, which is safe.
        """
        failed: list[str] = []
        items = list(timeouts.items())
        for start in range(0, len(items), MAX_BATCH_ENTRIES):
            chunk = items[start : start + MAX_BATCH_ENTRIES]
            entries = [
                {"Id": str(i), "ReceiptHandle": handle, "VisibilityTimeout": seconds}
                for i, (handle, seconds) in enumerate(chunk)
            ]
            try:
                with aws_call("ChangeMessageVisibilityBatch", QueueUnavailableError):
                    response = self.client.change_message_visibility_batch(
                        QueueUrl=self._queue_url, Entries=cast("Any", entries)
                    )
            except QueueUnavailableError:
                failed.extend(handle for handle, _ in chunk)
                continue
            failed.extend(chunk[int(entry["Id"])][0] for entry in response.get("Failed", []))
        return failed

    def attributes(self, names: list[str]) -> dict[str, str]:
        """GetQueueAttributes for ``names``; raises :class:`QueueUnavailableError` when unreachable."""
        attribute_names = cast("list[QueueAttributeNameType]", names)
        with aws_call("GetQueueAttributes", QueueUnavailableError):
            response = self.client.get_queue_attributes(
                QueueUrl=self._queue_url, AttributeNames=attribute_names
            )
        return {str(key): value for key, value in response.get("Attributes", {}).items()}
