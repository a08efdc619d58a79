"""Powertools singletons shared by the package and both handlers (the only module-level state)."""

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger()
tracer = Tracer()
metrics = Metrics()
