"""Lambda's init phase (the worker module's import), in fresh interpreters: the X-Ray SDK and botocore's
session load only when needed, and the clients every invocation may need exist before the first one, so
a cold invocation spends none of its time budget creating them (``tests.unit.worker.init_probe``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

QUEUES = {
    "JOBS_QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/123456789012/jobs",
    "DEAD_LETTER_QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/123456789012/jobs-dlq",
}
DEAD_ENDPOINT = "http://127.0.0.1:9"  # nothing listens: a call the stub does not answer fails at once
UNKNOWN_JOB_RECORD = "5b8a8c8e-6d39-4a3c-9c64-0b5f0c0e8f21"  # sqs-mixed-batch.json's no_such_job record


def fresh_interpreter(*args: str, check: bool = True, **env: str) -> subprocess.CompletedProcess[str]:
    """``python *args`` with the tests' environment (no worker variables) plus ``env``."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"JOBS_QUEUE_URL", "DEAD_LETTER_QUEUE_URL", "IDEMPOTENCY_TABLE_NAME", "RECORD_TRACING"}
    }
    environment |= {"PYTHONPATH": os.pathsep.join(sys.path), "AWS_ENDPOINT_URL": DEAD_ENDPOINT, **env}
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, check=check, env=environment, timeout=120
    )


def init_phase(*args: str, **env: str) -> dict[str, Any]:
    """Run the probe in a fresh interpreter; its JSON line."""
    result = fresh_interpreter("-m", "tests.unit.worker.init_probe", *args, **env)
    facts: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return facts


def test_without_record_tracing_the_import_loads_neither_xray_nor_botocore_sessions() -> None:
    facts = init_phase()
    assert facts["loaded"] == []
    assert facts["tracer"] is False
    assert (facts["dependencies_built"], facts["sqs_clients"], facts["idempotency_guards"]) == (1, 0, 0)


def test_record_tracing_loads_the_xray_sdk_and_traces_the_handler() -> None:
    facts = init_phase(RECORD_TRACING="true")
    assert "aws_xray_sdk" in facts["loaded"]
    assert facts["tracer"] is True


def test_the_clients_are_created_at_init_and_the_first_invocation_creates_none() -> None:
    facts = init_phase("--invoke", **QUEUES, IDEMPOTENCY_TABLE_NAME="")
    assert (facts["dependencies_built"], facts["sqs_clients"]) == (1, 1)
    assert facts["queues_share_the_client"] is True
    assert facts["clients_created"] == []
    assert facts["failures"] == []  # the unknown job went to the (stubbed) DLQ through the init client


def test_the_idempotency_table_client_is_created_at_init() -> None:
    facts = init_phase(**QUEUES, IDEMPOTENCY_TABLE_NAME="jobs-idempotency")
    assert (facts["sqs_clients"], facts["idempotency_guards"]) == (1, 1)
    assert "aws_xray_sdk" not in facts["loaded"]


def test_a_bad_record_tracing_value_fails_the_init_phase_with_one_clear_line() -> None:
    result = fresh_interpreter("-c", "import worker_handler", check=False, RECORD_TRACING="sometimes")
    assert result.returncode != 0
    (line,) = [json.loads(text) for text in result.stdout.splitlines() if text.startswith("{")]
    assert (line["level"], line["message"]) == ("CRITICAL", "worker configuration is invalid")
    assert "RECORD_TRACING" in line["error"]
