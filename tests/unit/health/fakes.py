"""In-memory fakes of the health adapters: they count calls, can fail, and can block (bounded)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

from queue_worker.health.mapping_check import MappingState
from queue_worker.health.monitor import HealthDependencies

BLOCK_LIMIT_SECONDS = 10.0  # a blocked fake never outlives this, even if a test forgets to release it


@dataclass
class Behaviour:
    """What one fake does: raise ``error``, or block until ``release`` is set, then answer."""

    error: BaseException | None = None
    release: threading.Event | None = None
    calls: int = 0

    def act(self) -> None:
        self.calls += 1
        if self.release is not None:
            self.release.wait(BLOCK_LIMIT_SECONDS)
        if self.error is not None:
            raise self.error


@dataclass
class FakeQueue:
    visible: int = 0
    in_flight: int = 0
    behaviour: Behaviour = field(default_factory=Behaviour)

    def attributes(self, names: list[str]) -> dict[str, str]:
        self.behaviour.act()
        return {
            "ApproximateNumberOfMessages": str(self.visible),
            "ApproximateNumberOfMessagesNotVisible": str(self.in_flight),
        }


@dataclass
class FakeMappings:
    mapping: MappingState | None = field(default_factory=lambda: MappingState("Enabled", "OK"))
    behaviour: Behaviour = field(default_factory=Behaviour)
    lookups: list[tuple[str, str, str | None]] = field(default_factory=list)

    def find(self, function_name: str, queue_name: str, queue_arn: str | None = None) -> MappingState | None:
        self.lookups.append((function_name, queue_name, queue_arn))
        self.behaviour.act()
        return self.mapping


@dataclass
class FakeMetrics:
    age: float | None = 12.0
    behaviour: Behaviour = field(default_factory=Behaviour)

    def oldest_message_age(self, queue_name: str, now: datetime) -> float | None:
        self.behaviour.act()
        return self.age


@dataclass
class FakeAws:
    """One fake per dependency, plus the total number of calls made to them."""

    jobs: FakeQueue = field(default_factory=FakeQueue)
    dlq: FakeQueue = field(default_factory=FakeQueue)
    mappings: FakeMappings = field(default_factory=FakeMappings)
    metrics: FakeMetrics = field(default_factory=FakeMetrics)

    def deps(self) -> HealthDependencies:
        return HealthDependencies(self.jobs, self.dlq, self.mappings, self.metrics)

    @property
    def calls(self) -> int:
        return sum(fake.behaviour.calls for fake in (self.jobs, self.dlq, self.mappings, self.metrics))

    def release_all(self) -> None:
        for fake in (self.jobs, self.dlq, self.mappings, self.metrics):
            behaviour = getattr(fake, "behaviour", None)  # real adapters swapped in have none
            if behaviour is not None and behaviour.release is not None:
                behaviour.release.set()


FIXED_NOW = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)


class FakeMonotonic:
    """A monotonic clock that only moves when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
