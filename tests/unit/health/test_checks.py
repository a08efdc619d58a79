"""The pure checks and the probes, with fakes: statuses, observed values and fixed outputs."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from queue_worker.errors import ConfigurationError
from queue_worker.health.age_check import NO_DATA, oldest_message_checks
from queue_worker.health.checks import NO_DLQ, dead_letter_queue_checks, jobs_queue_checks
from queue_worker.health.document import health_document
from queue_worker.health.mapping_check import NOT_CONFIGURED, MappingState, mapping_checks
from queue_worker.health.probes import run_probes
from queue_worker.health.settings import HealthSettings
from tests.unit.health.fakes import FIXED_NOW, FakeMappings, FakeMetrics, FakeQueue


def clock() -> object:
    return FIXED_NOW


def _by_key(results: list) -> dict[str, object]:
    return {r.key: (r.status, r.observed_value) for r in results}


def test_jobs_queue_reports_counts() -> None:
    results = jobs_queue_checks(FakeQueue(visible=7, in_flight=2), clock)  # type: ignore[arg-type]
    assert _by_key(results) == {
        "jobs-queue:reachable": ("pass", True),
        "jobs-queue:visibleMessages": ("pass", 7),
        "jobs-queue:inFlightMessages": ("pass", 2),
    }


@pytest.mark.parametrize(
    ("visible", "in_flight", "expected"), [(0, 0, ("pass", 0)), (1, 0, ("warn", 1)), (0, 2, ("warn", 2))]
)
def test_dead_letter_depth_warns_above_zero(visible: int, in_flight: int, expected: tuple) -> None:
    results = dead_letter_queue_checks(FakeQueue(visible=visible, in_flight=in_flight), clock)  # type: ignore[arg-type]
    assert _by_key(results) == {"dead-letter-queue:messages": expected}


def test_no_dead_letter_queue_configured_is_a_warning() -> None:
    [result] = dead_letter_queue_checks(None, clock)  # type: ignore[arg-type]
    assert (result.status, result.output) == ("warn", NO_DLQ)


@pytest.mark.parametrize(
    ("state", "last", "expected"),
    [
        ("Enabled", "OK", {"state": ("pass", "Enabled"), "lastProcessingResult": ("pass", "OK")}),
        ("Enabled", None, {"state": ("pass", "Enabled"), "lastProcessingResult": ("pass", None)}),
        (
            "Enabling",
            "No records processed",
            {"state": ("warn", "Enabling"), "lastProcessingResult": ("pass", "No records processed")},
        ),
        ("Deleting", "OK", {"state": ("fail", "Deleting"), "lastProcessingResult": ("pass", "OK")}),
        ("Weird arn:aws:x", "OK", {"state": ("fail", "unknown"), "lastProcessingResult": ("pass", "OK")}),
        (
            "Enabled",
            "PROBLEM: Function call failed",
            {"state": ("pass", "Enabled"), "lastProcessingResult": ("fail", "PROBLEM")},
        ),
        (
            "Enabled",
            "Something new",
            {"state": ("pass", "Enabled"), "lastProcessingResult": ("warn", "unknown")},
        ),
    ],
)
def test_mapping_states_and_results(state: str, last: str | None, expected: dict) -> None:
    results = mapping_checks(
        FakeMappings(MappingState(state, last)),
        function_name="w",
        queue_name="q",
        clock=clock,  # type: ignore[arg-type]
    )
    assert _by_key(results) == {f"event-source-mapping:{k}": v for k, v in expected.items()}


def test_mapping_not_configured_is_a_warning_without_a_lookup() -> None:
    reader = FakeMappings()
    [result] = mapping_checks(reader, function_name=None, queue_name="q", clock=clock)  # type: ignore[arg-type]
    assert (result.status, result.observed_value, result.output) == ("warn", None, NOT_CONFIGURED)
    assert reader.lookups == []


@pytest.mark.parametrize(
    ("age", "expected"),
    [(None, ("pass", None)), (0.0, ("pass", 0.0)), (60.0, ("pass", 60.0)), (60.5, ("warn", 60.5))],
)
def test_oldest_message_age_against_the_threshold(age: float | None, expected: tuple) -> None:
    [result] = oldest_message_checks(FakeMetrics(age), queue_name="q", warn_seconds=60, clock=clock)  # type: ignore[arg-type]
    assert (result.status, result.observed_value) == expected
    assert result.observed_unit == "s"
    assert (result.output == NO_DATA) is (age is None)


def test_no_probes_no_results() -> None:
    assert run_probes([], timeout_seconds=1) == []


def test_check_objects_follow_the_draft() -> None:
    document = health_document(
        jobs_queue_checks(FakeQueue(visible=1), clock),
        release_id="r",
        service_id="s",  # type: ignore[arg-type]
    )
    check = document["checks"]["jobs-queue:visibleMessages"][0]  # type: ignore[index]
    assert check == {
        "componentType": "component",
        "observedValue": 1,
        "observedUnit": "messages",
        "status": "pass",
        "time": "2026-11-23T20:00:00Z",
    }


def test_settings_defaults_and_blank_values() -> None:
    settings = HealthSettings.from_env(
        {
            "JOBS_QUEUE_URL": "http://localhost:5000/123456789012/dev-jobs",
            "WORKER_FUNCTION_NAME": " ",
            "JOBS_QUEUE_ARN": "",
        }
    )
    assert settings.worker_function_name is None
    assert settings.jobs_queue_arn is None
    assert settings.dead_letter_queue_url is None
    assert settings.jobs_queue_name == "dev-jobs"
    assert (settings.cache_seconds, settings.check_timeout_seconds, settings.oldest_message_warn_seconds) == (
        5,
        3,
        300,
    )
    assert (
        HealthSettings.from_env({"JOBS_QUEUE_URL": "u/x", "JOBS_QUEUE_NAME": "named"}).jobs_queue_name
        == "named"
    )


def test_malformed_counts_read_as_zero() -> None:
    class Odd:
        def attributes(self, names: list[str]) -> dict[str, str]:
            return {"ApproximateNumberOfMessages": "many"}

    assert _by_key(jobs_queue_checks(Odd(), clock))["jobs-queue:visibleMessages"] == ("pass", 0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("HEALTH_CACHE_SECONDS", "301"),
        ("HEALTH_CACHE_SECONDS", "-1"),
        ("HEALTH_CACHE_SECONDS", "five"),
        ("HEALTH_CHECK_TIMEOUT_SECONDS", "0"),
        ("HEALTH_CHECK_TIMEOUT_SECONDS", "nan"),
        ("OLDEST_MESSAGE_WARN_SECONDS", "inf"),
        ("OLDEST_MESSAGE_WARN_SECONDS", "-5"),
    ],
)
def test_bad_health_settings_name_the_variable_and_the_value(name: str, value: str) -> None:
    with pytest.raises(
        ConfigurationError, match=rf"invalid HealthSettings configuration: {name}: .*'{value}'"
    ):
        HealthSettings.from_env({"JOBS_QUEUE_URL": "u/x", name: value})


def test_every_bad_health_setting_is_named_in_one_message() -> None:
    with pytest.raises(ConfigurationError) as raised:
        HealthSettings.from_env({"JOBS_QUEUE_URL": " ", "HEALTH_CACHE_SECONDS": "x"})
    assert str(raised.value) == (
        "invalid HealthSettings configuration: JOBS_QUEUE_URL: required, not set; "
        "HEALTH_CACHE_SECONDS: must be a number of seconds between 0 and 300, got 'x'"
    )


def test_health_settings_read_numbers_and_texts() -> None:
    settings = HealthSettings.from_env(
        {
            "JOBS_QUEUE_URL": "u/x",
            "HEALTH_CACHE_SECONDS": "0",
            "HEALTH_CHECK_TIMEOUT_SECONDS": "30",
            "OLDEST_MESSAGE_WARN_SECONDS": "12.5",
            "RELEASE_ID": "abc123",
            "SERVICE_VERSION": "7",
        }
    )
    assert (settings.cache_seconds, settings.check_timeout_seconds, settings.oldest_message_warn_seconds) == (
        0,
        30,
        12.5,
    )
    assert (settings.release_id, settings.version) == ("abc123", "7")


def test_the_health_function_imports_no_pydantic() -> None:
    """The reason the health settings are hand-written (docs/decisions.md #15): keep it that way."""
    code = (
        "import sys, health_handler; print('pydantic' in sys.modules, 'botocore.exceptions' in sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert result.stdout.split() == ["False", "False"]
