"""Bare Powertools Function URL handler: ``LambdaFunctionUrlResolver`` returning ``{"status": "ok"}``."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import LambdaFunctionUrlResolver

logger = Logger(service="bare-url-baseline")
app = LambdaFunctionUrlResolver()


@app.get("/health")
@app.get("/health/live")
def health() -> dict[str, str]:
    return {"status": "ok"}


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
