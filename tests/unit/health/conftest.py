"""Health unit fixtures: deployment-like env, fake AWS adapters wired into the real handler."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import health_handler
from queue_worker.health.monitor import HealthMonitor
from queue_worker.health.settings import HealthSettings, health_settings
from tests.conftest import load_event
from tests.unit.health.fakes import FakeAws, FakeMonotonic

JOBS_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/stack-jobs"
DLQ_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/stack-jobs-dlq"
JOBS_ARN = "arn:aws:sqs:eu-west-1:123456789012:stack-jobs"
HEALTH_ENV = {
    "JOBS_QUEUE_URL": JOBS_URL,
    "DEAD_LETTER_QUEUE_URL": DLQ_URL,
    "JOBS_QUEUE_ARN": JOBS_ARN,
    "WORKER_FUNCTION_NAME": "stack-worker",
    "RELEASE_ID": "prod",
    "SERVICE_VERSION": "1",
    "HEALTH_CACHE_SECONDS": "5",
    "HEALTH_CHECK_TIMEOUT_SECONDS": "0.3",
    "OLDEST_MESSAGE_WARN_SECONDS": "300",
}

type Invoke = Callable[..., tuple[int, dict[str, str], dict[str, Any] | None, str]]


@pytest.fixture
def health_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """The env the template gives the health function; settings re-parsed per test."""
    for name, value in HEALTH_ENV.items():
        monkeypatch.setenv(name, value)
    health_settings.cache_clear()
    yield HEALTH_ENV
    health_settings.cache_clear()


@pytest.fixture
def fake_aws() -> Iterator[FakeAws]:
    fake = FakeAws()
    yield fake
    fake.release_all()


@pytest.fixture
def monotonic() -> FakeMonotonic:
    return FakeMonotonic()


@pytest.fixture
def install_monitor(
    health_env: dict[str, str], fake_aws: FakeAws, monotonic: FakeMonotonic, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., HealthMonitor]:
    """Replace the handler's monitor seam with one over the fakes (optionally with env overrides)."""

    def install(**env: str) -> HealthMonitor:
        settings = HealthSettings.from_env({**health_env, **env})
        built = HealthMonitor.from_settings(settings, fake_aws.deps(), monotonic)
        monkeypatch.setattr(health_handler, "monitor", lambda: built)
        return built

    install()
    return install


@pytest.fixture
def invoke(lambda_context: Any) -> Invoke:
    """Call the real handler with a Function URL event; returns (status, headers, body, raw body)."""

    def call(
        path: str = "/health", method: str = "GET", headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], dict[str, Any] | None, str]:
        event = copy.deepcopy(load_event("health-request.json"))
        event["rawPath"] = event["requestContext"]["http"]["path"] = path
        event["requestContext"]["http"]["method"] = method
        if headers is not None:
            event["headers"] = headers
        response = health_handler.lambda_handler(event, lambda_context)
        raw = response["body"]
        return response["statusCode"], response["headers"], json.loads(raw) if raw else None, raw

    return call
