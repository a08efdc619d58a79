"""Shared fixtures: a sane, offline AWS environment for every test and the sample events."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from workerctl.local.sandbox.context import LocalLambdaContext, frozen_clock

# Lambda sets these before the handler module is imported; the Powertools singletons read them at import.
BASE_ENVIRONMENT = {
    "POWERTOOLS_SERVICE_NAME": "sqs-lambda-worker",
    "POWERTOOLS_METRICS_NAMESPACE": "SqsLambdaWorkerTests",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "AWS_DEFAULT_REGION": "eu-west-1",
}
for _name, _value in BASE_ENVIRONMENT.items():
    os.environ[_name] = _value

ROOT = Path(__file__).resolve().parent.parent
EVENTS_DIR = ROOT / "events"


@pytest.fixture(autouse=True)
def _aws_test_environment(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Fake credentials and region so no test can reach a real account; tracing off; the CLI's
    audit log in a temporary directory, never in the checkout."""
    audit = tmp_path_factory.mktemp("audit") / "audit.jsonl"
    monkeypatch.setenv("WORKERCTL_AUDIT_LOG", str(audit))
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "sqs-lambda-worker")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "SqsLambdaWorkerTests")


def load_event(name: str) -> dict[str, Any]:
    """One JSON file from events/."""
    data: dict[str, Any] = json.loads((EVENTS_DIR / name).read_text())
    return data


@pytest.fixture
def lambda_context() -> LocalLambdaContext:
    """The shared fake Lambda context, 30 s left on a frozen clock (set ``remaining_ms`` to change it)."""
    return LocalLambdaContext(
        "sqs-lambda-worker-test",
        memory_mb=256,
        request_id="52fdfc07-2182-454f-963f-5f0f9a621d72",
        timeout_s=30,
        clock=frozen_clock,
    )
