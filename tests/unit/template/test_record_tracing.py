"""The `RecordTracing` parameter: off by default (a lean cold start), reaching the worker alone as a
value its settings parse, in every samconfig environment."""

from __future__ import annotations

import pytest

from queue_worker.settings import WorkerSettings
from tests.unit.template.cfn import (
    Template,
    effective_parameters,
    function_property,
    resolve,
    samconfig_environments,
    samconfig_overrides,
    url_functions,
)


def worker_variables(template: Template) -> dict[str, object]:
    variables: dict[str, object] = function_property(template, "WorkerFunction", "Environment")["Variables"]
    return variables


def test_record_tracing_is_a_boolean_parameter_off_by_default(template: Template) -> None:
    parameter = template["Parameters"]["RecordTracing"]
    assert (parameter["Type"], sorted(parameter["AllowedValues"]), parameter["Default"]) == (
        "String",
        ["false", "true"],
        "false",
    )


@pytest.mark.parametrize("value", ["true", "false"])
def test_the_worker_gets_the_parameter_as_record_tracing(template: Template, value: str) -> None:
    params = effective_parameters(template, {"RecordTracing": value})
    resolved = resolve(template, worker_variables(template)["RECORD_TRACING"], params)
    assert WorkerSettings.from_env({"RECORD_TRACING": resolved}).record_tracing is (value == "true")


@pytest.mark.parametrize("env", samconfig_environments())
def test_every_environment_resolves_record_tracing_to_a_boolean(template: Template, env: str) -> None:
    params = effective_parameters(template, samconfig_overrides(env))
    assert resolve(template, worker_variables(template)["RECORD_TRACING"], params) in {"true", "false"}


def test_the_health_function_has_no_record_tracing(template: Template) -> None:
    assert "RECORD_TRACING" not in str(template.get("Globals"))
    for function in url_functions(template).values():
        assert "RECORD_TRACING" not in str(function["Properties"].get("Environment"))
