"""URL identity: every URL shape from SITE-NOTES folds to one key; link helpers."""

from __future__ import annotations

import pytest

from archiver import urls
from archiver.urls import (
    ATTACHMENT_EXTENSIONS,
    TRACKING_PARAMS,
    absolutize,
    canonicalize,
    host_of,
    is_attachment,
    same_site,
)

KEKAVA_KEY = "https://kekava.lv/pub?id=150&lid=13828"
KEKAVA_ALIASES = {"arhivs.kekava.lv": "kekava.lv", "kekavasnovads.lv": "kekava.lv"}
KEKAVA_VARIANTS = [
    ("https://www.kekava.lv/pub/index.php?id=150&gid=1&lid=13828", "www-index-php-with-gid"),
    ("http://kekava.lv/pub/?lid=13828&id=150", "http-bare-host-slash-reordered"),
    ("https://arhivs.kekava.lv/pub/index.php?gid=1&id=150&lid=13828", "moved-to-arhivs-host"),
    ("https://www.kekava.lv/pub/index.php?gid=1&lid=13828&gid=1&lid=13828&id=150", "repeated"),
    ("https://www.kekava.lv/pub/index.php?id=150&lid=13828&utm_source=rss", "utm-tracking"),
    ("HTTPS://WWW.KEKAVA.LV:443/pub/index.php?id=150&amp;lid=13828#top", "upper-port-amp-frag"),
    ("https://www.kekava.lv/pub/?id=150&lid=13828", "gid-absent"),
    ("http://www.kekavasnovads.lv/pub/index.php?id=150&lid=13828", "old-domain-redirect"),
    ("  https://kekava.lv/pub?id=150&lid=13828&fbclid=IwAR0x\n", "whitespace-and-fbclid"),
]


@pytest.mark.parametrize(("url", "name"), KEKAVA_VARIANTS, ids=[n for _, n in KEKAVA_VARIANTS])
def test_kekava_variant_canonicalizes_to_the_one_article_key(url: str, name: str) -> None:
    assert canonicalize(url, host_aliases=KEKAVA_ALIASES, drop_params={"gid"}) == KEKAVA_KEY


def test_all_kekava_variants_collapse_to_a_single_key() -> None:
    keys = {
        canonicalize(url, host_aliases=KEKAVA_ALIASES, drop_params={"gid"})
        for url, _ in KEKAVA_VARIANTS
    }
    assert keys == {KEKAVA_KEY}


CANONICAL = [
    # WordPress: slug with or without trailing slash; ?p=N kept as its own key.
    ("https://kekava.lv/aktualitates/slug/", "https://kekava.lv/aktualitates/slug", "wp-slash"),
    ("https://kekava.lv/aktualitates/slug", "https://kekava.lv/aktualitates/slug", "wp-no-slash"),
    ("https://kekava.lv/?p=58385", "https://kekava.lv/?p=58385", "wp-p-param-kept"),
    ("https://kekava.lv?p=58385", "https://kekava.lv/?p=58385", "empty-path-becomes-root"),
    ("http://kekava.lv", "https://kekava.lv/", "bare-host-gets-root-path"),
    # Percent-encoding, both ways.
    ("https://kekava.lv/aktualas-zi%c5%86as", "https://kekava.lv/aktualas-zi%C5%86as", "pct-lower"),
    ("https://kekava.lv/aktualas-ziņas", "https://kekava.lv/aktualas-zi%C5%86as", "raw-diacritic"),
    ("https://kekava.lv/%7Euser/a%2Db%5F", "https://kekava.lv/~user/a-b_", "unreserved-decoded"),
    ("https://kekava.lv/a%2fb", "https://kekava.lv/a%2Fb", "reserved-escape-kept-upper"),
    ("https://kekava.lv/a b", "https://kekava.lv/a%20b", "space-in-path-encoded"),
    ("https://kekava.lv/100%", "https://kekava.lv/100%25", "lone-percent-encoded"),
    # Host.
    ("https://WWW.ĶEKAVA.LV/Ziņas", "https://ķekava.lv/Zi%C5%86as", "idn-host-lowercased"),
    ("https://kekava.lv./x", "https://kekava.lv/x", "trailing-dot-host"),
    ("http://kekava.lv:8080/x", "https://kekava.lv:8080/x", "non-default-port-kept"),
    ("http://kekava.lv:80/x", "https://kekava.lv/x", "port-80-dropped"),
    ("https://user:pw@kekava.lv/x", "https://kekava.lv/x", "userinfo-dropped"),
    ("http://[::1]:8080/x", "https://[::1]:8080/x", "ipv6-literal"),
    # Path.
    ("https://kekava.lv//pub///x", "https://kekava.lv/pub/x", "repeated-slashes"),
    ("https://kekava.lv/a/./b/../c", "https://kekava.lv/a/c", "dot-segments"),
    ("https://marupe.lv/index.php/lv/jaunumi/x", "https://marupe.lv/lv/jaunumi/x", "joomla-infix"),
    ("https://kekava.lv/jaunumi/index.html", "https://kekava.lv/jaunumi", "final-index-html"),
    ("https://kekava.lv/jaunumi/index.htm", "https://kekava.lv/jaunumi", "final-index-htm"),
    ("https://kekava.lv/index.php?p=1", "https://kekava.lv/?p=1", "root-index-php"),
    ("https://kekava.lv/Jaunumi/Raksts", "https://kekava.lv/Jaunumi/Raksts", "path-case-kept"),
    # Query.
    ("https://kekava.lv/j?amp%3Bpage=3&page=13", "https://kekava.lv/j?page=13", "amp-pct3b-key"),
    ("https://kekava.lv/j?amp%3bpage=3", "https://kekava.lv/j?page=3", "amp-pct3b-lower"),
    ("https://kekava.lv/j?a=1&amp;b=2", "https://kekava.lv/j?a=1&b=2", "html-escaped-amp"),
    ("https://kekava.lv/j?a=1&amp;amp;b=2", "https://kekava.lv/j?a=1&b=2", "double-escaped-amp"),
    ("https://kekava.lv/j?a=1;b=2", "https://kekava.lv/j?a=1;b=2", "semicolon-not-separator"),
    (
        "https://kekava.lv/j?gid=1&lid=6955&gid=1&lid=6955",
        "https://kekava.lv/j?gid=1&lid=6955",
        "repeated-identical",
    ),
    ("https://kekava.lv/j?lid=1&lid=2", "https://kekava.lv/j?lid=2", "repeated-last-wins"),
    (
        "https://kekava.lv/j?utm_medium=rss&fbclid=x&p=5&gclid=y&_ga=1&utm_x=z",
        "https://kekava.lv/j?p=5",
        "tracking-params-removed",
    ),
    ("https://kekava.lv/j?utm%5Fsource=x&p=1", "https://kekava.lv/j?p=1", "escaped-utm-key"),
    ("https://kekava.lv/x?utm_source=fb", "https://kekava.lv/x", "no-question-mark-if-empty"),
    ("https://kekava.lv/x?", "https://kekava.lv/x", "empty-query"),
    ("https://kekava.lv/x?&&p=1&", "https://kekava.lv/x?p=1", "empty-parts-skipped"),
    ("https://kekava.lv/x?q=&p=2", "https://kekava.lv/x?p=2&q=", "empty-value-keeps-equals"),
    ("https://kekava.lv/x?print", "https://kekava.lv/x?print=", "bare-key-gets-equals"),
    ("https://kekava.lv/x?=1&p=2", "https://kekava.lv/x?p=2", "empty-key-dropped"),
    ("https://kekava.lv/x?q=a+b", "https://kekava.lv/x?q=a%20b", "plus-is-space"),
    ("https://kekava.lv/x?q=a%20b", "https://kekava.lv/x?q=a%20b", "pct20-is-space"),
    ("https://kekava.lv/x?q=a%2Bb", "https://kekava.lv/x?q=a%2Bb", "escaped-plus-kept"),
    ("https://kekava.lv/x?q=ziņas", "https://kekava.lv/x?q=zi%C5%86as", "raw-diacritic-value"),
    ("https://kekava.lv/x?q=zi%c5%86as", "https://kekava.lv/x?q=zi%C5%86as", "pct-lower-value"),
    ("https://kekava.lv/x?a=b=c", "https://kekava.lv/x?a=b=c", "raw-equals-in-value-kept"),
    ("https://kekava.lv/x?a=b%3dc", "https://kekava.lv/x?a=b%3Dc", "escaped-equals-kept"),
    ("https://kekava.lv/x#comments", "https://kekava.lv/x", "fragment-dropped"),
]


@pytest.mark.parametrize(
    ("url", "expected"), [row[:2] for row in CANONICAL], ids=[row[2] for row in CANONICAL]
)
def test_canonicalize_gives_the_identity_key(url: str, expected: str) -> None:
    assert canonicalize(url) == expected


def test_canonicalize_is_idempotent() -> None:
    for url, expected, _ in CANONICAL:
        assert canonicalize(expected) == expected, url


def test_host_alias_keys_are_compared_without_www_and_case() -> None:
    aliases = {"WWW.Arhivs.Kekava.LV.": "www.kekava.lv"}
    assert canonicalize("https://arhivs.kekava.lv/x", host_aliases=aliases) == (
        "https://kekava.lv/x"
    )


def test_host_alias_does_not_apply_to_other_subdomains() -> None:
    assert canonicalize("https://sub.arhivs.kekava.lv/x", host_aliases=KEKAVA_ALIASES) == (
        "https://sub.arhivs.kekava.lv/x"
    )


def test_drop_params_given_as_a_string_is_rejected() -> None:
    with pytest.raises(TypeError, match="drop_params"):
        canonicalize("https://kekava.lv/", drop_params="gid")


LONG_URL = "https://kekava.lv/" + "a" * 4982
ERRORS = [
    ("mailto:x@y.lv", "not an http(s) URL: 'mailto:x@y.lv'", "mailto"),
    ("javascript:window.print()", "not an http(s) URL: 'javascript:window.print()'", "js"),
    ("ftp://kekava.lv/x", "not an http(s) URL: 'ftp://kekava.lv/x'", "ftp"),
    ("/pub/index.php", "not an http(s) URL: '/pub/index.php'", "relative"),
    ("", "not an http(s) URL: ''", "empty-string"),
    ("https:///x", "URL has no host: 'https:///x'", "empty-host"),
    ("http://:80/x", "URL has no host: 'http://:80/x'", "empty-host-with-port"),
    (LONG_URL, "URL longer than 4096 characters: 'https://kekava.lv/aaa", "5000-chars"),
    ("https://kekava.lv:99999/", "not a valid URL (", "port-out-of-range"),
]


@pytest.mark.parametrize(
    ("url", "message"), [row[:2] for row in ERRORS], ids=[row[2] for row in ERRORS]
)
def test_canonicalize_rejects_non_http_urls_with_a_one_line_message(url: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        canonicalize(url)
    text = str(caught.value)
    assert text.startswith(message)
    assert "\n" not in text
    assert len(text) < 200


def test_invalid_port_message_names_the_url() -> None:
    with pytest.raises(ValueError, match=r"'https://kekava\.lv:99999/'"):
        canonicalize("https://kekava.lv:99999/")


PAGE = "https://www.kekava.lv/pub/index.php?id=150&gid=1&lid=13828"
ABSOLUTE = [
    (
        "index.php?id=150&amp;lid=14403",
        "https://www.kekava.lv/pub/index.php?id=150&lid=14403",
        "relative-with-html-amp",
    ),
    ("/upload/a.pdf", "https://www.kekava.lv/upload/a.pdf", "root-relative"),
    ("//cdn.lv/x", "https://cdn.lv/x", "scheme-relative"),
    ("https://other.lv/x", "https://other.lv/x", "absolute-kept"),
    ("?page=2", "https://www.kekava.lv/pub/index.php?page=2", "query-only"),
    ("../x", "https://www.kekava.lv/x", "parent-dir"),
    ("/x#y", "https://www.kekava.lv/x#y", "fragment-kept-after-path"),
    ("  /x \n", "https://www.kekava.lv/x", "whitespace-stripped"),
    ("javascript:window.print()", None, "javascript"),
    ("JavaScript:void(0)", None, "javascript-mixed-case"),
    ("mailto:dome@kekava.lv", None, "mailto"),
    ("tel:+37167935900", None, "tel"),
    ("data:image/png;base64,AAAA", None, "data"),
    ("#top", None, "fragment-only"),
    ("  ", None, "blank"),
    ("", None, "empty"),
]


@pytest.mark.parametrize(
    ("href", "expected"), [row[:2] for row in ABSOLUTE], ids=[row[2] for row in ABSOLUTE]
)
def test_absolutize_resolves_document_links_without_canonicalizing(
    href: str, expected: str | None
) -> None:
    assert absolutize(href, PAGE) == expected


ATTACHMENTS = [
    ("https://kekava.lv/upload/Lemums.PDF", True, "uppercase-pdf"),
    ("https://kekava.lv/file.pdf?download=1", True, "pdf-with-query"),
    ("https://kekava.lv/files/a.zip#x", True, "zip-with-fragment"),
    ("https://kekava.lv/upload/Nolikums.odt", True, "odt"),
    ("https://kekava.lv/upload/t%C4%81me.docx", True, "encoded-name-docx"),
    ("https://kekava.lv/pub/index.php", False, "php-page"),
    ("https://kekava.lv/x.pdf/", False, "pdf-like-directory"),
    ("https://kekava.lv/jaunumi/pdf", False, "no-extension"),
    ("https://kekava.lv/a.pdfx", False, "longer-extension"),
    ("https://kekava.lv/?file=a.pdf", False, "pdf-only-in-query"),
]


@pytest.mark.parametrize(
    ("url", "expected"), [row[:2] for row in ATTACHMENTS], ids=[row[2] for row in ATTACHMENTS]
)
def test_is_attachment_looks_at_the_last_path_segment(url: str, expected: bool) -> None:
    assert is_attachment(url) is expected


HOSTS = [
    ("https://WWW.Kekava.LV:8080/x", "kekava.lv", "www-case-port"),
    ("www.kekava.lv", "kekava.lv", "bare-host"),
    ("kekava.lv:8080", "kekava.lv", "bare-host-with-port"),
    ("//cdn.lv/x", "cdn.lv", "scheme-relative"),
    ("https://ĶEKAVA.lv/", "ķekava.lv", "idn-lowercased-not-punycode"),
    ("https://kekava.lv./", "kekava.lv", "trailing-dot"),
    ("/relative/path", "", "no-host"),
]


@pytest.mark.parametrize(
    ("url", "expected"), [row[:2] for row in HOSTS], ids=[row[2] for row in HOSTS]
)
def test_host_of_normalises_the_host(url: str, expected: str) -> None:
    assert host_of(url) == expected


SITES = [
    ("https://www.kekava.lv/x", ["kekava.lv"], True, "www-url-bare-host"),
    ("http://kekava.lv/x", ["https://www.kekava.lv/"], True, "host-given-as-url"),
    ("https://arhivs.kekava.lv/x", ["kekava.lv"], False, "subdomain-is-other-site"),
    ("https://marupe.lv/x", ["kekava.lv", "marupe.lv"], True, "any-of-several"),
    ("https://cdn.lv/x", ["kekava.lv"], False, "foreign-host"),
    ("/relative", [""], False, "no-host-never-matches"),
]


@pytest.mark.parametrize(
    ("url", "hosts", "expected"), [row[:3] for row in SITES], ids=[row[3] for row in SITES]
)
def test_same_site_compares_normalised_hosts(url: str, hosts: list[str], expected: bool) -> None:
    assert same_site(url, hosts) is expected


def test_constants_hold_the_documented_names() -> None:
    assert {"utm_source", "fbclid", "gclid", "_ga", "mc_eid"} <= TRACKING_PARAMS
    assert len(TRACKING_PARAMS) == 11
    assert all(ext.startswith(".") and ext == ext.lower() for ext in ATTACHMENT_EXTENSIONS)
    assert len(ATTACHMENT_EXTENSIONS) == 12


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://www.kekava.lv/pub/index.php?id=150&lid=13846&utm_source=rss",
            "https://www.kekava.lv/pub/index.php?id=150&lid=13846",
        ),
        (
            "https://www.kekava.lv/pub/index.php?gid=1&lid=14071&gid=1&lid=14071&id=150",
            "https://www.kekava.lv/pub/index.php?gid=1&lid=14071&id=150",
        ),
        ("http://kekava.lv/pub/?amp%3Bpage=3&page=13#x", "http://kekava.lv/pub/?page=13"),
        ("https://kekava.lv/aktualitates/slug/", "https://kekava.lv/aktualitates/slug/"),
    ],
    ids=["tracking-dropped", "repeats-collapsed-order-kept", "amp-and-fragment", "untouched"],
)
def test_clean_keeps_a_working_address_minus_the_noise(url: str, expected: str) -> None:
    assert urls.clean(url) == expected
