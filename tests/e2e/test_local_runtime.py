"""The local runtime over the real template.yaml: emulator, queues, event source mapping, /health.

One runtime serves the module (start-up costs seconds); parameters are overridden to keep it fast:
short visibility timeout and function Timeout, two receives before the DLQ, batches of 4, 3 at once.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e import helpers
from tests.e2e.helpers import (
    ROOT,
    LineSink,
    local_client,
    local_sqs,
    options_for_jobs,
    running,
    total_messages,
)
from workerctl.local.runtime import LocalRuntime
from workerctl.local.template.sections import decode_template

pytestmark = pytest.mark.e2e

BATCH_SIZE = 4
MAX_CONCURRENCY = 3
WANTED_OVERRIDES = {
    "QueueVisibilityTimeoutSeconds": "4",  # above the Timeout, or a slow batch is received twice
    "WorkerTimeoutSeconds": "2",
    "MaxReceiveCount": "2",
    "BatchSize": str(BATCH_SIZE),
    "MaximumConcurrency": str(MAX_CONCURRENCY),
    "TimeoutMarginMs": "200",
    "BackoffBaseSeconds": "1",
    "BackoffCapSeconds": "2",
    "LogLevel": "WARNING",
}


def wait_for[T](condition: Callable[[], T], timeout: float = 60.0, what: str = "condition") -> T:
    """Poll ``condition`` until truthy (returned) or fail after ``timeout`` seconds."""
    return helpers.wait_for(condition, what, CONSOLE, timeout)


CONSOLE = LineSink()  # keeps every line: a timed-out wait_for shows the last ones


@pytest.fixture(scope="module")
def runtime() -> Iterator[LocalRuntime]:
    declared = set(decode_template(ROOT / "template.yaml")["Parameters"])
    options = options_for_jobs(
        "tests.e2e.e2e_jobs",
        parameter_overrides={k: v for k, v in WANTED_OVERRIDES.items() if k in declared},
        status_interval_seconds=0.2,
        metrics_summary_seconds=0.5,
        warm_start=True,  # concurrency and batch sizes are checked in steady state, not during cold starts
    )
    with running(options, CONSOLE) as local:
        yield local


@pytest.fixture(scope="module")
def sqs(runtime: LocalRuntime) -> Any:
    return local_sqs(runtime.endpoint_url)


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    return tmp_path / "journal.jsonl"


def read_journal(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def probe(journal: Path, tag: str, **extra: Any) -> dict[str, Any]:
    return {
        "Id": tag,
        "MessageBody": json.dumps(
            {"type": "e2e.probe", "payload": {"journal": str(journal), "tag": tag, **extra}}
        ),
    }


def send_all(sqs: Any, url: str, entries: list[dict[str, Any]]) -> None:
    for start in range(0, len(entries), 10):
        response = sqs.send_message_batch(QueueUrl=url, Entries=entries[start : start + 10])
        assert not response.get("Failed")


def ended(journal: Path, tags: set[str]) -> list[dict[str, Any]]:
    entries = [e for e in read_journal(journal) if e["phase"] == "end" and e["tag"] in tags]
    return entries if {e["tag"] for e in entries} == tags else []


def test_queues_are_created_with_the_template_attributes(runtime: LocalRuntime, sqs: Any) -> None:
    jobs = sqs.get_queue_attributes(QueueUrl=runtime.queue_urls["JobsQueue"], AttributeNames=["All"])[
        "Attributes"
    ]
    dlq = sqs.get_queue_attributes(QueueUrl=runtime.queue_urls["DeadLetterQueue"], AttributeNames=["All"])[
        "Attributes"
    ]
    assert jobs["VisibilityTimeout"] == "4"
    assert jobs["ReceiveMessageWaitTimeSeconds"] == "20"
    assert json.loads(jobs["RedrivePolicy"]) == {"deadLetterTargetArn": dlq["QueueArn"], "maxReceiveCount": 2}
    assert dlq["MessageRetentionPeriod"] == "1209600"
    # moto drops RedriveAllowPolicy; tests/unit/workerctl/test_template_model.py checks what is sent.


def test_the_tables_live_in_their_own_emulator_and_the_worker_writes_its_idempotency_items_there(
    runtime: LocalRuntime, sqs: Any, journal: Path
) -> None:
    assert runtime.dynamodb_endpoint_url not in (None, runtime.endpoint_url)

    def tables(endpoint: str | None) -> Any:
        return local_client("dynamodb", endpoint)

    (table,) = tables(runtime.dynamodb_endpoint_url).list_tables()["TableNames"]
    assert tables(runtime.endpoint_url).list_tables()["TableNames"] == []
    send_all(sqs, runtime.queue_urls["JobsQueue"], [probe(journal, "idem")])
    wait_for(lambda: ended(journal, {"idem"}), what="the probe to finish")
    items = wait_for(
        lambda: tables(runtime.dynamodb_endpoint_url).scan(TableName=table)["Items"],
        what="an idempotency item",
    )
    assert any(item.get("status", {}).get("S") == "COMPLETED" for item in items)


def test_successes_are_deleted_and_batches_and_concurrency_honour_the_template(
    runtime: LocalRuntime, sqs: Any, journal: Path
) -> None:
    url = runtime.queue_urls["JobsQueue"]
    tags = {f"ok-{i}" for i in range(16)}
    send_all(sqs, url, [probe(journal, tag, hold_seconds=0.15) for tag in sorted(tags)])

    wait_for(lambda: ended(journal, tags), what="16 probes to finish")
    wait_for(lambda: total_messages(sqs, url) == 0, what="the jobs queue to be empty")

    batches: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry in read_journal(journal):
        batches[entry["request_id"]].append(entry)
    sizes = [len({e["message_id"] for e in batch}) for batch in batches.values()]
    assert max(sizes) == BATCH_SIZE
    spans = [(min(e["time"] for e in batch), max(e["time"] for e in batch)) for batch in batches.values()]
    overlap = max(sum(1 for s, e in spans if s <= start < e) for start, _ in spans)
    assert overlap == MAX_CONCURRENCY


def test_transient_failures_are_retried_until_they_succeed(
    runtime: LocalRuntime, sqs: Any, journal: Path
) -> None:
    url = runtime.queue_urls["JobsQueue"]
    send_all(sqs, url, [probe(journal, "flaky", fail_until_receive=2)])

    entries = wait_for(lambda: ended(journal, {"flaky"}), what="the flaky probe to succeed")

    starts = [e["receive_count"] for e in read_journal(journal) if e["phase"] == "start"]
    assert starts == [1, 2]
    assert entries[0]["receive_count"] == 2
    wait_for(lambda: total_messages(sqs, url) == 0, what="the retried message to be deleted")


def test_permanent_failures_reach_the_dead_letter_queue(runtime: LocalRuntime, sqs: Any) -> None:
    body = json.dumps({"type": "e2e.no_such_job", "payload": {"id": str(uuid.uuid4())}})
    sqs.send_message(QueueUrl=runtime.queue_urls["JobsQueue"], MessageBody=body)
    dlq = runtime.queue_urls["DeadLetterQueue"]

    def dead_letters() -> list[str]:
        # ReceiveMessage would hide it; look without consuming by peeking with a 0 s visibility change.
        response = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10, VisibilityTimeout=0)
        return [m["Body"] for m in response.get("Messages", [])]

    found = wait_for(lambda: body in dead_letters(), what="the unknown job in the DLQ")
    assert found


def test_a_timed_out_batch_is_redelivered_whole(runtime: LocalRuntime, sqs: Any, journal: Path) -> None:
    url = runtime.queue_urls["JobsQueue"]
    pool = runtime.pools["WorkerFunction.Jobs"]
    cold_starts = pool.cold_starts
    timeouts = runtime.stats.timeouts
    tags = {"blocker", "sibling-1", "sibling-2", "sibling-3"}
    send_all(
        sqs,
        url,
        [probe(journal, "blocker", block_until_receive=2)]
        + [probe(journal, tag) for tag in sorted(tags - {"blocker"})],
    )

    wait_for(lambda: ended(journal, tags), timeout=60, what="the blocked batch to be redelivered and succeed")

    entries = read_journal(journal)
    first = next(e for e in entries if e["tag"] == "blocker" and e["phase"] == "start")
    assert first["receive_count"] == 1
    timed_out_batch = {e["message_id"] for e in entries if e["request_id"] == first["request_id"]}
    redelivered = {e["message_id"] for e in entries if e["phase"] == "end" and e["receive_count"] >= 2}
    assert timed_out_batch <= redelivered  # nothing of the killed batch was deleted
    blocker_end = next(e for e in entries if e["tag"] == "blocker" and e["phase"] == "end")
    assert blocker_end["pid"] != first["pid"]  # the killed process was replaced: a cold start
    assert runtime.stats.timeouts > timeouts
    assert pool.cold_starts > cold_starts


def test_the_console_summarises_the_workers_metric_lines(
    runtime: LocalRuntime, sqs: Any, journal: Path
) -> None:
    start = len(CONSOLE.lines)
    send_all(sqs, runtime.queue_urls["JobsQueue"], [probe(journal, "summarised")])
    wait_for(lambda: ended(journal, {"summarised"}), what="the probe to finish")

    def summary() -> str | None:
        written = CONSOLE.lines[start:]
        emf = next((i for i, text in enumerate(written) if '"_aws"' in text and "e2e.probe" in text), None)
        later = written[emf + 1 :] if emf is not None else []
        return next((text for text in later if "e2e.probe succeeded" in text), None)

    text = wait_for(summary, timeout=10, what="a metrics summary naming the probe")
    assert text.startswith("metrics (last ")
    assert "RecordsReceived " in text.splitlines()[0]
    assert "  JobDuration ms: n " in text


def _get(url: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, method=method, headers={"x-cdp-request-id": "e2e-probe"})
    try:
        with urllib.request.urlopen(request, timeout=15) as response:  # loopback only
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def test_health_answers_over_http(runtime: LocalRuntime) -> None:
    assert runtime.health_url is not None
    status, headers, body = _get(f"{runtime.health_url}/health")
    document = json.loads(body)
    assert status == (503 if document["status"] == "fail" else 200)
    assert headers["content-type"].startswith("application/health+json")
    assert "jobs-queue:reachable" in document["checks"]

    live_status, _, live_body = _get(f"{runtime.health_url}/health/live")
    assert live_status == 200
    assert json.loads(live_body)["status"] == "pass"

    head_status, head_headers, head_body = _get(f"{runtime.health_url}/health/live", method="HEAD")
    assert (head_status, head_body) == (200, b"")
    assert int(head_headers["content-length"]) > 0

    missing_status, _, _ = _get(f"{runtime.health_url}/nope")
    assert missing_status == 404
