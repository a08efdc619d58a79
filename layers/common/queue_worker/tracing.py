"""One X-Ray subsegment per record, annotated so a job's trace can be found from its producer's.

Lambda starts a new trace for each invocation of an SQS batch; X-Ray itself links that trace to the
producer's when the message carries ``AWSTraceHeader`` (SQS sets it for traced producers). What
Powertools Tracer lets us add is a subsegment per record with searchable annotations, among them
``source_trace_id`` (the producer trace's root), so the console query
``annotation.source_trace_id = "1-..."`` finds the invocation that ran a given message, and
``annotation.correlation_id`` finds every hop of one job.

Bounded: the first :data:`MAX_TRACED_RECORDS` records of an invocation get a subsegment; a batch of
10,000 would otherwise stream 10,000 subsegments to the X-Ray daemon. The invocation's segment is
annotated with how many records were traced.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

MAX_TRACED_RECORDS = 25
MAX_NAME_CHARS = 200  # X-Ray's limit for segment names

type Annotation = str | int | bool


class RecordTracer(Protocol):
    """What BatchRun needs: a context manager around one record (tests pass fakes)."""

    def record(self, name: str, annotations: Mapping[str, Annotation | None]) -> AbstractContextManager[Any]:
        """Trace one record named ``name`` with ``annotations`` (None values are left out)."""
        ...


class PowertoolsRecordTracer:
    """Subsegments through a Powertools ``Tracer``; nothing at all when tracing is disabled."""

    def __init__(self, tracer: Any, limit: int = MAX_TRACED_RECORDS) -> None:
        self._tracer = tracer
        self._limit = limit
        self._traced = 0

    def start_invocation(self) -> None:
        """Reset the per-invocation budget (the handler calls this first)."""
        self._traced = 0

    def finish_invocation(self, records: int) -> None:
        """Annotate the invocation with how many of its ``records`` got a subsegment."""
        if not self._tracer.disabled:
            self._tracer.put_annotation(key="records_traced", value=self._traced)
            self._tracer.put_annotation(key="records_untraced", value=max(0, records - self._traced))

    def record(self, name: str, annotations: Mapping[str, Annotation | None]) -> AbstractContextManager[Any]:
        """A subsegment while the budget lasts, else a no-op."""
        if self._tracer.disabled or self._traced >= self._limit:
            return nullcontext()
        self._traced += 1
        return self._subsegment(name[:MAX_NAME_CHARS], annotations)

    @contextmanager
    def _subsegment(self, name: str, annotations: Mapping[str, Annotation | None]) -> Iterator[None]:
        with self._tracer.provider.in_subsegment(name=name) as subsegment:
            for key, value in annotations.items():
                if value is not None:
                    subsegment.put_annotation(key, value)
            yield  # an exception passes through: X-Ray records it on the subsegment
