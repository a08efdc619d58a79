"""What a run checks before its slow work (emulator processes, function imports): which ports it will
bind, so a taken port fails in a fraction of a second instead of after the emulator has started."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workerctl.local.options import RuntimeOptions
    from workerctl.local.template.model import TemplateModel


def table_port(options: RuntimeOptions) -> int:
    """The tables' emulator port: ``--dynamodb-port``, else the SQS emulator's + 1 (0 stays 0)."""
    if options.dynamodb_port is not None:
        return options.dynamodb_port
    return options.emulator_port + 1 if options.emulator_port else 0


def runtime_ports(options: RuntimeOptions, model: TemplateModel) -> list[tuple[int, str, str]]:
    """``(port, what, how to change it)`` for every server this run will bind (for ``ensure_ports_free``)."""
    ports: list[tuple[int, str, str]] = []
    if options.endpoint_url is None:
        ports.append((options.emulator_port, "the AWS emulator", "pass --emulator-port PORT"))
        if model.tables:
            ports.append((table_port(options), "the tables' emulator", "pass --dynamodb-port PORT"))
    if any(function.has_url for function in model.functions()):
        ports.append((options.health_port, "/health", "set PORT or pass --port PORT"))
    if options.dashboard_port is not None:
        ports.append(
            (options.dashboard_port, "the dashboard", "pass --dashboard-port PORT or --no-dashboard")
        )
    return ports
