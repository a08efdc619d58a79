"""``workerctl health``: probe a /health endpoint, print a summary, exit 0 (pass/warn), 1 (fail), 2 (error).

A Lambda Function URL (``<id>.lambda-url.<region>.on.aws``) is signed with SigV4 (service ``lambda``,
credentials from the default chain), as ``AuthType: AWS_IAM`` requires; localhost never is. The exit
code makes it usable as a deploy-pipeline gate or a container health check.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import re
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from workerctl.errors import UserError

DEFAULT_PORT = "8085"  # the local runtime's /health port, as `workerctl run` and `make run` default it
_FUNCTION_URL_HOST = re.compile(r"^[a-z0-9]+\.lambda-url\.([a-z0-9-]+)\.on\.aws$")
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
_STATUSES = ("pass", "warn", "fail")


def register(subparsers: Any) -> None:
    """Add the ``health`` subcommand."""
    parser = subparsers.add_parser(
        "health",
        help="check a /health endpoint (exit 0 pass/warn, 1 fail, 2 unreachable)",
        description=__doc__,
    )
    default_url = f"http://localhost:{os.environ.get('PORT') or DEFAULT_PORT}/health"  # run's PORT too
    parser.add_argument(
        "--url",
        default=default_url,
        help="endpoint to probe (default http://localhost:$PORT/health, PORT 8085)",
    )
    parser.add_argument("--timeout", type=_seconds, default=5.0, help="seconds to wait (default 5)")
    parser.add_argument("--no-sign", action="store_true", help="never sign (a URL with AuthType NONE)")
    parser.add_argument("--region", help="signing region (default: parsed from the Function URL host)")
    parser.set_defaults(func=run)


def _seconds(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, not {text!r}")
    return value


def run(args: argparse.Namespace) -> int:
    """Probe, print, and map the overall status to the exit code."""
    url = _checked_url(args.url)
    headers = {"Accept": "application/health+json"}
    region = None if args.no_sign else signing_region(url, args.region)
    if region is not None:
        headers = sign(url, region, headers)
    status_code, body = fetch(url, headers, args.timeout)
    document = _health_document(status_code, body)
    print(summary(document, status_code))
    return 1 if document["status"] == "fail" else 0


def _checked_url(url: str) -> str:
    """``url`` when urllib can open it; else one line (it would raise about a bad port only later)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises for a port that is not a number or out of range
    except ValueError as exc:
        raise UserError(f"bad URL {url!r}: {exc}") from exc
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise UserError(f"not an http(s) URL: {url!r}")
    return url


def signing_region(url: str, region: str | None = None) -> str | None:
    """The SigV4 region when ``url`` is a Lambda Function URL, else None (localhost, other hosts)."""
    host = (urlsplit(url).hostname or "").lower()
    match = _FUNCTION_URL_HOST.match(host)
    if host in _LOCAL_HOSTS or match is None:
        return None
    return region or match.group(1)


def sign(url: str, region: str, headers: dict[str, str]) -> dict[str, str]:
    """``headers`` plus SigV4 ``Authorization``/``X-Amz-Date`` (and the session token, if any)."""
    import botocore.session  # noqa: PLC0415 - only signed probes pay for botocore
    from botocore.auth import SigV4Auth  # noqa: PLC0415
    from botocore.awsrequest import AWSRequest  # noqa: PLC0415

    credentials = botocore.session.get_session().get_credentials()
    if credentials is None:
        raise UserError("no AWS credentials found to sign the Function URL request (or pass --no-sign)")
    request = AWSRequest(method="GET", url=url, headers=headers)
    SigV4Auth(credentials.get_frozen_credentials(), "lambda", region).add_auth(request)
    return {str(name): str(value) for name, value in request.headers.items()}


def fetch(url: str, headers: dict[str, str], timeout: float) -> tuple[int, bytes]:
    """GET ``url``: the status and body, also for 4xx/5xx; unreachable is a :class:`UserError`."""
    handlers = [urllib.request.ProxyHandler({})] if urlsplit(url).hostname in _LOCAL_HOSTS else []
    opener = urllib.request.build_opener(*handlers)
    request = urllib.request.Request(url, headers=headers, method="GET")  # noqa: S310 - scheme checked
    try:
        with opener.open(request, timeout=timeout) as response:
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise UserError(f"{url} unreachable: {reason}") from exc
    except (http.client.HTTPException, ValueError) as exc:  # a broken answer, an unusable URL
        raise UserError(f"{url}: no usable HTTP answer ({type(exc).__name__}: {exc})") from exc


def _health_document(status_code: int, body: bytes) -> dict[str, Any]:
    """The answer as a health document: an object with a known ``status`` and, if any, ``checks`` an
    object of lists of objects; anything else is one line (what the summary could not print)."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        document = None
    if not isinstance(document, dict) or document.get("status") not in _STATUSES:
        raise UserError(f"HTTP {status_code}: the answer is not a health document")
    checks = document.get("checks") or {}
    if not isinstance(checks, dict) or not all(
        isinstance(items, list) and all(isinstance(item, dict) for item in items) for items in checks.values()
    ):
        raise UserError(f"HTTP {status_code}: the health document's checks are not lists of objects")
    return document


def summary(document: dict[str, Any], status_code: int) -> str:
    """Overall status, then one line per check: status, key, value and unit, output."""
    lines = [
        f"health: {document['status']} (HTTP {status_code}; release {document.get('releaseId', '-')}, "
        f"version {document.get('version', '-')})"
    ]
    if document.get("output"):
        lines.append(f"  {document['output']}")
    checks = document.get("checks") or {}
    width = max((len(key) for key in checks), default=0)
    for key, items in checks.items():
        for item in items:
            value = _value(item.get("observedValue"), item.get("observedUnit"))
            note = f"  ({item['output']})" if item.get("output") else ""
            lines.append(f"  {item.get('status', '?')!s:<4}  {key:<{width}}  {value}{note}")
    return "\n".join(lines)


def _value(value: object, unit: object) -> str:
    if value is None:
        return "-"
    text = (
        str(value).lower()
        if isinstance(value, bool)
        else f"{value:g}"
        if isinstance(value, float)
        else str(value)
    )
    return f"{text} {unit}" if unit else text
