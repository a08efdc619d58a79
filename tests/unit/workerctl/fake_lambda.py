"""An in-memory Lambda (and IAM) API for the mapping registry and ``workerctl mapping``: a fake, not a mock.

It answers with boto3's shapes and records what was asked (``asked`` operation names, ``created``
functions and mapping requests, ``updates``), so the code under test runs unchanged on it.
"""

# ruff: noqa: N803 - the fake takes boto3's keyword names (FunctionName, UUID, ...)

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from botocore.exceptions import ClientError

ACCOUNT = "123456789012"


def function_arn(name: str) -> str:
    return f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:{name}"


def queue_arn(name: str) -> str:
    return f"arn:aws:sqs:eu-west-1:{ACCOUNT}:{name}"


class _Paginator:
    def __init__(self, fake: FakeLambda) -> None:
        self._fake = fake

    def paginate(self) -> Iterator[dict[str, Any]]:
        """One page per mapping, so callers must read every page."""
        self._fake.asked.append("ListEventSourceMappings")
        if self._fake.list_error:
            raise ClientError({"Error": {"Code": self._fake.list_error, "Message": "nope"}}, "List")
        yield from ({"EventSourceMappings": [dict(m)]} for m in self._fake.mappings.values())


class FakeLambda:
    """Functions, roles and event source mappings; ``list_error`` makes every listing fail."""

    def __init__(self) -> None:
        self.mappings: dict[str, dict[str, Any]] = {}
        self.functions: list[dict[str, Any]] = []
        self.roles: list[str] = []
        self.requests: list[dict[str, Any]] = []
        self.updates: list[tuple[str, bool]] = []
        self.asked: list[str] = []
        self.list_error: str | None = None

    def add(self, function: str, queue: str, state: str = "Enabled") -> str:
        """A mapping as another tool would have created it; its UUID."""
        uuid = f"00000000-0000-0000-0000-{len(self.mappings):012d}"
        self.mappings[uuid] = {
            "UUID": uuid,
            "FunctionArn": function_arn(function),
            "EventSourceArn": queue_arn(queue),
            "State": state,
            "BatchSize": 10,
        }
        return uuid

    # IAM
    def create_role(self, RoleName: str, AssumeRolePolicyDocument: str) -> dict[str, Any]:
        if RoleName in self.roles:
            error = {"Code": "EntityAlreadyExists", "Message": f"Role with name {RoleName} already exists."}
            raise ClientError({"Error": error}, "CreateRole")
        self.roles.append(RoleName)
        return self.get_role(RoleName)

    def get_role(self, RoleName: str) -> dict[str, Any]:
        return {"Role": {"Arn": f"arn:aws:iam::{ACCOUNT}:role/{RoleName}"}}

    # Lambda
    def create_function(self, **request: Any) -> dict[str, Any]:
        self.functions.append(request)
        return {"FunctionArn": function_arn(request["FunctionName"])}

    def create_event_source_mapping(self, **request: Any) -> dict[str, Any]:
        self.requests.append(request)
        uuid = self.add(request["FunctionName"], request["EventSourceArn"].rsplit(":", 1)[-1])
        self.mappings[uuid]["State"] = "Enabled" if request.get("Enabled", True) else "Disabled"
        return dict(self.mappings[uuid])

    def get_paginator(self, operation: str) -> _Paginator:
        assert operation == "list_event_source_mappings"
        return _Paginator(self)

    def get_event_source_mapping(self, UUID: str) -> dict[str, Any]:
        self.asked.append("GetEventSourceMapping")
        if UUID not in self.mappings:
            error = {
                "Code": "ResourceNotFoundException",
                "Message": "The resource you requested does not exist.",
            }
            raise ClientError({"Error": error}, "GetEventSourceMapping")
        return dict(self.mappings[UUID])

    def update_event_source_mapping(self, UUID: str, Enabled: bool) -> dict[str, Any]:
        self.updates.append((UUID, Enabled))
        self.mappings[UUID]["State"] = "Disabling" if not Enabled else "Enabling"
        return dict(self.mappings[UUID])
