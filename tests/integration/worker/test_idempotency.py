"""Powertools idempotency on a moto DynamoDB table: side effects once per key."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyAlreadyInProgressError

from queue_worker.adapters.dynamodb_idempotency import dynamodb_idempotency_guard
from queue_worker.errors import IdempotencyConflictError


@pytest.fixture
def table(aws: None) -> Iterator[str]:
    import boto3

    boto3.client("dynamodb", region_name="eu-west-1").create_table(
        TableName="it-idempotency",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    dynamodb_idempotency_guard.cache_clear()
    yield "it-idempotency"
    dynamodb_idempotency_guard.cache_clear()


def test_the_action_runs_once_per_key_and_replays_its_result(table: str, lambda_context: Any) -> None:
    guard = dynamodb_idempotency_guard(table, 3600)
    guard.register_lambda_context(lambda_context)
    effects: list[str] = []

    def action(name: str) -> Any:
        def run() -> dict[str, str]:
            effects.append(name)
            return {"done": name}

        return run

    assert guard("checksum:m-1", action("first")) == {"done": "first"}
    assert guard("checksum:m-1", action("second")) == {"done": "first"}
    assert guard("checksum:m-2", action("third")) == {"done": "third"}
    assert effects == ["first", "third"]


def test_a_failed_action_can_run_again(table: str) -> None:
    guard = dynamodb_idempotency_guard(table, 3600)
    attempts: list[int] = []

    def flaky() -> str:
        attempts.append(1)
        if len(attempts) == 1:
            raise TimeoutError("first attempt fails")
        return "ok"

    with pytest.raises(TimeoutError):
        guard("job:k", flaky)
    assert guard("job:k", flaky) == "ok"
    assert len(attempts) == 2


def test_a_key_in_progress_elsewhere_raises_so_the_record_is_retried(table: str) -> None:
    guard = dynamodb_idempotency_guard(table, 3600)

    def reentrant() -> object:
        return guard("job:same", lambda: "inner")

    with pytest.raises(IdempotencyAlreadyInProgressError):
        guard("job:same", reentrant)


def test_the_same_key_with_another_payload_is_a_conflict_not_the_stored_result(table: str) -> None:
    guard = dynamodb_idempotency_guard(table, 3600)
    assert guard("job:m-1", lambda: "first job", {"amount": 1}) == "first job"
    assert guard("job:m-1", lambda: "replayed?", {"amount": 1}) == "first job"  # same payload: replay
    with pytest.raises(IdempotencyConflictError, match="different payload"):
        guard("job:m-1", lambda: "never run", {"amount": 2})
