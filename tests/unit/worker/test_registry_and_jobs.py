"""Job registry, job module loading and the example jobs."""

from __future__ import annotations

import hashlib

import pytest
from pydantic import BaseModel

from queue_worker.envelope import JobEnvelope
from queue_worker.errors import ConfigurationError, InvalidPayloadError, UnknownJobTypeError
from queue_worker.example_jobs.checksum import ChecksumPayload, checksum
from queue_worker.example_jobs.fan_out import FanOutPayload, fan_out
from queue_worker.registry import JobContext, JobRegistry, default_registry, load_job_modules


class Greeting(BaseModel):
    name: str


class RecordingSender:
    """In-memory JobSender."""

    def __init__(self) -> None:
        self.sent: list[tuple[JobEnvelope, str, str | None]] = []
        self.fifo_fields: list[tuple[str | None, str | None]] = []

    def send_job(
        self,
        envelope: JobEnvelope,
        correlation_id: str,
        trace_header: str | None = None,
        *,
        group_id: str | None = None,
        deduplication_id: str | None = None,
    ) -> str:
        self.sent.append((envelope, correlation_id, trace_header))
        self.fifo_fields.append((group_id, deduplication_id))
        return f"sent-{len(self.sent)}"


def context(
    sender: RecordingSender | None = None, group_id: str | None = None, message_id: str = "m-1"
) -> JobContext:
    return JobContext(
        message_id=message_id,
        correlation_id="c-1",
        receive_count=1,
        sender=sender,
        trace_header="Root=1",
        group_id=group_id,
    )


def test_a_registered_job_receives_its_validated_payload() -> None:
    registry = JobRegistry()

    @registry.job("greet", Greeting)
    def greet(payload: Greeting, ctx: JobContext) -> str:
        return f"hello {payload.name} ({ctx.correlation_id})"

    assert registry.run(JobEnvelope(type="greet", payload={"name": "ana"}), context()) == "hello ana (c-1)"
    assert registry.job_types == ("greet",)


def test_unknown_types_and_invalid_payloads_are_permanent_errors() -> None:
    registry = JobRegistry()
    registry.job("greet", Greeting)(lambda p, c: None)
    with pytest.raises(UnknownJobTypeError, match="nope"):
        registry.run(JobEnvelope(type="nope", payload={}), context())
    with pytest.raises(InvalidPayloadError, match="name"):
        registry.run(JobEnvelope(type="greet", payload={"nom": 1}), context())


def test_registering_a_type_twice_is_a_configuration_error() -> None:
    registry = JobRegistry()
    registry.job("greet", Greeting)(lambda p, c: None)
    with pytest.raises(ConfigurationError, match="twice"):
        registry.job("greet", Greeting)(lambda p, c: None)


def test_the_runner_gets_the_message_id_key_or_the_jobs_own_key() -> None:
    registry = JobRegistry()
    registry.job("greet", Greeting)(lambda p, c: p.name)
    registry.job("keyed", Greeting, idempotency_key=lambda p: p.name)(lambda p, c: p.name)
    keys: list[tuple[str, object]] = []

    def runner(key: str, action, payload=None):  # type: ignore[no-untyped-def]
        keys.append((key, payload))
        return action()

    registry.run(JobEnvelope(type="greet", payload={"name": "a"}), context(), runner)
    registry.run(JobEnvelope(type="keyed", payload={"name": "b"}), context(), runner)
    # The payload goes with the key: the DynamoDB guard validates it (same key, other payload = conflict).
    assert keys == [("greet:m-1", {"name": "a"}), ("keyed:b", {"name": "b"})]


def test_metric_job_types_are_bounded_to_registered_ones() -> None:
    registry = JobRegistry()
    registry.job("greet", Greeting)(lambda p, c: None)
    assert registry.bounded_job_type("greet") == "greet"
    assert registry.bounded_job_type("attacker-controlled-123") == "unregistered"


def test_loading_a_missing_job_module_names_it_clearly() -> None:
    with pytest.raises(ConfigurationError, match=r"JOB_MODULES names 'no_such\.module'"):
        load_job_modules(["no_such.module"])


def test_the_example_jobs_are_registered_by_their_module() -> None:
    load_job_modules(["queue_worker.example_jobs"])
    assert {"checksum", "fan_out"} <= set(default_registry.job_types)


def test_checksum_digests_the_text() -> None:
    result = checksum(ChecksumPayload(text="héllo", algorithm="sha256"), context())
    assert result == {
        "algorithm": "sha256",
        "digest": hashlib.sha256("héllo".encode()).hexdigest(),
        "bytes": 6,
    }


def test_fan_out_sends_children_with_the_same_correlation_and_trace() -> None:
    sender = RecordingSender()
    payload = FanOutPayload.model_validate(
        {"jobs": [{"type": "checksum", "payload": {"text": str(i)}} for i in range(3)]}
    )
    assert fan_out(payload, context(sender)) == {"sent": ["sent-1", "sent-2", "sent-3"]}
    assert [(e.payload, c, t) for e, c, t in sender.sent] == [
        ({"text": str(i)}, "c-1", "Root=1") for i in range(3)
    ]


def test_fan_out_from_a_fifo_queue_keeps_the_group_and_sends_stable_deduplication_ids() -> None:
    payload = FanOutPayload.model_validate(
        {"jobs": [{"type": "checksum", "payload": {"text": str(i)}} for i in range(3)]}
    )
    first, retry, other = RecordingSender(), RecordingSender(), RecordingSender()
    fan_out(payload, context(first, group_id="g-7"))
    fan_out(payload, context(retry, group_id="g-7"))  # the parent delivered again: same ids
    fan_out(payload, context(other, group_id="g-7", message_id="m-2"))
    assert [group for group, _ in first.fifo_fields] == ["g-7"] * 3
    dedup_ids = [dedup for _, dedup in first.fifo_fields]
    assert len(set(dedup_ids)) == 3
    assert all(dedup and len(dedup) <= 128 for dedup in dedup_ids)
    assert [dedup for _, dedup in retry.fifo_fields] == dedup_ids
    assert not {dedup for _, dedup in other.fifo_fields} & set(dedup_ids)


def test_fan_out_from_a_standard_queue_sends_no_fifo_fields() -> None:
    sender = RecordingSender()
    fan_out(FanOutPayload.model_validate({"jobs": [{"type": "checksum", "payload": {}}]}), context(sender))
    assert sender.fifo_fields == [(None, None)]


def test_fan_out_refuses_recursion_and_needs_a_queue() -> None:
    with pytest.raises(ValueError, match="may not contain fan_out"):
        FanOutPayload.model_validate({"jobs": [{"type": "fan_out", "payload": {}}]})
    payload = FanOutPayload.model_validate({"jobs": [{"type": "checksum", "payload": {"text": "x"}}]})
    with pytest.raises(ConfigurationError, match="JOBS_QUEUE_URL"):
        fan_out(payload, context(sender=None))
