"""One embedded emulator (moto server, in its own process) for the whole conformance suite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conformance.harness import Emulator
from workerctl.local.emulator import EmbeddedEmulator


@pytest.fixture(scope="package")  # gone before other packages (e2e counts emulator processes)
def emulator() -> Iterator[Emulator]:
    """The suite's emulator on a free loopback port."""
    server = EmbeddedEmulator("127.0.0.1", 0)
    url = server.start()
    try:
        yield Emulator(url)
    finally:
        server.stop()
