"""`dlq purge` and `dlq redrive` act only on a dead-letter queue of the stack, unless --force."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import envelope
from workerctl import cli

AWS = ["--endpoint-url", "aws"]  # moto intercepts the AWS endpoints; no --stack: samconfig's names differ


def depth(sqs: Any, url: str) -> int:
    values = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    return int(values["Attributes"]["ApproximateNumberOfMessages"])


@pytest.fixture
def live(sqs: Any, queues: dict[str, str]) -> dict[str, str]:
    """Three live jobs on the jobs queue and one dead letter."""
    for n in range(3):
        sqs.send_message(QueueUrl=queues["jobs"], MessageBody=envelope(payload={"n": n}))
    sqs.send_message(QueueUrl=queues["dlq"], MessageBody=envelope(payload={"dead": True}))
    return queues


def test_purge_refuses_the_jobs_queue(
    sqs: Any, live: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["dlq", "purge", "--queue-url", live["jobs"], "--yes", *AWS]) == 2
    err = capsys.readouterr().err
    assert err.startswith("workerctl dlq: error: refusing to purge it-jobs: it is not a dead-letter queue")
    assert "no queue's RedrivePolicy names it" in err
    assert "--force purges it anyway" in err
    assert depth(sqs, live["jobs"]) == 3


def test_redrive_refuses_the_jobs_queue(
    sqs: Any, live: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["dlq", "redrive", "--queue-url", live["jobs"], "--source-queue-url", live["dlq"], *AWS]
    assert cli.main(argv) == 2
    assert "refusing to redrive it-jobs" in capsys.readouterr().err
    assert (depth(sqs, live["jobs"]), depth(sqs, live["dlq"])) == (3, 1)


def test_force_overrides(sqs: Any, live: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["dlq", "purge", "--queue-url", live["jobs"], "--yes", "--force", *AWS]) == 0
    assert capsys.readouterr().out.startswith("purged it-jobs")
    assert depth(sqs, live["jobs"]) == 0


def test_a_dlq_named_by_a_redrive_policy_is_accepted(
    sqs: Any, live: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    # Given the DLQ by URL (its name is not samconfig's stack's): the jobs queue's RedrivePolicy names it
    assert cli.main(["dlq", "purge", "--queue-url", live["dlq"], "--yes", *AWS]) == 0
    assert capsys.readouterr().out.startswith("purged it-jobs-dlq")
    assert (depth(sqs, live["jobs"]), depth(sqs, live["dlq"])) == (3, 0)


def test_the_stacks_dlq_by_name_is_accepted_without_a_policy(
    sqs: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given the samconfig stack's DLQ name, and no queue whose RedrivePolicy names it
    url = sqs.create_queue(QueueName="sqs-lambda-worker-dev-jobs-dlq")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody=envelope())
    assert cli.main(["dlq", "purge", "--queue-url", url, "--yes", *AWS]) == 0
    assert depth(sqs, url) == 0
