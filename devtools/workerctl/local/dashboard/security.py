"""Why a web page the developer visits cannot use the dashboard against them, as pure checks.

- The server binds 127.0.0.1 only: nothing off the machine reaches it.
- DNS rebinding (a foreign name resolving to 127.0.0.1) is refused by the ``Host`` check: only
  ``127.0.0.1:<port>`` and ``localhost:<port>`` are served.
- Every action is a POST that must carry the per-run token in the ``X-Dashboard-Token`` header. The
  token is in the page only, and only a same-origin script can read the page (no CORS headers are ever
  sent); a header (not a cookie) is never attached by the browser on its own. POSTs must also be
  ``application/json`` (a cross-site form cannot send that without a preflight, which gets no CORS
  answer) and, when the browser names an ``Origin``, come from the dashboard's own.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

TOKEN_HEADER = "x-dashboard-token"  # noqa: S105 - a header name, not a secret
LOOPBACK = "127.0.0.1"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class Refusal:
    """Why a request is not served: the HTTP status and a one-line reason."""

    status: int
    reason: str


@dataclass(frozen=True)
class Guard:
    """The checks for a dashboard on ``port`` with this run's ``token``."""

    port: int
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    @property
    def hosts(self) -> frozenset[str]:
        return frozenset({f"{LOOPBACK}:{self.port}", f"localhost:{self.port}"})

    def refusal(self, method: str, headers: Mapping[str, str]) -> Refusal | None:
        """None when the request may be served; ``headers`` are keyed in lower case."""
        if headers.get("host", "").lower() not in self.hosts:
            return Refusal(421, "unknown Host: the dashboard answers only to 127.0.0.1 and localhost")
        if method in ("GET", "HEAD"):
            return None
        if method != "POST":
            return Refusal(405, "only GET and POST")
        return self._action_refusal(headers)

    def _action_refusal(self, headers: Mapping[str, str]) -> Refusal | None:
        origin = headers.get("origin")
        if origin is not None and origin.lower().removeprefix("http://") not in self.hosts:
            return Refusal(403, "cross-origin request refused")
        if not hmac.compare_digest(headers.get(TOKEN_HEADER, "").encode(), self.token.encode()):
            return Refusal(403, "missing or wrong dashboard token: reload the page")
        if headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
            return Refusal(415, "actions take application/json")
        return None
