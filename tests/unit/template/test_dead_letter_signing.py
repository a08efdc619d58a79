"""The worker's DeadLetter signing key and receive limit come from the stack itself (docs/dlq.md)."""

from __future__ import annotations

import re
from typing import Any

from queue_worker.settings import WorkerSettings
from tests.unit.template.cfn import Template, resources_of_type

DYNAMIC_REFERENCE = re.compile(r"^\{\{resolve:secretsmanager:\$\{(?P<secret>\w+)\}:SecretString\}\}$")


def _variables(template: Template, function: str) -> dict[str, Any]:
    properties = template["Resources"][function]["Properties"]
    variables: dict[str, Any] = properties["Environment"]["Variables"]
    return variables


def test_the_signing_key_is_a_secret_generated_by_the_stack(template: Template) -> None:
    reference = _variables(template, "WorkerFunction")["DEAD_LETTER_SIGNING_KEY"]
    match = DYNAMIC_REFERENCE.match(reference["Fn::Sub"])
    assert match is not None, reference
    secret = resources_of_type(template, "AWS::SecretsManager::Secret")[match["secret"]]
    generated = secret["Properties"]["GenerateSecretString"]
    minimum = WorkerSettings.model_fields["dead_letter_signing_key"].metadata
    min_length = next(item.min_length for item in minimum if hasattr(item, "min_length"))
    assert generated["PasswordLength"] >= min_length
    assert "SecretStringTemplate" not in generated  # the whole SecretString is the key


def test_only_the_worker_gets_the_signing_key(template: Template) -> None:
    globals_ = template["Globals"]["Function"]["Environment"]["Variables"]
    assert "DEAD_LETTER_SIGNING_KEY" not in globals_
    assert "DEAD_LETTER_SIGNING_KEY" not in _variables(template, "HealthFunction")


def test_the_worker_knows_the_jobs_queue_receive_limit(template: Template) -> None:
    assert _variables(template, "WorkerFunction")["MAX_RECEIVE_COUNT"] == {"Ref": "MaxReceiveCount"}
    redrive = template["Resources"]["JobsQueue"]["Properties"]["RedrivePolicy"]
    assert redrive["maxReceiveCount"] == {"Ref": "MaxReceiveCount"}
