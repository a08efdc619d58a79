"""Client-side redrive (receive → send → delete) on an in-memory SQS fake: rate, progress, failures."""

# ruff: noqa: N803 - the fake takes boto3's keyword names (QueueUrl, Entries, ...)

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from workerctl.cli.dlq.inspection import sample
from workerctl.cli.dlq.redrive import redrive_locally
from workerctl.cli.dlq.sqs_adapter import QueueRef, SqsQueues
from workerctl.errors import UserError

DLQ = QueueRef("http://localhost:4566/000000000000/app-jobs-dlq")
JOBS = QueueRef("http://localhost:4566/000000000000/app-jobs")


class FakeSqs:
    """Just enough SQS: visible/hidden messages per queue URL, batch send/delete/visibility."""

    def __init__(self) -> None:
        self.visible: dict[str, list[dict[str, Any]]] = {DLQ.url: [], JOBS.url: []}
        self.hidden: dict[str, dict[str, Any]] = {}
        self.reject_bodies: set[str] = set()
        self.after_send: Callable[[], None] = lambda: None
        self.receives: list[int] = []
        self._ids = 0

    def put(self, url: str, body: str) -> None:
        self._ids += 1
        self.visible[url].append({"MessageId": f"m-{self._ids}", "Body": body, "Attributes": {}})

    def get_queue_attributes(self, QueueUrl: str, AttributeNames: list[str]) -> dict[str, Any]:
        return {"Attributes": {"ApproximateNumberOfMessages": str(len(self.visible[QueueUrl]))}}

    def receive_message(self, QueueUrl: str, MaxNumberOfMessages: int, **_: Any) -> dict[str, Any]:
        taken = self.visible[QueueUrl][:MaxNumberOfMessages]
        del self.visible[QueueUrl][:MaxNumberOfMessages]
        self.receives.append(len(taken))
        for message in taken:
            message["ReceiptHandle"] = f"rh-{message['MessageId']}-{len(self.receives)}"
            self.hidden[message["ReceiptHandle"]] = {**message, "url": QueueUrl}
        return {"Messages": [dict(message) for message in taken]}

    def send_message_batch(self, QueueUrl: str, Entries: list[dict[str, Any]]) -> dict[str, Any]:
        ok = [entry for entry in Entries if entry["MessageBody"] not in self.reject_bodies]
        for entry in ok:
            self.put(QueueUrl, entry["MessageBody"])
        self.after_send()
        failed = [e for e in Entries if e not in ok]
        return {
            "Successful": [{"Id": e["Id"]} for e in ok],
            "Failed": [{"Id": e["Id"], "Code": "InvalidMessageContents", "Message": "nope"} for e in failed],
        }

    def delete_message_batch(self, QueueUrl: str, Entries: list[dict[str, Any]]) -> dict[str, Any]:
        for entry in Entries:
            del self.hidden[entry["ReceiptHandle"]]
        return {"Successful": [{"Id": entry["Id"]} for entry in Entries]}

    def change_message_visibility_batch(self, QueueUrl: str, Entries: list[dict[str, Any]]) -> dict[str, Any]:
        for entry in Entries:
            message = self.hidden.pop(entry["ReceiptHandle"])
            self.visible[message.pop("url")].append(message)
        return {"Successful": [{"Id": entry["Id"]} for entry in Entries]}

    def bodies(self, queue: QueueRef) -> list[str]:
        return [message["Body"] for message in self.visible[queue.url]]


class ManualClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake() -> FakeSqs:
    sqs = FakeSqs()
    for n in range(25):
        sqs.put(DLQ.url, f"job-{n}")
    return sqs


def test_moves_everything_in_batches_of_ten_and_reports_progress(fake: FakeSqs) -> None:
    progress: list[int] = []
    moved = redrive_locally(SqsQueues(fake), DLQ, JOBS, progress=progress.append)  # type: ignore[arg-type]
    assert moved == 25
    assert progress == [10, 20, 25]
    assert fake.bodies(JOBS) == [f"job-{n}" for n in range(25)]
    assert fake.bodies(DLQ) == []
    assert fake.hidden == {}


def test_rate_spaces_the_batches(fake: FakeSqs) -> None:
    clock = ManualClock()
    moved = redrive_locally(
        SqsQueues(fake),  # type: ignore[arg-type]
        DLQ,
        JOBS,
        rate=4,
        clock=clock,
        sleep=clock.sleep,
    )
    assert moved == 25
    assert set(fake.receives) == {4, 1}  # never more than the rate per batch
    assert clock.now - 100.0 == pytest.approx(25 / 4)  # 25 messages at 4/s
    assert max(clock.sleeps) <= 1.0


def test_max_limits_the_move(fake: FakeSqs) -> None:
    assert redrive_locally(SqsQueues(fake), DLQ, JOBS, limit=12) == 12  # type: ignore[arg-type]
    assert len(fake.bodies(JOBS)) == 12
    assert len(fake.bodies(DLQ)) == 13


def test_messages_that_come_back_during_the_run_are_not_redriven_again(fake: FakeSqs) -> None:
    # Given a worker that dead-letters one message again while the redrive runs
    fake.after_send = lambda: (
        fake.put(DLQ.url, "failed-again") if "failed-again" not in fake.bodies(DLQ) else None
    )
    # When
    moved = redrive_locally(SqsQueues(fake), DLQ, JOBS)  # type: ignore[arg-type]
    # Then only the 25 present at the start moved; the newcomer waits for the next run
    assert moved == 25
    assert fake.bodies(DLQ) == ["failed-again"]


def test_a_failed_send_keeps_the_message_in_the_dlq(fake: FakeSqs) -> None:
    fake.reject_bodies = {"job-13"}
    with pytest.raises(UserError) as raised:
        redrive_locally(SqsQueues(fake), DLQ, JOBS)  # type: ignore[arg-type]
    assert "1 message(s) could not be sent to app-jobs (InvalidMessageContents: nope)" in str(raised.value)
    assert "19 moved" in str(raised.value)
    # nothing lost, nothing duplicated, nothing left hidden
    assert sorted(fake.bodies(JOBS) + fake.bodies(DLQ)) == sorted(f"job-{n}" for n in range(25))
    assert "job-13" in fake.bodies(DLQ)
    assert fake.hidden == {}


def test_sample_makes_every_received_message_visible_again(fake: FakeSqs) -> None:
    queues = SqsQueues(fake)  # type: ignore[arg-type]
    messages = sample(queues, DLQ, limit=12, visible=queues.counts(DLQ)[0])
    assert [m.body for m in messages] == [f"job-{n}" for n in range(12)]
    assert fake.receives == [10, 2]
    assert len(fake.bodies(DLQ)) == 25
    assert fake.hidden == {}
