"""Per-record X-Ray subsegments: names, annotations linking the producer's trace, errors, the budget.

Uses a real X-Ray SDK recorder (its own instance, with an in-memory emitter), so the assertions are on
the segment documents X-Ray would receive.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from aws_xray_sdk import global_sdk_config
from aws_xray_sdk.core.recorder import AWSXRayRecorder

from queue_worker.batch_run import BatchRun
from queue_worker.registry import UNREGISTERED_JOB_TYPE
from queue_worker.tracing import MAX_TRACED_RECORDS, PowertoolsRecordTracer, record_tracer, traced_handler
from tests.factories import sqs_event, sqs_record
from tests.unit.worker.fakes import FakeDeadLetters
from tests.unit.worker.work_jobs import make_run, process, work

PRODUCER_ROOT = "1-5759e988-bd862e3fe1be46a994272793"
TRACE_HEADER = f"Root={PRODUCER_ROOT};Parent=53995c3f42cd8ad8;Sampled=1"


@pytest.fixture(autouse=True)
def _xray_sdk_enabled(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Powertools' disabled Tracer (tests run with tracing off) switches the SDK off process-wide."""
    monkeypatch.delenv(global_sdk_config.XRAY_ENABLED_KEY, raising=False)
    was_enabled = global_sdk_config.sdk_enabled()
    global_sdk_config.set_sdk_enabled(True)
    yield
    global_sdk_config.set_sdk_enabled(was_enabled)


class MemoryEmitter:
    """Keeps what the recorder would send to the X-Ray daemon."""

    def __init__(self) -> None:
        self.entities: list[Any] = []

    def send_entity(self, entity: Any) -> None:
        self.entities.append(entity)

    def set_daemon_address(self, address: str) -> None:  # the recorder's configure() calls it
        pass


class RecorderTracer:
    """The part of Powertools' ``Tracer`` that PowertoolsRecordTracer uses, over a private recorder."""

    def __init__(self, disabled: bool = False) -> None:
        self.disabled = disabled
        self.provider = AWSXRayRecorder()
        self.provider.configure(sampling=False, context_missing="LOG_ERROR", emitter=MemoryEmitter())

    def put_annotation(self, key: str, value: Any) -> None:
        self.provider.put_annotation(key, value)


def traced_run(tracer: RecorderTracer, limit: int = MAX_TRACED_RECORDS) -> BatchRun:
    run = make_run([], FakeDeadLetters())
    deps = dataclasses.replace(run.deps, tracer=PowertoolsRecordTracer(tracer))
    return dataclasses.replace(run, deps=deps, max_traced_records=limit)


def invoke(
    tracer: RecorderTracer, event: dict[str, Any], lambda_context: Any, limit: int = MAX_TRACED_RECORDS
) -> Any:
    """One invocation: a new BatchRun (so a new budget), its records, then ``finish_batch``."""
    segment = tracer.provider.begin_segment("worker")
    process(traced_run(tracer, limit), event, lambda_context)
    tracer.provider.end_segment()
    return segment


def test_each_record_gets_a_subsegment_linked_to_its_producer_trace(lambda_context: Any) -> None:
    tracer = RecorderTracer()
    event = sqs_event(
        work("ok", message_id="a", correlation_id="corr-a", trace_header=TRACE_HEADER),
        work("transient", message_id="t", receive_count=3),
        sqs_record("not json", message_id="junk"),
    )
    segment = invoke(tracer, event, lambda_context)
    by_message = {sub.annotations["message_id"]: sub for sub in segment.subsegments}
    assert set(by_message) == {"a", "t", "junk"}
    assert by_message["a"].name == "## job work"
    assert by_message["a"].annotations == {
        "job_type": "work",
        "message_id": "a",
        "correlation_id": "corr-a",
        "receive_count": 1,
        "source_trace_id": PRODUCER_ROOT,
    }
    assert "source_trace_id" not in by_message["t"].annotations  # no AWSTraceHeader on that message
    assert by_message["t"].annotations["receive_count"] == 3
    assert by_message["t"].fault is True  # the transient failure is recorded on its subsegment
    assert by_message["t"].cause["exceptions"][0].type == "TimeoutError"
    assert by_message["junk"].name == f"## job {UNREGISTERED_JOB_TYPE}"  # bounded label
    assert getattr(by_message["a"], "fault", False) is False
    assert segment.annotations == {"records_traced": 3, "records_untraced": 0}


def test_only_the_first_records_of_an_invocation_are_traced(lambda_context: Any) -> None:
    tracer = RecorderTracer()
    event = sqs_event(*(work("ok", message_id=f"m{i}") for i in range(7)))
    segment = invoke(tracer, event, lambda_context, limit=4)
    assert [sub.annotations["message_id"] for sub in segment.subsegments] == ["m0", "m1", "m2", "m3"]
    assert segment.annotations == {"records_traced": 4, "records_untraced": 3}
    second = invoke(tracer, event, lambda_context, limit=4)  # the budget is per invocation
    assert len(second.subsegments) == 4


def test_nothing_is_traced_when_tracing_is_disabled(lambda_context: Any) -> None:
    tracer = RecorderTracer(disabled=True)
    segment = invoke(tracer, sqs_event(work("ok", trace_header=TRACE_HEADER)), lambda_context)
    assert segment.subsegments == []
    assert segment.annotations == {}


class CapturingTracer:
    """The ``capture_lambda_handler`` of Powertools' ``Tracer``, recording how it was asked."""

    def __init__(self) -> None:
        self.captured: list[tuple[Any, bool]] = []

    def capture_lambda_handler(self, handler: Any, capture_response: bool) -> Any:
        self.captured.append((handler, capture_response))
        return lambda *args: ("traced", handler(*args))


def test_without_a_tracer_the_handler_is_left_as_it_is() -> None:
    def handler(event: Any, context: Any) -> str:
        return "ran"

    assert record_tracer(enabled=False) is None
    assert traced_handler(None)(handler) is handler


def test_with_a_tracer_the_handler_is_captured_without_its_response() -> None:
    tracer = CapturingTracer()

    def handler(event: Any, context: Any) -> str:
        return "ran"

    wrapped = traced_handler(PowertoolsRecordTracer(tracer))(handler)
    assert tracer.captured == [(handler, False)]
    assert wrapped({}, None) == ("traced", "ran")


def test_record_tracing_creates_a_powertools_tracer() -> None:
    tracer = record_tracer(enabled=True)
    assert isinstance(tracer, PowertoolsRecordTracer)
    assert tracer.enabled is False  # the tests run with POWERTOOLS_TRACE_DISABLED, as the local runtime
