"""Example job ``checksum``: digest a text with a named algorithm (pure CPU work, no side effects)."""

from __future__ import annotations

import hashlib
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from queue_worker.registry import JobContext, job


class ChecksumPayload(BaseModel):
    """``{"text": "...", "algorithm": "sha256"}``; text up to the SQS body limit."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=1_048_576)
    algorithm: Literal["sha256", "sha1", "md5", "blake2b"] = "sha256"


@job("checksum", ChecksumPayload)
def checksum(payload: ChecksumPayload, context: JobContext) -> dict[str, object]:  # noqa: ARG001
    """Return the digest of the UTF-8 encoded text."""
    data = payload.text.encode("utf-8")
    digest = hashlib.new(payload.algorithm, data, usedforsecurity=False).hexdigest()
    return {"algorithm": payload.algorithm, "digest": digest, "bytes": len(data)}
