"""The health function's configuration, read once from the environment without pydantic.

Written by hand on purpose (docs/decisions.md #15): importing pydantic and building a settings model
cost the health function's cold start about 150-200 ms, more than the rest of it together, and the
platform's health probe is what waits for it. The worker keeps pydantic settings
(``queue_worker.settings``): it imports pydantic for job payloads anyway. The contract is the same:
nothing else reads ``os.environ``, and a bad value raises one :class:`ConfigurationError` naming every
variable that is wrong.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

from queue_worker.errors import ConfigurationError


@dataclass
class _EnvReader:
    """Typed reads from one environment mapping; problems are collected, then raised together."""

    environ: Mapping[str, str]
    problems: list[str] = field(default_factory=list)

    def optional(self, name: str) -> str | None:
        """The value, or None when unset or blank (the local runtime may export ``NAME=``)."""
        value = self.environ.get(name, "").strip()
        return value or None

    def required(self, name: str) -> str:
        """The value; unset or blank is a problem."""
        value = self.optional(name)
        if value is None:
            self.problems.append(f"{name}: required, not set")
            return ""
        return value

    def text(self, name: str, default: str) -> str:
        """The value, else ``default``."""
        return self.optional(name) or default

    def seconds(self, name: str, default: float, *, minimum: float, maximum: float | None = None) -> float:
        """A finite number within ``[minimum, maximum]``, else ``default`` when unset."""
        raw = self.optional(name)
        if raw is None:
            return default
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        upper = math.inf if maximum is None else maximum
        if not (math.isfinite(value) and minimum <= value <= upper):
            bounds = f"at least {minimum:g}" if maximum is None else f"between {minimum:g} and {maximum:g}"
            self.problems.append(f"{name}: must be a number of seconds {bounds}, got {raw[:40]!r}")
            return default
        return value


@dataclass(frozen=True)
class HealthSettings:
    """Configuration of the health function (docs/health.md says what each check does with it)."""

    jobs_queue_url: str
    dead_letter_queue_url: str | None = None
    jobs_queue_arn: str | None = None  # narrows the event source mapping lookup
    jobs_queue_name_override: str | None = None  # CloudWatch QueueName; default: from the URL
    worker_function_name: str | None = None  # unset: the mapping check reports warn
    release_id: str = "dev"
    version: str = "1"
    cache_seconds: float = 5.0
    check_timeout_seconds: float = 3.0
    oldest_message_warn_seconds: float = 300.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> HealthSettings:
        """Parse the environment (``os.environ`` by default); raise one message naming every problem."""
        env = _EnvReader(os.environ if environ is None else environ)
        settings = cls(
            jobs_queue_url=env.required("JOBS_QUEUE_URL"),
            dead_letter_queue_url=env.optional("DEAD_LETTER_QUEUE_URL"),
            jobs_queue_arn=env.optional("JOBS_QUEUE_ARN"),
            jobs_queue_name_override=env.optional("JOBS_QUEUE_NAME"),
            worker_function_name=env.optional("WORKER_FUNCTION_NAME"),
            release_id=env.text("RELEASE_ID", "dev"),
            version=env.text("SERVICE_VERSION", "1"),
            cache_seconds=env.seconds("HEALTH_CACHE_SECONDS", 5.0, minimum=0, maximum=300),
            check_timeout_seconds=env.seconds("HEALTH_CHECK_TIMEOUT_SECONDS", 3.0, minimum=0.001, maximum=30),
            oldest_message_warn_seconds=env.seconds("OLDEST_MESSAGE_WARN_SECONDS", 300.0, minimum=0),
        )
        if env.problems:
            raise ConfigurationError(f"invalid {cls.__name__} configuration: {'; '.join(env.problems)}")
        return settings

    @property
    def jobs_queue_name(self) -> str:
        """The queue's name: ``JOBS_QUEUE_NAME``, else the last path segment of its URL."""
        return self.jobs_queue_name_override or self.jobs_queue_url.rstrip("/").rsplit("/", 1)[-1]


def document_identity(environ: Mapping[str, str] | None = None) -> tuple[str, str]:
    """``(release id, version)`` for every document: plain text with defaults, so it never fails.

    ``/health/live`` and the configuration-error answer use it: neither may depend on a configuration
    that does not parse.
    """
    env = _EnvReader(os.environ if environ is None else environ)
    return env.text("RELEASE_ID", "dev"), env.text("SERVICE_VERSION", "1")


@cache
def health_settings() -> HealthSettings:
    """The health function's settings, parsed once per execution environment."""
    return HealthSettings.from_env()
