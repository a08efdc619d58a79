"""The local runtime stands in for the stack's generated secrets (the DeadLetter signing key)."""

from __future__ import annotations

from queue_worker.settings import WorkerSettings
from tests.conftest import ROOT
from workerctl.local.sandbox.setup import with_local_secrets
from workerctl.local.template.loader import load_model


def test_the_workers_signing_key_reference_becomes_the_runs_secret() -> None:
    model = load_model(ROOT / "template.yaml", stack_name="st", region="eu-west-1")
    (worker,) = [f for f in model.functions() if f.logical_id == "WorkerFunction"]
    assert worker.environment["DEAD_LETTER_SIGNING_KEY"].startswith("{{resolve:secretsmanager:")
    environment = with_local_secrets(worker.environment, "k" * 64)
    assert environment["DEAD_LETTER_SIGNING_KEY"] == "k" * 64
    assert environment["JOB_MODULES"] == worker.environment["JOB_MODULES"]  # the rest as they were
    settings = WorkerSettings.from_env(environment)
    assert settings.signing_key == b"k" * 64
    assert settings.max_receive_count == 5  # the template's MaxReceiveCount default


def test_only_secret_references_are_replaced() -> None:
    variables = {"A": "{{resolve:secretsmanager:X:SecretString}}", "B": "{{resolve:ssm:p}}", "C": "x{{y}}"}
    assert with_local_secrets(variables, "s") == {"A": "s", "B": "{{resolve:ssm:p}}", "C": "x{{y}}"}
