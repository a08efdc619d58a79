"""moto CloudFormation stand-ins for the resource types moto 5.2 cannot create, so a rehearsal stack holds
every resource of the translated template and every ``Ref``/``Fn::GetAtt`` resolves.

Each stand-in creates its resource through the service's own API (boto3 against the same in-process
moto account), exactly as CloudFormation would call it, and answers the attributes the template reads.
moto builds its type map from ``CloudFormationModel.__subclasses__()`` behind ``lru_cache``:
:func:`register` clears those caches once the classes exist. The pinned moto version is in uv.lock.
"""

from __future__ import annotations

from typing import Any, ClassVar

import boto3
from moto.cloudformation import parsing
from moto.core.common_models import CloudFormationModel

# Types moto's CloudFormation refuses ("No Moto CloudFormation support for ..."), created here by API.
CREATED_BY_API = {
    "AWS::CloudWatch::Alarm": "cloudwatch:PutMetricAlarm",
    "AWS::Lambda::Url": "lambda:CreateFunctionUrlConfig",
    "AWS::SNS::Subscription": "sns:Subscribe",
    "AWS::SecretsManager::Secret": "secretsmanager:GetRandomPassword + CreateSecret",
}


class _StandIn:
    """Common plumbing: a physical id, attributes, and no update or delete (stacks are created once).

    A mixin, not a CloudFormationModel: moto lists only direct subclasses of that class. Subclasses
    implement :meth:`create` with the service API call.
    """

    attributes: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, physical_id: str, values: dict[str, str]) -> None:
        self.physical_id = physical_id
        self.values = values

    @classmethod
    def create(cls, properties: dict[str, Any], region: str) -> tuple[str, dict[str, str]]:
        """Create the resource; return its physical id and attribute values."""
        raise NotImplementedError

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> _StandIn:
        return cls(*cls.create(dict(cloudformation_json["Properties"]), region_name))

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in cls.attributes

    def get_cfn_attribute(self, attribute_name: str) -> str:
        return self.values[attribute_name]

    @property
    def physical_resource_id(self) -> str:
        return self.physical_id

    def is_created(self) -> bool:
        return True

    @classmethod
    def update_from_cloudformation_json(cls, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("rehearsal stacks are created, never updated")

    @classmethod
    def delete_from_cloudformation_json(cls, *args: Any, **kwargs: Any) -> None:
        return None


_ALARM_NUMBERS: dict[str, type] = {
    "Period": int,
    "EvaluationPeriods": int,
    "DatapointsToAlarm": int,
    "Threshold": float,
}


class AlarmStandIn(_StandIn, CloudFormationModel):
    attributes = frozenset({"Arn"})

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::CloudWatch::Alarm"

    @classmethod
    def create(cls, properties: dict[str, Any], region: str) -> tuple[str, dict[str, str]]:
        for key, kind in _ALARM_NUMBERS.items():  # CloudFormation converts; boto3 validates types
            if key in properties:
                properties[key] = kind(properties[key])
        client = boto3.client("cloudwatch", region_name=region)
        client.put_metric_alarm(**properties)
        name = properties["AlarmName"]
        (alarm,) = client.describe_alarms(AlarmNames=[name])["MetricAlarms"]
        return name, {"Arn": alarm["AlarmArn"]}


class FunctionUrlStandIn(_StandIn, CloudFormationModel):
    attributes = frozenset({"FunctionUrl", "FunctionArn"})

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Lambda::Url"

    @classmethod
    def create(cls, properties: dict[str, Any], region: str) -> tuple[str, dict[str, str]]:
        client = boto3.client("lambda", region_name=region)
        config = client.create_function_url_config(
            FunctionName=properties["TargetFunctionArn"], AuthType=properties["AuthType"]
        )
        return config["FunctionArn"], {
            "FunctionUrl": config["FunctionUrl"],
            "FunctionArn": config["FunctionArn"],
        }


class SubscriptionStandIn(_StandIn, CloudFormationModel):
    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SNS::Subscription"

    @classmethod
    def create(cls, properties: dict[str, Any], region: str) -> tuple[str, dict[str, str]]:
        client = boto3.client("sns", region_name=region)
        answer = client.subscribe(
            TopicArn=properties["TopicArn"], Protocol=properties["Protocol"], Endpoint=properties["Endpoint"]
        )
        return answer["SubscriptionArn"], {}


class SecretStandIn(_StandIn, CloudFormationModel):
    """``Ref`` is the secret's ARN, as CloudFormation answers. moto does not resolve the
    ``{{resolve:secretsmanager:...}}`` reference in the worker's environment: the worker sees the reference
    text as its signing key, which signs and verifies like any other key."""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SecretsManager::Secret"

    @classmethod
    def create(cls, properties: dict[str, Any], region: str) -> tuple[str, dict[str, str]]:
        client = boto3.client("secretsmanager", region_name=region)
        generate = properties.get("GenerateSecretString") or {}
        password = client.get_random_password(
            PasswordLength=int(generate.get("PasswordLength", 32)),
            ExcludePunctuation=str(generate.get("ExcludePunctuation", "false")).lower() == "true",
        )["RandomPassword"]
        answer = client.create_secret(
            Name=f"rehearsal-secret-{len(client.list_secrets()['SecretList'])}",
            Description=properties.get("Description", ""),
            SecretString=password,
        )
        return answer["ARN"], {}


def register() -> None:
    """Make moto's CloudFormation see the stand-ins (its type map is cached on first use)."""
    parsing.get_model_list.cache_clear()
    parsing.get_model_map.cache_clear()
    parsing.get_name_type_map.cache_clear()
    missing = sorted(set(CREATED_BY_API) - set(parsing.get_model_map()))
    assert not missing, f"stand-ins not registered: {missing}"
