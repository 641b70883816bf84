"""The bundled fixture site: a real HTTP server on 127.0.0.1 standing in for real hosts.

`archiver demo` and the tests crawl it. Its pages carry the real sites' URLs
(`https://www.kekava.lv/pub/index.php?...`); `fetch.routed_transport` sends requests
for those hosts to the local server with the original Host header, so the
archive stores the real URLs whatever port the server got. Routing is an
allow-list: a request for any other host fails before a socket is opened.

The route table is `fixtures/html/site.toml`. Tests can replace a route's
answer at run time (`FixtureSite.set`) to script edits and failures.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.server
import importlib.resources
import random
import socket
import struct
import threading
import time
import tomllib
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_LAST_MODIFIED = "Mon, 01 Jan 2024 00:00:00 GMT"


def fixtures_dir() -> Path:
    """The installed `fixtures/html/` directory (inside the package, so any cwd works)."""
    return Path(str(importlib.resources.files("archiver") / "fixtures" / "html"))


@dataclass(frozen=True, slots=True, kw_only=True)
class Answer:
    """What the server sends for one route."""

    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    location: str | None = None
    last_modified: str = DEFAULT_LAST_MODIFIED
    headers: tuple[tuple[str, str], ...] = ()
    # A scripted misbehaviour: "reset-before" (no response, TCP reset),
    # "reset-mid" (half the body, then reset), "truncate" (Content-Length
    # promises more than is sent), "drip" (one byte per `drip_seconds`).
    fault: str | None = None
    drip_seconds: float = 0.05

    @property
    def etag(self) -> str:
        """A strong validator derived from the body, so an edit changes it."""
        return '"' + hashlib.sha256(self.body).hexdigest()[:20] + '"'


@dataclass(frozen=True, slots=True, kw_only=True)
class Request:
    """One request the fixture server received (for assertions in tests)."""

    host: str
    path: str
    headers: tuple[tuple[str, str], ...]
    status: int
    fault: str | None = None


def route_key(path_and_query: str, ignore_params: frozenset[str]) -> tuple[str, dict[str, str]]:
    """The path and parameters a request is matched on, with PHP-like leniency.

    `/pub/` is served by `/pub/index.php` (the directory index); a repeated key
    keeps its last value; ignored keys are dropped; a key mis-escaped as
    `amp;page` counts as `page`.
    """
    split = urllib.parse.urlsplit(path_and_query)
    path = split.path or "/"
    if path.endswith("/pub/"):
        path += "index.php"
    params: dict[str, str] = {}
    for key, value in urllib.parse.parse_qsl(split.query, keep_blank_values=True):
        key = key.removeprefix("amp;")
        if key not in ignore_params:
            params[key] = value
    return path, params


# The faults chaos mode draws from: each is transient, so a retry may pass.
CHAOS_FAULTS: tuple[Answer, ...] = (
    Answer(status=500, body=b"<h1>500</h1>"),
    Answer(status=503, body=b"busy", headers=(("Retry-After", "0"),)),
    Answer(status=429, body=b"slow down", headers=(("Retry-After", "0"),)),
    Answer(status=502, body=b"bad gateway"),
    Answer(fault="reset-before"),
    Answer(body=b"<html><body>" + b"x" * 4000 + b"</body></html>", fault="reset-mid"),
    Answer(body=b"<html><body>cut short", fault="truncate"),
)


@dataclass(slots=True)
class Chaos:
    """Seeded random faults on a share of all requests (`rate`), for chaos crawls."""

    rate: float
    seed: int
    injected: int = 0
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def pick(self) -> Answer | None:
        """A fault for the next request, or None to answer it normally."""
        if self.rng.random() >= self.rate:
            return None
        self.injected += 1
        return self.rng.choice(CHAOS_FAULTS)


@dataclass(slots=True)
class RouteTable:
    """The routes of `site.toml`, answered from files under the fixture directory."""

    root: Path
    hosts: frozenset[str]
    ignore_params: frozenset[str]
    # (path, params, answer, hosts): `hosts` empty means every host of the site.
    routes: list[tuple[str, dict[str, str], Answer, frozenset[str]]]

    @classmethod
    def load(cls, root: Path) -> RouteTable:
        """Read `site.toml` under `root` and the files its routes name."""
        config = tomllib.loads((root / "site.toml").read_text(encoding="utf-8"))
        ignore = frozenset(config.get("ignore_params", ()))
        routes = []
        for entry in config["route"]:
            path, params = route_key(entry["path"], ignore)
            body = (root / entry["file"]).read_bytes() if "file" in entry else b""
            answer = Answer(
                status=int(entry.get("status", 200)),
                body=body,
                content_type=entry.get("content_type", "text/html; charset=utf-8"),
                location=entry.get("location"),
                last_modified=entry.get("last_modified", DEFAULT_LAST_MODIFIED),
            )
            routes.append((path, params, answer, frozenset(entry.get("hosts", ()))))
        return cls(root=root, hosts=frozenset(config["hosts"]), ignore_params=ignore, routes=routes)

    def find(self, path_and_query: str, host: str | None = None) -> Answer | None:
        """The answer of the most specific route matching a request's host, path and query.

        A route may name the `hosts` it serves (several sites share one
        table); without them it serves every host of the table.
        """
        path, params = route_key(path_and_query, self.ignore_params)
        best: tuple[tuple[int, int], Answer] | None = None
        for route_path, route_params, answer, hosts in self.routes:
            if hosts and host is not None and host not in hosts:
                continue
            if route_path != path or any(params.get(k) != v for k, v in route_params.items()):
                continue
            # More parameters matched wins; on a tie, a route for this host wins.
            score = (len(route_params), 1 if hosts else 0)
            if best is None or score > best[0]:
                best = (score, answer)
        return best[1] if best else None


@dataclass(slots=True)
class FixtureSite:
    """A running fixture server; use `serve_fixture_site()` to start one."""

    table: RouteTable
    server: http.server.ThreadingHTTPServer | None = None
    overrides: dict[str, list[Answer]] = field(default_factory=dict)
    log: list[Request] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    chaos: Chaos | None = None

    def chaos_answer(self, path_and_query: str) -> Answer | None:
        """A random fault for this request when chaos is on (never for robots.txt)."""
        if self.chaos is None or path_and_query.startswith("/robots.txt"):
            return None
        with self.lock:
            return self.chaos.pick()

    @property
    def address(self) -> tuple[str, int]:
        """The (host, port) the server is bound to."""
        assert self.server is not None, "the fixture site is not running"
        host, port = self.server.server_address[:2]
        return str(host), int(port)

    def set(self, path_and_query: str, *answers: Answer) -> None:
        """Answer requests for this path (and query) with `answers` in turn, the last for good."""
        with self.lock:
            self.overrides[self._override_key(path_and_query)] = list(answers)

    def clear(self, path_and_query: str) -> None:
        """Serve this path from the route table again."""
        with self.lock:
            self.overrides.pop(self._override_key(path_and_query), None)

    def answer_for(self, path_and_query: str, host: str | None = None) -> Answer | None:
        """The next scripted answer for a request if any, else the route table's answer."""
        with self.lock:
            queue = self.overrides.get(self._override_key(path_and_query))
            if queue:
                return queue.pop(0) if len(queue) > 1 else queue[0]
        return self.table.find(path_and_query, host)

    def requests_to(self, path_prefix: str = "/") -> list[Request]:
        """Requests received so far whose path starts with `path_prefix`."""
        with self.lock:
            return [r for r in self.log if r.path.startswith(path_prefix)]

    def _override_key(self, path_and_query: str) -> str:
        path, params = route_key(path_and_query, self.table.ignore_params)
        return path + "?" + urllib.parse.urlencode(sorted(params.items()))


class _Handler(http.server.BaseHTTPRequestHandler):
    server_version = "archiver-fixture/1"
    protocol_version = "HTTP/1.1"
    site: FixtureSite  # set on the subclass made per server

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def log_message(self, format: str, *args: object) -> None:
        pass  # requests are kept in `site.log`, not printed

    def finish(self) -> None:
        with contextlib.suppress(OSError, ValueError):  # a fault reset the connection on purpose
            super().finish()

    def _answer(self, *, send_body: bool) -> None:
        host = (self.headers.get("Host") or "").split(":")[0].lower()
        answer: Answer | None
        if host not in self.site.table.hosts:
            answer = Answer(status=421, body=b"misdirected request", content_type="text/plain")
        else:
            answer = self.site.chaos_answer(self.path) or self.site.answer_for(self.path, host)
        if answer is None:
            answer = Answer(status=404, body=b"<h1>404</h1>")
        status = answer.status
        if status == 200 and self.headers.get("If-None-Match") == answer.etag:
            status = 304
        with self.site.lock:
            self.site.log.append(
                Request(
                    host=host,
                    path=self.path,
                    headers=tuple(self.headers.items()),
                    status=status,
                    fault=answer.fault,
                )
            )
        if answer.fault == "reset-before":
            self._reset()
            return
        self.send_response(status)
        if answer.location:
            self.send_header("Location", answer.location)
        for name, value in answer.headers:
            self.send_header(name, value)
        self.send_header("ETag", answer.etag)
        self.send_header("Last-Modified", answer.last_modified)
        if status == 304:
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_header("Content-Type", answer.content_type)
        length = len(answer.body) + (1000 if answer.fault == "truncate" else 0)
        self.send_header("Content-Length", str(length))
        self.end_headers()
        if not send_body:
            return
        if answer.fault == "reset-mid":
            self.wfile.write(answer.body[: len(answer.body) // 2])
            self.wfile.flush()
            self._reset()
        elif answer.fault == "truncate":
            self.wfile.write(answer.body)
            self.wfile.flush()
            self.close_connection = True
        elif answer.fault == "drip":
            for index in range(len(answer.body)):
                self.wfile.write(answer.body[index : index + 1])
                self.wfile.flush()
                time.sleep(answer.drip_seconds)
        else:
            self.wfile.write(answer.body)

    def _reset(self) -> None:
        """Drop the connection with a TCP reset (SO_LINGER 0), as a crashing server would."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()


class _QuietServer(http.server.ThreadingHTTPServer):
    """Connections that clients (or faults) reset are normal here, not worth a traceback."""

    def handle_error(self, request: object, client_address: object) -> None:
        pass


@contextmanager
def serve_fixture_site(root: Path | None = None) -> Iterator[FixtureSite]:
    """Run the fixture site on 127.0.0.1 on a free port for the duration of the block."""
    site = FixtureSite(table=RouteTable.load(root or fixtures_dir()))
    handler = type("FixtureHandler", (_Handler,), {"site": site})
    server = _QuietServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    site.server = server
    thread = threading.Thread(target=server.serve_forever, name="fixture-site", daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
