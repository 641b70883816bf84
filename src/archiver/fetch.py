"""Fetching: one polite HTTP client turning URLs into `Page` values.

Politeness lives here and only here: an identifying User-Agent, robots.txt
(including its Crawl-delay), a minimum delay between two requests to the same
host, conditional GET, a response size cap, and bounded retries of transient
failures only. The `httpx.Client`, the clock and the sleep are passed in, so
tests drive a real server with zero waits.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import threading
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import httpx
from protego import Protego
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    stop_after_delay,
)

from archiver import urls
from archiver.charset import decode_body
from archiver.errors import FetchError, OffSiteRedirect, RobotsDisallowed, TransientFetchError
from archiver.models import Page, Validators

# Statuses worth another try: the server or a proxy is busy or briefly broken.
TRANSIENT_STATUSES = frozenset({408, 429, 500, 502, 503, 504})

_TEXT_TYPES = (
    "text/",
    "application/xhtml",
    "application/xml",
    "application/rss",
    "application/atom",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchSettings:
    """How politely and persistently to fetch; see `config.SETTINGS` for help texts."""

    user_agent: str
    delay: float = 1.0
    timeout: float = 30.0
    max_bytes: int = 5_000_000
    attempts: int = 4
    retry_wait: float = 2.0
    max_retry_wait: float = 60.0
    max_retry_time: float = 300.0
    max_redirects: int = 10
    obey_robots: bool = True


@dataclass(slots=True)
class _HostState:
    robots: Protego | None = None
    robots_error: str | None = None
    last_request: float | None = None
    requests: int = 0
    # Held from the polite wait to the end of the response: one connection
    # per host at a time, whichever source (thread) asks.
    lock: threading.RLock = field(default_factory=threading.RLock)


@dataclass(slots=True)
class Fetcher:
    """Fetches pages with politeness and retries; one instance per crawl.

    Safe to share between the threads of a concurrent crawl: each host is
    served one request at a time with its delay kept, different hosts in
    parallel.
    """

    client: httpx.Client
    settings: FetchSettings
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
    _hosts: dict[str, _HostState] = field(default_factory=dict)
    requests: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _local: threading.local = field(default_factory=threading.local)

    @property
    def thread_requests(self) -> int:
        """Requests made so far by the calling thread (one source of a concurrent crawl)."""
        return int(getattr(self._local, "requests", 0))

    def fetch(
        self,
        url: str,
        validators: Validators | None = None,
        *,
        allowed_hosts: frozenset[str] | None = None,
        max_bytes: int | None = None,
    ) -> Page:
        """Fetch `url`, retrying transient failures; raise `FetchError` when it fails.

        With `validators` the request is conditional, and a 304 answer gives a
        `Page` with `not_modified=True` and an empty body. `max_bytes` replaces
        the settings' size cap for this request (attachments have their own).
        """
        self.check_robots(url)
        cap = self.settings.max_bytes if max_bytes is None else max_bytes
        page: Page = self._retrying()(self._fetch_once, url, validators, allowed_hosts, cap)
        return page

    def _retrying(self) -> Retrying:
        """Bounded retries (attempts and total time) of transient failures only."""
        return Retrying(
            stop=stop_after_attempt(self.settings.attempts)
            | stop_after_delay(self.settings.max_retry_time),
            wait=self._wait,
            retry=retry_if_exception_type(TransientFetchError),
            sleep=self.sleep,
            reraise=True,
        )

    def check_robots(self, url: str) -> None:
        """Raise `RobotsDisallowed` when robots.txt of the URL's host forbids it.

        While a host's robots.txt cannot be fetched (5xx, network errors), RFC
        9309 says to assume everything is disallowed: each URL then fails with
        a `FetchError` (recorded, tried again next run) without a request.
        """
        if not self.settings.obey_robots:
            return
        state = self._host(url)
        robots = self._robots_for(url, state)
        if state.robots_error is not None:
            raise FetchError(f"{state.robots_error}; not fetching {url}", url=url)
        if not robots.can_fetch(url, self.settings.user_agent):
            raise RobotsDisallowed(f"robots.txt disallows {url}", url=url)

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, TransientFetchError) and error.retry_after is not None:
            return min(error.retry_after, self.settings.max_retry_wait)
        backoff = self.settings.retry_wait * 2 ** (state.attempt_number - 1)
        return float(min(backoff, self.settings.max_retry_wait))

    def _host(self, url: str) -> _HostState:
        key = host_key(url)
        with self._lock:
            return self._hosts.setdefault(key, _HostState())

    def _robots_for(self, url: str, state: _HostState) -> Protego:
        with state.lock:  # one thread fetches a host's robots.txt; the others wait for it
            if state.robots is None:
                parsed = httpx.URL(url)
                robots_url = str(parsed.copy_with(path="/robots.txt", query=None, fragment=None))
                state.robots = Protego.parse(self._robots_text(robots_url, state))
            return state.robots

    def _robots_text(self, robots_url: str, state: _HostState) -> str:
        try:
            page: Page = self._retrying()(
                self._fetch_once, robots_url, None, None, self.settings.max_bytes
            )
        except TransientFetchError as exc:
            state.robots_error = f"robots.txt unavailable ({exc})"
            return "User-agent: *\nDisallow: /\n"
        except FetchError:
            # 4xx (typically 404): no robots.txt, everything is allowed.
            return ""
        return page.text

    def _polite_wait(self, state: _HostState) -> None:
        delay = self.settings.delay
        if state.robots is not None:
            robots_delay = state.robots.crawl_delay(self.settings.user_agent)
            if robots_delay is not None:
                delay = max(delay, float(robots_delay))
        if state.last_request is not None:
            remaining = state.last_request + delay - self.clock()
            if remaining > 0:
                self.sleep(remaining)
        state.last_request = self.clock()
        state.requests += 1

    def _count_request(self) -> None:
        with self._lock:
            self.requests += 1
        self._local.requests = self.thread_requests + 1

    def _fetch_once(
        self,
        url: str,
        validators: Validators | None,
        allowed_hosts: frozenset[str] | None,
        max_bytes: int,
    ) -> Page:
        """One attempt: GET `url`, following redirects by hand so each hop is checked.

        A redirect to a host outside `allowed_hosts` is recorded as a failure,
        not followed; so is a redirect loop. Every hop obeys robots.txt and
        the per-host delay.
        """
        headers = {"User-Agent": self.settings.user_agent}
        if validators is not None:
            if validators.etag:
                headers["If-None-Match"] = validators.etag
            if validators.last_modified:
                headers["If-Modified-Since"] = validators.last_modified
        current, history = url, list[str]()
        while True:
            try:
                # The host's state, looked up once per hop (parsing the URL is not free).
                state = self._host(current)
                with state.lock:
                    self._polite_wait(state)
                    self._count_request()
                    with self.client.stream(
                        "GET", current, headers=headers, timeout=self.settings.timeout
                    ) as response:
                        target = self._redirect_target(url, current, response)
                        if target is None:
                            self._raise_for_status(url, response)
                            body = self._read_capped(url, response, max_bytes)
            except httpx.UnsupportedProtocol as exc:
                raise FetchError(f"cannot fetch {current}: {exc}", url=url) from exc
            except httpx.InvalidURL as exc:
                raise FetchError(f"invalid URL {current}: {exc}", url=url) from exc
            except httpx.TransportError as exc:
                name = type(exc).__name__
                raise TransientFetchError(f"{name} fetching {current}: {exc}", url=url) from exc
            if target is None:
                return self._page(url, response, body, tuple(history))
            history.append(current)
            if target in history:
                raise FetchError(f"redirect loop from {url} at {target}", url=url)
            if len(history) > self.settings.max_redirects:
                raise FetchError(
                    f"more than {self.settings.max_redirects} redirects from {url}", url=url
                )
            if allowed_hosts is not None and urls.host_of(target) not in allowed_hosts:
                raise OffSiteRedirect(
                    f"{url} redirects off-site to {target}", url=url, status=response.status_code
                )
            self.check_robots(target)
            current = target

    def _redirect_target(self, url: str, current: str, response: httpx.Response) -> str | None:
        if response.status_code not in (301, 302, 303, 307, 308):
            return None
        location = response.headers.get("Location", "").strip()
        if not location:
            raise FetchError(
                f"HTTP {response.status_code} without Location from {current}",
                url=url,
                status=response.status_code,
            )
        return str(urllib.parse.urljoin(current, location))

    def _raise_for_status(self, url: str, response: httpx.Response) -> None:
        status = response.status_code
        if status < 400:
            return
        if status in TRANSIENT_STATUSES:
            raise TransientFetchError(
                f"HTTP {status} from {url}",
                url=url,
                status=status,
                retry_after=parse_retry_after(response.headers.get("Retry-After"), self.now()),
            )
        raise FetchError(f"HTTP {status} from {url}", url=url, status=status)

    def _read_capped(self, url: str, response: httpx.Response, max_bytes: int) -> bytes:
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise FetchError(
                f"response of {declared} bytes exceeds the {max_bytes}-byte cap: {url}",
                url=url,
                status=response.status_code,
            )
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(
                    f"response exceeds the {max_bytes}-byte cap: {url}",
                    url=url,
                    status=response.status_code,
                )
            chunks.append(chunk)
        return b"".join(chunks)

    def _page(
        self, url: str, response: httpx.Response, body: bytes, redirects: tuple[str, ...]
    ) -> Page:
        content_type = response.headers.get("Content-Type", "")
        if response.status_code == 304:
            text, encoding = "", ""
        elif content_type == "" or content_type.lower().startswith(_TEXT_TYPES):
            text, encoding = decode_body(body, content_type)
        else:
            text, encoding = "", "binary"
        return Page(
            url=url,
            final_url=str(response.url),
            status=response.status_code,
            headers=tuple((k, v) for k, v in response.headers.multi_items()),
            body=body,
            text=text,
            encoding=encoding,
            fetched_at=self.now(),
            redirects=redirects,
            not_modified=response.status_code == 304,
        )


_DEFAULT_PORT = {"http": "80", "https": "443"}


def host_key(url: str) -> str:
    """The server a request to `url` goes to (`host[:port]`, lowercased), one politeness state each.

    urllib's split rather than `httpx.URL`: that full parse costs ~15 us and
    every request looked its host up twice. A non-ASCII host is written as
    httpx sends it (punycode), so both spellings of a host share its state.
    """
    parts = urllib.parse.urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2].lower()
    if not netloc.isascii():
        return httpx.URL(url).netloc.decode("ascii", "replace").lower()
    host, colon, port = netloc.rpartition(":")
    if colon and "]" not in port and port == _DEFAULT_PORT.get(parts.scheme.lower()):
        return host
    return netloc


def parse_retry_after(value: str | None, now: dt.datetime) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date)."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds())


class _RoutedTransport(httpx.HTTPTransport):
    """Sends requests for mapped hosts to local addresses, keeping the Host header."""

    def __init__(self, routes: Mapping[str, tuple[str, int]]) -> None:
        super().__init__()
        self._routes = dict(routes)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        target = self._routes.get(request.url.host)
        if target is None:
            raise httpx.UnsupportedProtocol(
                f"host {request.url.host!r} is not routed to a local server", request=request
            )
        local = httpx.Request(
            request.method,
            request.url.copy_with(scheme="http", host=target[0], port=target[1]),
            headers=[(k, v) for k, v in request.headers.raw if k.lower() != b"host"]
            + [(b"Host", request.url.netloc)],
            stream=request.stream,
            extensions=request.extensions,
        )
        return super().handle_request(local)


def routed_transport(routes: Mapping[str, tuple[str, int]]) -> httpx.HTTPTransport:
    """A transport that maps each host name to a local (address, port), refusing all others."""
    return _RoutedTransport(routes)


def make_client(resolve: Mapping[str, tuple[str, int]] | None = None) -> httpx.Client:
    """The one `httpx.Client` of a crawl; with `resolve`, only those hosts are reachable."""
    transport = routed_transport(resolve) if resolve else None
    return httpx.Client(transport=transport, http2=False)
