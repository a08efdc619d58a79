"""Property: whatever the records look like, each one is accounted for and every failure is logged.

Generated batches mix well-formed and malformed records (missing or odd ``messageId``, body,
``attributes``, ``messageAttributes``, receive counts, sources, binary values, forged ``DeadLetter``
attributes). Through the real handler with in-memory adapters:
- an event that is not an SQS batch raises :class:`InvalidEventError` after one ERROR line;
- otherwise nothing escapes, and every record is exactly one of: succeeded (its job ran and it is not
  reported), dead-lettered with metadata (body kept, binary attributes as the producer's bytes), or
  reported in ``batchItemFailures`` under its own non-empty id; every failure has exactly one ERROR
  line carrying its message id, and a success has none.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import worker_handler
from queue_worker.batch_run import WorkerDependencies
from queue_worker.dead_letter import DEAD_LETTER_ATTRIBUTE, folded_attributes
from queue_worker.errors import InvalidEventError
from tests.factories import FIFO_QUEUE_ARN, JOBS_QUEUE_ARN, envelope
from tests.unit.worker.fakes import FakeDeadLetters, FakeVisibility, run_directly
from tests.unit.worker.work_jobs import make_registry

MISSING = object()  # a field left out of the record

texts = st.text(max_size=30)
digits = st.integers(min_value=0, max_value=10**6).map(str)
binaries = st.binary(max_size=40)


def _string_attribute(value: str) -> dict[str, Any]:
    return {"stringValue": value, "dataType": "String"}


def _binary_attribute(data: bytes) -> dict[str, Any]:
    return {"binaryValue": base64.b64encode(data).decode("ascii"), "dataType": "Binary"}


attribute_values = st.one_of(
    texts.map(_string_attribute),
    binaries.map(_binary_attribute),
    st.just({"binaryValue": "not base64!", "dataType": "Binary"}),
    st.just({"dataType": "String"}),  # no value at all
    texts,  # not an object
    st.none(),
)
forged_dead_letters = st.one_of(
    texts,
    st.builds(lambda claimed: json.dumps({"originalMessageId": claimed}), texts),
    st.builds(
        lambda claimed, sig: json.dumps({"originalMessageId": claimed, "signature": sig}), texts, texts
    ),
).map(_string_attribute)
message_attribute_maps = st.one_of(
    st.dictionaries(
        st.sampled_from(["CorrelationId", "a", "b", "blob", "x1", "x2"]), attribute_values, max_size=6
    ),
    st.dictionaries(st.from_regex(r"[a-z]{1,6}", fullmatch=True), attribute_values, min_size=10, max_size=11),
    st.builds(lambda value: {DEAD_LETTER_ATTRIBUTE: value}, forged_dead_letters),
    st.just(MISSING),
    st.just([]),
    texts,
)
system_attributes = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "ApproximateReceiveCount": st.one_of(digits, texts, st.integers()),
            "SentTimestamp": st.one_of(digits, texts),
            "AWSTraceHeader": st.one_of(texts, st.just("Root=1-5759e988-bd862e3fe1be46a994272793")),
        },
    ),
    st.just(MISSING),
    st.lists(texts, max_size=2),
)
bodies = st.one_of(
    st.sampled_from(["ok", "transient", "permanent"]).map(lambda o: envelope("work", {"outcome": o})),
    texts,
    st.just(envelope("no_such_job", {})),
    st.just(MISSING),
    st.integers(),
    st.none(),
)
records = st.fixed_dictionaries(
    {
        "messageId": st.just("valid"),
        "receiptHandle": st.sampled_from(["valid", "valid", MISSING]),
        "body": bodies,
        "attributes": system_attributes,
        "messageAttributes": message_attribute_maps,
        "eventSource": st.sampled_from(["aws:sqs", "aws:sqs", MISSING]),
    }
)
# What makes a batch not an SQS batch: one record without a usable id, from another source, or from
# the other kind of queue (a FIFO record in a standard batch, or the reverse).
corruptions = st.sampled_from(
    [
        {"messageId": MISSING},
        {"messageId": ""},
        {"messageId": " "},
        {"messageId": None},
        {"messageId": 7},
        {"eventSource": "aws:s3"},
        {"eventSource": "aws:sns"},
        {"eventSourceARN": "the other kind"},
    ]
)


def _batch(batch_records: list[dict[str, Any]], fifo: bool, arn_gaps: list[bool]) -> dict[str, Any]:
    """Records of one queue; where ``arn_gaps`` says so, a record names no source ARN."""
    arn = FIFO_QUEUE_ARN if fifo else JOBS_QUEUE_ARN
    return {
        "Records": [
            {**record, "eventSourceARN": MISSING if gap else arn}
            for record, gap in zip(batch_records, arn_gaps, strict=False)
        ]
    }


def _corrupt(batch: dict[str, Any], index: int, corruption: dict[str, Any]) -> dict[str, Any]:
    """``batch`` with one record corrupted (a mixed-queue corruption adds a record of the other kind)."""
    batch_records = list(batch["Records"])
    position = index % len(batch_records)
    if "eventSourceARN" in corruption:
        kinds = {r["eventSourceARN"] for r in batch_records} - {MISSING}
        other = JOBS_QUEUE_ARN if FIFO_QUEUE_ARN in kinds else FIFO_QUEUE_ARN
        if not kinds:  # nothing names a source yet: name one so the other kind mixes with it
            batch_records[position] = {**batch_records[position], "eventSourceARN": JOBS_QUEUE_ARN}
            other = FIFO_QUEUE_ARN
        batch_records.append({**batch_records[position], "eventSourceARN": other})
    else:
        batch_records[position] = {**batch_records[position], **corruption}
    return {"Records": batch_records}


sqs_batches = st.builds(
    _batch,
    st.lists(records, min_size=1, max_size=8),
    st.booleans(),
    st.lists(st.sampled_from([False, False, False, True]), min_size=8, max_size=8),
)
not_sqs_batches = st.one_of(
    st.builds(_corrupt, sqs_batches, st.integers(0, 7), corruptions),
    st.sampled_from([{}, [], "text", {"Records": []}, {"Records": None}, {"Records": [1]}]),
)
# About three batches in five are SQS batches (their records still malformed in many ways).
events = st.integers(0, 4).flatmap(lambda n: not_sqs_batches if n < 2 else sqs_batches)


def _materialise(event: Any) -> Any:
    """Drop MISSING fields; number the valid ids (unique within the batch, as SQS's are)."""
    if not isinstance(event, dict) or not isinstance(event.get("Records"), list):
        return event
    out = []
    for index, record in enumerate(event["Records"]):
        if not isinstance(record, dict):
            out.append(record)
            continue
        shaped = {key: value for key, value in record.items() if value is not MISSING}
        if shaped.get("messageId") == "valid":
            shaped["messageId"] = f"id-{index}"
        if shaped.get("receiptHandle") == "valid":
            shaped["receiptHandle"] = f"rh-{index}"
        out.append(shaped)
    return {"Records": out}


def _is_sqs_batch(event: Any) -> bool:
    records = event.get("Records") if isinstance(event, dict) else None
    if not isinstance(records, list) or not records:
        return False
    for record in records:
        if not isinstance(record, dict):
            return False
        message_id = record.get("messageId")
        if record.get("eventSource", "aws:sqs") != "aws:sqs":
            return False
        if not isinstance(message_id, str) or not message_id.strip():
            return False
    arns = {record["eventSourceARN"] for record in records if "eventSourceARN" in record}
    return len(arns) <= 1


@pytest.fixture
def harness(monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], FakeDeadLetters]:
    calls: list[str] = []
    dead_letters = FakeDeadLetters()
    deps = WorkerDependencies(
        registry=make_registry(calls),
        idempotency=run_directly,
        dead_letters=dead_letters,
        visibility=FakeVisibility(),
        clock=lambda: datetime.now(UTC),
    )
    monkeypatch.setattr(worker_handler, "dependencies", lambda: deps)
    return calls, dead_letters


def _sent_binary(message: Any) -> dict[str, bytes]:
    attributes = dict(message.attributes)
    attributes.update(folded_attributes(message.metadata))
    return {name: entry["BinaryValue"] for name, entry in attributes.items() if "BinaryValue" in entry}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(generated=events, dlq_down=st.booleans())
def test_property_every_record_is_succeeded_dead_lettered_or_reported(
    generated: Any,
    dlq_down: bool,
    harness: tuple[list[str], FakeDeadLetters],
    lambda_context: Any,
    log_lines: Any,
) -> None:
    calls, dead_letters = harness
    calls.clear()
    dead_letters.messages.clear()
    dead_letters.fail = dlq_down
    event = _materialise(generated)
    logged_before = len(log_lines())

    if not _is_sqs_batch(event):
        with pytest.raises(InvalidEventError):
            worker_handler.lambda_handler(event, lambda_context)
        errors = [line for line in log_lines()[logged_before:] if line["level"] == "ERROR"]
        assert [line["message"] for line in errors] == ["invocation refused"]
        return

    response = worker_handler.lambda_handler(event, lambda_context)
    lines = log_lines()[logged_before:]
    reported = [item["itemIdentifier"] for item in response["batchItemFailures"]]
    ids = [record["messageId"] for record in event["Records"]]
    assert all(isinstance(item, str) and item for item in reported)
    assert set(reported) <= set(ids)
    dead = {message.metadata["originalMessageId"]: message for message in dead_letters.messages}
    succeeded = {message_id for message_id in calls if message_id not in reported and message_id not in dead}
    for record in event["Records"]:
        message_id = record["messageId"]
        outcomes = [message_id in reported, message_id in dead, message_id in succeeded]
        assert sum(outcomes) == 1, (message_id, outcomes)
        errors = [line for line in lines if line["level"] == "ERROR" and line.get("message_id") == message_id]
        assert len(errors) == (0 if message_id in succeeded else 1), (message_id, errors)
        if message_id in dead:
            message = dead[message_id]
            assert message.metadata["errorType"]
            assert message.body == (record["body"] if isinstance(record.get("body"), str) else "")
            sent = _sent_binary(message)
            for name, value in (
                (record.get("messageAttributes") or {}).items()
                if isinstance(record.get("messageAttributes"), dict)
                else []
            ):
                if (
                    name != DEAD_LETTER_ATTRIBUTE
                    and isinstance(value, dict)
                    and "binaryValue" in value
                    and value["binaryValue"] != "not base64!"
                ):
                    assert sent[name] == base64.b64decode(value["binaryValue"])
