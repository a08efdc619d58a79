"""Domain errors, one place. Permanent errors are never retried; anything else is transient."""


class WorkerError(Exception):
    """Base class of every error this package raises on purpose."""


class ConfigurationError(WorkerError):
    """The function's environment is wrong; raised at cold start with a message that says how to fix it."""


class PermanentJobError(WorkerError):
    """A job that can never succeed, however often it is retried (jobs may raise it explicitly)."""


class InvalidEnvelopeError(PermanentJobError):
    """The message body is not JSON, or not a ``{"type": str, "payload": ...}`` envelope."""


class UnknownJobTypeError(PermanentJobError):
    """No handler is registered for the envelope's ``type``."""


class InvalidPayloadError(PermanentJobError):
    """The payload does not validate against the job type's pydantic model."""


class TransientJobError(WorkerError):
    """A failure worth retrying (jobs may raise it to say so explicitly; any other exception counts too)."""


class DependencyUnavailableError(WorkerError):
    """A read-only AWS call behind ``/health`` failed (throttled, denied, timed out, unreachable).

    Like :class:`QueueUnavailableError`, the message names the operation and the AWS error code only.
    """


class QueueUnavailableError(WorkerError):
    """An SQS call failed; the adapter's message names the operation, never the queue URL."""


class RecordSkippedError(WorkerError):
    """Not started: too little of the invocation remained. Reported failed and made visible at once."""


class InvalidEventError(WorkerError):
    """The invocation's event is not an SQS batch (S3, SNS, ``{}``, a list, a record without an id)."""


class IdempotencyConflictError(PermanentJobError):
    """An idempotency key already used by a job with a different payload: never another job's result."""
