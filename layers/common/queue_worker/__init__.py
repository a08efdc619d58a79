"""Shared library of the SQS worker: job envelopes, the job registry, record processing and health logic.

Both Lambda functions import it from the ``common`` layer; nothing here imports boto3 at module level so
cold starts stay cheap.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
