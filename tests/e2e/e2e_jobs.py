"""Job types the e2e tests add to JOB_MODULES: ``e2e.probe`` journals each attempt to a file.

The journal (JSON lines, appended atomically) lets the tests see batches (``request_id``), processes
(``pid``), receive counts and timing from inside the worker, independently of the runtime's counters.
"""

from __future__ import annotations

import json
import os
import time

from pydantic import BaseModel, ConfigDict

from queue_worker.errors import TransientJobError
from queue_worker.log import logger
from queue_worker.registry import JobContext, job

BLOCK_LIMIT_SECONDS = 30.0  # bounded even if the runtime failed to kill us


class ProbePayload(BaseModel):
    model_config = ConfigDict(extra="forbid")

    journal: str
    tag: str
    hold_seconds: float = 0.0
    fail_until_receive: int = 0
    block_until_receive: int = 0


def _journal(payload: ProbePayload, context: JobContext, phase: str) -> None:
    entry = {
        "phase": phase,
        "tag": payload.tag,
        "message_id": context.message_id,
        "receive_count": context.receive_count,
        "request_id": logger.get_current_keys().get("function_request_id"),
        "pid": os.getpid(),
        "time": time.time(),
    }
    descriptor = os.open(payload.journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, (json.dumps(entry) + "\n").encode())
    finally:
        os.close(descriptor)


@job("e2e.probe", ProbePayload)
def probe(payload: ProbePayload, context: JobContext) -> str:
    _journal(payload, context, "start")
    if context.receive_count < payload.block_until_receive:
        deadline = time.monotonic() + BLOCK_LIMIT_SECONDS
        while time.monotonic() < deadline:  # busy-wait past the function Timeout
            pass
    if payload.hold_seconds:
        time.sleep(payload.hold_seconds)
    if context.receive_count < payload.fail_until_receive:
        raise TransientJobError(f"probe fails until receive {payload.fail_until_receive}")
    _journal(payload, context, "end")
    return payload.tag
