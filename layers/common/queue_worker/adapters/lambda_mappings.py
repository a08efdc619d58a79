"""Lambda adapter: the state of the worker's SQS event source mapping (ListEventSourceMappings)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from queue_worker.adapters.aws_clients import LazyClientAdapter, aws_error_code, is_aws_error, lambda_client
from queue_worker.errors import DependencyUnavailableError
from queue_worker.health.mapping_check import MappingState

if TYPE_CHECKING:
    from mypy_boto3_lambda import LambdaClient


class LambdaEventSourceMappings(LazyClientAdapter["LambdaClient"]):
    """Looks up one function's mapping for one queue. ``client`` defaults to the lazy health client."""

    def __init__(self, client: LambdaClient | None = None) -> None:
        super().__init__(client, lambda_client)

    def find(self, function_name: str, queue_name: str, queue_arn: str | None = None) -> MappingState | None:
        """The mapping from the queue to ``function_name``, or None when there is none.

        Filters by ``EventSourceArn`` when the ARN is known, else by the ARN's last segment (the
        queue name), so the lookup also works where only the queue URL is configured.
        A function that does not exist counts as "no mapping" (ResourceNotFoundException).
        """
        try:
            if queue_arn:
                response = self.client.list_event_source_mappings(
                    FunctionName=function_name, EventSourceArn=queue_arn, MaxItems=100
                )
            else:
                response = self.client.list_event_source_mappings(FunctionName=function_name, MaxItems=100)
        except Exception as exc:
            if not is_aws_error(exc):
                raise
            code = aws_error_code(exc)
            if code == "ResourceNotFoundException":
                return None
            raise DependencyUnavailableError(f"ListEventSourceMappings failed: {code}") from exc
        for mapping in response.get("EventSourceMappings", []):
            source_name = mapping.get("EventSourceArn", "").rsplit(":", 1)[-1]
            if queue_arn or source_name == queue_name:
                return MappingState(mapping.get("State", "unknown"), mapping.get("LastProcessingResult"))
        return None
