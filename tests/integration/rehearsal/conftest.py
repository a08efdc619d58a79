"""Deploy-rehearsal helpers: translate template.yaml as ``sam deploy`` would, create the stack on moto's
CloudFormation in-process, and run the real handlers with the environment Lambda would give them.

Only the handler entry points (``worker_handler.lambda_handler``, ``health_handler.lambda_handler``) and
environment variables are used; handler modules are imported late and every cached factory of the
handler and layer modules is cleared per stack, so nothing from one stack leaks into the next.
"""

from __future__ import annotations

import copy
import io
import json
import sys
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import boto3
import pytest
from moto import mock_aws
from samtranslator.translator.transform import transform

from tests.integration.rehearsal import standins
from tests.unit.template.cfn import ROOT, Template, condition_holds, load_template
from workerctl.local.esm.records import lambda_record

REGION = "eu-west-1"
ARTIFACTS = {"Bucket": "rehearsal-artifacts", "Key": "code.zip"}
HANDLER_MODULES = ("worker_handler", "health_handler", "queue_worker")
# Resource types moto's CloudFormation creates itself (moto 5.2; see the test module's table).
MOTO_NATIVE = frozenset(
    {
        "AWS::CloudWatch::Dashboard",
        "AWS::DynamoDB::Table",
        "AWS::IAM::Role",
        "AWS::KMS::Alias",
        "AWS::KMS::Key",
        "AWS::Lambda::EventSourceMapping",
        "AWS::Lambda::Function",
        "AWS::Lambda::LayerVersion",
        "AWS::Lambda::Permission",
        "AWS::Logs::LogGroup",
        "AWS::SNS::Topic",
        "AWS::SQS::Queue",
    }
)


class _NoManagedPolicies:
    """SAM resolves managed policy *names* through IAM; this template names none (ARNs only)."""

    def load(self) -> dict[str, str]:
        return {}


@cache
def _source_template() -> Template:
    return load_template()


def translate(parameters: Mapping[str, str]) -> Template:
    """The CloudFormation template ``sam deploy`` would submit (local code paths become the S3 artifact)."""
    template = copy.deepcopy(_source_template())
    for resource in template["Resources"].values():
        properties = resource.get("Properties", {})
        if resource["Type"] == "AWS::Serverless::Function":
            properties["CodeUri"] = dict(ARTIFACTS)
        elif resource["Type"] == "AWS::Serverless::LayerVersion":
            properties["ContentUri"] = dict(ARTIFACTS)
    translated: Template = transform(template, dict(parameters), _NoManagedPolicies())
    return translated


def active_logical_ids(template: Template, section: str, parameters: Mapping[str, str]) -> set[str]:
    """Resources or outputs of ``template`` whose Condition holds for ``parameters``."""
    return {
        name
        for name, body in template.get(section, {}).items()
        if "Condition" not in body or condition_holds(template, body["Condition"], parameters)
    }


@dataclass(frozen=True)
class Deployment:
    stack_name: str
    outputs: dict[str, str]
    resources: dict[str, tuple[str, str]]  # logical id -> (type, physical id)


def _artifact() -> bytes:
    """The function code as `sam build` would zip it (the handlers run in-process, not from this zip)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for folder in ("functions/worker", "functions/health"):
            for path in sorted((ROOT / folder).glob("*.py")):
                archive.write(path, path.name)
    return buffer.getvalue()


def deploy(template: Template, parameters: Mapping[str, str], stack_name: str) -> Deployment:
    """Upload the artifact, create the stack, and read back its outputs and resources."""
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=ARTIFACTS["Bucket"], CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_object(Body=_artifact(), **ARTIFACTS)
    cloudformation = boto3.client("cloudformation", region_name=REGION)
    cloudformation.create_stack(
        StackName=stack_name,
        TemplateBody=json.dumps(template, default=str),
        Parameters=[{"ParameterKey": key, "ParameterValue": value} for key, value in parameters.items()],
        Capabilities=["CAPABILITY_IAM"],
    )
    (stack,) = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
    summaries = cloudformation.list_stack_resources(StackName=stack_name)["StackResourceSummaries"]
    return Deployment(
        stack_name=stack_name,
        outputs={o["OutputKey"]: o.get("OutputValue", "") for o in stack.get("Outputs", [])},
        resources={
            s["LogicalResourceId"]: (s["ResourceType"], s["PhysicalResourceId"])
            for s in summaries
            if s["LogicalResourceId"]  # moto lists resources skipped by a false Condition with blank ids
        },
    )


def function_environment(function_name: str) -> dict[str, str]:
    """The function's environment as Lambda hands it to the runtime (every value a string)."""
    client = boto3.client("lambda", region_name=REGION)
    variables = client.get_function_configuration(FunctionName=function_name)["Environment"]["Variables"]
    return {str(key): str(value) for key, value in variables.items()}


def reset_handler_state() -> None:
    """Clear every cached factory (settings, clients, adapters) in the handler and layer modules."""
    for name, module in list(sys.modules.items()):
        if module is None or not name.startswith(HANDLER_MODULES):
            continue
        for value in list(vars(module).values()):
            clear = getattr(value, "cache_clear", None)
            if callable(clear):
                clear()


def lambda_records(messages: list[dict[str, Any]], queue_arn: str) -> list[dict[str, Any]]:
    """SQS ReceiveMessage results shaped as the records Lambda's event source mapping delivers
    (the local runtime's own shaping, so the rehearsal and ``make run`` hand the worker the same records)."""
    return [lambda_record(m, queue_arn, REGION) for m in messages]


@pytest.fixture
def rehearsal_account(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A fresh in-memory AWS account with moto's CloudFormation able to create every resource type."""
    standins.register()
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    reset_handler_state()
    with mock_aws():
        yield
    reset_handler_state()
