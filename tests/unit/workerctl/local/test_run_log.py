"""The run log ``workerctl trace`` reads locally: worker JSON lines kept (EMF left out), one ``received``
document per delivered record, truncated at each start, unreadable lines skipped on reading."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.factories import as_lambda_attributes, sqs_event, sqs_record
from workerctl.local.run_log import RunLog, read_run_log

NOW = datetime(2026, 5, 1, 3, 0, 1, 500_000, tzinfo=UTC)
SENT_MS = int(datetime(2026, 5, 1, 3, tzinfo=UTC).timestamp() * 1000)


def run_log(tmp_path: Path) -> RunLog:
    return RunLog(tmp_path / "logs" / "run-log.jsonl", clock=lambda: NOW)


def test_a_start_truncates_the_log_and_creates_its_folder(tmp_path: Path) -> None:
    path = tmp_path / "logs" / "run-log.jsonl"
    path.parent.mkdir()
    path.write_text('{"old": "run"}\n')
    log = run_log(tmp_path)
    assert log.path == path
    assert path.read_text() == ""


def test_only_json_log_documents_are_kept(tmp_path: Path) -> None:
    log = run_log(tmp_path)
    kept = '{"level": "INFO", "message": "batch processed"}'
    for line in (kept, "START RequestId: 1", '{"_aws": {"CloudWatchMetrics": []}}', "{not json", "[1, 2]"):
        log.function_line(line)
    assert list(read_run_log(log.path)) == [json.loads(kept)]


def test_each_delivered_record_is_one_received_document(tmp_path: Path) -> None:
    # Given a batch: a first delivery with a correlation id, and a redriven copy of another job
    log = run_log(tmp_path)
    first = sqs_record(message_id="m-1", correlation_id="order-7", receive_count=2, sent_timestamp_ms=SENT_MS)
    dead_letter = {
        "DeadLetter": {"DataType": "String", "StringValue": json.dumps({"originalMessageId": "m-0"})}
    }
    redriven = sqs_record(
        message_id="m-9", extra_attributes=as_lambda_attributes(dead_letter), sent_timestamp_ms=SENT_MS
    )
    invoked: list[dict[str, Any]] = []
    # When the pool's invoke is wrapped and called
    answer = log.delivering(lambda event: invoked.append(event) or "done")(sqs_event(first, redriven))
    # Then the records were logged, then delivered
    assert answer == "done"
    assert len(invoked) == 1
    documents = list(read_run_log(log.path))
    assert documents == [
        {
            "kind": "received",
            "timestamp": "2026-05-01T03:00:01.500+00:00",
            "message_id": "m-1",
            "original_message_id": "m-1",
            "correlation_id": "order-7",
            "receive_count": 2,
            "sent_at": "2026-05-01T03:00:00.000+00:00",
        },
        {
            "kind": "received",
            "timestamp": "2026-05-01T03:00:01.500+00:00",
            "message_id": "m-9",
            "original_message_id": "m-0",
            "correlation_id": "m-0",
            "receive_count": 1,
            "sent_at": "2026-05-01T03:00:00.000+00:00",
        },
    ]


def test_a_record_without_a_sent_time_has_none_and_an_empty_event_writes_nothing(tmp_path: Path) -> None:
    log = run_log(tmp_path)
    log.received(sqs_event())
    assert log.path.read_text() == ""
    record = sqs_record(message_id="m-2")
    del record["attributes"]["SentTimestamp"]
    log.received(sqs_event(record))
    (document,) = read_run_log(log.path)
    assert document["sent_at"] is None


def test_reading_skips_lines_that_are_not_json_objects(tmp_path: Path) -> None:
    path = tmp_path / "run-log.jsonl"
    path.write_text('{"a": 1}\nnot json\n[1]\n{"b": 2}\n{"cut sh')
    assert list(read_run_log(path)) == [{"a": 1}, {"b": 2}]
