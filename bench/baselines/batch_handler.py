"""Naive Powertools SQS worker: BatchProcessor + process_partial_response, per-record correlation id,
pydantic ``model_validate_json``, one INFO line and one ``add_metric`` per record (flushed by
``log_metrics``; Powertools flushes early every 100 values). No ``Tracer`` and no AWS client: the
pipeline the issue's cold-start target names (``batch_handler_with_client`` adds the client).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from pydantic import BaseModel

logger = Logger(service="naive-baseline")
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.SQS)


class Job(BaseModel):
    type: str
    payload: Any = None


def run_job(job: Job) -> None:
    """The no-op job."""


def record_handler(record: SQSRecord) -> None:
    attributes = record.message_attributes
    correlation_id = attributes["CorrelationId"].string_value if "CorrelationId" in attributes else None
    logger.set_correlation_id(correlation_id or record.message_id)
    job = Job.model_validate_json(record.body)
    run_job(job)
    logger.info("job processed", extra={"job_type": job.type, "message_id": record.message_id})
    metrics.add_metric(name="RecordsSucceeded", unit=MetricUnit.Count, value=1)


@metrics.log_metrics
@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> Any:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
