"""Client-side redrive (receive → send → delete) on an in-memory SQS fake: rate, progress, failures."""

from __future__ import annotations

import pytest

from tests.unit.workerctl.fakes import DLQ, JOBS, FakeSqs
from workerctl.dlq.inspection import sample
from workerctl.dlq.redrive import redrive_locally
from workerctl.dlq.sqs_adapter import SqsQueues
from workerctl.errors import UserError


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
    assert fake.bodies(JOBS.url) == [f"job-{n}" for n in range(25)]
    assert fake.bodies(DLQ.url) == []
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
    assert set(fake.received) == {4, 1}  # never more than the rate per batch
    assert clock.now - 100.0 == pytest.approx(25 / 4)  # 25 messages at 4/s
    assert max(clock.sleeps) <= 1.0


def test_max_limits_the_move(fake: FakeSqs) -> None:
    assert redrive_locally(SqsQueues(fake), DLQ, JOBS, limit=12) == 12  # type: ignore[arg-type]
    assert len(fake.bodies(JOBS.url)) == 12
    assert len(fake.bodies(DLQ.url)) == 13


def test_messages_that_come_back_during_the_run_are_not_redriven_again(fake: FakeSqs) -> None:
    # Given a worker that dead-letters one message again while the redrive runs
    fake.after_send = lambda: (
        fake.put(DLQ.url, "failed-again") if "failed-again" not in fake.bodies(DLQ.url) else None
    )
    # When
    moved = redrive_locally(SqsQueues(fake), DLQ, JOBS)  # type: ignore[arg-type]
    # Then only the 25 present at the start moved; the newcomer waits for the next run
    assert moved == 25
    assert fake.bodies(DLQ.url) == ["failed-again"]


def test_a_failed_send_keeps_the_message_in_the_dlq(fake: FakeSqs) -> None:
    fake.reject_bodies = {"job-13"}
    with pytest.raises(UserError) as raised:
        redrive_locally(SqsQueues(fake), DLQ, JOBS)  # type: ignore[arg-type]
    assert "1 message(s) could not be sent to app-jobs (InvalidMessageContents: nope)" in str(raised.value)
    assert "19 moved" in str(raised.value)
    # nothing lost, nothing duplicated, nothing left hidden
    assert sorted(fake.bodies(JOBS.url) + fake.bodies(DLQ.url)) == sorted(f"job-{n}" for n in range(25))
    assert "job-13" in fake.bodies(DLQ.url)
    assert fake.hidden == {}


def test_sample_makes_every_received_message_visible_again(fake: FakeSqs) -> None:
    queues = SqsQueues(fake)  # type: ignore[arg-type]
    messages = sample(queues, DLQ, limit=12, visible=queues.counts(DLQ)[0])
    assert [m.body for m in messages] == [f"job-{n}" for n in range(12)]
    assert fake.received == [10, 2]
    assert len(fake.bodies(DLQ.url)) == 25
    assert fake.hidden == {}
