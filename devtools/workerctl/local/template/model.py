"""template.yaml as the local runtime sees it: queues, tables, functions and their SQS events.

Parsed with cfn-lint's decoder (it understands ``!Ref``/``!Sub``/``!GetAtt`` tags; see
:mod:`~workerctl.local.template.loader`); intrinsics are resolved by
:mod:`~workerctl.local.template.intrinsics` against local values. Resource types the runtime does not
emulate (alarms, dashboards, SNS, layers, permissions, ...) are skipped without complaint.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workerctl.errors import UserError
from workerctl.local.template.event_sources import SqsEventSpec, sqs_events
from workerctl.local.template.intrinsics import LocalValues, Resolver
from workerctl.local.template.sections import merge_globals

QUEUE_ATTRIBUTES = (
    "DelaySeconds",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "VisibilityTimeout",
    "RedrivePolicy",
    "RedriveAllowPolicy",
    "FifoQueue",
    "ContentBasedDeduplication",
    "DeduplicationScope",
    "FifoThroughputLimit",
    "SqsManagedSseEnabled",
)


@dataclass(frozen=True)
class QueueSpec:
    """One ``AWS::SQS::Queue`` with its SQS API attributes (strings, as CreateQueue takes them)."""

    logical_id: str
    name: str
    arn: str
    attributes: dict[str, str]

    @property
    def fifo(self) -> bool:
        """True for a FIFO queue."""
        return self.attributes.get("FifoQueue") == "true"


@dataclass(frozen=True)
class TableSpec:
    """One ``AWS::DynamoDB::Table`` (created in the emulator so functions that use it work)."""

    logical_id: str
    name: str
    properties: dict[str, Any]


@dataclass(frozen=True)
class FunctionSpec:
    """One ``AWS::Serverless::Function`` after Globals merged and intrinsics resolved."""

    logical_id: str
    name: str
    code_uri: Path
    handler: str
    timeout: float
    memory_mb: int
    environment: dict[str, str]
    arn: str
    sqs_events: tuple[SqsEventSpec, ...] = ()
    reserved_concurrency: int | None = None
    has_url: bool = False


def _attribute_text(name: str, value: Any) -> str:
    """A CloudFormation property value as the SQS API string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        policy = dict(value)
        if name == "RedrivePolicy" and str(policy.get("maxReceiveCount", "")).isdigit():
            policy["maxReceiveCount"] = int(policy["maxReceiveCount"])
        return json.dumps(policy)
    return str(value)


@dataclass
class TemplateModel:
    """The decoded template plus a resolver; queues and tables first, functions once URLs are known."""

    template: dict[str, Any]
    root: Path
    resolver: Resolver
    queues: list[QueueSpec] = field(default_factory=list)
    tables: list[TableSpec] = field(default_factory=list)

    @property
    def values(self) -> LocalValues:
        """The local values intrinsics resolve to (refs filled in as resources come to exist)."""
        return self.resolver.values

    def resources(self, resource_type: str) -> list[tuple[str, dict[str, Any]]]:
        """``(logical_id, resource)`` of one type whose Condition (if any) holds, in template order."""
        found = []
        for logical_id, resource in (self.template.get("Resources") or {}).items():
            if not isinstance(resource, Mapping) or resource.get("Type") != resource_type:
                continue
            condition = resource.get("Condition")
            if condition is None or self.resolver.condition(str(condition)):
                found.append((str(logical_id), dict(resource)))
        return found

    def load_queues(self) -> None:
        """Resolve every queue: names first (ARNs may reference each other), then attributes."""
        values = self.values
        declared = self.resources("AWS::SQS::Queue")
        for logical_id, resource in declared:
            props = resource.get("Properties") or {}
            fifo = self.resolver.resolve(props.get("FifoQueue")) is True
            default = f"{values.stack_name}-{logical_id}" + (".fifo" if fifo else "")
            name = str(self.resolver.resolve(props.get("QueueName", default)))
            arn = f"arn:{values.partition}:sqs:{values.region}:{values.account_id}:{name}"
            values.attributes[(logical_id, "Arn")] = arn
            values.attributes[(logical_id, "QueueName")] = name
        for logical_id, resource in declared:
            props = self.resolver.resolve(resource.get("Properties") or {})
            attributes = {k: _attribute_text(k, props[k]) for k in QUEUE_ATTRIBUTES if k in props}
            name = values.attributes[(logical_id, "QueueName")]
            self.queues.append(
                QueueSpec(logical_id, name, values.attributes[(logical_id, "Arn")], attributes)
            )

    def set_queue_url(self, logical_id: str, url: str, arn: str | None = None) -> None:
        """Record where a queue lives (``Ref`` of a queue is its URL), and its real ARN if known."""
        self.values.refs[logical_id] = url
        self.values.attributes[(logical_id, "QueueUrl")] = url
        if arn:
            self.values.attributes[(logical_id, "Arn")] = arn

    def load_tables(self) -> None:
        """Resolve every DynamoDB table (name from TableName or a stack-derived default)."""
        values = self.values
        for logical_id, resource in self.resources("AWS::DynamoDB::Table"):
            props = self.resolver.resolve(resource.get("Properties") or {})
            name = str(props.get("TableName") or f"{values.stack_name}-{logical_id}")
            values.refs[logical_id] = name
            values.attributes[(logical_id, "Arn")] = (
                f"arn:{values.partition}:dynamodb:{values.region}:{values.account_id}:table/{name}"
            )
            self.tables.append(TableSpec(logical_id, name, props))

    def functions(self) -> list[FunctionSpec]:
        """Every function, resolved with the queue URLs recorded so far."""
        declared = self.resources("AWS::Serverless::Function")
        values = self.values
        for logical_id, resource in declared:
            name = self.resolver.resolve((resource.get("Properties") or {}).get("FunctionName"))
            name = str(name or f"{values.stack_name}-{logical_id}")
            values.refs[logical_id] = name
            values.attributes[(logical_id, "Arn")] = (
                f"arn:{values.partition}:lambda:{values.region}:{values.account_id}:function:{name}"
            )
        return [self._function(logical_id, resource) for logical_id, resource in declared]

    def _function(self, logical_id: str, resource: dict[str, Any]) -> FunctionSpec:
        globals_ = (self.template.get("Globals") or {}).get("Function") or {}
        props = self.resolver.resolve(merge_globals(globals_, resource.get("Properties") or {}))
        variables = (props.get("Environment") or {}).get("Variables") or {}
        if not props.get("CodeUri") or not props.get("Handler"):
            raise UserError(f"function {logical_id} needs CodeUri and Handler in the template")
        reserved = props.get("ReservedConcurrentExecutions")
        return FunctionSpec(
            logical_id=logical_id,
            name=self.values.refs[logical_id],
            code_uri=(self.root / str(props["CodeUri"])).resolve(),
            handler=str(props["Handler"]),
            timeout=float(props.get("Timeout", 3)),
            memory_mb=int(props.get("MemorySize", 128)),
            environment={str(k): _attribute_text(str(k), v) for k, v in variables.items()},
            arn=self.values.attributes[(logical_id, "Arn")],
            sqs_events=sqs_events(props.get("Events") or {}, self.values.attributes),
            reserved_concurrency=int(reserved) if reserved is not None else None,
            has_url="FunctionUrlConfig" in props,
        )
