"""Who may write, and what the browser may load.

Reads are open; writes (ingest, reviews) need the token in ``MINEWATCH_TOKEN``.
A server started without one refuses every write, so a dashboard left open on a
network is read-only by default.

Two ways to present the token:

* API clients send ``Authorization: Bearer <token>`` (no cookies involved, so
  no cross-site request can forge it).
* Analysts in the dashboard type the token once into ``/login``.  The server
  answers with an HttpOnly, SameSite=Strict session cookie (``Secure`` when the
  request came over HTTPS, or through a proxy that says so with
  ``X-Forwarded-Proto: https``) and a separate random CSRF cookie.  The session
  cookie names a random session id and its expiry, signed with the token
  (never the token itself); it lasts ``MINEWATCH_SESSION_HOURS`` (default 8)
  and ``/logout`` revokes it on the server (the id is recorded as revoked in
  the database, so every worker process sees it).  Every form, logout
  included, repeats the CSRF value in a hidden field (double submit); a form
  post is accepted only when the session is valid, the field equals the CSRF
  cookie, and the browser does not say the request came from another site
  (``Sec-Fetch-Site`` / ``Origin``).  Changing the token invalidates every
  session.

Wrong tokens (at ``/login`` or as a bearer token) are limited per client:
``MAX_FAILED_ATTEMPTS`` in ``ATTEMPT_WINDOW_S`` seconds, then a 429 until the
window has passed.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
import time
from collections import OrderedDict, deque

from fastapi import HTTPException, Request

TOKEN_ENV = "MINEWATCH_TOKEN"
SESSION_HOURS_ENV = "MINEWATCH_SESSION_HOURS"
DEFAULT_SESSION_HOURS = 8.0
#: Wrong tokens a client may send in the window before it is refused with 429.
MAX_FAILED_ATTEMPTS = 10
ATTEMPT_WINDOW_S = 60.0
#: Clients whose failures are remembered (oldest forgotten first): bounded memory whoever asks.
MAX_TRACKED_CLIENTS = 10_000
SESSION_COOKIE = "mw_session"
CSRF_COOKIE = "mw_csrf"
CSRF_FIELD = "csrf_token"

#: One policy for every response: nothing leaves the machine, nothing inline runs.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def configured_token() -> str | None:
    token = os.environ.get(TOKEN_ENV, "").strip()
    return token or None


def session_hours() -> float:
    try:
        hours = float(os.environ.get(SESSION_HOURS_ENV, "") or DEFAULT_SESSION_HOURS)
    except ValueError:
        hours = DEFAULT_SESSION_HOURS
    return hours if hours > 0 else DEFAULT_SESSION_HOURS


def _mac(token: str, sid: str, expires: int) -> str:
    return hmac.new(token.encode("utf-8"), f"minewatch-session-v2|{sid}|{expires}".encode(), hashlib.sha256).hexdigest()


def session_value(token: str, now: float | None = None) -> str:
    """A new session cookie: ``<random id>.<expiry, unix seconds>.<signature with the token>``."""
    sid = secrets.token_urlsafe(18)
    expires = int((time.time() if now is None else now) + session_hours() * 3600)
    return f"{sid}.{expires}.{_mac(token, sid, expires)}"


def parse_session(token: str, cookie: str, now: float | None = None) -> tuple[str, int] | None:
    """(session id, expiry) of a cookie that is signed with the token and not expired; else None."""
    parts = cookie.split(".")
    if len(parts) != 3 or not parts[1].isdigit() or len(cookie) > 200:
        return None
    sid, expires, mac = parts[0], int(parts[1]), parts[2]
    if not hmac.compare_digest(mac, _mac(token, sid, expires)):
        return None
    if expires <= (time.time() if now is None else now):
        return None
    return sid, expires


class AttemptLimiter:
    """Failed token attempts per client in a sliding window, bounded in the clients it remembers."""

    def __init__(self, limit: int = MAX_FAILED_ATTEMPTS, window_s: float = ATTEMPT_WINDOW_S,
                 max_clients: int = MAX_TRACKED_CLIENTS) -> None:
        self.limit, self.window_s, self.max_clients = limit, window_s, max_clients
        self.failures: OrderedDict[str, deque[float]] = OrderedDict()
        self.lock = threading.Lock()

    def retry_after(self, client: str) -> float:
        """Seconds until this client may try again (0: now)."""
        now = time.monotonic()
        with self.lock:
            times = self.failures.get(client)
            if not times:
                return 0.0
            while times and now - times[0] > self.window_s:
                times.popleft()
            if len(times) < self.limit:
                return 0.0
            return max(0.0, self.window_s - (now - times[0]))

    def failed(self, client: str) -> None:
        now = time.monotonic()
        with self.lock:
            times = self.failures.pop(client, None) or deque()
            times.append(now)
            while len(times) > self.limit:
                times.popleft()
            self.failures[client] = times
            while len(self.failures) > self.max_clients:
                self.failures.popitem(last=False)


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _limiter(request: Request) -> AttemptLimiter:
    state = request.app.state
    if not hasattr(state, "attempts"):
        state.attempts = AttemptLimiter()
    return state.attempts


def check_attempts(request: Request) -> None:
    """429 when this client sent too many wrong tokens lately."""
    wait = _limiter(request).retry_after(client_of(request))
    if wait > 0:
        raise HTTPException(status_code=429, detail=f"too many wrong tokens from this client; try again in {wait:.0f}s",
                            headers={"Retry-After": str(int(wait) + 1)})


def record_failure(request: Request) -> None:
    _limiter(request).failed(client_of(request))


def is_https(request: Request) -> bool:
    """Served over HTTPS, or through a proxy that says the client used HTTPS.

    Only used to add ``Secure`` to cookies: a forged header can only make them stricter.
    """
    if request.url.scheme == "https":
        return True
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return forwarded == "https"


def cookie_options(request: Request) -> dict:
    return {"httponly": True, "samesite": "strict", "path": "/", "secure": is_https(request)}


def new_csrf() -> str:
    return secrets.token_urlsafe(32)


def _no_token() -> HTTPException:
    return HTTPException(
        status_code=403,
        detail=f"writes are disabled: the server has no token; start it with {TOKEN_ENV} set to enable ingest and reviews",
    )


def require_bearer(request: Request) -> None:
    """Dependency for API writes."""
    token = configured_token()
    if token is None:
        raise _no_token()
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given:
        raise HTTPException(
            status_code=401,
            detail="writes need the header 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    check_attempts(request)
    if not hmac.compare_digest(given.strip().encode("utf-8"), token.encode("utf-8")):
        record_failure(request)
        raise HTTPException(status_code=403, detail="wrong token", headers={"WWW-Authenticate": "Bearer"})


def current_session(request: Request) -> tuple[str, int] | None:
    """(session id, expiry) of the request's valid, unrevoked session cookie; else None."""
    token = configured_token()
    cookie = request.cookies.get(SESSION_COOKIE, "")
    if not (token and cookie):
        return None
    parsed = parse_session(token, cookie)
    if parsed is None:
        return None
    revocations = getattr(request.app.state.mw, "revocations", None)
    if revocations is not None and revocations.is_revoked(parsed[0]):
        return None
    return parsed


def has_session(request: Request) -> bool:
    return current_session(request) is not None


def same_site(request: Request) -> bool:
    """False when the browser says the request came from another site."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site and fetch_site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin and origin != "null":
        host = request.headers.get("host", "")
        if origin.split("://", 1)[-1] != host:
            return False
    return True


def check_form(request: Request, form_csrf: str | None) -> None:
    """Dependency body for dashboard form posts (reviews)."""
    if configured_token() is None:
        raise _no_token()
    if not same_site(request):
        raise HTTPException(status_code=403, detail="cross-site form post refused")
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not cookie or not form_csrf or not hmac.compare_digest(cookie, form_csrf):
        raise HTTPException(status_code=403, detail="missing or stale form token: reload the page and submit again")
    if not has_session(request):
        raise HTTPException(status_code=403, detail="sign in with the analyst token first (/login)")
