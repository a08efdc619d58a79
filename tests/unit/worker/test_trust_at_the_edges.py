"""Issue 13, worker side: forged dead-letter metadata, binary attributes, repeated dead letters,
malformed records, non-SQS events, FIFO detection, duplicates and timeout skips at the last receive."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from queue_worker.dead_letter import (
    DEAD_LETTER_ATTRIBUTE,
    dead_letter_message,
    folded_attributes,
    signature,
)
from queue_worker.errors import IdempotencyConflictError, InvalidEventError
from queue_worker.metrics import Outcome
from tests.factories import (
    as_lambda_attributes,
    binary_attribute,
    envelope,
    sqs_event,
    sqs_record,
    string_attribute,
)
from tests.unit.worker.fakes import CountdownClock, FakeDeadLetters, FakeVisibility, MemoryIdempotency
from tests.unit.worker.work_jobs import make_run, process, work

KEY = b"k" * 32
BYTES = bytes(range(256))


def metadata_of(message: Any) -> dict[str, Any]:
    return dict(json.loads(message.attributes[DEAD_LETTER_ATTRIBUTE]["StringValue"]))


def redriven(dead: Any, message_id: str, **kwargs: Any) -> dict[str, Any]:
    """The record Lambda delivers for a dead letter moved back to the jobs queue."""
    return sqs_record(
        dead.body, message_id=message_id, extra_attributes=as_lambda_attributes(dead.attributes), **kwargs
    )


def forged(body: str, message_id: str, claimed: str, signed: str | None = None) -> dict[str, Any]:
    metadata: dict[str, Any] = {"originalMessageId": claimed, "errorType": "X"}
    if signed is not None:
        metadata["signature"] = signed
    return sqs_record(
        body,
        message_id=message_id,
        extra_attributes={DEAD_LETTER_ATTRIBUTE: string_attribute(json.dumps(metadata))},
    )


# --- a producer-supplied DeadLetter never makes a job skip ---------------------------------------


def test_a_forged_dead_letter_naming_another_job_does_not_skip_the_job(
    lambda_context: Any, log_lines: Any
) -> None:
    calls: list[str] = []
    guard = MemoryIdempotency()
    run = make_run(calls, FakeDeadLetters(), idempotency=guard, signing_key=KEY)
    body = envelope("work", {"outcome": "ok"})
    assert process(run, sqs_event(sqs_record(body, message_id="victim")), lambda_context) == []
    attacks = [
        forged(body, "attack-1", "victim"),  # no signature at all
        forged(body, "attack-2", "victim", signature(b"x" * 32, "victim", body)),  # another key
        forged(body, "attack-3", "victim", signature(KEY, "victim", body + " ")),  # another body
        forged(body, "attack-4", "victim", "hmac-sha256:" + "0" * 64),
        forged(body, "attack-5", "victim", "\ud800"),  # not even encodable
    ]
    failed = process(
        make_run(calls, FakeDeadLetters(), idempotency=guard, signing_key=KEY),
        sqs_event(*attacks),
        lambda_context,
    )
    assert failed == []
    assert calls == ["victim", "attack-1", "attack-2", "attack-3", "attack-4", "attack-5"]  # every job ran
    warnings = [
        line for line in log_lines() if line["message"].startswith("DeadLetter attribute not verified")
    ]
    assert [line["message_id"] for line in warnings] == [f"attack-{i}" for i in range(1, 6)]
    assert {line["level"] for line in warnings} == {"WARNING"}


def test_without_a_key_no_dead_letter_is_trusted(lambda_context: Any) -> None:
    calls: list[str] = []
    body = envelope("work", {"outcome": "ok"})
    record = forged(body, "m-2", "m-1", signature(KEY, "m-1", body))
    process(make_run(calls, FakeDeadLetters(), signing_key=None), sqs_event(record), lambda_context)
    assert calls == ["m-2"]


def test_a_signed_redrive_keeps_the_first_id_so_a_finished_job_is_not_repeated(lambda_context: Any) -> None:
    calls: list[str] = []
    guard, dlq = MemoryIdempotency(), FakeDeadLetters()
    first = work("permanent", message_id="first")
    process(make_run(calls, dlq, idempotency=guard, signing_key=KEY), sqs_event(first), lambda_context)
    (dead,) = dlq.messages
    assert metadata_of(dead)["signature"] == signature(KEY, "first", first["body"])
    again = redriven(dead, "after-redrive")
    process(make_run(calls, dlq, idempotency=guard, signing_key=KEY), sqs_event(again), lambda_context)
    assert calls == ["first", "first"]  # the job's id is the first delivery's


def test_a_second_dead_lettering_keeps_the_first_original_id_and_replaces_the_attribute(
    lambda_context: Any,
) -> None:
    dlq = FakeDeadLetters()
    originals = {f"a{i}": string_attribute(str(i)) for i in range(9)}
    first = work("permanent", message_id="first", extra_attributes=originals, receive_count=1)
    run = make_run([], dlq, signing_key=KEY)
    process(run, sqs_event(first), lambda_context)
    process(
        make_run([], dlq, signing_key=KEY),
        sqs_event(redriven(dlq.messages[0], "second", receive_count=1)),
        lambda_context,
    )
    process(make_run([], dlq, signing_key=KEY), sqs_event(redriven(dlq.messages[1], "third")), lambda_context)
    assert [metadata_of(m)["originalMessageId"] for m in dlq.messages] == ["first", "first", "first"]
    last = dlq.messages[2]
    assert sorted(last.attributes) == sorted([*originals, DEAD_LETTER_ATTRIBUTE])  # 9 + ours: nothing folded
    assert "originalAttributes" not in metadata_of(last)
    assert last.body == first["body"]


def test_an_unverified_dead_letter_is_not_the_source_of_the_next_original_id() -> None:
    body = envelope("work", {"outcome": "permanent"})
    message = dead_letter_message(
        forged(body, "own-id", "someone-else"), ValueError("x"), datetime.now(UTC), signing_key=KEY
    )
    assert message.metadata["originalMessageId"] == "own-id"


# --- binary attributes byte for byte -----------------------------------------------------------------


def test_binary_attributes_reach_the_dlq_as_the_producers_bytes(lambda_context: Any) -> None:
    dlq = FakeDeadLetters()
    record = work(
        "permanent", extra_attributes={"blob": binary_attribute(BYTES), "text": string_attribute("é")}
    )
    process(make_run([], dlq), sqs_event(record), lambda_context)
    (message,) = dlq.messages
    assert message.attributes["blob"] == {"DataType": "Binary", "BinaryValue": BYTES}
    assert message.attributes["text"] == {"DataType": "String", "StringValue": "é"}


def test_ten_attributes_fold_with_binary_as_base64_and_unfold_to_the_bytes() -> None:
    attributes = {f"s{i}": string_attribute(str(i)) for i in range(9)} | {"blob": binary_attribute(BYTES)}
    message = dead_letter_message(sqs_record(extra_attributes=attributes), ValueError("x"), datetime.now(UTC))
    assert list(message.attributes) == [DEAD_LETTER_ATTRIBUTE]
    restored = folded_attributes(message.metadata)
    assert restored["blob"] == {"DataType": "Binary", "BinaryValue": BYTES}
    assert restored["s3"] == {"DataType": "String", "StringValue": "3"}
    assert len(restored) == 10


# --- malformed record fields ---------------------------------------------------------------------


def _set(path: tuple[str, ...], value: Any) -> Any:
    """A change to a record: set (or, with ``...``, delete) the value at ``path``."""

    def change(record: dict[str, Any]) -> None:
        *parents, last = path
        target = record
        for key in parents:
            target = target[key]
        if value is ...:
            del target[last]
        else:
            target[last] = value

    return change


MALFORMATIONS = {
    "no attributes": _set(("attributes",), ...),
    "no messageAttributes": _set(("messageAttributes",), ...),
    "receive count missing": _set(("attributes", "ApproximateReceiveCount"), ...),
    "receive count not a number": _set(("attributes", "ApproximateReceiveCount"), "three"),
    "receive count unicode digit": _set(("attributes", "ApproximateReceiveCount"), "²"),
    "no SentTimestamp": _set(("attributes", "SentTimestamp"), ...),
    "attributes not an object": _set(("attributes",), ["ApproximateReceiveCount"]),
    "an attribute not an object": _set(
        ("messageAttributes",), {"CorrelationId": "plain text", "ok": string_attribute("v")}
    ),
    "messageAttributes a list": _set(("messageAttributes",), [1, 2]),
    "no receiptHandle": _set(("receiptHandle",), ...),
}
MALFORMED = sorted(MALFORMATIONS)


def _malformed(record: dict[str, Any], field: str) -> dict[str, Any]:
    MALFORMATIONS[field](record)
    return record


@pytest.mark.parametrize("field", MALFORMED)
def test_a_malformed_record_is_processed_with_the_documented_defaults(
    field: str, lambda_context: Any
) -> None:
    calls: list[str] = []
    visibility = FakeVisibility()
    event = sqs_event(
        _malformed(work("ok", message_id="ok"), field), _malformed(work("transient", message_id="t"), field)
    )
    assert process(make_run(calls, FakeDeadLetters(), visibility), event, lambda_context) == ["t"]
    assert calls == ["ok", "t"]
    if field != "no receiptHandle":
        assert visibility.changes == {"rh-t": 10}  # receive count 1 (the default when malformed)


@pytest.mark.parametrize("field", MALFORMED)
def test_a_malformed_permanent_failure_is_dead_lettered_with_its_reason(
    field: str, lambda_context: Any
) -> None:
    dlq = FakeDeadLetters()
    assert (
        process(
            make_run([], dlq), sqs_event(_malformed(work("permanent", message_id="p"), field)), lambda_context
        )
        == []
    )
    (message,) = dlq.messages
    assert metadata_of(message)["errorType"] == "PermanentJobError"
    assert metadata_of(message)["originalMessageId"] == "p"
    if field.startswith("receive count") or field in {"no attributes", "attributes not an object"}:
        assert metadata_of(message)["receiveCount"] == 1
    if field == "an attribute not an object":
        assert metadata_of(message)["droppedAttributes"] == ["CorrelationId"]
        assert message.attributes["ok"] == {"DataType": "String", "StringValue": "v"}


@pytest.mark.parametrize("body", [None, 42, {"type": "work"}])
def test_a_record_without_a_text_body_is_dead_lettered(
    body: Any, lambda_context: Any, log_lines: Any
) -> None:
    record = work("ok", message_id="nb")
    if body is None:
        del record["body"]
    else:
        record["body"] = body
    dlq = FakeDeadLetters()
    assert process(make_run([], dlq), sqs_event(record), lambda_context) == []
    assert metadata_of(dlq.messages[0])["errorMessage"] == "the record has no text body"
    assert [line["message_id"] for line in log_lines() if line["level"] == "ERROR"] == ["nb"]


# --- events that are not SQS batches -----------------------------------------------------------------

S3_EVENT = {"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put", "s3": {}}]}
SNS_EVENT = {"Records": [{"EventSource": "aws:sns", "Sns": {"Message": "hi"}}]}


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        ({}, "got an object without Records"),
        ([], "got list"),
        ("text", "got str"),
        ({"Records": []}, "got an object without Records"),
        ({"Records": "x"}, "got an object without Records"),
        (S3_EVENT, "comes from 'aws:s3'"),
        (SNS_EVENT, "record 0 has no usable messageId"),
        ({"Records": [sqs_record(message_id="a"), 7]}, "record 1 is not an object"),
        ({"Records": [{**sqs_record(), "messageId": ""}]}, "record 0 has no usable messageId"),
        ({"Records": [{**sqs_record(), "messageId": None}]}, "record 0 has no usable messageId"),
    ],
)
def test_an_event_that_is_not_an_sqs_batch_fails_with_one_clear_error(
    event: Any, reason: str, lambda_context: Any, log_lines: Any
) -> None:
    with pytest.raises(InvalidEventError, match="not an SQS batch event") as raised:
        process(make_run([]), event, lambda_context)
    assert reason in str(raised.value)


def test_a_batch_mixing_fifo_and_standard_records_is_refused(lambda_context: Any) -> None:
    event = sqs_event(work("ok", message_id="s"), work("ok", message_id="f", group_id="g"))
    with pytest.raises(InvalidEventError, match="mixes FIFO and standard"):
        process(make_run([]), event, lambda_context)


def test_fifo_is_detected_from_every_record_not_only_the_first(lambda_context: Any) -> None:
    calls: list[str] = []
    first = work("transient", message_id="f1", group_id="g")
    del first["eventSourceARN"]  # the first record names no source: the others decide
    event = sqs_event(first, work("ok", message_id="f2", group_id="g"))
    assert process(make_run(calls, FakeDeadLetters()), event, lambda_context) == ["f1", "f2"]
    assert calls == ["f1"]  # FIFO: stopped at the first failure, f2 held back


def test_fifo_records_held_back_each_get_one_error_line(lambda_context: Any, log_lines: Any) -> None:
    event = sqs_event(
        *(
            work(kind, message_id=f"f{i}", group_id="g")
            for i, kind in enumerate(["ok", "transient", "ok", "ok"])
        )
    )
    assert process(make_run([], FakeDeadLetters()), event, lambda_context) == ["f1", "f2", "f3"]
    errors = [line for line in log_lines() if line["level"] == "ERROR"]
    assert sorted(line["message_id"] for line in errors) == ["f1", "f2", "f3"]
    assert {line["message"] for line in errors if line["message_id"] != "f1"} == {
        "record not processed: an earlier record of its FIFO batch failed"
    }


# --- duplicates, payload conflicts -------------------------------------------------------------------


def test_a_dead_lettered_message_delivered_again_is_a_duplicate_not_a_second_dead_letter(
    lambda_context: Any, log_lines: Any
) -> None:
    guard, dlq = MemoryIdempotency(), FakeDeadLetters()
    record = work("permanent", message_id="p")
    first, second = make_run([], dlq, idempotency=guard), make_run([], dlq, idempotency=guard)
    assert process(first, sqs_event(record), lambda_context) == []
    assert process(second, sqs_event(record), lambda_context) == []
    assert len(dlq.messages) == 1
    assert first.metrics.outcomes[Outcome.DEAD_LETTERED] == 1
    assert (
        second.metrics.outcomes[Outcome.DEAD_LETTERED],
        second.metrics.outcomes[Outcome.DUPLICATE_DEAD_LETTER],
    ) == (0, 1)
    errors = [line for line in log_lines() if line["level"] == "ERROR"]
    assert [(line["message_id"], line["message"]) for line in errors] == [
        ("p", "job failed permanently; sent to the dead-letter queue"),
        ("p", "job failed permanently; a duplicate delivery, already dead-lettered"),
    ]


def test_the_same_key_with_another_payload_is_dead_lettered_as_a_conflict(lambda_context: Any) -> None:
    guard, dlq, calls = MemoryIdempotency(), FakeDeadLetters(), []
    guard("work:m-1", lambda: "stored result of another job", {"outcome": "other"})
    assert (
        process(
            make_run(calls, dlq, idempotency=guard), sqs_event(work("ok", message_id="m-1")), lambda_context
        )
        == []
    )
    assert calls == []  # never another job's result: the job is refused
    assert metadata_of(dlq.messages[0])["errorType"] == IdempotencyConflictError.__name__


# --- timeout skips never dead-letter a job on their own ------------------------------------------


def test_a_skip_at_the_last_receive_re_enqueues_the_record_with_its_identity(lambda_context: Any) -> None:
    requeue, visibility, calls = FakeDeadLetters(), FakeVisibility(), []
    event = sqs_event(
        work("ok", message_id="m0", receive_count=5),
        work("ok", message_id="last", receive_count=5, extra_attributes={"blob": binary_attribute(BYTES)}),
        work("ok", message_id="early", receive_count=4),
    )
    clock = CountdownClock(start_ms=1_500, step_ms=1_000)  # only the first record starts
    run = make_run(
        calls, FakeDeadLetters(), visibility, clock, requeue=requeue, signing_key=KEY, max_receive_count=5
    )
    assert process(run, event, lambda_context) == ["early"]  # "last" is handled: its copy is queued
    assert calls == ["m0"]
    (copy,) = requeue.messages
    assert copy.body == event["Records"][1]["body"]
    assert copy.attributes["blob"] == {"DataType": "Binary", "BinaryValue": BYTES}
    assert metadata_of(copy)["originalMessageId"] == "last"
    assert visibility.changes == {"rh-early": 0}
    assert (run.metrics.outcomes[Outcome.REQUEUED], run.metrics.outcomes[Outcome.SKIPPED_BY_TIMEOUT]) == (
        1,
        1,
    )
    # The copy is delivered with a fresh receive count and runs under the original id.
    later: list[str] = []
    again = redriven(copy, "copy-id")
    assert (
        process(make_run(later, signing_key=KEY, max_receive_count=5), sqs_event(again), lambda_context) == []
    )
    assert later == ["last"]


def test_a_record_is_never_dead_lettered_by_timeout_skips_alone(lambda_context: Any) -> None:
    """Simulate SQS: each skip costs a receive; after maxReceiveCount receives SQS would move it."""
    max_receive = 5
    requeue = FakeDeadLetters()
    record = work("ok", message_id="m")
    for receive in range(1, max_receive + 1):
        record["attributes"]["ApproximateReceiveCount"] = str(receive)
        run = make_run(
            [],
            FakeDeadLetters(),
            remaining=lambda: 0,
            requeue=requeue,
            signing_key=KEY,
            max_receive_count=max_receive,
        )
        failed = process(run, sqs_event(record), lambda_context)
        if receive < max_receive:
            assert failed == ["m"]  # skipped: back to the queue, one receive spent
        else:
            assert failed == []  # the last receive: re-enqueued, so SQS never moves it to the DLQ
    assert len(requeue.messages) == 1


def test_fifo_records_at_the_last_receive_are_skipped_not_reordered(lambda_context: Any) -> None:
    requeue = FakeDeadLetters()
    record = work("ok", message_id="f", group_id="g", receive_count=5)
    run = make_run([], FakeDeadLetters(), remaining=lambda: 0, requeue=requeue, max_receive_count=5)
    assert process(run, sqs_event(record), lambda_context) == ["f"]
    assert requeue.messages == []


def test_a_failed_re_enqueue_falls_back_to_the_plain_skip(lambda_context: Any) -> None:
    visibility = FakeVisibility()
    run = make_run(
        [], FakeDeadLetters(), visibility, lambda: 0, requeue=FakeDeadLetters(fail=True), max_receive_count=5
    )
    assert process(run, sqs_event(work("ok", message_id="m", receive_count=5)), lambda_context) == ["m"]
    assert visibility.changes == {"rh-m": 0}


def test_every_skipped_record_has_one_error_line(lambda_context: Any, log_lines: Any) -> None:
    event = sqs_event(*(work("ok", message_id=f"m{i}") for i in range(3)))
    process(make_run([], FakeDeadLetters(), remaining=lambda: 0), event, lambda_context)
    errors = [line for line in log_lines() if line["level"] == "ERROR"]
    assert [line["message_id"] for line in errors] == ["m0", "m1", "m2"]
