"""Lambda event filtering (FilterCriteria) for SQS records: the common EventBridge pattern syntax.

A record matches when any filter matches. A pattern is a map of field → list of matchers (any may
match) or a nested map; ``"$or": [pattern, ...]`` matches when any of its patterns does. The ``body``
is matched as JSON when it parses as a JSON object, else as a plain string. Matchers: exact values
(string, number, null, boolean), ``prefix``, ``suffix``, ``equals-ignore-case``, ``numeric``
(``["<", 10, ">=", 2]``), ``exists`` and ``anything-but``.

:func:`validate_pattern` refuses what Lambda's CreateEventSourceMapping refuses ("Invalid filter
pattern definition."), so a pattern that could never match cannot start and silently delete every
message (https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html).
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any

_MISSING = object()
_OR = "$or"
INVALID_PATTERN = "Invalid filter pattern definition."
_OPERATORS = frozenset({"prefix", "suffix", "equals-ignore-case", "numeric", "exists", "anything-but"})
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


class FilterPatternError(ValueError):
    """A FilterCriteria pattern Lambda would refuse; ``str()`` is AWS's message, ``detail`` says why."""

    def __init__(self, detail: str) -> None:
        super().__init__(INVALID_PATTERN)
        self.detail = detail


def parse_pattern(text: Any) -> dict[str, Any]:
    """One ``FilterCriteria.Filters[].Pattern`` (a JSON string, or a map) → a validated pattern."""
    if isinstance(text, Mapping):
        pattern: Any = dict(text)
    else:
        try:
            pattern = json.loads(str(text))
        except ValueError as exc:
            raise FilterPatternError(f"not JSON: {text!r}") from exc
    validate_pattern(pattern)
    return dict(pattern)


def validate_pattern(pattern: Any, path: str = "") -> None:
    """Raise :class:`FilterPatternError` unless ``pattern`` is a map whose leaves are non-empty lists
    of values or known operators (``$or`` takes a non-empty list of patterns)."""
    if not isinstance(pattern, Mapping) or not pattern:
        raise FilterPatternError(f"{path or 'the pattern'} must be a non-empty JSON object")
    for key, value in pattern.items():
        where = f"{path}.{key}" if path else str(key)
        if key == _OR:
            _validate_alternatives(value, where)
        elif isinstance(value, Mapping):
            validate_pattern(value, where)
        elif not isinstance(value, list) or not value:
            raise FilterPatternError(f"{where} must be a non-empty list of matchers")
        else:
            for matcher in value:
                _validate_matcher(matcher, where)


def _validate_alternatives(value: Any, where: str) -> None:
    if not isinstance(value, list) or not value:
        raise FilterPatternError(f"{where} must be a non-empty list of patterns")
    for alternative in value:
        validate_pattern(alternative, where)


def _validate_matcher(matcher: Any, where: str) -> None:
    if not isinstance(matcher, Mapping):
        if isinstance(matcher, list):
            raise FilterPatternError(f"{where}: a matcher cannot be a list")
        return
    if len(matcher) != 1 or next(iter(matcher)) not in _OPERATORS:
        raise FilterPatternError(f"{where}: unknown operator {dict(matcher)!r}")
    (kind, argument), *_ = matcher.items()
    valid = {
        "exists": isinstance(argument, bool),
        "numeric": _valid_numeric(argument),
        "prefix": isinstance(argument, str) or _ignore_case_argument(argument),
        "suffix": isinstance(argument, str) or _ignore_case_argument(argument),
        "equals-ignore-case": isinstance(argument, str),
        "anything-but": _valid_anything_but(argument),
    }[str(kind)]
    if not valid:
        raise FilterPatternError(f"{where}: invalid argument for {kind!r}: {argument!r}")


def _ignore_case_argument(argument: Any) -> bool:
    return isinstance(argument, Mapping) and set(argument) == {"equals-ignore-case"}


def _valid_numeric(argument: Any) -> bool:
    if not isinstance(argument, list) or not argument or len(argument) % 2:
        return False
    pairs = zip(argument[::2], argument[1::2], strict=True)
    return all(
        op in _COMPARISONS and isinstance(bound, int | float) and not isinstance(bound, bool)
        for op, bound in pairs
    )


def _valid_anything_but(argument: Any) -> bool:
    if isinstance(argument, Mapping):
        return len(argument) == 1 and next(iter(argument)) in {"prefix", "suffix", "equals-ignore-case"}
    return not isinstance(argument, list) or bool(argument)


def pattern_matches(pattern: Mapping[str, Any], data: Any) -> bool:
    """Every key of ``pattern`` matches the same key of ``data`` (``$or``: any alternative matches)."""
    for key, expected in pattern.items():
        if key == _OR:
            if not any(pattern_matches(alternative, data) for alternative in expected):
                return False
            continue
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
