"""Dead-letter queue operations both wings use: the SQS adapter, inspection and the local redrive.

The ``dlq`` command (``workerctl.cli.dlq``) and the local dashboard (``workerctl.local.dashboard``) both
call these; they live beside the shared core so the local wing never imports the CLI wing.
"""
