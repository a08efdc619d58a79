"""Queue creation and look-up against a recording fake client (the real emulator runs in tests/e2e)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from workerctl.errors import UserError
from workerctl.local.resources import create_queues, create_tables, lookup_queues
from workerctl.local.template.model import QueueSpec, TableSpec

DLQ = QueueSpec(
    "Dlq", "s-dlq", "arn:dlq", {"MessageRetentionPeriod": "1209600", "SqsManagedSseEnabled": "true"}
)
JOBS = QueueSpec(
    "Jobs",
    "s-jobs",
    "arn:jobs",
    {"VisibilityTimeout": "180", "RedrivePolicy": '{"deadLetterTargetArn": "arn:dlq"}'},
)


class FakeClient:
    def __init__(self, existing: dict[str, str] | None = None) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.existing = existing or {}

    def create_queue(self, **kwargs: Any) -> dict[str, str]:
        self.calls.append(("create_queue", kwargs))
        return {"QueueUrl": f"http://e/{kwargs['QueueName']}"}

    def create_table(self, **kwargs: Any) -> None:
        self.calls.append(("create_table", kwargs))

    def get_queue_url(self, QueueName: str) -> dict[str, str]:  # noqa: N803 - boto3's name
        if QueueName not in self.existing:
            raise ClientError({"Error": {"Code": "QueueDoesNotExist"}}, "GetQueueUrl")
        return {"QueueUrl": self.existing[QueueName]}

    def get_queue_attributes(self, **kwargs: Any) -> dict[str, Any]:
        return {"Attributes": {"QueueArn": "arn:real:" + kwargs["QueueUrl"]}}


def test_redrive_targets_are_created_first_and_fast_retries_lower_the_visibility() -> None:
    client = FakeClient()
    created = create_queues(client, [JOBS, DLQ], visibility_override=5)
    assert [call[1]["QueueName"] for call in client.calls] == ["s-dlq", "s-jobs"]
    assert client.calls[0][1]["Attributes"] == {"MessageRetentionPeriod": "1209600"}
    assert client.calls[1][1]["Attributes"]["VisibilityTimeout"] == "5"
    assert created == {"Dlq": ("http://e/s-dlq", "arn:dlq"), "Jobs": ("http://e/s-jobs", "arn:jobs")}


def test_lookup_uses_names_or_explicit_urls_and_real_arns() -> None:
    client = FakeClient({"s-dlq": "http://e/s-dlq"})
    found = lookup_queues(client, [DLQ, JOBS], explicit={"Jobs": "http://x/jobs"}, required={"Jobs"})
    assert found == {
        "Dlq": ("http://e/s-dlq", "arn:real:http://e/s-dlq"),
        "Jobs": ("http://x/jobs", "arn:real:http://x/jobs"),
    }
    assert lookup_queues(client, [JOBS], explicit={}, required=set()) == {}
    with pytest.raises(UserError, match="queue s-jobs not found"):
        lookup_queues(client, [JOBS], explicit={}, required={"Jobs"})


def test_tables_are_created_on_demand_with_their_keys() -> None:
    client = FakeClient()
    keys = {"KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}], "AttributeDefinitions": []}
    create_tables(client, [TableSpec("T", "s-T", {**keys, "SSESpecification": {"SSEEnabled": True}})])
    assert client.calls == [("create_table", {"TableName": "s-T", "BillingMode": "PAY_PER_REQUEST", **keys})]
