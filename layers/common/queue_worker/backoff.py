"""Exponential backoff with full jitter for transient failures, from the record's receive count.

Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"):
``uniform(0, min(cap, base * 2**(n-1)))`` spreads retries of a failing dependency
instead of stampeding it every visibility timeout.
"""

from __future__ import annotations

import random
from collections.abc import Callable

MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200  # SQS limit (12 h)


def backoff_ceiling(receive_count: int, base_seconds: float, cap_seconds: float) -> float:
    """The upper bound of the jittered delay for the ``receive_count``-th failed receive.

    >>> [backoff_ceiling(n, 2, 60) for n in (1, 2, 3, 6, 7)]
    [2, 4, 8, 60, 60]
    """
    exponent = max(0, receive_count - 1)
    if exponent >= 63:  # avoid huge ints; the cap applies long before
        return float(min(cap_seconds, MAX_VISIBILITY_TIMEOUT_SECONDS))
    return float(min(cap_seconds, base_seconds * 2**exponent, MAX_VISIBILITY_TIMEOUT_SECONDS))


def full_jitter_delay(
    receive_count: int,
    base_seconds: float,
    cap_seconds: float,
    uniform: Callable[[float, float], float] = random.uniform,
) -> int:
    """Whole seconds to keep a failed record invisible (0 ≤ delay ≤ ceiling)."""
    ceiling = backoff_ceiling(receive_count, base_seconds, cap_seconds)
    return max(0, min(round(uniform(0, ceiling)), int(ceiling)))
