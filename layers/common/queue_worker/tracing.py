"""One X-Ray subsegment per record, annotated so a job's trace can be found from its producer's.

Lambda starts a new trace for each invocation of an SQS batch; X-Ray itself links that trace to the
producer's when the message carries ``AWSTraceHeader`` (SQS sets it for traced producers). What
Powertools Tracer lets us add is a subsegment per record with searchable annotations, among them
``source_trace_id`` (the producer trace's root), so the console query
``annotation.source_trace_id = "1-..."`` finds the invocation that ran a given message, and
``annotation.correlation_id`` finds every hop of one job.

Bounded: only the first :data:`MAX_TRACED_RECORDS` records of an invocation get a subsegment (BatchRun
counts them, and builds no annotations for the rest or when tracing is off); a batch of 10,000 would
otherwise stream 10,000 subsegments to the X-Ray daemon. The invocation's segment is annotated with how
many records were traced.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

MAX_TRACED_RECORDS = 25
MAX_NAME_CHARS = 200  # X-Ray's limit for segment names

type Annotation = str | int | bool


class RecordTracer(Protocol):
    """What BatchRun needs from a tracer (tests pass fakes); BatchRun keeps the per-invocation budget."""

    @property
    def enabled(self) -> bool:
        """False when tracing is off: BatchRun then builds no annotations at all."""
        ...

    def record(self, name: str, annotations: Mapping[str, Annotation | None]) -> AbstractContextManager[Any]:
        """Trace one record named ``name`` with ``annotations`` (None values are left out)."""
        ...

    def annotate_invocation(self, traced: int, untraced: int) -> None:
        """Say on the invocation's segment how many records got a subsegment."""
        ...


class PowertoolsRecordTracer:
    """Subsegments and annotations through a Powertools ``Tracer`` (stateless: safe as a module global)."""

    def __init__(self, tracer: Any) -> None:
        self._tracer = tracer

    @property
    def enabled(self) -> bool:
        """Powertools disables tracing outside Lambda and with ``POWERTOOLS_TRACE_DISABLED``."""
        return not self._tracer.disabled

    def annotate_invocation(self, traced: int, untraced: int) -> None:
        """``records_traced`` / ``records_untraced`` on the invocation's segment."""
        self._tracer.put_annotation(key="records_traced", value=traced)
        self._tracer.put_annotation(key="records_untraced", value=untraced)

    @contextmanager
    def record(self, name: str, annotations: Mapping[str, Annotation | None]) -> Iterator[None]:
        """One subsegment for one record."""
        with self._tracer.provider.in_subsegment(name=name[:MAX_NAME_CHARS]) as subsegment:
            for key, value in annotations.items():
                if value is not None:
                    subsegment.put_annotation(key, value)
            yield  # an exception passes through: X-Ray records it on the subsegment
