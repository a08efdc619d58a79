"""``workerctl dlq``: the command, the DLQ logic (inspect, redrive) and its SQS adapter."""
