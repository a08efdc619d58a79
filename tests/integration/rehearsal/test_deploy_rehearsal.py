"""Deploy rehearsal: every samconfig environment x QueueType x HealthAuthType x ScalingMode (plus one
stack with every optional feature on) is translated by the SAM translator, created on moto's
CloudFormation, checked resource by resource, and then runs the real worker and health handlers.

Resource table (moto 5.2.5, aws-sam-translator 1.115.0, both from uv.lock):

| resource type                    | how it is created in the rehearsal                              |
|----------------------------------|-----------------------------------------------------------------|
| AWS::SQS::Queue (jobs, DLQ)      | moto CloudFormation                                             |
| AWS::DynamoDB::Table             | moto CloudFormation                                             |
| AWS::Lambda::LayerVersion        | moto CloudFormation (code from the uploaded S3 artifact)        |
| AWS::Lambda::Function (x2)       | moto CloudFormation (code from the uploaded S3 artifact)        |
| AWS::IAM::Role (x2, SAM's)       | moto CloudFormation                                             |
| AWS::Lambda::EventSourceMapping  | moto CloudFormation (stores ScalingConfig, ProvisionedPoller-   |
|                                  | Config, MetricsConfig, FilterCriteria as given)                 |
| AWS::Lambda::Permission          | moto CloudFormation (HealthAuthType=NONE / HealthInvokerPrincipal)|
| AWS::Logs::LogGroup (x2)         | moto CloudFormation                                             |
| AWS::CloudWatch::Dashboard       | moto CloudFormation                                             |
| AWS::KMS::Key, AWS::KMS::Alias   | moto CloudFormation (AlarmEmail set)                            |
| AWS::SNS::Topic                  | moto CloudFormation (AlarmEmail set)                            |
| AWS::CloudWatch::Alarm (x7)      | by API: cloudwatch PutMetricAlarm (stand-in, standins.py)       |
| AWS::Lambda::Url                 | by API: lambda CreateFunctionUrlConfig (stand-in)               |
| AWS::SNS::Subscription           | by API: sns Subscribe (stand-in; AlarmEmail set)                |
| AWS::SecretsManager::Secret      | by API: secretsmanager GetRandomPassword + CreateSecret (stand- |
|                                  | in; moto leaves the worker's {{resolve:...}} reference as text) |

Skipped: none. Not rehearsed (moto cannot): the template ``Rules`` (evaluated here with the template
tests' evaluator, as CloudFormation would before creating anything), IAM policy enforcement, KMS key
policy enforcement, and Lambda's own validation of the mapping. The mapping itself never invokes the
worker here: the rehearsal disables it and plays its part (receive, invoke, delete what succeeded).
"""

from __future__ import annotations

import copy
import importlib
import json
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest

from tests.conftest import load_event
from tests.factories import envelope
from tests.integration.rehearsal import standins
from tests.integration.rehearsal.conftest import (
    MOTO_NATIVE,
    REGION,
    Deployment,
    active_logical_ids,
    deploy,
    function_environment,
    lambda_records,
    reset_handler_state,
    translate,
)
from tests.unit.template.cfn import (
    SAMCONFIG_PATH,
    effective_parameters,
    samconfig_environments,
    samconfig_overrides,
)
from tests.unit.template.rules import rule_violations
from workerctl.local.template.samconfig import load_environment

ALL_OPTIONS = {
    "AlarmEmail": "oncall@example.com",
    "FilterPattern": '{"body": {"type": ["checksum", "no_such_type"]}}',
    "HealthInvokerPrincipal": "123456789012",
    "HealthReservedConcurrency": "2",
}


@dataclass(frozen=True)
class Combination:
    env: str
    queue_type: str
    auth: str
    scaling: str
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        suffix = "-all-options" if self.extra else ""
        return f"{self.env}-{self.queue_type}-{self.auth}-{self.scaling}{suffix}"

    def parameters(self) -> dict[str, str]:
        """What `sam deploy --config-env <env> --parameter-overrides ...` passes to CloudFormation."""
        return {
            **samconfig_overrides(self.env),
            "QueueType": self.queue_type,
            "HealthAuthType": self.auth,
            "ScalingMode": self.scaling,
            **self.extra,
        }


COMBINATIONS = [
    Combination(env, queue_type, auth, scaling)
    for env in samconfig_environments()
    for queue_type in ("standard", "fifo")
    for auth in ("AWS_IAM", "NONE")
    for scaling in ("on-demand", "provisioned")
] + [Combination("dev", "fifo", "NONE", "provisioned", ALL_OPTIONS)]


def test_the_rehearsal_covers_every_environment_and_switch():
    assert len(COMBINATIONS) == 2 * 2 * 2 * len(samconfig_environments()) + 1
    assert {"dev", "prod"} <= {c.env for c in COMBINATIONS}


def test_every_combination_translates_to_one_template():
    # Conditions, not the translator, pick the variant: cfn-lint, `sam validate --lint` and checkov on
    # template.yaml therefore cover every combination's structure.
    first, *others = (translate(c.parameters()) for c in COMBINATIONS)

    assert all(other == first for other in others)


def test_every_translated_type_is_created_by_moto_or_by_api():
    types = {r["Type"] for r in translate(COMBINATIONS[0].parameters())["Resources"].values()}

    assert types <= MOTO_NATIVE | set(standins.CREATED_BY_API)
    assert not MOTO_NATIVE & set(standins.CREATED_BY_API)


@pytest.mark.parametrize("combination", COMBINATIONS, ids=lambda c: c.id)
def test_rehearse_deploy_and_run(
    combination: Combination, rehearsal_account: None, monkeypatch, lambda_context
):
    parameters = combination.parameters()
    template = translate(parameters)
    effective = effective_parameters(template, parameters)
    assert rule_violations(template, effective) == []  # CloudFormation would evaluate these first
    stack_name = load_environment(SAMCONFIG_PATH, combination.env).stack_name

    deployment = deploy(template, parameters, stack_name)

    assert set(deployment.resources) == active_logical_ids(template, "Resources", effective)
    assert set(deployment.outputs) == active_logical_ids(template, "Outputs", effective)
    assert all(deployment.outputs.values()), deployment.outputs
    check_mapping(deployment, effective)
    check_health_function(deployment, effective)
    run_handlers(deployment, combination, monkeypatch, lambda_context)


def check_mapping(deployment: Deployment, parameters: dict[str, str]) -> None:
    client = boto3.client("lambda", region_name=REGION)
    worker = deployment.outputs["WorkerFunctionName"]
    (mapping,) = client.list_event_source_mappings(FunctionName=worker)["EventSourceMappings"]
    assert mapping["UUID"] == deployment.outputs["WorkerEventSourceMappingId"]
    assert mapping["EventSourceArn"] == deployment.outputs["JobsQueueArn"]
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["MetricsConfig"] == {"Metrics": ["EventCount"]}
    if parameters["ScalingMode"] == "provisioned":
        assert "ScalingConfig" not in mapping
        assert mapping["ProvisionedPollerConfig"] == {
            "MinimumPollers": int(parameters["MinimumPollers"]),
            "MaximumPollers": int(parameters["MaximumPollers"]),
        }
    else:
        assert "ProvisionedPollerConfig" not in mapping
        assert mapping["ScalingConfig"] == {"MaximumConcurrency": int(parameters["MaximumConcurrency"])}
    if parameters["FilterPattern"]:
        assert mapping["FilterCriteria"] == {"Filters": [{"Pattern": parameters["FilterPattern"]}]}
    else:
        assert "FilterCriteria" not in mapping


def check_health_function(deployment: Deployment, parameters: dict[str, str]) -> None:
    client = boto3.client("lambda", region_name=REGION)
    health = deployment.resources["HealthFunction"][1]
    concurrency = client.get_function(FunctionName=health).get("Concurrency", {})  # absent = no reservation
    reserved = concurrency.get("ReservedConcurrentExecutions")
    expected = int(parameters["HealthReservedConcurrency"]) or None
    assert reserved == expected
    assert client.get_function_url_config(FunctionName=health)["AuthType"] == parameters["HealthAuthType"]
    assert len(public_statements(client, health)) == (2 if parameters["HealthAuthType"] == "NONE" else 0)


def public_statements(client: Any, function: str) -> list[dict[str, Any]]:
    """Resource-policy statements that let anyone invoke ``function`` (no policy at all: none)."""
    try:
        statements = json.loads(client.get_policy(FunctionName=function)["Policy"])["Statement"]
    except client.exceptions.ResourceNotFoundException:
        return []
    return [s for s in statements if s["Principal"] in ("*", {"AWS": "*"})]


def use_function_environment(function_name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in function_environment(function_name).items():
        monkeypatch.setenv(name, value)
    reset_handler_state()


def probe_health(deployment: Deployment, monkeypatch: pytest.MonkeyPatch, context: Any) -> dict[str, Any]:
    use_function_environment(deployment.resources["HealthFunction"][1], monkeypatch)
    health_handler = importlib.import_module("health_handler")
    response = health_handler.lambda_handler(copy.deepcopy(load_event("health-request.json")), context)
    assert response["statusCode"] == 200, response
    body: dict[str, Any] = json.loads(response["body"])
    return body


def run_handlers(
    deployment: Deployment, combination: Combination, monkeypatch: pytest.MonkeyPatch, context: Any
) -> None:
    assert probe_health(deployment, monkeypatch, context)["status"] == "pass"

    sqs = boto3.client("sqs", region_name=REGION)
    lambda_ = boto3.client("lambda", region_name=REGION)
    mapping = deployment.outputs["WorkerEventSourceMappingId"]
    lambda_.update_event_source_mapping(UUID=mapping, Enabled=False)  # the rehearsal plays the mapping
    jobs, dlq = deployment.outputs["JobsQueueUrl"], deployment.outputs["DeadLetterQueueUrl"]
    group = {"MessageGroupId": "rehearsal"} if combination.queue_type == "fifo" else {}
    bodies = [envelope("checksum", {"text": "a"}), envelope("no_such_type", {}), envelope("checksum")]
    for body in bodies:
        sqs.send_message(QueueUrl=jobs, MessageBody=body, **group)
    messages = sqs.receive_message(
        QueueUrl=jobs,
        MaxNumberOfMessages=10,
        WaitTimeSeconds=0,
        AttributeNames=["All"],
        MessageAttributeNames=["All"],
    )["Messages"]
    assert len(messages) == len(bodies)

    use_function_environment(deployment.outputs["WorkerFunctionName"], monkeypatch)
    worker_handler = importlib.import_module("worker_handler")
    event = {"Records": lambda_records(messages, deployment.outputs["JobsQueueArn"])}
    response = worker_handler.lambda_handler(event, context)

    assert response == {"batchItemFailures": []}
    for message in messages:  # what the mapping does with records the worker did not report failed
        sqs.delete_message(QueueUrl=jobs, ReceiptHandle=message["ReceiptHandle"])
    dead = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10, WaitTimeSeconds=0)["Messages"]
    assert [json.loads(m["Body"])["type"] for m in dead] == ["no_such_type"]
    sqs.change_message_visibility(QueueUrl=dlq, ReceiptHandle=dead[0]["ReceiptHandle"], VisibilityTimeout=0)
    lambda_.update_event_source_mapping(UUID=mapping, Enabled=True)
    after = probe_health(deployment, monkeypatch, context)
    assert after["status"] == "warn"
    assert after["checks"]["dead-letter-queue:messages"][0]["observedValue"] == 1
