"""Queue creation and look-up against a recording fake client (the real emulator runs in tests/e2e)."""

from __future__ import annotations

import pytest

from tests.unit.workerctl.fakes import FakeDynamoDb, FakeSqs
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


def test_redrive_targets_are_created_first_and_fast_retries_lower_the_visibility() -> None:
    client = FakeSqs()
    created = create_queues(client, [JOBS, DLQ], visibility_override=5)
    assert [call["QueueName"] for call in client.created] == ["s-dlq", "s-jobs"]
    assert client.created[0]["Attributes"] == {"MessageRetentionPeriod": "1209600"}
    assert client.created[1]["Attributes"]["VisibilityTimeout"] == "5"
    assert created == {"Dlq": ("http://e/s-dlq", "arn:dlq"), "Jobs": ("http://e/s-jobs", "arn:jobs")}


def test_lookup_uses_names_or_explicit_urls_and_real_arns() -> None:
    client = FakeSqs({"s-dlq": "http://e/s-dlq"})
    found = lookup_queues(client, [DLQ, JOBS], explicit={"Jobs": "http://x/jobs"}, required={"Jobs"})
    assert found == {
        "Dlq": ("http://e/s-dlq", "arn:real:http://e/s-dlq"),
        "Jobs": ("http://x/jobs", "arn:real:http://x/jobs"),
    }
    assert lookup_queues(client, [JOBS], explicit={}, required=set()) == {}
    with pytest.raises(UserError, match="queue s-jobs not found"):
        lookup_queues(client, [JOBS], explicit={}, required={"Jobs"})


def test_tables_are_created_on_demand_with_their_keys() -> None:
    client = FakeDynamoDb()
    keys = {"KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}], "AttributeDefinitions": []}
    create_tables(client, [TableSpec("T", "s-T", {**keys, "SSESpecification": {"SSEEnabled": True}})])
    assert client.calls == [("create_table", {"TableName": "s-T", "BillingMode": "PAY_PER_REQUEST", **keys})]
