"""The naive Powertools SQS worker plus what any worker that dead-letters or sends onward needs: a boto3
SQS client, created at import (Lambda's init phase) as the worker creates its own."""

from __future__ import annotations

import boto3

from bench.baselines.batch_handler import lambda_handler

sqs = boto3.client("sqs")

__all__ = ["lambda_handler", "sqs"]
