"""``send``: batches within SQS's limits (10 messages, 1 MiB), and a failure part-way says how to resume.

The fake refuses what SQS refuses (a batch over 10 entries or 1 MiB), so a send that ignored the size
limit fails here as it would on AWS.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.workerctl.fakes import FakeSqs
from workerctl.cli.send import send_bodies
from workerctl.errors import UserError
from workerctl.queues import MAX_MESSAGE_BYTES, message_size

URL = "http://e/app-jobs"


class LimitedSqs(FakeSqs):
    """FakeSqs with SQS's batch limits; ``fail_call`` (1-based) fails that SendMessageBatch as a whole."""

    def __init__(self, fail_call: int | None = None) -> None:
        super().__init__()
        self.fail_call, self.calls = fail_call, 0
        self.batch_sizes: list[int] = []

    def send_message_batch(self, QueueUrl: str, Entries: list[dict[str, Any]]) -> dict[str, Any]:  # noqa: N803
        self.calls += 1
        total = sum(message_size(entry) for entry in Entries)
        if len(Entries) > 10 or total > MAX_MESSAGE_BYTES:
            raise ClientError(
                {"Error": {"Code": "BatchRequestTooLong", "Message": "too big"}}, "SendMessageBatch"
            )
        if self.calls == self.fail_call:
            raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow down"}}, "Send")
        self.batch_sizes.append(len(Entries))
        return super().send_message_batch(QueueUrl, Entries)


def bodies(sizes: list[int]) -> list[str]:
    return [
        json.dumps({"type": "checksum", "payload": {"n": n, "pad": "x" * size}})
        for n, size in enumerate(sizes)
    ]


@settings(max_examples=40, deadline=None)
@given(sizes=st.lists(st.integers(min_value=0, max_value=400_000), min_size=1, max_size=40))
def test_every_batch_is_within_count_and_size(sizes: list[int]) -> None:
    # Given jobs of any size up to 400 KB
    sqs, jobs = LimitedSqs(), bodies(sizes)
    # When
    sent = send_bodies(sqs, URL, jobs, "corr-1")
    # Then all went out, in order, in batches SQS accepts
    assert sent == len(jobs)
    assert sqs.bodies(URL) == jobs
    assert all(1 <= size <= 10 for size in sqs.batch_sizes)


def test_a_failure_part_way_says_how_many_were_sent_and_how_to_resume() -> None:
    # Given 35 small jobs and a queue that fails the third call (jobs 21-30)
    sqs, jobs = LimitedSqs(fail_call=3), bodies([10] * 35)
    # When
    with pytest.raises(UserError) as raised:
        send_bodies(sqs, URL, jobs, None)
    # Then the error says what went out and the --skip that resumes
    assert str(raised.value) == (
        f"sent 20 of 35 job(s), then SendMessageBatch {URL} failed: ThrottlingException: slow down; "
        "jobs 21-35 were not sent: resume with --skip 20"
    )
    # And resuming with it sends every job exactly once
    sqs.fail_call = None
    assert send_bodies(sqs, URL, jobs, None, skip=20) == 15
    assert sqs.bodies(URL) == jobs


def test_refused_messages_are_named_and_the_rest_resumes_after_their_batch() -> None:
    sqs, jobs = LimitedSqs(), bodies([10] * 25)
    sqs.reject_bodies = {jobs[12], jobs[15]}  # jobs 13 and 16, in the second batch
    with pytest.raises(UserError) as raised:
        send_bodies(sqs, URL, jobs, None)
    assert str(raised.value) == (
        "sent 18 of 25 job(s); SendMessageBatch refused job(s) 13, 16 (InvalidMessageContents: nope); "
        "every other job up to 20 was sent: send the refused job(s) again once fixed, and resume the rest "
        "with --skip 20"
    )
    sqs.reject_bodies = set()
    assert send_bodies(sqs, URL, jobs, None, skip=20) == 5
    assert sorted(sqs.bodies(URL)) == sorted(job for job in jobs if job not in {jobs[12], jobs[15]})
