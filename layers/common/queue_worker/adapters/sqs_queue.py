"""SQS adapter: sends onward jobs and reads queue attributes, turning ClientError into domain errors."""

from __future__ import annotations

from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from queue_worker.adapters.aws_clients import sqs_client
from queue_worker.correlation import CORRELATION_ATTRIBUTE
from queue_worker.errors import QueueUnavailableError

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.literals import QueueAttributeNameType

    from queue_worker.envelope import JobEnvelope


class SqsJobQueue:
    """One SQS queue. ``client`` defaults to the cached process-wide client, created on first use."""

    def __init__(self, queue_url: str, client: SQSClient | None = None) -> None:
        self._queue_url = queue_url
        self._client = client

    @property
    def client(self) -> SQSClient:
        """The injected client, or the shared lazy one."""
        if self._client is None:
            self._client = sqs_client()
        return self._client

    def send_job(self, envelope: JobEnvelope, correlation_id: str) -> str:
        """Enqueue ``envelope`` with the ``CorrelationId`` attribute; returns the message id."""
        try:
            response = self.client.send_message(
                QueueUrl=self._queue_url,
                MessageBody=envelope.model_dump_json(),
                MessageAttributes={
                    CORRELATION_ATTRIBUTE: {"DataType": "String", "StringValue": correlation_id}
                },
            )
        except (ClientError, BotoCoreError) as exc:
            raise QueueUnavailableError(f"SendMessage failed: {_error_code(exc)}") from exc
        return response["MessageId"]

    def attributes(self, names: list[QueueAttributeNameType]) -> dict[str, str]:
        """GetQueueAttributes for ``names``; raises :class:`QueueUnavailableError` when unreachable."""
        try:
            response = self.client.get_queue_attributes(QueueUrl=self._queue_url, AttributeNames=names)
        except (ClientError, BotoCoreError) as exc:
            raise QueueUnavailableError(f"GetQueueAttributes failed: {_error_code(exc)}") from exc
        return dict(response.get("Attributes", {}))


def _error_code(exc: ClientError | BotoCoreError) -> str:
    """A short, leak-free description: the AWS error code or the botocore exception class."""
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", "ClientError"))
    return type(exc).__name__
