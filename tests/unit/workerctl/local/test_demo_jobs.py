from __future__ import annotations

import pytest

from queue_worker.errors import TransientJobError
from queue_worker.registry import JobContext, default_registry
from workerctl.local.demo_jobs import FlakyPayload, flaky


def context(receive_count: int) -> JobContext:
    return JobContext(message_id="m", correlation_id="c", receive_count=receive_count)


def test_flaky_fails_transiently_until_the_chosen_receive() -> None:
    payload = FlakyPayload(succeed_on_receive=3)
    for receive in (1, 2):
        with pytest.raises(TransientJobError, match=f"receive {receive} of 3"):
            flaky(payload, context(receive))
    assert flaky(payload, context(3)) == {"succeeded_on_receive": 3}


def test_flaky_is_registered_under_its_type() -> None:
    assert "demo.flaky" in default_registry.job_types
