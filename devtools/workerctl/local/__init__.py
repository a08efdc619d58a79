"""The local runtime wing: template → emulator, event source mapping emulator, function sandbox, /health.

Never imports :mod:`workerctl.cli` (a test enforces it): the CLI drives the runtime, not the reverse.
"""
