"""A polite, SSRF-safe HTTP fetcher for feeds and pages (plain Python, no Django).

Guarantees, for the request and every redirect (at most ``max_redirects``):
- only http and https;
- the host is resolved once and **every** address it resolves to is checked
  (loopback, private, link-local, multicast, reserved, unspecified and any other
  non-global address are refused unless ``allow_private``); the connection goes to
  the address that was checked, so a second DNS answer cannot swap it
  (no DNS-rebinding gap); proxies from the environment are ignored;
- connect and read timeouts; a body cap counted on the *decoded* bytes while they
  stream in, so a compressed bomb stops at the cap;
- a ``User-Agent`` naming the product and a contact URL;
- conditional GET (ETag / Last-Modified): a 304 answer has no body;
- 429 and 503 are tried again after ``Retry-After`` (bounded by ``max_retry_wait``);
- at most one request at a time per host, ``min_delay`` seconds apart (``HostGate``).
"""

from __future__ import annotations

import functools
import ipaddress
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import certifi
import httpcore
import httpx
from protego import Protego

REDIRECTS = (301, 302, 303, 307, 308)
RETRY_STATUSES = (429, 503)


class FetchError(Exception):
    """A fetch that did not give a usable answer; ``str()`` says why in words."""

    retry_after: float | None = None


class URLRefused(FetchError):
    """The address may not be fetched (scheme, host, or a non-public network)."""


class TooLarge(FetchError):
    pass


class HTTPStatusError(FetchError):
    def __init__(self, message: str, *, status: int, retry_after: float | None = None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class RobotsDisallowed(FetchError):
    pass


@dataclass(frozen=True)
class FetchPolicy:
    user_agent: str = "PressReview/1"
    allow_private: bool = False
    # Addresses allowed even when private networks are not (a newsroom's own feed server).
    allowed_addresses: frozenset[str] = frozenset()
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    retries: int = 2
    max_retry_wait: float = 60.0
    min_delay: float = 1.0
    # Longest a request waits for its turn on a busy host before giving up.
    max_host_wait: float = 120.0


@dataclass
class FetchResult:
    url: str  # after redirects
    status: int
    content: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = part.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip('"')
        return None

    @property
    def etag(self) -> str:
        return self.headers.get("etag", "")

    @property
    def last_modified(self) -> str:
        return self.headers.get("last-modified", "")

    def text(self) -> str:
        charset = self.charset or "utf-8"
        try:
            return self.content.decode(charset, errors="replace")
        except LookupError:
            return self.content.decode("utf-8", errors="replace")


# -- addresses ---------------------------------------------------------------------------------------------------


def address_refusal(address: str) -> str | None:
    """Why an IP address may not be fetched, or None for a public address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for flag, words in (("is_unspecified", "unspecified"), ("is_loopback", "loopback"),
                        ("is_link_local", "link-local"), ("is_multicast", "multicast"), ("is_private", "private"),
                        ("is_reserved", "reserved")):
        if getattr(ip, flag):
            return words
    if not ip.is_global:
        return "not public"
    return None


def check_url(url: str) -> tuple[str, str, int]:
    """The scheme, host and port of a URL that may be fetched; URLRefused otherwise (no network)."""
    try:
        parts = urlsplit((url or "").strip())
        port = parts.port
    except ValueError as exc:
        raise URLRefused(f"The address {url!r} is not a valid URL ({exc}).") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise URLRefused(f"Only http and https addresses can be fetched, not {url!r}.")
    if not parts.hostname:
        raise URLRefused(f"The address {url!r} has no host name.")
    scheme = parts.scheme.lower()
    return scheme, parts.hostname, port or (443 if scheme == "https" else 80)


def resolve_checked(host: str, port: int, *, allow_private: bool, allowed: frozenset[str] = frozenset()) -> list[tuple]:
    """Every address ``host`` resolves to, as ``getaddrinfo`` rows; URLRefused if any is not public."""
    try:
        rows = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError(f"The host name {host} could not be resolved ({exc.strerror}).") from None
    if not rows:
        raise FetchError(f"The host name {host} has no address.")
    if not allow_private:
        for row in rows:
            reason = None if row[4][0] in allowed else address_refusal(row[4][0])
            if reason:
                raise URLRefused(f"{host} resolves to {row[4][0]}, a {reason} address: refused.")
    return rows


def url_refusal(url: str, *, allow_private: bool, allowed: frozenset[str] = frozenset()) -> str | None:
    """Why a URL may not be followed (scheme, host, resolved addresses), or None."""
    try:
        _scheme, host, port = check_url(url)
        resolve_checked(host, port, allow_private=allow_private, allowed=allowed)
    except URLRefused as exc:
        return str(exc)
    except FetchError:
        return None  # unresolvable today: the poll reports it, the address itself is allowed
    return None


class _CheckedBackend(httpcore.SyncBackend):
    """Connects only to addresses it has just checked: the check and the connection use the same answer."""

    def __init__(self, allow_private: bool, allowed: frozenset[str]):
        self.allow_private = allow_private
        self.allowed = allowed

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        rows = resolve_checked(host, port, allow_private=self.allow_private, allowed=self.allowed)
        last_error: OSError | None = None
        for family, socktype, proto, _canonname, sockaddr in rows:
            sock = socket.socket(family, socktype, proto)
            try:
                sock.settimeout(timeout)
                sock.connect(sockaddr)
            except TimeoutError:
                sock.close()
                raise httpcore.ConnectTimeout(f"connecting to {host} took longer than {timeout} s") from None
            except OSError as exc:
                sock.close()
                last_error = exc
                continue
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            for option in socket_options or ():
                sock.setsockopt(*option)
            return httpcore._backends.sync.SyncStream(sock)
        raise httpcore.ConnectError(str(last_error or f"no address of {host} answered"))


# -- one request at a time per host --------------------------------------------------------------------------------


class HostGate:
    """At most one request at a time per host, ``min_delay`` seconds apart (this process only).

    Several worker processes each keep their own gate: with N processes a host
    can see up to N requests at once. ``DatabaseHostGate`` (sources.services)
    shares the turn between processes and machines.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._hosts: dict[str, tuple[threading.Lock, list[float]]] = {}

    @contextmanager
    def turn(self, host: str, *, min_delay: float, max_wait: float) -> Iterator[None]:
        with self._lock:
            lock, next_at = self._hosts.setdefault(host, (threading.Lock(), [0.0]))
        if not lock.acquire(timeout=max_wait):
            raise FetchError(f"{host} was busy with another request for more than {max_wait:.0f} s.")
        try:
            wait = next_at[0] - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            yield
        finally:
            next_at[0] = time.monotonic() + min_delay
            lock.release()


_PROCESS_GATE = HostGate()


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """The certificate store, read once per process (reading it costs more than a request)."""
    return ssl.create_default_context(cafile=certifi.where())


# -- decoding with a cap ------------------------------------------------------------------------------------------


def _decoder(encoding: str):
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj(zlib.MAX_WBITS | 32)  # zlib wrapper or gzip, auto-detected
    raise FetchError(f"The server answered with an encoding we did not ask for ({encoding}).")


def _read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    decoder = _decoder(response.headers.get("content-encoding", ""))
    chunks, size = [], 0

    def add(data: bytes):
        nonlocal size
        size += len(data)
        if size > max_bytes:
            raise TooLarge(f"The answer is larger than the limit of {max_bytes:,} bytes; stopped reading.")
        chunks.append(data)

    try:
        for raw in response.iter_raw(64 * 1024):
            if decoder is None:
                add(raw)
                continue
            # max_length: never more than one byte past the cap in memory, however compressed the input.
            data = decoder.decompress(raw, max_bytes - size + 1)
            add(data)
            while decoder.unconsumed_tail:
                add(decoder.decompress(decoder.unconsumed_tail, max_bytes - size + 1))
        if decoder is not None:
            add(decoder.flush())
    except zlib.error as exc:
        raise FetchError(f"The answer's compressed body is corrupt ({exc}).") from None
    return b"".join(chunks)


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


# -- the fetcher --------------------------------------------------------------------------------------------------


class Fetcher:
    """Fetches URLs under a ``FetchPolicy``; ``fetch`` raises FetchError with a message in words."""

    def __init__(
        self, policy: FetchPolicy, *, gate: HostGate | None = None, sleep: Callable[[float], None] = time.sleep
    ):
        self.policy = policy
        self.gate = gate or _PROCESS_GATE
        self.sleep = sleep
        self._robots: dict[str, tuple[float, Protego | None]] = {}
        self._http: httpx.Client | None = None

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections kept open between requests."""
        if self._http is not None:
            self._http.close()
            self._http = None

    def _client(self) -> httpx.Client:
        """One client for this fetcher's life: a site's pages reuse its connection (keep-alive)."""
        if self._http is None:
            transport = httpx.HTTPTransport(verify=_ssl_context(), trust_env=False, retries=0)
            # The pool connects through our backend: every connection goes to an address just checked.
            transport._pool._network_backend = _CheckedBackend(self.policy.allow_private,
                                                               self.policy.allowed_addresses)
            timeout = httpx.Timeout(self.policy.read_timeout, connect=self.policy.connect_timeout)
            self._http = httpx.Client(
                transport=transport, timeout=timeout, follow_redirects=False, trust_env=False,
                headers={"User-Agent": self.policy.user_agent, "Accept-Encoding": "gzip, deflate"})
        return self._http

    def fetch(self, url: str, *, etag: str = "", last_modified: str = "", accept: str = "*/*",
              max_bytes: int | None = None, robots: bool = False) -> FetchResult:
        """``url``'s answer, following redirects; with ``robots``, every address on the way
        (a redirect to another site too) must be allowed by its site's robots.txt."""
        max_bytes = max_bytes or self.policy.max_bytes
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        client = self._client()
        for attempt in range(self.policy.retries + 1):
            try:
                return self._follow(client, url, headers, max_bytes, robots)
            except HTTPStatusError as exc:
                if exc.status not in RETRY_STATUSES or attempt == self.policy.retries:
                    raise
                wait = exc.retry_after if exc.retry_after is not None else 2.0 ** attempt
                if wait > self.policy.max_retry_wait:
                    raise
                self.sleep(wait)
        raise AssertionError("unreachable")

    def _follow(self, client: httpx.Client, url: str, headers: dict, max_bytes: int, robots: bool) -> FetchResult:
        for _hop in range(self.policy.max_redirects + 1):
            check_url(url)
            if robots and not self.allowed_by_robots(url):
                raise RobotsDisallowed(f"The site's robots.txt does not allow fetching {url}.")
            response_or_url = self._one(client, url, headers, max_bytes)
            if isinstance(response_or_url, FetchResult):
                return response_or_url
            url = response_or_url
        raise FetchError(f"More than {self.policy.max_redirects} redirects; stopped at {url}.")

    def _one(self, client: httpx.Client, url: str, headers: dict, max_bytes: int) -> FetchResult | str:
        host = urlsplit(url).hostname or ""
        with self.gate.turn(host.lower(), min_delay=self.policy.min_delay, max_wait=self.policy.max_host_wait):
            try:
                with client.stream("GET", url, headers=headers) as response:
                    status = response.status_code
                    if status in REDIRECTS and response.headers.get("location"):
                        return urljoin(url, response.headers["location"])
                    result_headers = {k.lower(): v for k, v in response.headers.items()}
                    if status == 304:
                        return FetchResult(url=url, status=304, headers=result_headers)
                    if status >= 400:
                        raise HTTPStatusError(
                            f"The server answered {status} {response.reason_phrase} for {url}.", status=status,
                            retry_after=_retry_after(response.headers.get("retry-after")))
                    declared = response.headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > max_bytes and not response.headers.get(
                            "content-encoding"):
                        raise TooLarge(f"The answer is {int(declared):,} bytes; the limit is {max_bytes:,}.")
                    content = _read_capped(response, max_bytes)
                    return FetchResult(url=url, status=status, content=content, headers=result_headers)
            except httpx.TimeoutException as exc:
                kind = "connecting" if isinstance(exc, httpx.ConnectTimeout) else "waiting for the answer"
                raise FetchError(f"Timed out {kind} ({url}).") from None
            except httpx.HTTPError as exc:
                raise FetchError(f"Could not fetch {url}: {exc or type(exc).__name__}.") from None

    # -- robots.txt -----------------------------------------------------------------------------------------------

    ROBOTS_TTL = 3600.0

    def allowed_by_robots(self, url: str) -> bool:
        """Whether the site's robots.txt lets our user agent fetch ``url`` (cached an hour per site).

        No robots.txt (4xx) allows everything; a server error disallows for now, as crawlers do.
        """
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}"
        cached = self._robots.get(site)
        if cached is None or time.monotonic() - cached[0] > self.ROBOTS_TTL:
            cached = (time.monotonic(), self._robots_for(site))
            self._robots[site] = cached
        rules = cached[1]
        if rules is None:
            return False
        return rules.can_fetch(url, self.policy.user_agent.split("/")[0])

    def sitemaps(self, url: str) -> list[str]:
        """The sitemaps the robots.txt of ``url``'s site names (read once, like its rules)."""
        self.allowed_by_robots(url)
        parts = urlsplit(url)
        rules = self._robots[f"{parts.scheme}://{parts.netloc}"][1]
        return list(rules.sitemaps) if rules is not None else []

    def _robots_for(self, site: str) -> Protego | None:
        try:
            result = self.fetch(site + "/robots.txt", accept="text/plain", max_bytes=512 * 1024)
        except HTTPStatusError as exc:
            return Protego.parse("") if 400 <= exc.status < 500 else None
        except URLRefused:
            raise
        except FetchError:
            return None
        return Protego.parse(result.text())

    def fetch_page(self, url: str) -> FetchResult:
        """A page, if the robots.txt of its site, and of any site it redirects to, allows it
        (RobotsDisallowed otherwise)."""
        return self.fetch(url, accept="text/html,application/xhtml+xml", robots=True)
