"""Job types for the dashboard's send form: the worker's registry, JSON schemas, validation, sending.

The runtime's process imports the worker's ``JOB_MODULES`` (the ones it gives the function processes)
once, on first use, so the form offers exactly the registered types, each with its payload model's
``model_json_schema()``. The page validates against that schema as the user types; the server validates
again with the worker's own code (``parse_envelope`` and the payload model) before sending, so what the
form sends is what the worker accepts. A module that cannot be imported here is reported on the page
instead of stopping the runtime.
"""

from __future__ import annotations

import importlib
import json
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

from workerctl.errors import UserError
from workerctl.queues import job_entry

MAX_CORRELATION_ID_CHARS = 128


class InvalidJobError(UserError):
    """The job the form asked to send is not one the worker would accept."""


@dataclass
class JobCatalog:
    """The registered job types of ``modules``, loaded once (thread-safe)."""

    modules: tuple[str, ...]
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _loaded: dict[str, Any] | None = field(default=None, repr=False)

    def describe(self) -> dict[str, Any]:
        """``{"job_types": [{"type", "schema"}], "problems": [...]}`` for the page."""
        with self._lock:
            if self._loaded is None:
                self._loaded = self._load()
            return self._loaded

    def _load(self) -> dict[str, Any]:
        from queue_worker.registry import default_registry  # noqa: PLC0415 - pydantic on first use only

        problems = []
        for name in self.modules:
            try:
                importlib.import_module(name)
            except Exception as exc:
                problems.append(f"{name} cannot be imported by the dashboard ({type(exc).__name__}: {exc})")
        job_types = []
        for job_type in default_registry.job_types:
            model = default_registry.get(job_type).payload_model
            try:
                schema: dict[str, Any] | None = model.model_json_schema()
            except Exception as exc:
                schema = None
                problems.append(f"{job_type}: no JSON schema ({type(exc).__name__}); validated on send only")
            job_types.append({"type": job_type, "schema": schema})
        return {"job_types": job_types, "problems": problems}

    def validated_body(self, job_type: object, payload: object) -> str:
        """The message body for ``{"type": job_type, "payload": payload}``, validated as the worker will.

        Raises :class:`InvalidJobError` with the worker's own one-line summary of what is wrong.
        """
        from pydantic import ValidationError  # noqa: PLC0415 - ~0.3 s: not at every workerctl start

        from queue_worker.envelope import parse_envelope, summarise_validation_error  # noqa: PLC0415
        from queue_worker.errors import InvalidEnvelopeError  # noqa: PLC0415
        from queue_worker.registry import default_registry  # noqa: PLC0415

        known = {entry["type"] for entry in self.describe()["job_types"]}
        if job_type not in known:
            raise InvalidJobError(f"unknown job type {job_type!r}: choose one of {', '.join(sorted(known))}")
        try:
            envelope = parse_envelope(json.dumps({"type": job_type, "payload": payload}))
            default_registry.get(envelope.type).payload_model.model_validate(envelope.payload)
        except InvalidEnvelopeError as exc:
            raise InvalidJobError(f"invalid envelope: {exc}") from exc
        except ValidationError as exc:
            raise InvalidJobError(f"invalid payload: {summarise_validation_error(exc)}") from exc
        return envelope.model_dump_json()


def correlation_id_or_new(value: object) -> str:
    """The user's correlation id (trimmed), or a new ``dash-…`` one so the job can be followed."""
    text = value.strip() if isinstance(value, str) else ""
    if len(text) > MAX_CORRELATION_ID_CHARS:
        raise InvalidJobError(f"the correlation id is longer than {MAX_CORRELATION_ID_CHARS} characters")
    return text or f"dash-{uuid.uuid4().hex[:12]}"


def send_job(client: Any, queue_url: str, body: str, correlation_id: str) -> str:
    """SendMessage with the ``CorrelationId`` attribute (FIFO: grouped by it); returns the message id."""
    entry = job_entry(body, correlation_id, fifo=queue_url.endswith(".fifo"))
    return str(client.send_message(QueueUrl=queue_url, **entry)["MessageId"])
