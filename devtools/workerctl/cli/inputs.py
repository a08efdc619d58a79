"""What a user hands the CLI as text: files and JSON, read so that any bad input is one line.

Python's own readers fail on some inputs with exceptions a command would otherwise let through as a
traceback: a directory or unreadable file (``OSError``), invalid UTF-8 (``UnicodeDecodeError``),
deeply nested JSON (``RecursionError``). And ``json.loads`` accepts ``NaN`` and ``Infinity``, which are
not JSON: the worker's envelope would carry them as ``null``, silently. Both helpers turn all of these
into :class:`~workerctl.errors.UserError`.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, NoReturn

from workerctl.errors import UserError


def read_text(path: Path, what: str) -> str:
    """The UTF-8 text of ``path``; ``what`` names it in the error (e.g. ``"--file"``)."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot read {what} {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise UserError(f"{what} {path} is not UTF-8 text: {exc.reason} at byte {exc.start}") from exc


def _non_finite(constant: str) -> NoReturn:
    raise ValueError(f"{constant} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999 overflows to inf
        raise ValueError(f"{text} is too large for a JSON number")
    return value


def strict_json(text: str, what: str) -> Any:
    """``json.loads(text)`` that refuses ``NaN``/``Infinity`` and too deep nesting, as one-line errors.

    >>> strict_json('{"n": 1}', "--payload")
    {'n': 1}
    >>> strict_json('{"n": NaN}', "--payload")
    Traceback (most recent call last):
    workerctl.errors.UserError: --payload is not valid JSON: NaN is not a JSON number
    """
    try:
        return json.loads(text, parse_constant=_non_finite, parse_float=_finite)
    except RecursionError as exc:
        raise UserError(f"{what} is not usable JSON: nested too deeply") from exc
    except ValueError as exc:
        raise UserError(f"{what} is not valid JSON: {exc}") from exc


def dump_json(value: Any, what: str) -> str:
    """``json.dumps(value)`` for a value :func:`strict_json` gave: nesting it deeper can still overflow."""
    try:
        return json.dumps(value, allow_nan=False)
    except RecursionError as exc:
        raise UserError(f"{what} is not usable JSON: nested too deeply") from exc
