"""The dashboard in a real headless Chromium: live counts, failures, the send form, dead letters."""

from __future__ import annotations

import json
import os
import re
import struct
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.e2e.dashboard.conftest import Watched
from tests.e2e.helpers import ROOT

WAIT_MS = 30_000


def send(sqs: Any, url: str, job_type: str, payload: object, correlation_id: str) -> None:
    sqs.send_message(
        QueueUrl=url,
        MessageBody=json.dumps({"type": job_type, "payload": payload}),
        MessageAttributes={"CorrelationId": {"DataType": "String", "StringValue": correlation_id}},
    )


def chart_total(dashboard: Watched, series: str) -> float:
    value = dashboard.page.locator(f'#chart polyline[data-series="{series}"]').get_attribute(
        "data-window-total"
    )
    return float(value or 0)


def wait_until(dashboard: Watched, condition: Callable[[], bool]) -> None:
    """Re-read the DOM every 250 ms until ``condition`` holds (the page's CSP forbids an injected
    ``wait_for_function`` expression, as it forbids any eval)."""
    deadline = time.monotonic() + WAIT_MS / 1000
    while not condition():
        assert time.monotonic() < deadline, "the page did not show it in time"
        dashboard.page.wait_for_timeout(250)


def test_the_page_loads_live_with_health_queues_and_mappings_and_stays_on_localhost(
    dashboard: Watched,
) -> None:
    page = dashboard.page
    expect(page.locator("#connection")).to_have_text("● live", timeout=WAIT_MS)
    expect(page.locator("#queues")).to_contain_text("(jobs)")
    expect(page.locator("#queues")).to_contain_text("(dead-letter)")
    expect(page.locator("#health")).to_contain_text("jobs-queue:reachable", timeout=WAIT_MS)
    expect(page.locator("#health")).to_contain_text("✓ pass")
    expect(page.locator("#overall")).to_contain_text(re.compile(r"(pass|warn)"))
    expect(page.locator("#mappings")).to_contain_text("WorkerFunction.")
    expect(page.locator("#job-type option")).to_contain_text(["checksum"], timeout=WAIT_MS)
    assert all(url.startswith(dashboard.url) for url in dashboard.requests)


def test_jobs_sent_with_boto3_show_in_the_counts_and_the_chart(
    dashboard: Watched, sqs: Any, jobs_url: str
) -> None:
    page = dashboard.page
    expect(page.locator("#connection")).to_have_text("● live", timeout=WAIT_MS)
    before = chart_total(dashboard, "processed")
    for index in range(5):
        send(sqs, jobs_url, "checksum", {"text": f"boto3 {index}"}, f"boto3-{index}")

    wait_until(dashboard, lambda: chart_total(dashboard, "processed") >= before + 5)
    row = page.locator("#job-types tr", has_text="checksum")
    expect(row).to_be_visible()
    assert int(row.locator("td").nth(1).inner_text()) >= 5
    expect(page.locator("#legend")).to_contain_text("processed:")


def test_a_failing_job_shows_in_recent_failures_and_its_correlation_id_filters(
    dashboard: Watched, sqs: Any, jobs_url: str
) -> None:
    page = dashboard.page
    correlation_id = f"flaky-{uuid.uuid4().hex[:8]}"
    send(sqs, jobs_url, "demo.flaky", {"succeed_on_receive": 2}, correlation_id)

    row = page.locator("#failures tr", has_text=correlation_id).first
    expect(row).to_contain_text("TransientJobError", timeout=WAIT_MS)
    expect(row).to_contain_text("demo.flaky")
    expect(row).to_contain_text("transient")
    row.get_by_role("button", name=correlation_id).click()

    expect(page.locator("#filter")).to_be_visible()
    expect(page.locator("#filter-value")).to_have_text(correlation_id)
    rows = page.locator("#failures tr")
    for index in range(rows.count()):
        expect(rows.nth(index)).to_contain_text(correlation_id)
    page.get_by_role("button", name="Clear filter").press("Enter")  # keyboard works too
    expect(page.locator("#filter")).to_be_hidden()


def test_the_form_validates_against_the_schema_and_sends(dashboard: Watched) -> None:
    page = dashboard.page
    page.locator("#job-type").select_option("checksum")
    page.locator("#payload").fill('{"text": 1, "colour": "red"}')
    expect(page.locator("#payload-errors")).to_contain_text("text: expected string, got integer")
    expect(page.locator("#payload-errors")).to_contain_text("colour: not allowed")
    page.locator("#send").click()
    expect(page.locator("#send-result")).to_have_text("not sent: fix the payload first")

    page.locator("#payload").fill('{"text": "from the form"}')
    page.locator("#correlation-id").fill("form-1")
    expect(page.locator("#payload-errors li")).to_have_count(0)
    page.locator("#send").click()
    expect(page.locator("#send-result")).to_contain_text("with correlation id form-1", timeout=WAIT_MS)


def test_open_a_dead_letter_then_redrive_it_from_the_page(
    dashboard: Watched, sqs: Any, jobs_url: str, tmp_path: Path
) -> None:
    page = dashboard.page
    flag = tmp_path / "open"
    correlation_id = f"gate-{uuid.uuid4().hex[:8]}"
    send(sqs, jobs_url, "dashboard.gate", {"flag": str(flag)}, correlation_id)

    letter = page.locator("#dead-letters tr", has_text=correlation_id)
    expect(letter).to_contain_text("PermanentJobError: gate closed", timeout=WAIT_MS)
    letter.get_by_role("button", name=re.compile("open dead letter")).click()
    dialog = page.locator("#letter-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#letter-meta")).to_contain_text('"originalMessageId"')
    expect(dialog.locator("#letter-body")).to_contain_text('"type": "dashboard.gate"')
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    flag.touch()
    letter.get_by_role("checkbox").check()
    page.get_by_role("button", name="Redrive selected").click()

    expect(page.locator("#dlq-result")).to_have_text(
        re.compile(r"redrove 1 of 1 to \S+-jobs"), timeout=WAIT_MS
    )
    expect(page.locator("#dead-letters tr", has_text=correlation_id)).to_have_count(0, timeout=WAIT_MS)
    gate_row = page.locator("#job-types tr", has_text="dashboard.gate")
    expect(gate_row.locator("td").nth(1)).to_have_text("1", timeout=WAIT_MS)  # succeeded after the redrive


def test_purge_asks_for_the_queue_name_first(
    dashboard: Watched, sqs: Any, jobs_url: str, tmp_path: Path
) -> None:
    page = dashboard.page
    send(sqs, jobs_url, "no.such.type", {}, "purge-me")
    expect(page.locator("#dead-letters tr", has_text="purge-me")).to_have_count(1, timeout=WAIT_MS)
    # The README's picture: by now every panel has something to show.
    screenshot = tmp_path / "dashboard.png"
    if os.environ.get("UPDATE_DASHBOARD_SCREENSHOT"):
        screenshot = ROOT / "docs" / "dashboard.png"
    page.screenshot(path=str(screenshot))
    assert struct.unpack(">II", screenshot.read_bytes()[16:24]) == (1280, 800)  # the PNG's IHDR size

    page.get_by_role("button", name="Purge DLQ…").click()
    page.locator("#purge-confirm").fill("wrong name")
    page.locator("#purge-go").click()
    expect(page.locator("#dlq-result")).to_contain_text("purge refused: type the queue name")
    expect(page.locator("#dead-letters tr", has_text="purge-me")).to_have_count(1)

    page.get_by_role("button", name="Purge DLQ…").click()
    page.locator("#purge-confirm").fill(page.locator("#purge-name").inner_text())
    page.locator("#purge-go").click()
    expect(page.locator("#dlq-result")).to_contain_text("purged ")
    expect(page.locator("#dead-letters tr")).to_have_count(0, timeout=WAIT_MS)
