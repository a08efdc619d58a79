"""One local runtime with its dashboard and one headless Chromium, shared by this folder's tests
(package-scoped: started once for every module here).

Chromium is Debian's (``/usr/bin/chromium``, installed by ``devtools/bootstrap.sh``), driven by
Playwright for Python; no browser is ever downloaded. Each test gets a fresh 1280x800 page that
records console errors and every request, and aborts any request that would leave the dashboard.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.helpers import ROOT, LineSink, local_sqs, running, runtime_options
from workerctl.local.runtime import LocalRuntime

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
VIEWPORT = {"width": 1280, "height": 800}


@pytest.fixture(scope="package")
def dashboard_runtime() -> Iterator[LocalRuntime]:
    options = runtime_options(
        emulator_port=0,
        health_port=0,
        dashboard_port=0,
        demo=False,
        poll_wait_seconds=1,
        extra_job_modules=("tests.e2e.dashboard.dashboard_jobs",),
        extra_sys_paths=(str(ROOT),),
    )
    with running(options, LineSink(keep=200)) as local:
        yield local


@pytest.fixture(scope="package")
def sqs(dashboard_runtime: LocalRuntime) -> Any:
    return local_sqs(dashboard_runtime.endpoint_url)


@pytest.fixture(scope="package")
def jobs_url(dashboard_runtime: LocalRuntime) -> str:
    return dashboard_runtime.polled_queue_urls()[0]


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(
            "/usr/bin/chromium is missing: run `make setup` as root (devtools/bootstrap.sh installs it)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Watched:
    """A page plus what it did: console errors, uncaught exceptions, requests (and the ones refused)."""

    page: Any
    url: str
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)


def open_page(browser: Any, url: str) -> tuple[Any, Watched]:
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    watched = Watched(page, url)

    def route(route: Any) -> None:
        watched.requests.append(route.request.url)
        if route.request.url.startswith(f"{url}/") or route.request.url.startswith("data:"):
            route.continue_()
        else:
            watched.foreign.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    page.on("console", lambda message: message.type == "error" and watched.errors.append(message.text))
    page.on("pageerror", lambda error: watched.errors.append(str(error)))
    page.set_default_timeout(20_000)
    page.goto(f"{url}/")
    return context, watched


@pytest.fixture
def dashboard(browser: Any, dashboard_runtime: LocalRuntime) -> Iterator[Watched]:
    assert dashboard_runtime.dashboard_url is not None
    context, watched = open_page(browser, dashboard_runtime.dashboard_url)
    yield watched
    context.close()
    assert watched.errors == []
    assert watched.foreign == []
