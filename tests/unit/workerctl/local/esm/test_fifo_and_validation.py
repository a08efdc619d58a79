"""The FIFO group gate, the SQS attribute digest and AWS's mapping refusals, without an emulator."""

from __future__ import annotations

from typing import Any

import pytest
from moto.sqs.models import Message

from workerctl.local.esm.fifo import GroupGate
from workerctl.local.esm.md5 import message_attributes_md5
from workerctl.local.esm.validation import FIFO_WINDOW, WINDOW_NEEDED, mapping_error, visibility_text
from workerctl.local.template.event_sources import DEFAULT_POLLERS, SqsEventSpec


def message(group: str, sequence: int) -> dict[str, Any]:
    return {
        "MessageId": f"{group}{sequence}",
        "Attributes": {"MessageGroupId": group, "SequenceNumber": f"{sequence:020d}"},
    }


def test_the_gate_orders_by_sequence_and_holds_groups_in_flight() -> None:
    gate = GroupGate()
    batch, held = gate.admit([message("a", 3), message("b", 2), message("a", 1)])
    assert [m["MessageId"] for m in batch] == ["a1", "b2", "a3"]
    assert held == []
    later, held = gate.admit([message("a", 4), message("c", 5)])  # a concurrent receive
    assert [m["MessageId"] for m in later] == ["c5"]
    assert [m["MessageId"] for m in held] == ["a4"]
    gate.release(batch)
    assert gate.in_flight() == {"c"}
    again, held = gate.admit([message("a", 4)])
    assert [m["MessageId"] for m in again] == ["a4"]


def test_attribute_digest_matches_sqs_algorithm_as_moto_implements_it() -> None:
    attributes = {
        "CorrelationId": {"DataType": "String", "StringValue": "order-1"},
        "Blob": {"DataType": "Binary", "BinaryValue": b"\x00\xff"},
        "Unicode.value": {"DataType": "String.custom", "StringValue": "✓ é"},
    }
    reference = Message("id", "body")
    reference.message_attributes = attributes
    assert message_attributes_md5(attributes) == reference.attribute_md5
    assert message_attributes_md5({"CorrelationId": attributes["CorrelationId"]}) == (
        "a892a5fea3354cdf381aacf1c373ba87"  # as SQS (moto) returned it for this one attribute
    )
    assert message_attributes_md5({}) is None


def spec(**fields: Any) -> SqsEventSpec:
    return SqsEventSpec(name="Jobs", queue_arn="arn:aws:sqs:eu-west-1:1:q", queue_logical_id="Q", **fields)


@pytest.mark.parametrize(
    ("fields", "attributes", "expected"),
    [
        ({"batch_size": 10}, {"VisibilityTimeout": "30"}, None),
        ({"batch_size": 11}, {"VisibilityTimeout": "30"}, WINDOW_NEEDED),
        ({"batch_size": 11, "batching_window_seconds": 1}, {"VisibilityTimeout": "30"}, None),
        ({"batching_window_seconds": 0}, {"FifoQueue": "true", "VisibilityTimeout": "30"}, FIFO_WINDOW),
        ({}, {"VisibilityTimeout": "10"}, visibility_text(10, 30)),
        ({}, None, None),  # a queue the template does not declare: checked at the endpoint
    ],
)
def test_mapping_errors(
    fields: dict[str, Any], attributes: dict[str, str] | None, expected: str | None
) -> None:
    assert mapping_error(spec(**fields), 30, attributes) == expected


def test_pollers_come_from_scaling_provisioned_or_the_default() -> None:
    assert spec(maximum_concurrency=3).pollers == 3
    assert spec(minimum_pollers=4, maximum_pollers=9).pollers == 4
    assert spec().pollers == DEFAULT_POLLERS
