"""The worker's configuration, parsed once from the environment into a validated pydantic model.

The health function has its own, pydantic-free reader (``queue_worker.health.settings``, for its cold
start; docs/decisions.md #15).

Nothing else in the worker reads ``os.environ``. A bad value raises :class:`ConfigurationError`
naming the variable and what is wrong, instead of a stack trace deep inside a handler.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from typing import Annotated, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, SecretStr, ValidationError

from queue_worker.errors import ConfigurationError


def _split_csv(value: object) -> object:
    """Accept ``"a.b, c.d"`` as well as a list, so env vars and tests read the same."""
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return value


def _blank_is_unset(value: object) -> object:
    """``NAME=`` (blank) means unset, as the local runtime and shells may export it."""
    return None if isinstance(value, str) and not value.strip() else value


ModuleList = Annotated[tuple[str, ...], BeforeValidator(_split_csv)]


class _EnvSettings(BaseModel):
    """Common parsing: field aliases are the environment variable names."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Self:
        """Parse the environment (``os.environ`` by default), turning errors into one clear message."""
        source = dict(os.environ if environ is None else environ)
        try:
            return cls.model_validate(source)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
            )
            raise ConfigurationError(f"invalid {cls.__name__} configuration: {problems}") from exc


class WorkerSettings(_EnvSettings):
    """Configuration of the worker function (set from template parameters)."""

    job_modules: ModuleList = Field(
        default=("queue_worker.example_jobs",),
        alias="JOB_MODULES",
        min_length=1,
        description="Comma-separated modules imported at cold start; each registers job types.",
    )
    jobs_queue_url: str | None = Field(
        default=None, alias="JOBS_QUEUE_URL", description="Queue that jobs sending onward work write to."
    )
    dead_letter_queue_url: str | None = Field(
        default=None,
        alias="DEAD_LETTER_QUEUE_URL",
        description="Permanent failures are sent here at once; unset = report them failed (SQS redrives).",
    )
    idempotency_table_name: str | None = Field(
        default=None, alias="IDEMPOTENCY_TABLE_NAME", description="DynamoDB table; unset = idempotency off."
    )
    idempotency_expiry_seconds: int = Field(default=3600, alias="IDEMPOTENCY_EXPIRY_SECONDS", ge=60)
    timeout_margin_ms: int = Field(
        default=5000,
        alias="TIMEOUT_MARGIN_MS",
        ge=0,
        description="Stop starting records when less than this remains of the invocation.",
    )
    backoff_base_seconds: float = Field(default=2.0, alias="BACKOFF_BASE_SECONDS", ge=0)
    backoff_cap_seconds: float = Field(default=900.0, alias="BACKOFF_CAP_SECONDS", ge=0, le=43_200)
    dead_letter_signing_key: Annotated[SecretStr | None, BeforeValidator(_blank_is_unset)] = Field(
        default=None,
        alias="DEAD_LETTER_SIGNING_KEY",
        min_length=32,
        description="HMAC key signing the DeadLetter attribute; unset = dead letters are never trusted.",
    )
    max_receive_count: int | None = Field(
        default=None,
        alias="MAX_RECEIVE_COUNT",
        ge=1,
        description="The jobs queue's maxReceiveCount: a record skipped at its last receive is re-enqueued.",
    )
    fifo_skip_group_on_error: bool = Field(
        default=False,
        alias="FIFO_SKIP_GROUP_ON_ERROR",
        description="FIFO: on a failure, skip only that message group and keep processing the others.",
    )

    @property
    def signing_key(self) -> bytes | None:
        """The signing key's bytes (UTF-8), None when unset."""
        key = self.dead_letter_signing_key
        return key.get_secret_value().encode() if key is not None else None


@cache
def worker_settings() -> WorkerSettings:
    """The worker's settings, parsed once per execution environment."""
    return WorkerSettings.from_env()
