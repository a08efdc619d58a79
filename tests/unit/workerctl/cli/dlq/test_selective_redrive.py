"""Selective redrive on the in-memory SQS fake: each selection moves exactly its messages, the others
stay visible, a dry run moves nothing, and every move is audited."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.factories import envelope
from tests.unit.workerctl.fakes import FakeSqs
from workerctl.cli.dlq.audit import AuditTrail, read_audit_log
from workerctl.cli.dlq.selection import MOVED_BY_SQS, Selection
from workerctl.cli.dlq.selective import audit_row, redrive_selected
from workerctl.dlq.sqs_adapter import QueueRef, SqsQueues
from workerctl.errors import UserError

DLQ = QueueRef("http://localhost:4566/000000000000/app-jobs-dlq")
JOBS = QueueRef("http://localhost:4566/000000000000/app-jobs")
# two job types x three error types (two from the worker's metadata, one SQS move without any)
KINDS = [
    (job_type, error)
    for job_type in ("checksum", "fan_out")
    for error in ("InvalidPayloadError", "PermanentJobError", None)
]


def dead_letter(error: str, original: str, failed_at: str) -> dict[str, Any]:
    metadata = {"errorType": error, "errorMessage": "x", "originalMessageId": original, "failedAt": failed_at}
    return {"DeadLetter": {"DataType": "String", "StringValue": json.dumps(metadata)}}


@pytest.fixture
def fake() -> FakeSqs:
    """Two messages of each (type, error) kind, 12 in all; hour n of 2026-01-01 is message n's failure."""
    sqs = FakeSqs()
    for n, (job_type, error) in enumerate(KINDS * 2):
        corr = {"CorrelationId": {"DataType": "String", "StringValue": f"corr-{n % 3}"}}
        failed_at = f"2026-01-01T{n:02d}:00:00.000+00:00"
        attributes = {**corr, **(dead_letter(error, f"orig-{n}", failed_at) if error else {})}
        sent = {"SentTimestamp": str(int(datetime(2026, 1, 1, n, tzinfo=UTC).timestamp() * 1000))}
        sqs.put(DLQ.url, envelope(job_type, {"n": n}), attributes, sent)
    return sqs


def moved_numbers(fake: FakeSqs) -> list[int]:
    return sorted(json.loads(body)["payload"]["n"] for body in fake.bodies(JOBS.url))


def left_numbers(fake: FakeSqs) -> list[int]:
    return sorted(json.loads(body)["payload"]["n"] for body in fake.bodies(DLQ.url))


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        (Selection(job_types=frozenset({"fan_out"})), [3, 4, 5, 9, 10, 11]),
        (Selection(error_types=frozenset({"PermanentJobError"})), [1, 4, 7, 10]),
        (Selection(error_types=frozenset({MOVED_BY_SQS})), [2, 5, 8, 11]),
        (
            Selection(job_types=frozenset({"checksum"}), error_types=frozenset({"InvalidPayloadError"})),
            [0, 6],
        ),
        (Selection(message_ids=frozenset({"m3", "orig-7"})), [3, 7]),
        (Selection(correlation_ids=frozenset({"corr-1"})), [1, 4, 7, 10]),
        (
            Selection(since=datetime(2026, 1, 1, 3, tzinfo=UTC), until=datetime(2026, 1, 1, 6, tzinfo=UTC)),
            [3, 4, 5],
        ),
    ],
)
def test_each_selection_moves_exactly_its_messages(
    fake: FakeSqs, selection: Selection, expected: list[int]
) -> None:
    # When
    scan = redrive_selected(SqsQueues(fake), DLQ, JOBS, selection)  # type: ignore[arg-type]
    # Then exactly the selected ones moved; the rest are back in the DLQ, visible, none left hidden
    assert moved_numbers(fake) == expected
    assert left_numbers(fake) == sorted(set(range(12)) - set(expected))
    assert fake.hidden == {}
    assert len(scan.selected) == len(expected)
    assert scan.scanned == 12


def test_a_dry_run_lists_the_selection_and_moves_nothing(fake: FakeSqs) -> None:
    selection = Selection(job_types=frozenset({"checksum"}), error_types=frozenset({MOVED_BY_SQS}))
    scan = redrive_selected(SqsQueues(fake), DLQ, JOBS, selection, dry_run=True)  # type: ignore[arg-type]
    assert [row.message_id for row in scan.selected] == ["m2", "m8"]
    assert fake.bodies(JOBS.url) == []
    assert left_numbers(fake) == list(range(12))
    assert fake.hidden == {}


def test_max_stops_after_that_many_selected(fake: FakeSqs) -> None:
    selection = Selection(job_types=frozenset({"fan_out"}), max=2)
    redrive_selected(SqsQueues(fake), DLQ, JOBS, selection)  # type: ignore[arg-type]
    assert moved_numbers(fake) == [3, 4]
    assert len(fake.bodies(DLQ.url)) == 10
    assert fake.hidden == {}


def test_the_move_keeps_every_attribute_and_sends_before_it_deletes(fake: FakeSqs) -> None:
    order: list[str] = []
    fake.after_send = lambda: order.append("sent")
    original_delete = fake.delete_message_batch

    def delete(QueueUrl: str, Entries: list[dict[str, Any]]) -> dict[str, Any]:  # noqa: N803
        order.append("deleted")
        return original_delete(QueueUrl=QueueUrl, Entries=Entries)

    fake.delete_message_batch = delete  # type: ignore[method-assign]
    dlq_attributes = {m["MessageId"]: m.get("MessageAttributes") for m in fake.visible[DLQ.url]}
    redrive_selected(SqsQueues(fake), DLQ, JOBS, Selection(message_ids=frozenset({"m0"})))  # type: ignore[arg-type]
    assert order == ["sent", "deleted"]
    assert fake.visible[JOBS.url][0]["MessageAttributes"] == dlq_attributes["m0"]


def test_a_crash_between_send_and_delete_leaves_a_duplicate_never_a_loss(fake: FakeSqs) -> None:
    # Given a process that dies right after the send
    def crash(QueueUrl: str, Entries: list[dict[str, Any]]) -> dict[str, Any]:  # noqa: N803
        raise KeyboardInterrupt

    fake.delete_message_batch = crash  # type: ignore[method-assign]
    with pytest.raises(KeyboardInterrupt):
        redrive_selected(SqsQueues(fake), DLQ, JOBS, Selection(job_types=frozenset({"checksum"})))  # type: ignore[arg-type]
    # Then the sent copies are in the jobs queue and the originals still in the DLQ (hidden until their
    # hold runs out); the unselected ones were released at once
    assert moved_numbers(fake) == [0, 1, 2, 6, 7, 8]
    hidden = sorted(json.loads(m["Body"])["payload"]["n"] for m in fake.hidden.values())
    assert hidden == [0, 1, 2, 6, 7, 8]
    assert left_numbers(fake) == [3, 4, 5, 9, 10, 11]


def test_a_failed_send_releases_everything_and_says_so(fake: FakeSqs) -> None:
    fake.reject_bodies = {envelope("fan_out", {"n": 3})}
    with pytest.raises(UserError, match="could not be sent"):
        redrive_selected(SqsQueues(fake), DLQ, JOBS, Selection(job_types=frozenset({"fan_out"})))  # type: ignore[arg-type]
    assert moved_numbers(fake) == [4, 5, 9]  # the rest of that batch; nothing lost
    assert fake.hidden == {}
    assert len(fake.bodies(DLQ.url)) == 9
    assert envelope("fan_out", {"n": 3}) in fake.bodies(DLQ.url)


def test_rate_limits_the_moves(fake: FakeSqs) -> None:
    now = [0.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    selection = Selection(job_types=frozenset({"checksum"}))
    redrive_selected(SqsQueues(fake), DLQ, JOBS, selection, rate=2, clock=lambda: now[0], sleep=sleep)  # type: ignore[arg-type]
    assert moved_numbers(fake) == [0, 1, 2, 6, 7, 8]
    assert now[0] == pytest.approx(6 / 2)  # six messages at two a second


def test_every_move_writes_one_audit_line(
    fake: FakeSqs, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    selection = Selection(error_types=frozenset({"InvalidPayloadError"}))
    trail = AuditTrail(
        path=tmp_path / "audit.jsonl",
        who="os-user:ana",
        action="redrive",
        selection=selection.describe(),
        from_queue=DLQ.name,
        to_queue=JOBS.name,
        clock=lambda: datetime(2026, 5, 1, 3, 12, 9, tzinfo=UTC),
    )
    on_moved = lambda row, new_id: audit_row(trail, row, new_id)  # noqa: E731
    redrive_selected(SqsQueues(fake), DLQ, JOBS, selection, on_moved=on_moved)  # type: ignore[arg-type]
    lines = read_audit_log(tmp_path / "audit.jsonl")
    assert [(line["old_message_id"], line["original_message_id"]) for line in lines] == [
        ("m0", "orig-0"),
        ("m3", "orig-3"),
        ("m6", "orig-6"),
        ("m9", "orig-9"),
    ]
    assert {line["new_message_id"] for line in lines} == {m["MessageId"] for m in fake.visible[JOBS.url]}
    assert lines[0]["who"] == "os-user:ana"
    assert lines[0]["when"] == "2026-05-01T03:12:09.000Z"
    assert lines[0]["selection"] == {"error_type": ["InvalidPayloadError"]}
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "audit 2026-05-01T03:12:09.000Z who=os-user:ana action=redrive old=m0 "
        f"new={lines[0]['new_message_id']} "
        'original=orig-0 type=checksum selection={"error_type":["InvalidPayloadError"]}'
    )
