"""Fetching against a real HTTP server on 127.0.0.1: politeness, retries, caps, charsets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from archiver.charset import decode_body
from archiver.errors import FetchError, RobotsDisallowed, TransientFetchError
from archiver.fetch import Fetcher, host_key, make_client, parse_retry_after
from archiver.fixture_site import Answer, FixtureSite, serve_fixture_site
from archiver.models import Validators
from conftest import quiet_settings

MINI_SITE = """
hosts = ["mini.lv"]
ignore_params = []

[[route]]
path = "/robots.txt"
file = "robots.txt"
content_type = "text/plain"

[[route]]
path = "/a"
file = "a.html"

[[route]]
path = "/b"
file = "a.html"

[[route]]
path = "/private/x"
file = "a.html"
"""


class FakeClock:
    """A clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def mini(tmp_path: Path) -> Iterator[FixtureSite]:
    (tmp_path / "site.toml").write_text(MINI_SITE, encoding="utf-8")
    (tmp_path / "robots.txt").write_text(
        "User-agent: *\nDisallow: /private/\nCrawl-delay: 5\n", encoding="utf-8"
    )
    (tmp_path / "a.html").write_text("<p>Ķekava</p>", encoding="utf-8")
    with serve_fixture_site(tmp_path) as running:
        yield running


class FetcherFactory:
    """Builds fetchers routed to a fixture site and closes their clients afterwards."""

    def __init__(self) -> None:
        self.clients: list[httpx.Client] = []

    def __call__(
        self, site: FixtureSite, clock: FakeClock | None = None, **settings: Any
    ) -> Fetcher:
        host, port = site.address
        client = make_client({name: (host, port) for name in site.table.hosts})
        self.clients.append(client)
        clock = clock or FakeClock()
        return Fetcher(
            client=client, settings=quiet_settings(**settings), clock=clock, sleep=clock.sleep
        )


@pytest.fixture
def make_fetcher() -> Iterator[FetcherFactory]:
    factory = FetcherFactory()
    yield factory
    for client in factory.clients:
        client.close()


def test_requests_identify_the_archiver_by_user_agent(
    mini: FixtureSite, make_fetcher: FetcherFactory
) -> None:
    make_fetcher(mini).fetch("https://mini.lv/a")
    agents = {dict(r.headers).get("User-Agent") for r in mini.requests_to("/a")}
    assert agents == {"archiver-tests"}


def test_robots_disallowed_path_is_refused_without_a_request(
    mini: FixtureSite, make_fetcher: FetcherFactory
) -> None:
    with pytest.raises(RobotsDisallowed, match=r"robots\.txt disallows https://mini\.lv/private/x"):
        make_fetcher(mini).fetch("https://mini.lv/private/x")
    assert mini.requests_to("/private/") == []


def test_robots_crawl_delay_spaces_requests_to_one_host(
    mini: FixtureSite, make_fetcher: FetcherFactory
) -> None:
    clock = FakeClock()
    fetcher = make_fetcher(mini, clock)
    fetcher.fetch("https://mini.lv/a")
    fetcher.fetch("https://mini.lv/b")
    assert clock.sleeps == [pytest.approx(5.0), pytest.approx(5.0)]  # after robots, after /a


def test_configured_delay_applies_when_robots_sets_none(
    site: FixtureSite, make_fetcher: FetcherFactory
) -> None:
    clock = FakeClock()
    fetcher = make_fetcher(site, clock, delay=2.5)
    fetcher.fetch("https://kekava.lv/jaunumi/")
    fetcher.fetch("https://kekava.lv/jaunumi/page/2/")
    assert clock.sleeps and all(s == pytest.approx(2.5) for s in clock.sleeps)


def test_conditional_get_gives_not_modified_page(
    mini: FixtureSite, make_fetcher: FetcherFactory
) -> None:
    fetcher = make_fetcher(mini)
    first = fetcher.fetch("https://mini.lv/a")
    again = fetcher.fetch("https://mini.lv/a", Validators(etag=first.header("ETag")))
    assert first.status == 200 and first.text == "<p>Ķekava</p>"
    assert again.not_modified and again.status == 304 and again.body == b""


def test_transient_failure_is_retried_honouring_retry_after(
    mini: FixtureSite, make_fetcher: FetcherFactory
) -> None:
    busy = Answer(status=503, headers=(("Retry-After", "7"),))
    mini.set("/a", busy, Answer(status=200, body=b"<p>ok</p>"))
    clock = FakeClock()
    page = make_fetcher(mini, clock, max_retry_wait=60.0, delay=0.0).fetch("https://mini.lv/a")
    assert page.text == "<p>ok</p>"
    assert [r.status for r in mini.requests_to("/a")] == [503, 200]
    assert 7.0 in clock.sleeps


def test_retries_stop_after_the_configured_attempts(
    mini: FixtureSite, make_fetcher: FetcherFactory
) -> None:
    mini.set("/a", Answer(status=500))
    with pytest.raises(TransientFetchError, match=r"HTTP 500 from https://mini\.lv/a"):
        make_fetcher(mini, attempts=3).fetch("https://mini.lv/a")
    assert len(mini.requests_to("/a")) == 3


def test_permanent_failure_is_not_retried(mini: FixtureSite, make_fetcher: FetcherFactory) -> None:
    with pytest.raises(FetchError) as caught:
        make_fetcher(mini).fetch("https://mini.lv/missing")
    assert caught.value.status == 404 and not isinstance(caught.value, TransientFetchError)
    assert len(mini.requests_to("/missing")) == 1


def test_response_over_the_size_cap_is_refused(
    mini: FixtureSite, make_fetcher: FetcherFactory
) -> None:
    mini.set("/a", Answer(body=b"x" * 5000))
    with pytest.raises(FetchError, match="exceeds the 1000-byte cap"):
        make_fetcher(mini, max_bytes=1000).fetch("https://mini.lv/a")


def test_unrouted_host_fails_at_once_without_leaving_loopback(
    mini: FixtureSite, make_fetcher: FetcherFactory
) -> None:
    with pytest.raises(FetchError, match="not routed"):
        make_fetcher(mini, obey_robots=False).fetch("https://example.com/")


def test_redirects_are_followed_and_recorded(site: FixtureSite, fetcher: Fetcher) -> None:
    redirect = next(r for r in site.table.routes if r[2].status == 301)
    path, params, answer, _ = redirect
    url = "https://kekava.lv" + path + "?" + "&".join(f"{k}={v}" for k, v in params.items())
    page = fetcher.fetch(url)
    assert page.final_url == answer.location
    assert page.redirects == (url,)


def test_undeclared_non_utf8_body_falls_back_to_windows_1257() -> None:
    text, codec = decode_body("Ķekavas pašvaldība".encode("cp1257"), "text/html")
    assert (text, codec) == ("Ķekavas pašvaldība", "cp1257")


def test_declared_charset_wins_over_sniffing() -> None:
    body = '<meta charset="windows-1257"><p>Ķekava</p>'.encode("cp1257")
    assert decode_body(body, "text/html")[0].endswith("<p>Ķekava</p>")
    assert decode_body("ā".encode("iso-8859-13"), "text/html; charset=ISO-8859-13") == (
        "ā",
        "iso-8859-13",
    )


@pytest.mark.parametrize(
    ("header", "expected"),
    [("120", 120.0), ("Wed, 25 Nov 2026 10:00:30 GMT", 30.0), ("soon", None), (None, None)],
    ids=["seconds", "http-date", "garbage", "absent"],
)
def test_retry_after_accepts_seconds_and_http_dates(
    header: str | None, expected: float | None
) -> None:
    now = dt.datetime(2026, 11, 25, 10, 0, 0, tzinfo=dt.UTC)
    assert parse_retry_after(header, now) == expected


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://Novads00.lv/pub/?a=1", "novads00.lv"),
        ("https://a.lv:443/x", "a.lv"),
        ("http://a.lv:80/", "a.lv"),
        ("http://a.lv:8080/", "a.lv:8080"),
        ("https://a.lv:80/", "a.lv:80"),
        ("https://user:pw@a.lv/", "a.lv"),
        ("https://ķekava.lv/x", "xn--ekava-n5a.lv"),
        ("http://[::1]:8000/x", "[::1]:8000"),
        ("http://[::1]/x", "[::1]"),
    ],
    ids=[
        "case",
        "https-port",
        "http-port",
        "other-port",
        "crossed-port",
        "userinfo",
        "idn",
        "ipv6-port",
        "ipv6",
    ],
)
def test_a_hosts_politeness_state_is_keyed_as_httpx_sends_the_host(url: str, key: str) -> None:
    assert host_key(url) == key == httpx.URL(url).netloc.decode("ascii").lower()
