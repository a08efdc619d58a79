"""Envelope validation and correlation-id selection."""

from __future__ import annotations

import pytest
from aws_lambda_powertools.utilities.batch import process_partial_response

from queue_worker.batch_run import BatchRun, WorkerDependencies
from queue_worker.correlation import correlation_id_for, xray_root
from queue_worker.envelope import parse_envelope
from queue_worker.errors import InvalidEnvelopeError
from queue_worker.processor_choice import processor_for
from queue_worker.registry import JobRegistry, run_directly
from tests.factories import envelope, sqs_event, sqs_record, string_attribute
from tests.unit.worker.fakes import FakeDeadLetters

TRACE = "Root=1-691f3c2a-4f1e2d3c4b5a69788796a5b4;Parent=53995c3f42cd8ad8;Sampled=1"


def test_a_valid_envelope_parses_type_and_payload() -> None:
    parsed = parse_envelope(envelope("checksum", {"text": "x"}))
    assert (parsed.type, parsed.payload) == ("checksum", {"text": "x"})


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("not json", "<body>"),
        ("[1, 2]", "<body>"),
        ('{"payload": {}}', "type"),
        ('{"type": "", "payload": {}}', "type"),
        ('{"type": "a", "payload": {}, "extra": 1}', "extra"),
        ('{"type": "white space", "payload": {}}', "type"),
    ],
)
def test_a_malformed_body_is_a_permanent_invalid_envelope_error(body: str, fragment: str) -> None:
    with pytest.raises(InvalidEnvelopeError, match=fragment):
        parse_envelope(body)


def test_the_error_message_is_bounded_and_never_echoes_the_body() -> None:
    huge = '{"type": "a", ' + ", ".join(f'"k{i}": "{"x" * 50}"' for i in range(200)) + "}"
    with pytest.raises(InvalidEnvelopeError) as info:
        parse_envelope(huge)
    assert len(str(info.value)) <= 300
    assert "xxxxxxxxxx" not in str(info.value)


def test_log_lines_label_the_job_type_even_of_invalid_bodies(lambda_context, log_lines) -> None:
    # The label is chosen where the body is parsed (once): BatchRun.handle.
    run = BatchRun(
        deps=WorkerDependencies(
            registry=JobRegistry(), idempotency=run_directly, dead_letters=FakeDeadLetters()
        ),
        remaining_ms=lambda: 60_000,
        margin_ms=0,
        backoff_seconds=lambda n: 0,
    )
    event = sqs_event(
        sqs_record(envelope("fan_out", {"jobs": []}), message_id="a"), sqs_record("{oops", message_id="b")
    )
    process_partial_response(event, run.handle, processor_for(event), lambda_context)
    job_type = {line["message_id"]: line["job_type"] for line in log_lines() if "message_id" in line}
    assert job_type["a"] == "fan_out"
    assert job_type["b"] == "<invalid-envelope>"


def test_correlation_attribute_wins_over_trace_header_and_message_id() -> None:
    record = sqs_record(message_id="m-1", correlation_id="order-1", trace_header=TRACE)
    assert correlation_id_for(record) == "order-1"


def test_trace_root_is_used_when_there_is_no_correlation_attribute() -> None:
    record = sqs_record(message_id="m-1", trace_header=TRACE)
    assert correlation_id_for(record) == "1-691f3c2a-4f1e2d3c4b5a69788796a5b4"


def test_message_id_is_the_last_resort() -> None:
    blank = sqs_record(message_id="m-2", extra_attributes={"CorrelationId": string_attribute("  ")})
    assert correlation_id_for(blank) == "m-2"
    assert correlation_id_for(sqs_record(message_id="m-3", trace_header="Parent=1;Sampled=0")) == "m-3"


def test_xray_root_parses_only_the_root_field() -> None:
    assert xray_root(TRACE) == "1-691f3c2a-4f1e2d3c4b5a69788796a5b4"
    assert xray_root(None) is None
    assert xray_root("Root=") is None
