"""Backoff values, DLQ message shape and settings parsing."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from queue_worker.backoff import backoff_ceiling, full_jitter_delay
from queue_worker.dead_letter import DEAD_LETTER_ATTRIBUTE, dead_letter_message
from queue_worker.errors import ConfigurationError, InvalidPayloadError
from queue_worker.health.settings import HealthSettings
from queue_worker.settings import WorkerSettings
from tests.factories import sqs_record, string_attribute


@pytest.mark.parametrize(
    ("count", "ceiling"), [(1, 2), (2, 4), (3, 8), (5, 32), (6, 60), (50, 60), (10**6, 60)]
)
def test_the_ceiling_doubles_per_receive_up_to_the_cap(count: int, ceiling: float) -> None:
    assert backoff_ceiling(count, base_seconds=2, cap_seconds=60) == ceiling


def test_full_jitter_spans_zero_to_the_ceiling() -> None:
    assert full_jitter_delay(4, 2, 60, uniform=lambda low, high: low) == 0
    assert full_jitter_delay(4, 2, 60, uniform=lambda low, high: high) == 16


@given(st.integers(min_value=1, max_value=10_000), st.floats(0, 100), st.floats(0, 43_200))
def test_delay_is_always_a_valid_visibility_timeout(count: int, base: float, cap: float) -> None:
    delay = full_jitter_delay(count, base, cap)
    assert 0 <= delay <= min(cap, 43_200) + 1
    assert isinstance(delay, int)


def test_dead_letter_message_keeps_body_and_attributes_and_adds_metadata() -> None:
    record = sqs_record('{"type": "x"}', message_id="m-9", receive_count=3, correlation_id="c-9")
    message = dead_letter_message(record, InvalidPayloadError("bad" * 1000), datetime(2026, 1, 2, tzinfo=UTC))
    assert message.body == '{"type": "x"}'
    assert message.attributes["CorrelationId"] == {"DataType": "String", "StringValue": "c-9"}
    metadata = json.loads(message.attributes[DEAD_LETTER_ATTRIBUTE]["StringValue"])
    assert metadata["errorType"] == "InvalidPayloadError"
    assert len(metadata["errorMessage"]) == 1000
    assert (metadata["originalMessageId"], metadata["receiveCount"]) == ("m-9", 3)
    assert metadata["failedAt"].startswith("2026-01-02T00:00:00")
    assert metadata["sourceQueue"] == "sqs-lambda-worker-test-jobs"
    assert message.group_id is None


def test_ten_original_attributes_are_folded_into_the_metadata() -> None:
    attributes = {f"a{i}": string_attribute(str(i)) for i in range(10)}
    message = dead_letter_message(sqs_record(extra_attributes=attributes), ValueError("x"), datetime.now(UTC))
    assert list(message.attributes) == [DEAD_LETTER_ATTRIBUTE]
    folded = json.loads(message.attributes[DEAD_LETTER_ATTRIBUTE]["StringValue"])["originalAttributes"]
    assert folded["a7"] == {"DataType": "String", "StringValue": "7"}


def test_fifo_dead_letters_keep_their_group() -> None:
    message = dead_letter_message(
        sqs_record(group_id="g-1", message_id="m-1"), ValueError(), datetime.now(UTC)
    )
    assert (message.group_id, message.deduplication_id) == ("g-1", "m-1")


def test_worker_settings_parse_the_environment() -> None:
    settings = WorkerSettings.from_env(
        {"JOB_MODULES": "a.jobs, b.jobs ,", "TIMEOUT_MARGIN_MS": "1500", "FIFO_SKIP_GROUP_ON_ERROR": "true"}
    )
    assert settings.job_modules == ("a.jobs", "b.jobs")
    assert settings.timeout_margin_ms == 1500
    assert settings.fifo_skip_group_on_error is True
    assert settings.idempotency_table_name is None


def test_bad_settings_name_the_variable() -> None:
    with pytest.raises(ConfigurationError, match="BACKOFF_CAP_SECONDS"):
        WorkerSettings.from_env({"BACKOFF_CAP_SECONDS": "99999"})
    with pytest.raises(ConfigurationError, match="JOB_MODULES"):
        WorkerSettings.from_env({"JOB_MODULES": " , "})
    with pytest.raises(ConfigurationError, match="JOBS_QUEUE_URL"):
        HealthSettings.from_env({})


def test_a_redriven_message_keeps_its_original_id_for_idempotency() -> None:
    from queue_worker.dead_letter import original_message_id

    first = sqs_record(message_id="first-delivery")
    dead = dead_letter_message(first, ValueError("x"), datetime.now(UTC))
    redriven = sqs_record(
        message_id="new-id-after-redrive",
        extra_attributes={
            DEAD_LETTER_ATTRIBUTE: string_attribute(dead.attributes[DEAD_LETTER_ATTRIBUTE]["StringValue"])
        },
    )
    assert original_message_id(redriven) == "first-delivery"
    assert original_message_id(first) == "first-delivery"
    broken = sqs_record(
        message_id="m", extra_attributes={DEAD_LETTER_ATTRIBUTE: string_attribute("{not json")}
    )
    assert original_message_id(broken) == "m"
