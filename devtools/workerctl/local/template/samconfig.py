"""samconfig.toml for the local runtime: the stack name and parameter overrides of one environment.

SAM reads ``[<env>.global.parameters]`` and ``[<env>.deploy.parameters]``; the local runtime needs the
stack name (queue and function names derive from it) and ``parameter_overrides`` (``K=V`` pairs in
shell syntax, parsed with :mod:`shlex` as SAM does).
"""

from __future__ import annotations

import shlex
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workerctl.errors import UserError

DEFAULT_STACK_NAME = "sqs-lambda-worker"


@dataclass(frozen=True)
class EnvironmentConfig:
    """What the local runtime takes from one samconfig environment."""

    name: str
    stack_name: str
    parameter_overrides: dict[str, str] = field(default_factory=dict)


def parse_overrides(pairs: str | list[str]) -> dict[str, str]:
    """``"A=1 B='two words'"`` (or a list of ``K=V``) → ``{"A": "1", "B": "two words"}``.

    >>> parse_overrides("Environment=dev LogLevel=DEBUG")
    {'Environment': 'dev', 'LogLevel': 'DEBUG'}
    """
    if isinstance(pairs, str):
        try:
            items = shlex.split(pairs)
        except ValueError as exc:  # "No closing quotation"
            raise UserError(f"parameter overrides {pairs!r}: {exc}") from exc
    elif isinstance(pairs, list):
        items = [str(item) for item in pairs]
    else:
        raise UserError(f"parameter_overrides must be a string or a list, not {pairs!r}")
    overrides: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UserError(f"parameter override {item!r} is not KEY=VALUE")
        overrides[key] = value
    return overrides


def _section(config: dict[str, Any], env: str, command: str) -> dict[str, Any]:
    """``config[env][command]["parameters"]`` or an empty dict."""
    value: Any = config
    for key in (env, command, "parameters"):
        value = value.get(key, {}) if isinstance(value, dict) else {}
    return value if isinstance(value, dict) else {}


def load_environment(path: Path, env: str) -> EnvironmentConfig:
    """The ``env`` environment of the samconfig file at ``path`` (missing file: defaults for ``dev``)."""
    if not path.exists():
        return EnvironmentConfig(name=env, stack_name=f"{DEFAULT_STACK_NAME}-{env}")
    try:
        config = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:  # a directory, no permission
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise UserError(f"{path} is not UTF-8 text: {exc.reason} at byte {exc.start}") from exc
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise UserError(f"{path} is not valid TOML: {exc}") from exc
    environments = sorted(key for key, value in config.items() if isinstance(value, dict))
    if env not in environments:
        raise UserError(f"unknown environment {env!r}: {path} defines {', '.join(environments) or 'none'}")
    merged = {**_section(config, env, "global"), **_section(config, env, "deploy")}
    overrides = merged.get("parameter_overrides", "")
    return EnvironmentConfig(
        name=env,
        stack_name=str(merged.get("stack_name") or f"{DEFAULT_STACK_NAME}-{env}"),
        parameter_overrides=parse_overrides(overrides) if overrides else {},
    )
