"""Chaos on the local runtime: nothing lost, nothing repeated, counts reconcile exactly.

2,000 jobs through the real template on the embedded emulator: about 20 % fail transiently 1-3 times
(fewer than maxReceiveCount), about 2 % are poison, 50 are sent twice by the producer, and a few hang
past the function timeout on their first receive so their whole invocation is killed and redelivered.
Afterwards every job's side effect happened exactly once (ledger file) or the job is in the DLQ with its
error metadata, and the jobs queue is empty.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.helpers import LineSink, local_sqs, options_for_jobs, running, total_messages
from workerctl.local.runtime import LocalRuntime

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

JOBS = 2_000
DUPLICATES = 50
HANGS = 4
WAVE = 200
MAX_BACKLOG = 150
DEADLINE_SECONDS = 420
OVERRIDES = {
    "MaxReceiveCount": "5",
    "WorkerTimeoutSeconds": "4",
    "QueueVisibilityTimeoutSeconds": "8",
    "BatchSize": "10",
    "MaximumConcurrency": "2",
    "TimeoutMarginMs": "1000",
    "BackoffBaseSeconds": "0.5",
    "BackoffCapSeconds": "2",
    "LogLevel": "ERROR",
}


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("chaos") / "ledger.txt"
    os.environ["CHAOS_LEDGER"] = str(path)  # inherited by the function processes the runtime spawns
    yield path
    os.environ.pop("CHAOS_LEDGER", None)


@pytest.fixture(scope="module")
def runtime(ledger: Path) -> Iterator[LocalRuntime]:
    options = options_for_jobs(
        "tests.e2e.chaos_jobs",
        parameter_overrides=OVERRIDES,
        status_interval_seconds=5,
    )
    with running(options, LineSink(keep=200)) as local:  # the chaos run's logs are many and not needed
        yield local


def plan(seed: int = 20261123) -> list[dict[str, Any]]:
    """The jobs: deterministic from the seed so a failure can be replayed."""
    rng = random.Random(seed)
    jobs = []
    for i in range(JOBS):
        roll = rng.random()
        payload: dict[str, Any] = {"job_id": f"job-{i:05d}"}
        if roll < 0.02:
            payload["permanent"] = True
        elif roll < 0.22:
            payload["fail_times"] = rng.randint(1, 3)
        jobs.append(payload)
    for index in rng.sample(range(JOBS), HANGS):
        jobs[index] = {"job_id": jobs[index]["job_id"], "hang_on_first_receive": True}
    return jobs


def drain(sqs: Any, url: str) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    while batch := sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"], WaitTimeSeconds=0
    ).get("Messages", []):
        messages += batch
    return messages


def test_chaos_every_job_once_or_dead_lettered(runtime: LocalRuntime, ledger: Path) -> None:
    sqs = local_sqs(runtime.endpoint_url)
    jobs_url, dlq_url = runtime.queue_urls["JobsQueue"], runtime.queue_urls["DeadLetterQueue"]
    jobs = plan()
    duplicates = [job for job in jobs if not job.get("permanent")][:: (JOBS // DUPLICATES)][:DUPLICATES]
    bodies = [json.dumps({"type": "chaos.work", "payload": job}) for job in jobs + duplicates]
    random.Random(7).shuffle(bodies)

    started = time.monotonic()
    sent = 0
    while sent < len(bodies):  # feed in waves: moto's SQS slows down with depth
        assert time.monotonic() - started < DEADLINE_SECONDS, f"feeding stalled at {sent}"
        if total_messages(sqs, jobs_url) > MAX_BACKLOG:
            time.sleep(0.2)
            continue
        wave = bodies[sent : sent + WAVE]
        for start in range(0, len(wave), 10):
            entries = [{"Id": str(i), "MessageBody": body} for i, body in enumerate(wave[start : start + 10])]
            assert not sqs.send_message_batch(QueueUrl=jobs_url, Entries=entries).get("Failed")
        sent += len(wave)
    while total_messages(sqs, jobs_url) > 0:
        assert time.monotonic() - started < DEADLINE_SECONDS, "the jobs queue did not drain"
        time.sleep(0.25)
    elapsed = time.monotonic() - started

    executed = Counter(ledger.read_text().split())
    poison = {job["job_id"] for job in jobs if job.get("permanent")}
    healthy = {job["job_id"] for job in jobs} - poison
    dead = drain(sqs, dlq_url)
    dead_ids = [json.loads(m["Body"])["payload"]["job_id"] for m in dead]
    worker_dead = [m for m in dead if "DeadLetter" in m.get("MessageAttributes", {})]
    metadata = [json.loads(m["MessageAttributes"]["DeadLetter"]["StringValue"]) for m in worker_dead]
    moved_by_sqs = [json.loads(m["Body"])["payload"] for m in dead if m not in worker_dead]

    lost = healthy - set(executed)
    repeated = {job_id: n for job_id, n in executed.items() if n > 1}
    summary = {
        "jobs": JOBS,
        "producer_duplicates": DUPLICATES,
        "transient": sum(1 for j in jobs if j.get("fail_times")),
        "poison": len(poison),
        "hangs": HANGS,
        "executed": len(executed),
        "lost": len(lost),
        "repeated": len(repeated),
        "dead_lettered": len(dead),
        "seconds": round(elapsed, 1),
        "killed_invocations": runtime.stats.timeouts,
    }
    print("chaos summary:", json.dumps(summary))
    assert not repeated, f"side effects repeated: {dict(list(repeated.items())[:10])}"
    # Reconcile: every job ran exactly once or sits in the DLQ, never both, never neither.
    assert set(executed).isdisjoint(dead_ids)
    assert set(executed) | set(dead_ids) == healthy | poison
    assert len(dead_ids) == len(set(dead_ids))
    assert poison <= set(dead_ids)
    # Healthy jobs reach the DLQ only when SQS moved them (receives burnt by killed batches), never lost.
    assert {p["job_id"] for p in moved_by_sqs} == set(dead_ids) - poison
    assert len(moved_by_sqs) <= HANGS * 10, summary
    assert {m["errorType"] for m in metadata} == {"PermanentJobError"}
    assert {m["originalMessageId"] for m in metadata}  # error metadata present
    # Poison never burns maxReceiveCount (a second receive happens only when a hang killed its batch).
    assert all(m["receiveCount"] < int(OVERRIDES["MaxReceiveCount"]) for m in metadata)
    assert runtime.stats.timeouts >= 1  # invocations really were killed by the timeout
    assert total_messages(sqs, jobs_url) == 0
    assert 0.15 * JOBS < summary["transient"] < 0.25 * JOBS
    assert 0.01 * JOBS < len(poison) < 0.03 * JOBS
