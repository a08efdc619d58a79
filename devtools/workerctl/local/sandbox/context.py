"""The one stand-in for Lambda's context object: the local sandbox, the tests and the bench all use it.

It carries what handlers and Powertools read (function name, ARN, memory, request id, log group and
stream) and a deadline counting down from the function's Timeout. ``clock`` is injectable: the sandbox
uses the real monotonic clock, tests and benchmarks a frozen one so the time left is exactly what they
set (``remaining_ms``), never a race with the wall clock. Deliberately free of imports from the rest of
workerctl, so importing it costs nothing (bench/probe.py measures start-up).
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable

DEFAULT_ACCOUNT_ID = "123456789012"


def frozen_clock() -> float:
    """A clock that never moves: ``get_remaining_time_in_millis`` stays at what was set."""
    return 0.0


class LocalLambdaContext:
    """The Lambda context object (the attributes of ``aws_lambda_powertools.utilities.typing.LambdaContext``).

    >>> context = LocalLambdaContext("fn", timeout_s=3, clock=frozen_clock)
    >>> context.get_remaining_time_in_millis(), context.invoked_function_arn
    (3000, 'arn:aws:lambda:eu-west-1:123456789012:function:fn')
    """

    function_version = "$LATEST"
    identity = None
    client_context = None

    def __init__(
        self,
        function_name: str,
        *,
        function_arn: str | None = None,
        memory_mb: int = 128,
        request_id: str | None = None,
        timeout_s: float = 3.0,
        region: str = "eu-west-1",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.function_name = function_name
        self.invoked_function_arn = (
            function_arn or f"arn:aws:lambda:{region}:{DEFAULT_ACCOUNT_ID}:function:{function_name}"
        )
        self.memory_limit_in_mb = memory_mb
        self.aws_request_id = request_id or str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = f"local/{os.getpid()}"
        self._clock = clock
        self._deadline = clock() + timeout_s

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the invocation's Timeout (the sandbox kills the process then)."""
        return max(0, int((self._deadline - self._clock()) * 1000))

    @property
    def remaining_ms(self) -> int:
        """The time left, in milliseconds; setting it moves the deadline (tests: "nearly out of time")."""
        return self.get_remaining_time_in_millis()

    @remaining_ms.setter
    def remaining_ms(self, value: int) -> None:
        self._deadline = self._clock() + value / 1000
