"""EMF lines exactly as the worker handler prints them, shared by the metrics-summary and dashboard tests."""

from __future__ import annotations

import json

# Copied from the worker handler's stdout (queue_worker.metrics via Powertools) for a batch of two
# successes, one transient failure and one dead-lettered record.
SERVICE = "sqs-lambda-worker"
MAIN_LINE = (
    '{"_aws":{"Timestamp":1795470164921,"CloudWatchMetrics":[{"Namespace":"SqsLambdaWorkerTests",'
    '"Dimensions":[["service"]],"Metrics":[{"Name":"RecordsReceived","Unit":"Count"},'
    '{"Name":"RecordsSucceeded","Unit":"Count"},{"Name":"RecordsFailedTransient","Unit":"Count"},'
    '{"Name":"RecordsDeadLettered","Unit":"Count"},{"Name":"RecordsSkippedByTimeout","Unit":"Count"},'
    '{"Name":"JobDuration","Unit":"Milliseconds"},{"Name":"MessageAge","Unit":"Milliseconds"}]}]},'
    '"service":"sqs-lambda-worker","RecordsReceived":[4.0],"RecordsSucceeded":[2.0],'
    '"RecordsFailedTransient":[1.0],"RecordsDeadLettered":[1.0],"RecordsSkippedByTimeout":[0.0],'
    '"JobDuration":[0.031,0.017],"MessageAge":[6164914.861816406,6164915.654785156,6164916.016113281,'
    "6164920.381103516]}"
)
COLD_START_LINE = (
    '{"_aws":{"Timestamp":1795470164921,"CloudWatchMetrics":[{"Namespace":"SqsLambdaWorkerTests",'
    '"Dimensions":[["function_name","service"]],"Metrics":[{"Name":"ColdStart","Unit":"Count"}]}]},'
    '"function_name":"sqs-lambda-worker-test","service":"sqs-lambda-worker","ColdStart":[1.0]}'
)


def per_type_line(job_type: str, name: str, value: float) -> str:
    """A per-job-type document exactly as ``single_metric`` prints it."""
    return json.dumps(
        {
            "_aws": {
                "Timestamp": 1795470164921,
                "CloudWatchMetrics": [
                    {
                        "Namespace": "SqsLambdaWorkerTests",
                        "Dimensions": [["job_type", "service"]],
                        "Metrics": [{"Name": name, "Unit": "Count"}],
                    }
                ],
            },
            "job_type": job_type,
            "service": SERVICE,
            name: [value],
        },
        separators=(",", ":"),
    )
