"""Lambda event filtering (FilterCriteria) for SQS records: the common EventBridge pattern syntax.

A record matches when any filter matches. A pattern is a map of field → list of matchers (any may
match) or a nested map. The ``body`` is matched as JSON when it parses as a JSON object, else as a
plain string. Matchers: exact values (string, number, null), ``prefix``, ``suffix``,
``equals-ignore-case``, ``numeric`` (``["<", 10, ">=", 2]``), ``exists`` and ``anything-but``.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any

_MISSING = object()
_COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    "=": operator.eq,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def filterable_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """The record as filters see it: ``body`` decoded when it is a JSON object."""
    view = dict(record)
    try:
        body = json.loads(str(record.get("body", "")))
    except ValueError:
        return view
    if isinstance(body, dict):
        view["body"] = body
    return view


def record_matches(filters: Sequence[Mapping[str, Any]], record: Mapping[str, Any]) -> bool:
    """True when there are no filters or any filter's pattern matches the record."""
    if not filters:
        return True
    view = filterable_record(record)
    return any(pattern_matches(pattern, view) for pattern in filters)


def pattern_matches(pattern: Mapping[str, Any], data: Any) -> bool:
    """Every key of ``pattern`` matches the same key of ``data``."""
    for key, expected in pattern.items():
        actual = data.get(key, _MISSING) if isinstance(data, Mapping) else _MISSING
        if isinstance(expected, Mapping):
            if not pattern_matches(expected, actual):
                return False
        elif not any(_matcher_matches(matcher, actual) for matcher in _as_list(expected)):
            return False
    return True


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def _matcher_matches(matcher: Any, actual: Any) -> bool:
    """One matcher against a value (a list value matches when any element does)."""
    if isinstance(matcher, Mapping) and "exists" in matcher:
        return (actual is not _MISSING) == bool(matcher["exists"])
    if actual is _MISSING:
        return False
    if isinstance(actual, list):
        return any(_matcher_matches(matcher, item) for item in actual)
    if not isinstance(matcher, Mapping):
        return _equal(matcher, actual)
    (kind, argument), *_ = matcher.items()
    return _content_matches(str(kind), argument, actual)


def _content_matches(kind: str, argument: Any, actual: Any) -> bool:
    if kind == "prefix":
        return isinstance(actual, str) and _prefix_or_suffix(argument, actual, str.startswith)
    if kind == "suffix":
        return isinstance(actual, str) and _prefix_or_suffix(argument, actual, str.endswith)
    if kind == "equals-ignore-case":
        return isinstance(actual, str) and actual.casefold() == str(argument).casefold()
    if kind == "numeric":
        return _numeric(argument, actual)
    if kind == "anything-but":
        if isinstance(argument, Mapping):
            return not _matcher_matches(argument, actual)
        return not any(_equal(value, actual) for value in _as_list(argument))
    raise ValueError(f"unsupported filter matcher {kind!r}")


def _prefix_or_suffix(argument: Any, actual: str, test: Callable[[str, str], bool]) -> bool:
    if isinstance(argument, Mapping) and "equals-ignore-case" in argument:
        return test(actual.casefold(), str(argument["equals-ignore-case"]).casefold())
    return test(actual, str(argument))


def _equal(expected: Any, actual: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return float(expected) == float(actual)
    return bool(expected == actual)


def _numeric(conditions: Sequence[Any], actual: Any) -> bool:
    if isinstance(actual, bool) or not isinstance(actual, int | float):
        return False
    pairs = zip(conditions[::2], conditions[1::2], strict=True)
    return all(_COMPARISONS[str(op)](float(actual), float(bound)) for op, bound in pairs)
