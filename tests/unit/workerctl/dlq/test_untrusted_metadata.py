"""`dlq inspect` and redrive read a DeadLetter attribute anyone could have written: never a crash.

A producer controls message attributes, so the metadata may hold any JSON (or none): a non-numeric
receive count, a deeply nested value, folded attributes that are not attributes. Inspecting and
building the redrive entry must still work, and the folded originals must come back exactly.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from workerctl.dlq.inspection import describe
from workerctl.dlq.redrive import replay_attributes, send_entry
from workerctl.dlq.sqs_adapter import QueueRef, Received

JOBS = QueueRef("http://e/app-jobs")
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(), children, max_size=3),
    max_leaves=10,
)
metadata_text = st.one_of(
    st.dictionaries(
        st.sampled_from(
            ["receiveCount", "errorType", "errorMessage", "originalMessageId", "originalAttributes"]
        ),
        json_values,
    ).map(json.dumps),
    json_values.map(json.dumps),
    st.text(),
    st.integers(min_value=1000, max_value=20_000).map(
        lambda n: '{"receiveCount": ' + "[" * n + "]" * n + "}"
    ),
)
system_values = st.one_of(
    st.text(), st.integers().map(str), st.sampled_from(["", "99999999999999999999", "-5"])
)


def received(metadata: str | None, attributes: dict[str, str]) -> Received:
    message_attributes = (
        {} if metadata is None else {"DeadLetter": {"DataType": "String", "StringValue": metadata}}
    )
    return Received("m-1", "rh-1", '{"type": "checksum", "payload": 1}', attributes, message_attributes)


@settings(max_examples=150, deadline=None)
@given(
    metadata=st.none() | metadata_text,
    attributes=st.dictionaries(st.sampled_from(["ApproximateReceiveCount", "SentTimestamp"]), system_values),
)
def test_any_metadata_is_inspected_and_replayed(metadata: str | None, attributes: dict[str, str]) -> None:
    row = describe(received(metadata, attributes))
    assert isinstance(row.receive_count, int)
    entry: Any = send_entry(0, received(metadata, attributes), JOBS)
    assert entry["MessageBody"] == '{"type": "checksum", "payload": 1}'


def test_a_non_numeric_receive_count_shows_as_zero() -> None:
    row = describe(received(json.dumps({"receiveCount": "three", "errorType": "E"}), {"SentTimestamp": "x"}))
    assert (row.receive_count, row.sent_at, row.error) == (0, None, "E: ")


def test_folded_originals_come_back_as_sent_without_the_dead_letter() -> None:
    # Given ten originals folded into DeadLetter as the worker writes them (bytes as base64 text)
    originals = {f"S{n}": {"DataType": "String", "StringValue": f"v{n}"} for n in range(9)}
    originals["B"] = {"DataType": "Binary", "BinaryValue": b"\x00\xff"}
    folded = {**originals, "B": {"DataType": "Binary", "BinaryValue": base64.b64encode(b"\x00\xff").decode()}}
    metadata = json.dumps({"originalMessageId": "first", "originalAttributes": folded})
    # When / Then
    assert replay_attributes(received(metadata, {})) == originals
