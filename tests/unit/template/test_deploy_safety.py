"""A first deploy that cannot fail and a deletion that loses nothing: the optional health reservation,
retained queues and table, stack names that fit every derived resource name, one stack per samconfig
environment, and the KMS grant to CloudWatch limited to this stack's alarms."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

from tests.unit.template.cfn import (
    NO_VALUE,
    ROOT,
    SAMCONFIG_PATH,
    Template,
    effective_parameters,
    resolve,
    resources_of_type,
    samconfig_environments,
    samconfig_overrides,
    substitute,
    url_functions,
)
from workerctl.local.template.samconfig import load_environment

ENVIRONMENTS = samconfig_environments()
RETAINED = ("AWS::SQS::Queue", "AWS::DynamoDB::Table")
# Name properties and AWS's length limits for them (the service quotas / API references).
NAME_LIMITS = {
    ("AWS::Serverless::Function", "FunctionName"): 64,
    ("AWS::SQS::Queue", "QueueName"): 80,
    ("AWS::Serverless::LayerVersion", "LayerName"): 140,
    ("AWS::Logs::LogGroup", "LogGroupName"): 512,
    ("AWS::CloudWatch::Alarm", "AlarmName"): 255,
    ("AWS::CloudWatch::Dashboard", "DashboardName"): 255,
    ("AWS::SNS::Topic", "TopicName"): 256,
    ("AWS::KMS::Alias", "AliasName"): 256,
}
DOCUMENTED_STACK_NAME_LIMIT = 57


def resource_names(template: Template, params: dict[str, str], stack: str) -> list[tuple[str, str, int]]:
    """(logical id, physical name, limit) of every named resource for ``stack``, FIFO names included."""
    names = []
    for (resource_type, key), limit in NAME_LIMITS.items():
        for logical_id, resource in resources_of_type(template, resource_type).items():
            value = resolve(template, resource["Properties"].get(key), params)
            if isinstance(value, dict) and "Fn::Sub" in value:
                value = substitute(template, value["Fn::Sub"], params, {"AWS::StackName": stack})
            assert isinstance(value, str), f"{logical_id}.{key} is not a name: {value!r}"
            names.append((logical_id, value, limit))
    return names


def name_problems(template: Template, overrides: dict[str, str], stack: str) -> list[str]:
    problems = []
    for queue_type in ("standard", "fifo"):
        params = effective_parameters(template, {**overrides, "QueueType": queue_type})
        for logical_id, name, limit in resource_names(template, params, stack):
            if len(name) > limit:
                problems.append(f"{logical_id}: {name!r} is {len(name)} characters, limit {limit}")
    return problems


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_environments_stack_name_fits_every_resource_name(template, env):
    stack = load_environment(SAMCONFIG_PATH, env).stack_name

    assert name_problems(template, samconfig_overrides(env), stack) == []


def test_the_documented_stack_name_limit_is_the_real_one(template):
    fits = "s" * DOCUMENTED_STACK_NAME_LIMIT

    assert name_problems(template, {}, fits) == []
    assert name_problems(template, {}, fits + "s") != []
    assert f"at most {DOCUMENTED_STACK_NAME_LIMIT} characters" in (ROOT / "README.md").read_text()


def test_each_environment_deploys_its_own_stack_and_default_deploys_none():
    config = tomllib.loads(SAMCONFIG_PATH.read_text())
    stacks = [load_environment(SAMCONFIG_PATH, env).stack_name for env in ENVIRONMENTS]

    assert len(set(stacks)) == len(stacks) == len(ENVIRONMENTS)
    assert "deploy" not in config["default"]
    assert "stack_name" not in config["default"].get("global", {}).get("parameters", {})


@pytest.mark.parametrize("resource_type", RETAINED)
def test_queues_and_the_idempotency_table_survive_deletion_and_replacement(template, resource_type):
    resources = resources_of_type(template, resource_type)
    assert resources

    policies = {
        name: (resource.get("DeletionPolicy"), resource.get("UpdateReplacePolicy"))
        for name, resource in resources.items()
    }

    assert policies == dict.fromkeys(resources, ("Retain", "Retain"))


def health_reservation(template: Template, overrides: dict[str, str]) -> Any:
    ((_, function),) = url_functions(template).items()
    params = effective_parameters(template, overrides)
    return resolve(template, function["Properties"]["ReservedConcurrentExecutions"], params)


def test_health_reservation_is_off_by_default(template):
    assert template["Parameters"]["HealthReservedConcurrency"]["Default"] == 0
    assert health_reservation(template, {}) is NO_VALUE


def test_health_reservation_is_on_in_prod_and_follows_the_parameter(template):
    assert health_reservation(template, samconfig_overrides("prod")) == "5"
    assert health_reservation(template, {"HealthReservedConcurrency": "3"}) == "3"


def test_cloudwatch_may_use_the_alarm_key_only_for_this_accounts_stack_alarms(template):
    keys = resources_of_type(template, "AWS::KMS::Key")
    assert keys
    for key in keys.values():
        (grant,) = [
            s
            for s in key["Properties"]["KeyPolicy"]["Statement"]
            if s["Principal"].get("Service") == "cloudwatch.amazonaws.com"
        ]
        conditions = grant["Condition"]
        source_arn = substitute(template, conditions["ArnLike"]["aws:SourceArn"]["Fn::Sub"], {})

        assert conditions["StringEquals"]["aws:SourceAccount"] == {"Ref": "AWS::AccountId"}
        assert source_arn == "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:dummy-stack-*"
