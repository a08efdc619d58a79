"""Job registry: job modules register a pydantic payload model and a handler per job type.

Usage in a job module named by ``JOB_MODULES``::

    from pydantic import BaseModel
    from queue_worker.registry import job, JobContext

    class Greeting(BaseModel):
        name: str

    @job("greet", Greeting)
    def greet(payload: Greeting, context: JobContext) -> dict[str, str]:
        return {"greeting": f"hello {payload.name}"}
"""

from __future__ import annotations

import hashlib
import importlib
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import BaseModel, ValidationError

from queue_worker.envelope import JobEnvelope, summarise_validation_error
from queue_worker.errors import ConfigurationError, InvalidPayloadError, UnknownJobTypeError


class JobSender(Protocol):
    """Where jobs send onward work; the SQS adapter implements it, tests pass an in-memory fake."""

    def send_job(
        self,
        envelope: JobEnvelope,
        correlation_id: str,
        trace_header: str | None = None,
        *,
        group_id: str | None = None,
        deduplication_id: str | None = None,
    ) -> str:
        """Enqueue ``envelope`` carrying ``correlation_id`` (and the X-Ray header); return the message id.

        ``group_id``/``deduplication_id`` are the FIFO fields (set when the parent came from a FIFO queue).
        """
        ...


@dataclass(frozen=True)
class JobContext:
    """What a job handler may know about the message it is processing.

    ``message_id`` is the first delivery's id (kept across a DLQ redrive when the dead letter's signature
    verifies), the default idempotency key. ``group_id`` is the FIFO message group (None: standard queue).
    """

    message_id: str
    correlation_id: str
    receive_count: int
    sender: JobSender | None = None
    trace_header: str | None = None
    group_id: str | None = None
    _sends: Iterator[int] = field(default_factory=itertools.count, repr=False, compare=False)

    def send_job(self, envelope: JobEnvelope) -> str:
        """Send onward work with this record's correlation id (fails clearly if no queue is configured).

        From a FIFO queue the child joins the parent's message group, with a deduplication id derived
        from the parent's id and the child's position: a retried parent re-sends the same ids, so SQS
        drops the copies inside its 5-minute deduplication window.
        """
        if self.sender is None:
            raise ConfigurationError("this job sends onward work but JOBS_QUEUE_URL is not configured")
        position = next(self._sends)
        if self.group_id is None:
            return self.sender.send_job(envelope, self.correlation_id, self.trace_header)
        digest = hashlib.sha256(f"{self.message_id}\n{position}".encode()).hexdigest()
        return self.sender.send_job(
            envelope,
            self.correlation_id,
            self.trace_header,
            group_id=self.group_id,
            deduplication_id=digest,
        )


type JobHandler[P: BaseModel] = Callable[[P, JobContext], object]
type KeyFunction[P: BaseModel] = Callable[[P], str]


class IdempotencyGuard(Protocol):
    """Runs a job's side effects under a key: at most once per key when idempotency is on (the DynamoDB
    adapter), every time when it is off (:func:`run_directly`). The dead-letter send goes through it too.

    ``payload`` is what the key stands for: the DynamoDB guard stores its hash and raises
    :class:`~queue_worker.errors.IdempotencyConflictError` (permanent) when the key comes back with
    another payload, instead of returning another job's result.
    """

    def __call__(self, key: str, action: Callable[[], object], payload: object = None) -> object:
        """Run ``action`` (once per ``key`` when idempotent); return its (possibly stored) result."""
        ...


UNREGISTERED_JOB_TYPE = "unregistered"


def run_directly(key: str, action: Callable[[], object], payload: object = None) -> object:  # noqa: ARG001
    """The :data:`IdempotencyGuard` without idempotency: runs ``action`` every time."""
    return action()


@dataclass(frozen=True)
class JobDefinition[P: BaseModel]:
    """One registered job type."""

    job_type: str
    payload_model: type[P]
    handler: JobHandler[P]
    idempotency_key: KeyFunction[P] | None = None

    def run(self, payload: object, context: JobContext, guard: IdempotencyGuard = run_directly) -> object:
        """Validate ``payload`` (invalid is permanent), then run the handler through ``guard``.

        ``guard`` receives ``"<job type>:<key>"`` (key from the job's ``idempotency_key`` or the message
        id) so an idempotent guard executes the side effects once per key.
        """
        try:
            model = self.payload_model.model_validate(payload)
        except ValidationError as exc:
            raise InvalidPayloadError(
                f"payload of {self.job_type!r} is invalid: {summarise_validation_error(exc)}"
            ) from exc
        key = self.idempotency_key(model) if self.idempotency_key else context.message_id
        return guard(f"{self.job_type}:{key}", lambda: self.handler(model, context), payload)


@dataclass
class JobRegistry:
    """Maps job types to definitions. A process has one default registry; tests make their own."""

    _jobs: dict[str, JobDefinition[Any]] = field(default_factory=dict)

    def job[P: BaseModel](
        self, job_type: str, payload_model: type[P], idempotency_key: KeyFunction[P] | None = None
    ) -> Callable[[JobHandler[P]], JobHandler[P]]:
        """Decorator registering ``handler`` for ``job_type``; registering a type twice is an error.

        ``idempotency_key`` derives the once-only key from the payload (default: the message id).
        """

        def register(handler: JobHandler[P]) -> JobHandler[P]:
            if job_type in self._jobs:
                raise ConfigurationError(f"job type {job_type!r} is registered twice")
            self._jobs[job_type] = JobDefinition(job_type, payload_model, handler, idempotency_key)
            return handler

        return register

    def get(self, job_type: str) -> JobDefinition[Any]:
        """The definition for ``job_type`` or :class:`UnknownJobTypeError` (permanent)."""
        try:
            return self._jobs[job_type]
        except KeyError:
            raise UnknownJobTypeError(f"no job registered for type {job_type!r}") from None

    def run(
        self, envelope: JobEnvelope, context: JobContext, guard: IdempotencyGuard = run_directly
    ) -> object:
        """Dispatch one envelope to its handler."""
        return self.get(envelope.type).run(envelope.payload, context, guard)

    def bounded_job_type(self, job_type: str) -> str:
        """``job_type`` when registered, else one fixed label: keeps metric dimensions bounded."""
        return job_type if job_type in self._jobs else UNREGISTERED_JOB_TYPE

    @property
    def job_types(self) -> tuple[str, ...]:
        """Registered job types, sorted, for logs and docs."""
        return tuple(sorted(self._jobs))


default_registry = JobRegistry()
job = default_registry.job


def load_job_modules(module_names: Iterable[str]) -> None:
    """Import the modules named by ``JOB_MODULES`` so their ``@job`` decorators register.

    A module that cannot be imported raises :class:`ConfigurationError` naming it and the cause.
    """
    for name in module_names:
        try:
            importlib.import_module(name)
        except ImportError as exc:
            raise ConfigurationError(
                f"JOB_MODULES names {name!r}, which cannot be imported ({type(exc).__name__}: {exc}); "
                "check the module path and that it ships in the function or layer"
            ) from exc
