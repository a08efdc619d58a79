"""Event filtering on SQS mappings (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs-filtering.html)."""

from __future__ import annotations

import json
from typing import Any

from tests.conformance.harness import Emulator


def bodies_invoked(
    emulator: Emulator, pattern: dict[str, Any], sends: list[dict[str, Any]]
) -> tuple[list[str], int]:
    """Send ``sends``, run the mapping once with ``pattern``; (bodies the function saw, depth after)."""
    seen: list[str] = []
    mapping = emulator.mapping(
        lambda event: seen.extend(r["body"] for r in event["Records"]), filter_patterns=(json.dumps(pattern),)
    )
    for send in sends:
        mapping.send(**send)
    mapping.run_once()
    return seen, mapping.depth()


def test_filtered_out_messages_are_deleted_not_retried(emulator: Emulator) -> None:
    """https://docs.aws.amazon.com/lambda/latest/dg/with-sqs-filtering.html ("Lambda automatically
    deletes messages that don't match your filter criteria")"""
    seen, depth = bodies_invoked(
        emulator, {"body": {"kind": ["keep"]}}, [{"body": '{"kind": "keep"}'}, {"body": '{"kind": "drop"}'}]
    )
    assert seen == ['{"kind": "keep"}']
    assert depth == 0


def test_a_json_body_is_filtered_by_its_fields(emulator: Emulator) -> None:
    """https://docs.aws.amazon.com/lambda/latest/dg/with-sqs-filtering.html (filtering a JSON body)"""
    seen, _ = bodies_invoked(
        emulator,
        {"body": {"size": [{"numeric": [">", 10]}], "tag": [{"prefix": "a"}]}},
        [{"body": '{"size": 11, "tag": "ab"}'}, {"body": '{"size": 9, "tag": "ab"}'}],
    )
    assert seen == ['{"size": 11, "tag": "ab"}']


def test_a_plain_text_body_is_filtered_as_a_string(emulator: Emulator) -> None:
    """https://docs.aws.amazon.com/lambda/latest/dg/with-sqs-filtering.html (plain string body)"""
    seen, depth = bodies_invoked(
        emulator, {"body": [{"prefix": "ok "}]}, [{"body": "ok then"}, {"body": "not ok"}]
    )
    assert seen == ["ok then"]
    assert depth == 0


def test_message_attributes_can_be_filtered(emulator: Emulator) -> None:
    """https://docs.aws.amazon.com/lambda/latest/dg/with-sqs-filtering.html (messageAttributes)"""
    seen, _ = bodies_invoked(
        emulator,
        {"messageAttributes": {"Tenant": {"stringValue": ["t1"]}}},
        [
            {"body": "a", "MessageAttributes": {"Tenant": {"DataType": "String", "StringValue": "t1"}}},
            {"body": "b", "MessageAttributes": {"Tenant": {"DataType": "String", "StringValue": "t2"}}},
        ],
    )
    assert seen == ["a"]


def test_or_matches_when_any_alternative_does(emulator: Emulator) -> None:
    """https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html#filtering-syntax ($or)"""
    seen, _ = bodies_invoked(
        emulator,
        {"$or": [{"body": {"a": [1]}}, {"body": {"b": [2]}}]},
        [{"body": '{"a": 1}'}, {"body": '{"b": 2}'}, {"body": '{"c": 3}'}],
    )
    assert sorted(seen) == ['{"a": 1}', '{"b": 2}']
