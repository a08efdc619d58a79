"""The one in-memory SQS (and DynamoDB) fake of the workerctl unit tests: fakes, not mocks.

:class:`FakeSqs` keeps visible and in-flight messages per queue URL and answers with boto3's shapes, so
the CLI's DLQ adapter, the event source mapping poller and the queue set-up all run their real code on
it. It records what was asked (``asked`` names, ``receives`` requests, ``received`` counts, ``deleted``
and ``returned`` receipt handles, ``created`` queues) for the tests to check.
"""

# ruff: noqa: N803 - the fakes take boto3's keyword names (QueueName, QueueUrl, Entries, ...)

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from workerctl.dlq.sqs_adapter import QueueRef

# A jobs queue and its DLQ on the local emulator, for tests that drive the DLQ operations on FakeSqs.
DLQ = QueueRef("http://localhost:4566/000000000000/app-jobs-dlq")
JOBS = QueueRef("http://localhost:4566/000000000000/app-jobs")


class FakeSqs:
    """Just enough SQS: queues by name, messages handed out once, batch send/delete/visibility.

    ``existing`` maps queue names to URLs (GetQueueUrl); ``error`` makes every GetQueueUrl fail with that
    code. ``reject_bodies`` are refused by SendMessageBatch; ``after_send`` runs after each send;
    ``delete_failure`` (code, message) fails the first entry of every DeleteMessageBatch.
    """

    def __init__(self, existing: dict[str, str] | None = None, error: str | None = None) -> None:
        self.existing = dict(existing or {})
        self.error = error
        self.visible: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
        self.hidden: dict[str, dict[str, Any]] = {}
        self.reject_bodies: set[str] = set()
        self.after_send: Callable[[], None] = lambda: None
        self.delete_failure: tuple[str, str] | None = None
        self.asked: list[str] = []
        self.created: list[dict[str, Any]] = []
        self.receives: list[dict[str, Any]] = []
        self.received: list[int] = []
        self.deleted: list[str] = []
        self.returned: list[str] = []
        self._ids = 0

    def put(self, url: str, body: str) -> None:
        """A new visible message ``m<n>`` (receipt handle ``r<n>``) on the queue at ``url``."""
        message_id = f"m{self._ids}"
        self.visible[url].append(
            {
                "MessageId": message_id,
                "ReceiptHandle": f"r{self._ids}",
                "Body": body,
                "MD5OfBody": hashlib.md5(body.encode()).hexdigest(),
                "Attributes": {},
            }
        )
        self._ids += 1

    def bodies(self, url: str) -> list[str]:
        """Bodies of the visible messages of ``url``, oldest first."""
        return [message["Body"] for message in self.visible[url]]

    def create_queue(self, QueueName: str, Attributes: dict[str, str]) -> dict[str, str]:
        self.created.append({"QueueName": QueueName, "Attributes": Attributes})
        self.existing[QueueName] = f"http://e/{QueueName}"
        return {"QueueUrl": self.existing[QueueName]}

    def get_queue_url(self, QueueName: str) -> dict[str, str]:
        self.asked.append(QueueName)
        code = self.error or ("" if QueueName in self.existing else "QueueDoesNotExist")
        if code:
            raise ClientError({"Error": {"Code": code, "Message": "nope"}}, "GetQueueUrl")
        return {"QueueUrl": self.existing[QueueName]}

    def get_queue_attributes(self, QueueUrl: str, AttributeNames: list[str]) -> dict[str, Any]:
        in_flight = sum(1 for message in self.hidden.values() if message["url"] == QueueUrl)
        return {
            "Attributes": {
                "ApproximateNumberOfMessages": str(len(self.visible[QueueUrl])),
                "ApproximateNumberOfMessagesNotVisible": str(in_flight),
                "QueueArn": f"arn:real:{QueueUrl}",
            }
        }

    def receive_message(self, QueueUrl: str, MaxNumberOfMessages: int, **options: Any) -> dict[str, Any]:
        self.receives.append({"QueueUrl": QueueUrl, "MaxNumberOfMessages": MaxNumberOfMessages, **options})
        taken = self.visible[QueueUrl][:MaxNumberOfMessages]
        del self.visible[QueueUrl][:MaxNumberOfMessages]
        self.received.append(len(taken))
        for message in taken:
            self.hidden[message["ReceiptHandle"]] = {**message, "url": QueueUrl}
        return {"Messages": [dict(message) for message in taken]}

    def send_message_batch(self, QueueUrl: str, Entries: list[dict[str, Any]]) -> dict[str, Any]:
        ok = [entry for entry in Entries if entry["MessageBody"] not in self.reject_bodies]
        for entry in ok:
            self.put(QueueUrl, entry["MessageBody"])
        self.after_send()
        failed = [entry for entry in Entries if entry not in ok]
        return {
            "Successful": [{"Id": entry["Id"]} for entry in ok],
            "Failed": [{"Id": e["Id"], "Code": "InvalidMessageContents", "Message": "nope"} for e in failed],
        }

    def delete_message_batch(self, QueueUrl: str, Entries: list[dict[str, Any]]) -> dict[str, Any]:
        failed = Entries[:1] if self.delete_failure else []
        for entry in Entries:
            self.deleted.append(entry["ReceiptHandle"])
            if entry not in failed:
                self.hidden.pop(entry["ReceiptHandle"], None)
        code, message = self.delete_failure or ("", "")
        return {
            "Successful": [{"Id": entry["Id"]} for entry in Entries if entry not in failed],
            "Failed": [{"Id": entry["Id"], "Code": code, "Message": message} for entry in failed],
        }

    def change_message_visibility_batch(self, QueueUrl: str, Entries: list[dict[str, Any]]) -> dict[str, Any]:
        for entry in Entries:
            self.returned.append(entry["ReceiptHandle"])
            message = self.hidden.pop(entry["ReceiptHandle"])
            self.visible[message.pop("url")].append(message)
        return {"Successful": [{"Id": entry["Id"]} for entry in Entries]}


class FakeDynamoDb:
    """Records CreateTable requests (the queue set-up creates the template's tables in the emulator)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def create_table(self, **kwargs: Any) -> None:
        self.calls.append(("create_table", kwargs))
