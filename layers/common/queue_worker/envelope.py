"""The job envelope every message body carries: ``{"type": "<job type>", "payload": <any JSON>}``."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from queue_worker.errors import InvalidEnvelopeError

_MAX_ERROR_CHARS = 300


class JobEnvelope(BaseModel):
    """What producers send. Extra top-level keys are rejected so typos surface instead of being ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:-]+$")
    payload: Any = None


def parse_envelope(body: str) -> JobEnvelope:
    """Validate a message body as an envelope, or raise :class:`InvalidEnvelopeError` (permanent).

    >>> parse_envelope('{"type": "checksum", "payload": {"text": "hi"}}').type
    'checksum'
    """
    try:
        return JobEnvelope.model_validate_json(body)
    except ValidationError as exc:
        raise InvalidEnvelopeError(summarise_validation_error(exc)) from exc


def summarise_validation_error(exc: ValidationError) -> str:
    """A one-line, bounded description of a pydantic error, without echoing the (possibly huge) input."""
    parts = [f"{'.'.join(str(p) for p in err['loc']) or '<body>'}: {err['msg']}" for err in exc.errors()]
    text = "; ".join(parts)
    return text if len(text) <= _MAX_ERROR_CHARS else text[: _MAX_ERROR_CHARS - 1] + "…"


INVALID_ENVELOPE_TYPE = "<invalid-envelope>"  # the job_type logged for a body that is not an envelope
