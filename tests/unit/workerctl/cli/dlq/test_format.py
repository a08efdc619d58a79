"""What `dlq inspect` shows: one row per message, the worker's DeadLetter metadata, SQS moves."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from queue_worker.dead_letter import dead_letter_message
from tests.factories import envelope, sqs_record
from workerctl.cli.dlq.display import format_table, format_task
from workerctl.dlq.inspection import Inspected, describe, job_type
from workerctl.dlq.sqs_adapter import Received

SENT_MS = 1_795_464_000_000  # 2026-11-23T16:00:00Z


def received(body: str = "plain", attributes: dict[str, Any] | None = None, **system: str) -> Received:
    return Received(
        message_id="m-1",
        receipt_handle="rh",
        body=body,
        attributes={"SentTimestamp": str(SENT_MS), "ApproximateReceiveCount": "3", **system},
        message_attributes=attributes or {},
    )


def test_the_workers_dead_letter_metadata_is_shown() -> None:
    # Given a DLQ message exactly as the worker builds it
    record = sqs_record(envelope("checksum"), message_id="orig-1", receive_count=2)
    sent = dead_letter_message(record, ValueError("bad text"), datetime(2026, 11, 23, tzinfo=UTC))
    # When
    row = describe(received(sent.body, sent.attributes))
    # Then
    assert row.job_type == "checksum"
    assert row.error == "ValueError: bad text"
    assert row.receive_count == 2
    assert row.dead_letter is not None
    assert row.dead_letter["originalMessageId"] == "orig-1"
    assert row.sent_at == datetime.fromtimestamp(SENT_MS / 1000, UTC).isoformat(timespec="seconds")
    assert row.correlation_id == "orig-1"  # what the worker logged: the first delivery's message id


def test_correlation_id_follows_the_workers_rule() -> None:
    record = sqs_record(message_id="orig-2", correlation_id="corr-2")
    sent = dead_letter_message(record, ValueError("x"), datetime(2026, 11, 23, tzinfo=UTC))
    assert describe(received(sent.body, sent.attributes)).correlation_id == "corr-2"
    trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
    assert describe(received(AWSTraceHeader=trace)).correlation_id == "1-5759e988-bd862e3fe1be46a994272793"
    assert describe(received()).correlation_id == "m-1"


def test_a_message_moved_by_sqs_says_so_with_the_max_receive_count() -> None:
    row = describe(received(), max_receive_count=5)
    assert (row.error, row.receive_count, row.dead_letter) == ("moved by SQS after 5 receives", 5, None)


def test_without_the_source_policy_the_count_excludes_this_inspection() -> None:
    assert describe(received()).error == "moved by SQS after 2 receives"
    assert describe(received(ApproximateReceiveCount="2")).error == "moved by SQS after 1 receive"


def test_a_broken_dead_letter_attribute_counts_as_moved_by_sqs() -> None:
    broken = {"DeadLetter": {"DataType": "String", "StringValue": "{not json"}}
    assert describe(received(attributes=broken)).error.startswith("moved by SQS")


def test_job_type_only_from_an_envelope() -> None:
    assert job_type(envelope("resize")) == "resize"
    assert job_type(json.dumps({"type": "x"})) is None
    assert job_type(json.dumps([1, 2])) is None
    assert job_type("not json") is None


def test_table_has_a_header_and_one_aligned_line_per_message() -> None:
    rows = [
        Inspected("id-1", "2026-11-23T16:00:00+00:00", 5, "checksum", "moved by SQS after 5 receives"),
        Inspected("id-2", None, 1, None, "ValueError: line one\nline two " + "x" * 200),
    ]
    lines = format_table(rows).splitlines()
    assert lines[0].split() == ["MESSAGE", "ID", "SENT", "(UTC)", "RECEIVES", "TYPE", "ERROR"]
    assert len(lines) == 3
    assert lines[1].split()[:4] == ["id-1", "2026-11-23T16:00:00+00:00", "5", "checksum"]
    assert lines[2].split()[:4] == ["id-2", "-", "1", "-"]
    assert "line one line two" in lines[2]
    assert lines[2].endswith("…")
    assert lines[1].index("checksum") == lines[0].index("TYPE")


def test_task_line_without_optional_fields() -> None:
    assert format_task({"Status": "COMPLETED", "ApproximateNumberOfMessagesMoved": 3}) == (
        "COMPLETED: moved 3 of ?, rate auto/s, started ?"
    )
