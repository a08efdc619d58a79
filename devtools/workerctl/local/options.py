"""What the local runtime can be asked to do: everything ``workerctl run`` sets, as one value."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class RuntimeOptions:
    """Everything ``workerctl run`` can set. ``endpoint_url``: None = embedded emulator, "aws" = AWS."""

    template: Path = Path("template.yaml")
    samconfig: Path = Path("samconfig.toml")
    env: str = "dev"
    parameter_overrides: dict[str, str] = field(default_factory=dict)
    region: str = "eu-west-1"
    endpoint_url: str | None = None
    queue_url: str | None = None
    host: str = "127.0.0.1"
    emulator_port: int = 4566
    dynamodb_port: int | None = None  # None: emulator_port + 1 (0 when emulator_port is 0: any free port)
    health_port: int = 8085
    dashboard_port: int | None = None  # None: no dashboard (`workerctl run` asks for 8086); 0: any port
    demo: bool = True
    fast_retries: bool = False
    poll_wait_seconds: float = 20.0
    status_interval_seconds: float = 1.0
    metrics_summary_seconds: float = 10.0  # 0: no summary of the functions' EMF metric lines
    warm_start: bool = False  # start every function process before polling (steady-state tests, bench)
    extra_job_modules: tuple[str, ...] = ()
    extra_sys_paths: tuple[str, ...] = ()
    run_log: Path | None = None  # the run's queryable log (local/run_log.py); None: keep none
