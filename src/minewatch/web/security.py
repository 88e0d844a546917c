"""Who may write, and what the browser may load.

Reads are open; writes (ingest, reviews) need the token in ``MINEWATCH_TOKEN``.
A server started without one refuses every write, so a dashboard left open on a
network is read-only by default.

Two ways to present the token:

* API clients send ``Authorization: Bearer <token>`` (no cookies involved, so
  no cross-site request can forge it).
* Analysts in the dashboard type the token once into ``/login``.  The server
  answers with an HttpOnly, SameSite=Strict session cookie holding an HMAC of
  the token (never the token itself) and a separate random CSRF cookie.  Every
  form repeats the CSRF value in a hidden field (double submit); a form post is
  accepted only when the session cookie matches the configured token, the
  field equals the CSRF cookie, and the browser does not say the request came
  from another site (``Sec-Fetch-Site`` / ``Origin``).  Changing the token
  invalidates every session.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets

from fastapi import HTTPException, Request

TOKEN_ENV = "MINEWATCH_TOKEN"
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


def session_value(token: str) -> str:
    """What the session cookie holds: proof of the token without the token."""
    return hmac.new(token.encode("utf-8"), b"minewatch-session-v1", hashlib.sha256).hexdigest()


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
    if not hmac.compare_digest(given.strip().encode("utf-8"), token.encode("utf-8")):
        raise HTTPException(status_code=403, detail="wrong token", headers={"WWW-Authenticate": "Bearer"})


def has_session(request: Request) -> bool:
    token = configured_token()
    cookie = request.cookies.get(SESSION_COOKIE, "")
    return bool(token and cookie and hmac.compare_digest(cookie, session_value(token)))


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
