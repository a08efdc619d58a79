"""``--since``/``--until``: an ISO 8601 time, or a duration back from now (``90s``, ``30m``, ``2h``, ``7d``).

Shared by ``dlq redrive``/``export`` (when a job was dead-lettered) and ``trace`` (how far back to search).
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

_DURATION = re.compile(r"^(\d+)([smhd])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_when(text: str, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> datetime:
    """An aware UTC datetime for ``text``; naive ISO times are taken as UTC.

    >>> parse_when("2h", now=lambda: datetime(2026, 1, 1, 12, tzinfo=UTC)).isoformat()
    '2026-01-01T10:00:00+00:00'
    >>> parse_when("2026-01-01T09:30:00").isoformat()
    '2026-01-01T09:30:00+00:00'
    """
    if match := _DURATION.match(text.strip()):
        return now() - timedelta(**{_UNITS[match[2]]: int(match[1])})
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is neither an ISO 8601 time nor a duration like 30m, 2h, 7d"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)
