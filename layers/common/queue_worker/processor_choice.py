"""Choice of Powertools batch processor for an SQS event: standard or FIFO.

FIFO sources must stop at the first failure and report it and every record after it, which is what
``SqsFifoPartialProcessor`` does (optionally per message group). The processors reset their state per
invocation, so module-level instances are safe.
"""

from __future__ import annotations

from aws_lambda_powertools.utilities.batch import BasePartialBatchProcessor, BatchProcessor, EventType
from aws_lambda_powertools.utilities.batch.sqs_fifo_partial_processor import SqsFifoPartialProcessor

# raise_on_entire_batch_failure=False: when every record fails, report them all as item failures rather
# than raising, so the response always names exactly the failing ids (same effect on SQS, clearer logs).
STANDARD_PROCESSOR = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
FIFO_PROCESSOR = SqsFifoPartialProcessor()
FIFO_GROUP_PROCESSOR = SqsFifoPartialProcessor(skip_group_on_error=True)
for _fifo in (FIFO_PROCESSOR, FIFO_GROUP_PROCESSOR):
    _fifo.raise_on_entire_batch_failure = False  # its __init__ does not take the flag


def processor_for(fifo: bool, skip_group_on_error: bool = False) -> BasePartialBatchProcessor:
    """The processor for a FIFO or standard batch (``queue_worker.sqs_record.is_fifo_batch``)."""
    if not fifo:
        return STANDARD_PROCESSOR
    return FIFO_GROUP_PROCESSOR if skip_group_on_error else FIFO_PROCESSOR
