"""The health document contract, checked explicitly: a schema check and a no-leak check.

Shared by the unit fault matrix and the moto integration tests.
"""

from __future__ import annotations

import re
from typing import Any

STATUSES = {"pass", "warn", "fail"}
_SEVERITY = {"pass": 0, "warn": 1, "fail": 2}
_KEY = re.compile(r"^[a-z]+(-[a-z]+)*:[a-z][A-Za-z]*$")
_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_CHECK_KEYS = {"componentType", "observedValue", "observedUnit", "status", "time", "output"}
_TOP_KEYS = {"status", "version", "releaseId", "serviceId", "description", "checks", "output"}
_ACCOUNT_ID = re.compile(r"(?<!\d)\d{12}(?!\d)")


def assert_health_document(body: dict[str, Any]) -> None:
    """Keys and types per draft-inadarei-api-health-check, as this service uses it."""
    assert set(body) <= _TOP_KEYS, set(body) - _TOP_KEYS
    assert body["status"] in STATUSES
    for name in ("version", "releaseId", "serviceId"):
        assert isinstance(body[name], str), name
    if "output" in body:
        assert isinstance(body["output"], str)
    checks = body.get("checks", {})
    assert isinstance(checks, dict)
    statuses = []
    for key, items in checks.items():
        assert _KEY.match(key), key
        assert isinstance(items, list)
        assert items
        for item in items:
            assert set(item) <= _CHECK_KEYS, set(item) - _CHECK_KEYS
            assert {"observedValue", "status", "time"} <= set(item), key
            assert item["status"] in STATUSES
            assert _TIME.match(item["time"]), item["time"]
            assert item["observedValue"] is None or isinstance(
                item["observedValue"], int | float | bool | str
            )
            assert isinstance(item.get("observedUnit", ""), str)
            assert isinstance(item.get("output", ""), str)
            statuses.append(item["status"])
    if checks:
        assert body["status"] == max(statuses, key=_SEVERITY.__getitem__)


def assert_no_leak(text: str, *secrets: str) -> None:
    """No ARN, account id, URL, stack trace, or any of the injected exception texts."""
    assert "arn:" not in text
    assert not _ACCOUNT_ID.search(text), _ACCOUNT_ID.search(text)
    assert "http" not in text.lower()
    assert "Traceback" not in text
    for secret in secrets:
        assert secret not in text, secret
