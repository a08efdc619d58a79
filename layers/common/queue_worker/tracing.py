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

Optional (``RECORD_TRACING``, the template's ``RecordTracing``): Powertools' ``Tracer()`` imports the
X-Ray SDK, and through its sampling connector botocore's session machinery, even when tracing is then
disabled; that doubled the worker's cold start. So the worker creates one only when per-record tracing
is on (:func:`record_tracer`); otherwise it has no tracer at all, and Lambda's own invocation segment
(``Tracing: Active``) is still linked to the producer's trace.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

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

    def capture_handler[**P, R](self, handler: Callable[P, R]) -> Callable[P, R]:
        """The invocation's ``## <handler>`` subsegment with the ``ColdStart`` annotation (no response)."""
        captured: Callable[P, R] = self._tracer.capture_lambda_handler(handler, capture_response=False)
        return captured

    @contextmanager
    def record(self, name: str, annotations: Mapping[str, Annotation | None]) -> Iterator[None]:
        """One subsegment for one record."""
        with self._tracer.provider.in_subsegment(name=name[:MAX_NAME_CHARS]) as subsegment:
            for key, value in annotations.items():
                if value is not None:
                    subsegment.put_annotation(key, value)
            yield  # an exception passes through: X-Ray records it on the subsegment


def record_tracer(enabled: bool) -> PowertoolsRecordTracer | None:
    """A tracer over a new Powertools ``Tracer`` when per-record tracing is ``enabled``, else None.

    The X-Ray SDK is imported here and only here, so a worker without per-record tracing never loads it.
    """
    if not enabled:
        return None
    from aws_lambda_powertools import Tracer  # noqa: PLC0415 - Tracer() imports the X-Ray SDK

    return PowertoolsRecordTracer(Tracer())


def traced_handler[**P, R](
    tracer: PowertoolsRecordTracer | None,
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorator: the handler captured by ``tracer``, or the handler itself when there is no tracer."""

    def decorate(handler: Callable[P, R]) -> Callable[P, R]:
        return handler if tracer is None else tracer.capture_handler(handler)

    return decorate
