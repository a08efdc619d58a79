"""``python -m bench.dashboard_calls``: what the dashboard costs the emulator with 0, 1 and 5 tabs open.

Counts every request the SQS emulator receives (moto's own request recorder, ``MOTO_ENABLE_RECORDING``,
so the pollers' long polls and the health function's calls count too) over the same window with no
tab, one tab and five tabs of the page open in headless Chromium, and prints requests per second by
operation. A count, not a timing: the figure is the sampler's bound, whatever the machine's speed.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright
from tests.e2e.dashboard.conftest import CHROMIUM, CHROMIUM_ARGS, VIEWPORT
from tests.e2e.helpers import LineSink, running, runtime_options

WINDOW_SECONDS = 30.0
WARM_UP_SECONDS = 6.0  # the first sample, /health's first round and the page's first requests
TABS = (0, 1, 5)
# Lambda's REST API names no operation in a header: the runtime's mapping watcher and /health list mappings.
REST_OPERATIONS = {"/2015-03-31/event-source-mappings": "Lambda.ListEventSourceMappings"}


def operations(recording: Path, start: int) -> tuple[int, Counter[str]]:
    """Lines of the recording from line ``start`` on: their number and count per operation."""
    lines = recording.read_text().splitlines() if recording.exists() else []
    counts: Counter[str] = Counter()
    for line in lines[start:]:
        entry = json.loads(line)
        headers = entry.get("headers", {})
        target = headers.get("X-Amz-Target") or headers.get("x-amz-target")
        counts[target or REST_OPERATIONS.get(urlsplit(entry.get("url", "")).path, "other")] += 1
    return len(lines), counts


def main() -> int:
    recording = Path(tempfile.mkdtemp(prefix="dashboard-calls-")) / "requests.jsonl"
    # Read by the emulator process at its start (a spawned child gets this environment).
    os.environ |= {"MOTO_ENABLE_RECORDING": "True", "MOTO_RECORDER_FILEPATH": str(recording)}
    options = runtime_options(emulator_port=0, health_port=0, dashboard_port=0, demo=False)
    with running(options, LineSink(keep=50)) as runtime, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=VIEWPORT)
        print(f"requests/s the SQS emulator received over {WINDOW_SECONDS:.0f} s (long polls of 20 s):")
        for tabs in TABS:
            pages = [context.new_page() for _ in range(tabs)]
            for page in pages:
                page.goto(f"{runtime.dashboard_url}/")
            time.sleep(WARM_UP_SECONDS)
            start, _ = operations(recording, 0)
            time.sleep(WINDOW_SECONDS)
            end, counts = operations(recording, start)
            per_second = ", ".join(
                f"{name.split('.')[-1]} {n / WINDOW_SECONDS:.2f}" for name, n in counts.most_common()
            )
            print(f"  {tabs} tab(s): {(end - start) / WINDOW_SECONDS:.2f}/s  ({per_second})")
            for page in pages:
                page.close()
            time.sleep(2.0)  # the streams end; the sampler goes idle 30 s after the last one
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
