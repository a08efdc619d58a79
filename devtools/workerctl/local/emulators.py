"""The runtime's embedded AWS: one moto process for SQS (and the Lambda API that holds the mappings),
and a second one for the template's DynamoDB tables, launched together so both import moto at once.

Held by the runtime from before the first launch, so :meth:`EmbeddedEmulators.stop` ends whatever
started even when a launch fails half-way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workerctl.aws import aws_client
from workerctl.local import resources
from workerctl.local.emulator import EmbeddedEmulator
from workerctl.local.preflight import table_port

if TYPE_CHECKING:
    from workerctl.local.options import RuntimeOptions
    from workerctl.local.template.model import TemplateModel


class EmbeddedEmulators:
    """The SQS emulator and, when the template has tables, the tables' emulator."""

    def __init__(self, options: RuntimeOptions) -> None:
        self.options = options
        self.sqs: EmbeddedEmulator | None = None
        self.tables: EmbeddedEmulator | None = None

    def launch(self, model: TemplateModel) -> str:
        """Start both processes; returns the SQS endpoint once it answers."""
        options = self.options
        self.sqs = EmbeddedEmulator(options.host, options.emulator_port)
        self.sqs.launch()
        if model.tables:  # launched now so both processes import moto at the same time
            self.tables = EmbeddedEmulator(options.host, table_port(options), port_option="--dynamodb-port")
            self.tables.launch()
        return self.sqs.wait_ready()

    def create_tables(self, model: TemplateModel) -> str | None:
        """The template's tables in the second process (the worker writes 2 idempotency items per job,
        and one moto process serving SQS and DynamoDB was the runtime's bottleneck); its endpoint."""
        if self.tables is None:
            return None
        endpoint = self.tables.wait_ready()
        resources.create_tables(aws_client("dynamodb", endpoint, self.options.region), model.tables)
        return endpoint

    def stop(self) -> None:
        """Stop both processes (each step runs even if the other raised)."""
        try:
            if self.sqs is not None:
                self.sqs.stop()
        finally:
            if self.tables is not None:
                self.tables.stop()
            self.sqs = self.tables = None
