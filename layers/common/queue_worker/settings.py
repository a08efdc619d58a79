"""Each function's configuration, parsed once from the environment into a validated pydantic model.

Nothing else in the package reads ``os.environ``. A bad value raises :class:`ConfigurationError`
naming the variable and what is wrong, instead of a stack trace deep inside a handler.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from typing import Annotated, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from queue_worker.errors import ConfigurationError


def _split_csv(value: object) -> object:
    """Accept ``"a.b, c.d"`` as well as a list, so env vars and tests read the same."""
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return value


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
    fifo_skip_group_on_error: bool = Field(
        default=False,
        alias="FIFO_SKIP_GROUP_ON_ERROR",
        description="FIFO: on a failure, skip only that message group and keep processing the others.",
    )


def _blank_to_none(value: object) -> object:
    """An empty or blank env var means "not set" (the local runtime may export ``NAME=``)."""
    if isinstance(value, str) and not value.strip():
        return None
    return value


OptionalName = Annotated[str | None, BeforeValidator(_blank_to_none)]


class HealthSettings(_EnvSettings):
    """Configuration of the health function (see docs/health.md for what each check does with it)."""

    jobs_queue_url: str = Field(alias="JOBS_QUEUE_URL", min_length=1)
    dead_letter_queue_url: OptionalName = Field(default=None, alias="DEAD_LETTER_QUEUE_URL")
    jobs_queue_arn: OptionalName = Field(
        default=None, alias="JOBS_QUEUE_ARN", description="Narrows the event source mapping lookup."
    )
    jobs_queue_name_override: OptionalName = Field(
        default=None, alias="JOBS_QUEUE_NAME", description="CloudWatch QueueName; default: from the URL."
    )
    worker_function_name: OptionalName = Field(
        default=None, alias="WORKER_FUNCTION_NAME", description="Unset = mapping check reports warn."
    )
    release_id: str = Field(default="dev", alias="RELEASE_ID")
    version: str = Field(default="1", alias="SERVICE_VERSION")
    cache_seconds: float = Field(default=5.0, alias="HEALTH_CACHE_SECONDS", ge=0, le=300)
    check_timeout_seconds: float = Field(default=3.0, alias="HEALTH_CHECK_TIMEOUT_SECONDS", gt=0, le=30)
    oldest_message_warn_seconds: float = Field(default=300.0, alias="OLDEST_MESSAGE_WARN_SECONDS", ge=0)

    @property
    def jobs_queue_name(self) -> str:
        """The queue's name: ``JOBS_QUEUE_NAME``, else the last path segment of its URL."""
        return self.jobs_queue_name_override or self.jobs_queue_url.rstrip("/").rsplit("/", 1)[-1]


@cache
def worker_settings() -> WorkerSettings:
    """The worker's settings, parsed once per execution environment."""
    return WorkerSettings.from_env()


@cache
def health_settings() -> HealthSettings:
    """The health function's settings, parsed once per execution environment."""
    return HealthSettings.from_env()
