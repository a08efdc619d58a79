"""The worker Lambda handler end to end in-process: sample events, generated batches, metrics output."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import worker_handler
from queue_worker.batch_run import WorkerDependencies
from queue_worker.registry import default_registry
from tests.conftest import EVENTS_DIR, load_event
from tests.factories import envelope, sqs_event, sqs_record
from tests.unit.worker.fakes import FakeDeadLetters, FakeVisibility, run_directly
from tests.unit.worker.work_jobs import make_registry, work

EXPECTED_FAILURES = {
    # events/ file -> message ids the handler must report (no DLQ configured: permanent ones too)
    "sqs-mixed-batch.json": ["5b8a8c8e-6d39-4a3c-9c64-0b5f0c0e8f21"],
    "sqs-fifo-batch.json": ["a1b2c3d4-0002-4000-8000-000000000002", "a1b2c3d4-0003-4000-8000-000000000003"],
}


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch) -> tuple[FakeDeadLetters, FakeVisibility]:
    """Swap the handler's adapters for in-memory fakes with a registry that has a `work` job."""
    dead_letters, visibility = FakeDeadLetters(), FakeVisibility()
    deps = WorkerDependencies(
        registry=make_registry([]),
        idempotency=run_directly,
        dead_letters=dead_letters,
        visibility=visibility,
        clock=lambda: datetime.now(UTC),
    )
    monkeypatch.setattr(worker_handler, "dependencies", lambda: deps)
    return dead_letters, visibility


@pytest.mark.parametrize("name", sorted(p.name for p in EVENTS_DIR.glob("sqs-*.json")))
def test_every_sample_sqs_event_reports_exactly_its_failing_records(name: str, lambda_context: Any) -> None:
    response = worker_handler.lambda_handler(load_event(name), lambda_context)
    assert [item["itemIdentifier"] for item in response["batchItemFailures"]] == EXPECTED_FAILURES[name]


def test_the_example_jobs_are_loaded_at_cold_start() -> None:
    assert {"checksum", "fan_out"} <= set(default_registry.job_types)


def test_an_all_successful_batch_returns_an_empty_list(lambda_context: Any) -> None:
    event = sqs_event(*(sqs_record(envelope("checksum", {"text": str(i)})) for i in range(10)))
    assert worker_handler.lambda_handler(event, lambda_context) == {"batchItemFailures": []}


outcomes = st.lists(st.sampled_from(["ok", "transient", "permanent", "junk"]), min_size=1, max_size=40)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=outcomes, dlq_down=st.booleans())
def test_property_the_response_lists_exactly_the_failing_ids(
    plan: list[str], dlq_down: bool, fakes: tuple[FakeDeadLetters, FakeVisibility], lambda_context: Any
) -> None:
    fakes[0].fail = dlq_down
    records = [
        sqs_record("junk", message_id=f"id-{i}") if kind == "junk" else work(kind, message_id=f"id-{i}")
        for i, kind in enumerate(plan)
    ]
    response = worker_handler.lambda_handler(sqs_event(*records), lambda_context)
    reported = [item["itemIdentifier"] for item in response["batchItemFailures"]]
    failing_kinds = {"transient", "permanent", "junk"} if dlq_down else {"transient"}
    assert reported == [f"id-{i}" for i, kind in enumerate(plan) if kind in failing_kinds]
    assert all(reported)  # never an empty identifier


def test_a_batch_of_10000_records_is_processed_with_one_metrics_flush(
    fakes: Any, lambda_context: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    records = [work("transient" if i % 1000 == 7 else "ok", message_id=f"m{i}") for i in range(10_000)]
    response = worker_handler.lambda_handler(sqs_event(*records), lambda_context)
    assert [item["itemIdentifier"] for item in response["batchItemFailures"]] == [
        f"m{i}" for i in range(10_000) if i % 1000 == 7
    ]
    service_documents = [
        json.loads(line) for line in capsys.readouterr().out.splitlines() if '"RecordsReceived"' in line
    ]
    assert len(service_documents) == 1
    assert service_documents[0]["RecordsReceived"] == [10_000.0]
    assert len(service_documents[0]["JobDuration"]) == 99


def test_a_1_mib_message_is_processed(lambda_context: Any) -> None:
    body = envelope("checksum", {"text": "x" * (1_048_576 - 60)})
    assert len(body.encode()) <= 1_048_576
    assert worker_handler.lambda_handler(sqs_event(sqs_record(body)), lambda_context) == {
        "batchItemFailures": []
    }


def test_metrics_are_flushed_once_as_emf_with_units_and_dimensions(
    fakes: Any, lambda_context: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    event = sqs_event(work("ok"), work("ok"), work("transient"), work("permanent"))
    worker_handler.lambda_handler(event, lambda_context)
    documents = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    main = next(d for d in documents if "RecordsReceived" in d)
    directive = main["_aws"]["CloudWatchMetrics"][0]
    assert directive["Namespace"] == "SqsLambdaWorkerTests"
    assert directive["Dimensions"] == [["service"]]
    units = {m["Name"]: m["Unit"] for m in directive["Metrics"]}
    assert units == {
        "RecordsReceived": "Count",
        "RecordsSucceeded": "Count",
        "RecordsFailedTransient": "Count",
        "RecordsDeadLettered": "Count",
        "RecordsSkippedByTimeout": "Count",
        "RecordsRequeued": "Count",
        "RecordsDuplicateDeadLetter": "Count",
        "JobDuration": "Milliseconds",
        "MessageAge": "Milliseconds",
    }
    assert (main["RecordsReceived"], main["RecordsSucceeded"]) == ([4.0], [2.0])
    assert (main["RecordsFailedTransient"], main["RecordsDeadLettered"]) == ([1.0], [1.0])
    assert len(main["JobDuration"]) == 2
    per_type = {
        (d["job_type"], name): d[name]
        for d in documents
        if "job_type" in d
        for name in ("JobsSucceeded", "JobsFailedTransient", "JobsDeadLettered")
        if name in d
    }
    assert per_type == {
        ("work", "JobsSucceeded"): [2.0],
        ("work", "JobsFailedTransient"): [1.0],
        ("work", "JobsDeadLettered"): [1.0],
    }
    assert sum(1 for d in documents if "RecordsReceived" in d) == 1
