"""In-memory fakes of the worker's adapters."""

from __future__ import annotations

from collections.abc import Callable

from queue_worker.dead_letter import DeadLetterMessage
from queue_worker.errors import IdempotencyConflictError
from queue_worker.registry import run_directly

__all__ = ["CountdownClock", "FakeDeadLetters", "FakeVisibility", "MemoryIdempotency", "run_directly"]


class MemoryIdempotency:
    """The DynamoDB guard's contract in memory: once per key, stored result, payload validated."""

    def __init__(self) -> None:
        self.results: dict[str, object] = {}
        self.payloads: dict[str, object] = {}

    def __call__(self, key: str, action: Callable[[], object], payload: object = None) -> object:
        if key in self.results:
            if self.payloads[key] != payload:
                raise IdempotencyConflictError(f"key {key!r} was used before with a different payload")
            return self.results[key]
        result = action()  # an exception stores nothing, as Powertools deletes the in-progress record
        self.results[key], self.payloads[key] = result, payload
        return result


class FakeDeadLetters:
    """Collects DLQ messages; ``fail=True`` makes every send raise."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.messages: list[DeadLetterMessage] = []

    def send_dead_letter(self, message: DeadLetterMessage) -> str:
        if self.fail:
            raise ConnectionError("DLQ unreachable")
        self.messages.append(message)
        return f"dlq-{len(self.messages)}"


class FakeVisibility:
    """Records ChangeMessageVisibility requests."""

    def __init__(self, failing: set[str] | None = None) -> None:
        self.changes: dict[str, int] = {}
        self.failing = failing or set()

    def change_visibility(self, timeouts: dict[str, int]) -> list[str]:
        self.changes.update(timeouts)
        return [handle for handle in timeouts if handle in self.failing]


class CountdownClock:
    """``get_remaining_time_in_millis`` that drops by ``step_ms`` on every call."""

    def __init__(self, start_ms: int, step_ms: int) -> None:
        self.remaining = start_ms
        self.step = step_ms

    def __call__(self) -> int:
        value = self.remaining
        self.remaining -= self.step
        return value
