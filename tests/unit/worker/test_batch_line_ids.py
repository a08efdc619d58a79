"""The batch line lists each succeeded (and skipped) record compactly, so every outcome is findable by
message id and correlation id at INFO; long lists are chunked under CloudWatch's event limit."""

from __future__ import annotations

import json
from typing import Any

from queue_worker.batch_line import id_chunks
from queue_worker.dead_letter import DEAD_LETTER_ATTRIBUTE, signature
from queue_worker.log import logger
from tests.factories import sqs_event
from tests.unit.worker.fakes import CountdownClock, FakeDeadLetters
from tests.unit.worker.work_jobs import make_run, process, work


def test_succeeded_and_skipped_ids_ride_on_the_batch_line(lambda_context: Any, log_lines: Any) -> None:
    logger.setLevel("INFO")
    clock = CountdownClock(start_ms=2_500, step_ms=1_000)  # the third record is past the 1 s margin
    event = sqs_event(
        work("ok", message_id="a", receive_count=3),
        work("ok", message_id="b", correlation_id="order-7"),
        work("ok", message_id="c"),
    )
    process(make_run([], FakeDeadLetters(), remaining=clock), event, lambda_context)
    (summary,) = [line for line in log_lines() if line["message"] == "batch processed"]
    assert summary["succeeded_ids"] == ["a 3", "b 1 order-7"]
    assert summary["skipped_ids"] == ["c 1"]


def test_a_redriven_job_keeps_its_original_id_as_correlation_id(lambda_context: Any, log_lines: Any) -> None:
    logger.setLevel("INFO")
    # Given a redrive of a dead letter the worker signed (an unsigned one is not trusted: issue 13)
    key = b"k" * 32
    body = work("ok", message_id="redriven-id")["body"]
    metadata = {"originalMessageId": "first-id", "signature": signature(key, "first-id", body)}
    dead_letter = {"dataType": "String", "stringValue": json.dumps(metadata)}
    record = work("ok", message_id="redriven-id", extra_attributes={DEAD_LETTER_ATTRIBUTE: dead_letter})
    process(make_run([], FakeDeadLetters(), signing_key=key), sqs_event(record), lambda_context)
    (summary,) = [line for line in log_lines() if line["message"] == "batch processed"]
    assert summary["succeeded_ids"] == ["redriven-id 1 first-id"]


def test_long_id_lists_are_split_into_continued_lines() -> None:
    entries = [f"{n:036d} 1" for n in range(10_000)]  # a 10,000-record batch: ~420 KB of ids
    pieces = id_chunks(entries, ["s 1"])
    assert len(pieces) == 3
    assert [entry for piece in pieces for entry in piece.get("succeeded_ids", [])] == entries
    assert pieces[-1]["skipped_ids"] == ["s 1"]
    assert all(len(json.dumps(piece)) < 256 * 1024 - 4096 for piece in pieces)
