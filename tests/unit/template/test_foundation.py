"""Foundation invariants of template.yaml, for the defaults and for every samconfig.toml environment:
visibility timeout vs function timeout, DLQ retention, receive count, partial batch failures,
runtime/architecture, the layer build, checkov skip reasons and the health Function URL."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.unit.template.cfn import (
    FUNCTION,
    NO_VALUE,
    Template,
    condition_holds,
    dead_letter_queue_of,
    effective_parameters,
    function_property,
    is_active,
    load_template,
    number,
    reference_target,
    resolve,
    resources_of_type,
    samconfig_environments,
    samconfig_overrides,
    sqs_event_sources,
    url_functions,
)

ENVIRONMENTS = samconfig_environments()
VISIBILITY_FACTOR = 6  # AWS: queue visibility timeout >= 6 x function timeout (+ batching window)
SQS_DEFAULT_VISIBILITY = 30
LAMBDA_DEFAULT_TIMEOUT = 3


def parameter_sets(template: Template) -> dict[str, dict[str, str]]:
    """Template defaults and each samconfig environment's effective parameters."""
    sets = {"template defaults": effective_parameters(template)}
    sets |= {env: effective_parameters(template, samconfig_overrides(env)) for env in ENVIRONMENTS}
    return sets


def visibility_problems(template: Template, params: dict[str, str]) -> list[str]:
    """Queues whose visibility timeout is shorter than 6 x the reading function's timeout + window."""
    problems = []
    for source in sqs_event_sources(template, params):
        queue = template["Resources"][source.queue]["Properties"]
        visibility = number(resolve(template, queue.get("VisibilityTimeout", SQS_DEFAULT_VISIBILITY), params))
        timeout = resolve(template, function_property(template, source.function, "Timeout"), params)
        timeout_seconds = number(LAMBDA_DEFAULT_TIMEOUT if timeout is None else timeout)
        window = resolve(template, source.properties.get("MaximumBatchingWindowInSeconds", 0), params)
        window_seconds = 0.0 if window is NO_VALUE else number(window)
        needed = VISIBILITY_FACTOR * timeout_seconds + window_seconds
        if visibility < needed:
            problems.append(
                f"{source.queue}: visibility {visibility:g}s < {needed:g}s needed by {source.function}"
            )
    return problems


@pytest.fixture(scope="module")
def parameter_sets_(template: Template) -> dict[str, dict[str, str]]:
    return parameter_sets(template)


def test_samconfig_defines_dev_and_prod_overrides():
    assert {"dev", "prod"} <= set(ENVIRONMENTS)


@pytest.mark.parametrize("config", ["template defaults", *ENVIRONMENTS])
def test_visibility_timeout_covers_six_function_timeouts_plus_window(template, parameter_sets_, config):
    params = parameter_sets_[config]
    assert list(sqs_event_sources(template, params)), "no SQS event source to check"

    assert visibility_problems(template, params) == []


@pytest.mark.parametrize(
    ("overrides", "visibility", "needed"),
    [
        ({"WorkerTimeoutSeconds": "31"}, 180, 186),
        ({"MaximumBatchingWindowInSeconds": "1"}, 180, 181),
        ({"QueueVisibilityTimeoutSeconds": "59", "WorkerTimeoutSeconds": "10"}, 59, 60),
    ],
)
def test_visibility_check_rejects_a_bad_config(template, overrides, visibility, needed):
    params = effective_parameters(template, overrides)
    sources = list(sqs_event_sources(template, params))
    assert sources

    problems = visibility_problems(template, params)

    assert problems == [
        f"{s.queue}: visibility {visibility}s < {needed}s needed by {s.function}" for s in sources
    ]


def test_visibility_check_accepts_exactly_six_timeouts_plus_window(template):
    params = effective_parameters(
        template,
        {
            "QueueVisibilityTimeoutSeconds": "65",
            "WorkerTimeoutSeconds": "10",
            "MaximumBatchingWindowInSeconds": "5",
        },
    )

    assert visibility_problems(template, params) == []


@pytest.mark.parametrize("config", ["template defaults", *ENVIRONMENTS])
def test_dead_letter_queue_outlives_the_jobs_queue(template, parameter_sets_, config):
    params = parameter_sets_[config]
    for source in sqs_event_sources(template, params):
        dlq = template["Resources"][dead_letter_queue_of(template, source.queue, params)]["Properties"]
        jobs = template["Resources"][source.queue]["Properties"]

        dlq_retention = number(resolve(template, dlq["MessageRetentionPeriod"], params))
        jobs_retention = number(resolve(template, jobs["MessageRetentionPeriod"], params))

        assert dlq_retention == 1_209_600
        assert dlq_retention > jobs_retention


def test_no_allowed_jobs_queue_retention_reaches_the_dlq_retention(template):
    # The parameter's MaxValue keeps any override below the DLQ's 14 days, not just today's configs.
    params = effective_parameters(template)
    for source in sqs_event_sources(template, params):
        retention = template["Resources"][source.queue]["Properties"]["MessageRetentionPeriod"]
        parameter = template["Parameters"][reference_target(retention)]
        dlq = template["Resources"][dead_letter_queue_of(template, source.queue, params)]["Properties"]

        assert parameter["MaxValue"] < number(dlq["MessageRetentionPeriod"])


def test_max_receive_count_defaults_to_five(template, defaults):
    for source in sqs_event_sources(template, defaults):
        redrive = template["Resources"][source.queue]["Properties"]["RedrivePolicy"]

        assert number(resolve(template, redrive["maxReceiveCount"], defaults)) == 5


@pytest.mark.parametrize("config", ENVIRONMENTS)
def test_environments_keep_at_least_five_receives(template, parameter_sets_, config):
    params = parameter_sets_[config]
    for source in sqs_event_sources(template, params):
        redrive = template["Resources"][source.queue]["Properties"]["RedrivePolicy"]

        assert number(resolve(template, redrive["maxReceiveCount"], params)) >= 5


def test_every_sqs_event_reports_batch_item_failures(template, defaults):
    sources = list(sqs_event_sources(template, defaults))
    assert sources

    for source in sources:
        assert "ReportBatchItemFailures" in source.properties["FunctionResponseTypes"]


def test_every_function_runs_python_3_13_on_arm64(template):
    functions = resources_of_type(template, FUNCTION)
    assert functions

    settings = {
        name: (
            function_property(template, name, "Runtime"),
            function_property(template, name, "Architectures"),
        )
        for name in functions
    }

    assert settings == dict.fromkeys(functions, ("python3.13", ["arm64"]))


def test_every_layer_is_built_for_python_3_13_on_arm64(template):
    layers = resources_of_type(template, "AWS::Serverless::LayerVersion")
    assert layers

    for layer in layers.values():
        assert layer["Metadata"]["BuildMethod"] == "python3.13"
        assert layer["Metadata"]["BuildArchitecture"] == "arm64"
        assert "arm64" in layer["Properties"]["CompatibleArchitectures"]


def checkov_skip_problems(template: Template) -> list[str]:
    """Skips without a check id or without a reason."""
    problems = []
    for name, resource in template["Resources"].items():
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", []):
            if not re.fullmatch(r"CKV2?_[A-Z]+_\d+", str(skip.get("id", ""))):
                problems.append(f"{name}: skip without a check id: {skip}")
            if not str(skip.get("comment") or "").strip():
                problems.append(f"{name}: {skip.get('id')} skipped without a comment")
    return problems


def test_every_checkov_skip_carries_a_reason(template):
    skips = [r for r in template["Resources"].values() if r.get("Metadata", {}).get("checkov")]
    assert skips, "no checkov skips found: is the Metadata layout still checkov.skip?"

    assert checkov_skip_problems(template) == []


def test_checkov_skip_check_rejects_missing_reasons(tmp_path):
    path = tmp_path / "template.yaml"
    path.write_text(
        "Resources:\n"
        "  Queue:\n"
        "    Type: AWS::SQS::Queue\n"
        "    Metadata:\n"
        "      checkov:\n"
        "        skip:\n"
        "          - id: CKV_AWS_27\n"
        "          - id: CKV_AWS_28\n"
        '            comment: "  "\n'
        "          - comment: no id\n"
    )

    assert checkov_skip_problems(load_template(path)) == [
        "Queue: CKV_AWS_27 skipped without a comment",
        "Queue: CKV_AWS_28 skipped without a comment",
        "Queue: skip without a check id: {'comment': 'no id'}",
    ]


@pytest.fixture(scope="module")
def health(template: Template) -> tuple[str, dict[str, Any]]:
    functions = url_functions(template)
    assert len(functions) == 1, f"expected one function with a Function URL, found {sorted(functions)}"
    ((name, function),) = functions.items()
    return name, function


def test_health_function_url_requires_iam_by_default(template, defaults, health):
    _, function = health
    auth = function["Properties"]["FunctionUrlConfig"]["AuthType"]

    assert resolve(template, auth, defaults) == "AWS_IAM"
    assert set(template["Parameters"][reference_target(auth)]["AllowedValues"]) == {"AWS_IAM", "NONE"}


def public_permissions(template: Template, params: dict[str, str], function: str) -> list[dict[str, Any]]:
    """Active Lambda permissions that let anyone ("*") invoke ``function``."""
    return [
        {key: resolve(template, value, params) for key, value in resource["Properties"].items()}
        for resource in resources_of_type(template, "AWS::Lambda::Permission").values()
        if is_active(template, resource, params)
        and reference_target(resource["Properties"]["FunctionName"]) == function
        and resource["Properties"]["Principal"] == "*"
    ]


def test_public_health_url_gets_both_invoke_permissions(template, health):
    name, function = health
    auth_parameter = reference_target(function["Properties"]["FunctionUrlConfig"]["AuthType"])
    params = effective_parameters(template, {auth_parameter: "NONE"})

    granted = sorted(public_permissions(template, params, name), key=lambda p: p["Action"])

    assert [(p["Action"], p.get("FunctionUrlAuthType"), p.get("InvokedViaFunctionUrl")) for p in granted] == [
        ("lambda:InvokeFunction", None, True),
        ("lambda:InvokeFunctionUrl", "NONE", None),
    ]


def test_default_health_url_grants_nothing_public(template, defaults, health):
    name, _ = health
    conditions = {
        resource["Condition"]
        for resource in resources_of_type(template, "AWS::Lambda::Permission").values()
        if resource["Properties"]["Principal"] == "*"
    }
    assert conditions, "the public permissions must be conditional"

    assert not any(condition_holds(template, condition, defaults) for condition in conditions)
    assert public_permissions(template, defaults, name) == []
