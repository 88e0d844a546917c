"""Outbound HTTP: one client for every fetch, and the check that keeps untrusted links off private hosts.

A link found inside fetched content (a feed entry's page with ``--follow``,
the target of a redirect) is chosen by whoever wrote that content.  Fetching
it blindly lets a feed make the monitor read ``http://127.0.0.1:…/admin`` or a
cloud metadata address and publish the answer (server-side request forgery).
Such a URL must name a public address: the host is resolved and every address
it resolves to is checked, and every redirect hop is checked the same way.
URLs the operator names (on the command line, with ``watch add``) are fetched
as given; a redirect from a public address to a private one is still refused.
``--allow-private-hosts`` (or ``MINEWATCH_ALLOW_PRIVATE_HOSTS=1``) turns the
check off for people who monitor an intranet.

The check happens after DNS resolution, so a public name that resolves to a
private address is refused; a name that resolves differently between the
check and the connection (DNS rebinding) is not covered.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.parse import urljoin, urlsplit

import httpx

#: Seconds to connect, and between two reads of a response.
HTTP_TIMEOUT_S = 15.0
HTTP_HEADERS = {"User-Agent": "minewatch/0.1 (+treaty monitor; respectful fetcher)"}
#: Redirects followed for one request.
MAX_REDIRECTS = 5
#: The setting that allows untrusted links to private addresses (like ``--allow-private-hosts``).
ALLOW_PRIVATE_ENV = "MINEWATCH_ALLOW_PRIVATE_HOSTS"


class FetchError(Exception):
    """A URL that was not fetched, with a reason a person can act on."""


class PrivateAddress(FetchError):
    """An untrusted URL that names a loopback, private, link-local or otherwise non-public address."""


def private_hosts_allowed(flag: bool = False) -> bool:
    """The ``--allow-private-hosts`` flag, or the setting in the environment."""
    return flag or os.environ.get(ALLOW_PRIVATE_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def _is_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_public(url: str) -> None:
    """Raise ``PrivateAddress`` unless every address the URL's host resolves to is public."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError as exc:
        raise FetchError(f"not a valid URL ({exc})") from exc
    if not host:
        raise FetchError(f"URL without a host: {url[:200]}")
    try:
        addresses = {ipaddress.ip_address(host)}
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise FetchError(f"unreachable: cannot resolve {host[:200]} ({exc})") from exc
        addresses = {ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos}
    bad = sorted(str(a) for a in addresses if not _is_public(a))
    if bad or not addresses:
        raise PrivateAddress(
            f"refused: {host[:200]} is not a public address ({', '.join(bad[:3]) or 'no address'}); "
            f"links from fetched content may only name public hosts (--allow-private-hosts or {ALLOW_PRIVATE_ENV}=1 "
            "to allow)"
        )


def _initial_is_private(url: str) -> bool:
    try:
        check_public(url)
    except PrivateAddress:
        return True
    except FetchError:
        return False
    return False


@contextmanager
def open_stream(
    url: str,
    *,
    untrusted: bool,
    allow_private: bool = False,
    timeout_s: float = HTTP_TIMEOUT_S,
    headers: dict[str, str] | None = None,
    client: httpx.Client | None = None,
    before_request: Callable[[str], None] | None = None,
) -> Iterator[httpx.Response]:
    """A streamed GET (an ``httpx.Response``), redirects followed by hand and each hop checked.

    ``untrusted``: the URL came from fetched content, so its own host is checked too.  An
    operator's URL to a private host (an intranet feed) may redirect within private hosts.
    ``before_request`` is called with the URL of every request, the first and each redirect hop,
    after the address check: a redirect goes to another path or host, which has its own
    robots.txt rules and its own turn (``ingest.polite``).  ``timeout_s`` holds for each request,
    on a shared client too.
    """
    allow = private_hosts_allowed(allow_private)
    # hop 0: checked when untrusted; later hops: checked unless the operator named a private host
    guard_redirects = not allow and (untrusted or not _initial_is_private(url))
    own = client is None
    if own:
        client = httpx.Client(timeout=httpx.Timeout(timeout_s), follow_redirects=False, headers=HTTP_HEADERS)
    try:
        current = url
        for hop in range(MAX_REDIRECTS + 1):
            if not current.lower().startswith(("http://", "https://")):
                raise FetchError(f"only http and https URLs are fetched, not {current.split(':', 1)[0][:20]}")
            if (hop > 0 and guard_redirects) or (hop == 0 and untrusted and not allow):
                check_public(current)
            if before_request is not None:
                before_request(current)
            request = client.build_request("GET", current, headers=headers, timeout=httpx.Timeout(timeout_s))
            resp = client.send(request, stream=True, follow_redirects=False)
            if resp.is_redirect and resp.headers.get("location"):
                nxt = urljoin(str(resp.url), resp.headers["location"])
                resp.close()
                current = nxt
                continue
            try:
                yield resp
            finally:
                resp.close()
            return
        raise FetchError(f"too many redirects (more than {MAX_REDIRECTS}) from {url[:200]}")
    finally:
        if own:
            client.close()


def read_capped(resp, max_bytes: int, what: str = "page", deadline_s: float = 2 * HTTP_TIMEOUT_S) -> bytes:
    """The body of a streamed response, refused past ``max_bytes`` (declared or received) or ``deadline_s``.

    The timeout applies between two reads; the deadline to the whole body, so a server
    trickling a byte every few seconds cannot hold the reader for ever.
    """
    deadline = time.monotonic() + deadline_s
    declared = resp.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"{what} too large ({declared} bytes > limit {max_bytes})")
    chunks: list[bytes] = []
    total = 0
    for chunk in resp.iter_bytes():
        total += len(chunk)
        if total > max_bytes:
            raise FetchError(f"{what} too large (over limit {max_bytes} bytes)")
        if time.monotonic() > deadline:
            raise FetchError(f"{what} too slow (not complete after {deadline_s:g}s)")
        chunks.append(chunk)
    return b"".join(chunks)
