"""Run each job's side effects once per idempotency key (Powertools idempotency on DynamoDB).

The worker's :data:`~queue_worker.registry.IdempotencyGuard` when ``IDEMPOTENCY_TABLE_NAME`` is set.

The key is ``<job type>:<key>`` where key defaults to the SQS message id and a job may derive it from
its payload (``@job(..., idempotency_key=lambda p: p.order_id)``). A key already in progress elsewhere
raises ``IdempotencyAlreadyInProgressError``: a transient failure, so the record is retried, never dropped.
Payload validation is on: the key's payload is hashed into the record, and the same key with another
payload raises :class:`~queue_worker.errors.IdempotencyConflictError` (permanent: dead-lettered with
that reason) instead of returning another job's stored result.
The persistence layer is built on first use (not at import) from the settings.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyValidationError

from queue_worker.errors import IdempotencyConflictError

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer
    from aws_lambda_powertools.utilities.typing import LambdaContext


class PowertoolsIdempotencyGuard:
    """An :data:`~queue_worker.registry.IdempotencyGuard` backed by a Powertools persistence layer."""

    def __init__(self, persistence: BasePersistenceLayer, expires_after_seconds: int) -> None:
        self.config = IdempotencyConfig(
            event_key_jmespath="key",
            payload_validation_jmespath="payload",
            expires_after_seconds=expires_after_seconds,
            raise_on_no_idempotency_key=True,
        )

        @idempotent_function(  # type: ignore[untyped-decorator]
            data_keyword_argument="request",
            persistence_store=persistence,
            config=self.config,
            key_prefix="job",
        )
        def _run(request: dict[str, object], action: Callable[[], object]) -> object:  # noqa: ARG001
            return action()

        self._run = _run

    def register_lambda_context(self, context: LambdaContext) -> None:
        """Lets Powertools expire in-progress records when this invocation would have timed out."""
        self.config.register_lambda_context(context)

    def __call__(self, key: str, action: Callable[[], object], payload: object = None) -> object:
        """Run ``action`` once for ``key``; a replay with the same ``payload`` returns the stored result."""
        try:
            return self._run(request={"key": key, "payload": payload}, action=action)
        except IdempotencyValidationError as exc:
            raise IdempotencyConflictError(
                f"idempotency key {key[:200]!r} was used before with a different payload"
            ) from exc


@cache
def dynamodb_idempotency_guard(table_name: str, expires_after_seconds: int) -> PowertoolsIdempotencyGuard:
    """The guard on the template's DynamoDB table (boto3 is imported here, on first use)."""
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer  # noqa: PLC0415

    return PowertoolsIdempotencyGuard(DynamoDBPersistenceLayer(table_name=table_name), expires_after_seconds)
