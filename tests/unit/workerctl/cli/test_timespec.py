"""``--since``/``--until`` values: durations back from a fixed now, ISO times (naive = UTC), bad text."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta, timezone

import pytest

from workerctl.cli.timespec import parse_when

NOW = datetime(2026, 5, 1, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "back"),
    [
        ("90s", timedelta(seconds=90)),
        ("30m", timedelta(minutes=30)),
        (" 2h ", timedelta(hours=2)),
        ("7d", timedelta(days=7)),
        ("0s", timedelta(0)),
    ],
)
def test_a_duration_counts_back_from_now(text: str, back: timedelta) -> None:
    assert parse_when(text, now=lambda: NOW) == NOW - back


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-05-01T03:00", datetime(2026, 5, 1, 3, tzinfo=UTC)),
        ("2026-05-01T03:00:00Z", datetime(2026, 5, 1, 3, tzinfo=UTC)),
        ("2026-05-01T05:00:00+02:00", datetime(2026, 5, 1, 5, tzinfo=timezone(timedelta(hours=2)))),
        ("2026-05-01", datetime(2026, 5, 1, tzinfo=UTC)),
    ],
)
def test_an_iso_time_is_aware_and_naive_means_utc(text: str, expected: datetime) -> None:
    value = parse_when(text, now=lambda: NOW)
    assert value == expected
    assert value.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize("text", ["", "2 h", "5w", "-1h", "yesterday", "2026-13-01"])
def test_anything_else_is_an_argparse_error_naming_the_value(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="neither an ISO 8601 time nor a duration"):
        parse_when(text, now=lambda: NOW)
