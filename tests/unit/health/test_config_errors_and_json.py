"""Health: a configuration error is a 503 problem document, never an exception (a 502 from the
Function URL); ``/health/live`` needs no configuration; non-finite numbers never make invalid JSON."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import health_handler
from queue_worker.health.endpoint import CONFIGURATION_ERROR
from queue_worker.health.http import finite
from queue_worker.health.settings import health_settings
from tests.unit.health.conftest import HEALTH_ENV, Invoke
from tests.unit.health.fakes import FakeAws


def strict_json(raw: str) -> Any:
    """Parse as a strict client does: NaN and Infinity are not JSON."""

    def refuse(constant: str) -> Any:
        raise ValueError(f"invalid JSON constant {constant}")

    return json.loads(raw, parse_constant=refuse)


@pytest.fixture
def broken_env(health_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """Apply env changes, with the settings and the real monitor seam rebuilt from them."""

    def apply(**changes: str | None) -> None:
        for name, value in changes.items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        health_settings.cache_clear()
        health_handler.monitor.cache_clear()

    yield apply
    health_settings.cache_clear()
    health_handler.monitor.cache_clear()


@pytest.mark.parametrize(
    "changes",
    [
        {"JOBS_QUEUE_URL": None},
        {"JOBS_QUEUE_URL": "  "},
        {"HEALTH_CACHE_SECONDS": "soon"},
        {"HEALTH_CHECK_TIMEOUT_SECONDS": "nan"},
        {"OLDEST_MESSAGE_WARN_SECONDS": "-1", "JOBS_QUEUE_URL": None},
    ],
)
def test_a_configuration_error_is_a_503_problem_document(
    changes: dict[str, str | None], broken_env: Callable[..., None], invoke: Invoke, log_lines: Any
) -> None:
    broken_env(**changes)
    status, headers, body, raw = invoke("/health")
    assert status == 503
    assert headers["Content-Type"] == "application/health+json"
    assert headers["Cache-Control"] == "max-age=0"
    assert body == {
        "status": "fail",
        "version": HEALTH_ENV["SERVICE_VERSION"],
        "releaseId": HEALTH_ENV["RELEASE_ID"],
        "serviceId": "sqs-lambda-worker",
        "output": CONFIGURATION_ERROR,
    }
    assert "amazonaws" not in raw  # nothing of the configuration in the body
    assert "soon" not in raw
    errors = [line for line in log_lines() if line["level"] == "ERROR"]
    assert [line["message"] for line in errors] == ["health configuration is invalid"]
    assert errors[0]["error"].startswith("invalid HealthSettings configuration")


def test_liveness_answers_without_a_valid_configuration(
    broken_env: Callable[..., None], invoke: Invoke
) -> None:
    broken_env(JOBS_QUEUE_URL=None, HEALTH_CACHE_SECONDS="x", RELEASE_ID="prod-7")
    status, _, body, _ = invoke("/health/live")
    assert status == 200
    assert body is not None
    assert (body["status"], body["releaseId"], body["checks"]) == ("pass", "prod-7", {})


@pytest.mark.parametrize("age", [math.nan, math.inf, -math.inf])
def test_a_non_finite_age_from_cloudwatch_is_valid_json(
    age: float, fake_aws: FakeAws, install_monitor: Callable[..., Any], invoke: Invoke
) -> None:
    fake_aws.metrics.age = age
    status, _, _, raw = invoke("/health")
    check = strict_json(raw)["checks"]["jobs-queue:oldestMessageAge"][0]
    assert status == 200
    assert (check["observedValue"], check["status"]) == (None, "pass")


json_values = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=20,
)


@given(json_values)
def test_finite_makes_any_document_strict_json(value: Any) -> None:
    text = json.dumps(finite(value), allow_nan=False)  # raises on any NaN/Infinity left behind
    strict_json(text)
