"""The Powertools ``Logger`` singleton shared by the package and both handlers.

``Tracer`` and ``Metrics`` are created in the worker handler, the only function that uses them:
``Tracer()`` imports the X-Ray SDK (and with it botocore's session machinery) even when tracing is
disabled, which tripled the health function's cold start. The health function still gets Lambda's own
invocation segment from ``Tracing: Active``; it just records no subsegments.
"""

from aws_lambda_powertools import Logger

logger = Logger()
