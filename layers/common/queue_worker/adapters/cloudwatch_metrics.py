"""CloudWatch adapter: the latest AWS/SQS ApproximateAgeOfOldestMessage of a queue (GetMetricData)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from queue_worker.adapters.aws_clients import LazyClientAdapter, aws_call, cloudwatch_client
from queue_worker.errors import DependencyUnavailableError

if TYPE_CHECKING:
    from mypy_boto3_cloudwatch import CloudWatchClient

# SQS publishes 1-minute metrics a few minutes late; look back far enough to find the latest one.
LOOKBACK = timedelta(minutes=15)
PERIOD_SECONDS = 60


class CloudWatchQueueMetrics(LazyClientAdapter["CloudWatchClient"]):
    """Reads SQS queue metrics. ``client`` defaults to the lazy health client."""

    def __init__(self, client: CloudWatchClient | None = None) -> None:
        super().__init__(client, cloudwatch_client)

    def oldest_message_age(self, queue_name: str, now: datetime) -> float | None:
        """The most recent 1-minute Maximum of the age of the oldest message, in seconds.

        None when CloudWatch has no datapoint in the look-back window (an idle queue, a new stack, or
        an emulator without metrics). Raises :class:`DependencyUnavailableError` when the call fails.
        """
        # Whole minutes, ending after ``now``: aligned to the period (as CloudWatch advises) and
        # sure to include the current minute's datapoint.
        end = (now + timedelta(seconds=PERIOD_SECONDS)).replace(second=0, microsecond=0)
        with aws_call("GetMetricData", DependencyUnavailableError):
            response = self.client.get_metric_data(
                MetricDataQueries=[
                    {
                        "Id": "age",
                        "MetricStat": {
                            "Metric": {
                                "Namespace": "AWS/SQS",
                                "MetricName": "ApproximateAgeOfOldestMessage",
                                "Dimensions": [{"Name": "QueueName", "Value": queue_name}],
                            },
                            "Period": PERIOD_SECONDS,
                            "Stat": "Maximum",
                        },
                    }
                ],
                StartTime=end - LOOKBACK,
                EndTime=end,
                ScanBy="TimestampDescending",
            )
        for result in response.get("MetricDataResults", []):
            if result.get("StatusCode") in {"InternalError", "Forbidden"}:
                raise DependencyUnavailableError(f"GetMetricData result: {result.get('StatusCode')}")
            values = result.get("Values", [])
            if values:
                return float(values[0])
        return None
