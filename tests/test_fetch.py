"""The fetcher (sources/fetch.py) against a real HTTP server on 127.0.0.1."""

import gzip
import socket
import time
import tracemalloc

import pytest

from sources.fetch import (
    Fetcher,
    FetchError,
    FetchPolicy,
    HostGate,
    HTTPStatusError,
    RobotsDisallowed,
    TooLarge,
    URLRefused,
)
from tests.feedsite import Route

LOCAL = FetchPolicy(user_agent="PressReview/1 (+https://desk.example/bot)", allow_private=True, min_delay=0,
                    connect_timeout=2, read_timeout=2)
PUBLIC_ONLY = FetchPolicy(min_delay=0, connect_timeout=2, read_timeout=2)


def fetcher(policy=LOCAL, **kwargs):
    # A gate per test: the module's own gate would carry a delay over from another test.
    return Fetcher(policy, gate=HostGate(), **kwargs)


def test_it_fetches_a_page_naming_the_product_and_its_contact(feed_site):
    feed_site.routes["/a"] = Route(b"<p>hello</p>")
    result = fetcher().fetch(feed_site.url + "/a")
    assert result.status == 200 and result.content == b"<p>hello</p>"
    assert feed_site.requests[0][1]["user-agent"] == "PressReview/1 (+https://desk.example/bot)"


def test_one_fetcher_reads_a_site_over_one_connection_and_closes_it(feed_site):
    for path in ("/robots.txt", "/a", "/b"):
        feed_site.routes[path] = Route(b"User-agent: *\nAllow: /\n" if path == "/robots.txt" else b"<p>page</p>")
    with fetcher() as client:
        assert [client.fetch_page(feed_site.url + path).status for path in ("/a", "/b")] == [200, 200]
        assert feed_site.paths() == ["/robots.txt", "/a", "/b"]
        assert len(set(feed_site.peers)) == 1  # keep-alive: no new connection per page
    assert client._http is None
    fetcher().fetch(feed_site.url + "/a")
    assert len(set(feed_site.peers)) == 2  # another fetcher, another connection


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/feed", "gopher://example.org/",
                                 "javascript:alert(1)", "http:///nohost", "//example.org/feed"])
def test_it_refuses_every_scheme_but_http_and_https(url):
    with pytest.raises(URLRefused):
        fetcher(PUBLIC_ONLY).fetch(url)


def test_it_refuses_loopback_when_private_networks_are_not_allowed(feed_site):
    feed_site.routes["/a"] = Route(b"secret")
    with pytest.raises(URLRefused, match="127.0.0.1, a loopback address"):
        fetcher(PUBLIC_ONLY).fetch(feed_site.url + "/a")
    assert feed_site.requests == []


@pytest.mark.parametrize("address", ["10.0.0.8", "192.168.1.1", "172.16.0.1", "169.254.169.254", "0.0.0.0",
                                     "224.0.0.1", "240.0.0.1", "100.64.0.1", "::1", "fe80::1", "fc00::1",
                                     "::ffff:127.0.0.1"])
def test_it_refuses_private_link_local_multicast_reserved_and_unspecified_addresses(address):
    host = f"[{address}]" if ":" in address else address
    with pytest.raises(URLRefused, match="address: refused"):
        fetcher(PUBLIC_ONLY).fetch(f"http://{host}/latest.xml")


def test_it_refuses_a_host_one_of_whose_addresses_is_private(monkeypatch):
    def answers(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(socket, "getaddrinfo", answers)
    with pytest.raises(URLRefused, match="127.0.0.1"):
        fetcher(PUBLIC_ONLY).fetch("http://news.example/feed")


def test_it_connects_to_the_address_it_resolved_and_sends_the_host_name(feed_site, monkeypatch):
    real = socket.getaddrinfo
    looked_up = []

    def answers(host, port, *args, **kwargs):
        looked_up.append(host)
        return real("127.0.0.1", port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", answers)
    feed_site.routes["/a"] = Route(b"ok")
    port = feed_site.server.server_address[1]
    assert fetcher().fetch(f"http://news.example:{port}/a").content == b"ok"
    # One resolution, one connection to its answer: nothing to rebind between the check and the connect.
    assert looked_up == ["news.example"]
    assert feed_site.requests[0][1]["host"] == f"news.example:{port}"


def test_it_refuses_a_redirect_to_a_private_address(feed_site):
    policy = FetchPolicy(min_delay=0, allowed_addresses=frozenset({"127.0.0.1"}))
    feed_site.routes["/feed"] = Route(status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    with pytest.raises(URLRefused, match="169.254.169.254, a link-local address"):
        fetcher(policy).fetch(feed_site.url + "/feed")
    feed_site.routes["/feed"] = Route(status=301, headers={"Location": "http://127.0.0.2:1/"})
    with pytest.raises(URLRefused, match="loopback"):
        fetcher(policy).fetch(feed_site.url + "/feed")


def test_it_follows_five_redirects_and_no_more(feed_site):
    for n in range(7):
        feed_site.routes[f"/r{n}"] = Route(status=302, headers={"Location": f"/r{n + 1}"})
    feed_site.routes["/r5"] = Route(b"arrived")
    result = fetcher().fetch(feed_site.url + "/r0")
    assert result.content == b"arrived" and result.url.endswith("/r5")
    feed_site.routes["/r5"] = Route(status=302, headers={"Location": "/r6"})
    with pytest.raises(FetchError, match="More than 5 redirects"):
        fetcher().fetch(feed_site.url + "/r0")


def test_it_stops_reading_at_the_size_cap(feed_site):
    feed_site.routes["/big"] = Route(b"x" * 300_000, headers={})
    with pytest.raises(TooLarge, match="limit is 100,000"):
        fetcher(FetchPolicy(allow_private=True, min_delay=0, max_bytes=100_000)).fetch(feed_site.url + "/big")


def test_it_stops_a_compressed_bomb_after_the_cap_of_decoded_bytes(feed_site):
    bomb = gzip.compress(b"\0" * (200 * 1024 * 1024), compresslevel=9)  # 200 MB in about 200 KB
    feed_site.routes["/bomb"] = Route(bomb, headers={"Content-Encoding": "gzip"})
    started = time.monotonic()
    tracemalloc.start()
    try:
        with pytest.raises(TooLarge):
            fetcher(FetchPolicy(allow_private=True, min_delay=0, max_bytes=1_000_000)).fetch(feed_site.url + "/bomb")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 2
    assert peak < 8 * 1024 * 1024  # never much more than the cap in memory


def test_it_decodes_a_gzipped_answer(feed_site):
    feed_site.routes["/z"] = Route(b"<rss/>" * 1000, gzip=True)
    assert fetcher().fetch(feed_site.url + "/z").content == b"<rss/>" * 1000
    assert feed_site.requests[0][1]["accept-encoding"] == "gzip, deflate"


def test_a_conditional_get_answered_304_costs_no_body(feed_site):
    feed_site.routes["/feed"] = Route(b"<rss/>", etag='"v1"',
                                      headers={"Last-Modified": "Tue, 01 Dec 2026 08:00:00 GMT"})
    first = fetcher().fetch(feed_site.url + "/feed")
    assert first.etag == '"v1"' and first.last_modified == "Tue, 01 Dec 2026 08:00:00 GMT"
    second = fetcher().fetch(feed_site.url + "/feed", etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified and second.content == b""
    assert feed_site.requests[1][1]["if-none-match"] == '"v1"'
    assert feed_site.requests[1][1]["if-modified-since"] == "Tue, 01 Dec 2026 08:00:00 GMT"


def test_it_tries_again_after_429_when_retry_after_says(feed_site):
    feed_site.routes["/feed"] = [Route(status=429, headers={"Retry-After": "3"}), Route(b"<rss/>")]
    waits = []
    result = fetcher(sleep=waits.append).fetch(feed_site.url + "/feed")
    assert result.content == b"<rss/>" and waits == [3.0]


def test_it_gives_up_on_a_retry_after_longer_than_its_bound(feed_site):
    feed_site.routes["/feed"] = Route(status=503, headers={"Retry-After": "7200"})
    waits = []
    with pytest.raises(HTTPStatusError) as caught:
        fetcher(sleep=waits.append).fetch(feed_site.url + "/feed")
    assert caught.value.retry_after == 7200 and waits == []
    assert "503" in str(caught.value)


def test_a_server_error_is_reported_in_words(feed_site):
    feed_site.routes["/feed"] = Route(b"oops", status=500)
    with pytest.raises(HTTPStatusError, match="answered 500 Internal Server Error"):
        fetcher().fetch(feed_site.url + "/feed")
    assert len(feed_site.requests) == 1


def test_a_slow_server_times_out(feed_site):
    feed_site.routes["/slow"] = Route(b"late", delay=1.5)
    with pytest.raises(FetchError, match="Timed out waiting for the answer"):
        fetcher(FetchPolicy(allow_private=True, min_delay=0, read_timeout=0.5)).fetch(feed_site.url + "/slow")


def test_it_waits_its_turn_between_two_requests_to_one_host(feed_site):
    feed_site.routes["/a"] = Route(b"a")
    client = fetcher(FetchPolicy(allow_private=True, min_delay=0.4))
    started = time.monotonic()
    client.fetch(feed_site.url + "/a")
    client.fetch(feed_site.url + "/a")
    assert time.monotonic() - started >= 0.4


def test_pages_honour_robots_txt(feed_site):
    feed_site.routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    feed_site.routes["/private/page"] = Route(b"hidden")
    feed_site.routes["/news/page"] = Route(b"news")
    client = fetcher()
    assert client.fetch_page(feed_site.url + "/news/page").content == b"news"
    with pytest.raises(RobotsDisallowed):
        client.fetch_page(feed_site.url + "/private/page")
    assert "/private/page" not in feed_site.paths()
    assert feed_site.paths().count("/robots.txt") == 1


def test_a_redirect_to_another_site_asks_that_site_s_robots_txt(feed_site):
    from tests.feedsite import FeedSite

    other = FeedSite().start()
    try:
        other.routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /members/\n", content_type="text/plain")
        other.routes["/members/story"] = Route(b"for members")
        other.routes["/open/story"] = Route(b"for all")
        for path, target in (("/go", "/members/story"), ("/ok", "/open/story")):
            feed_site.routes[path] = Route(b"", status=302, headers={"Location": other.url + target})
        client = fetcher()
        with pytest.raises(RobotsDisallowed, match="members/story"):
            client.fetch_page(feed_site.url + "/go")
        assert "/members/story" not in other.paths()
        assert client.fetch_page(feed_site.url + "/ok").content == b"for all"
        assert other.paths() == ["/robots.txt", "/open/story"]  # its robots.txt read once
    finally:
        other.stop()


def test_a_site_without_robots_txt_allows_pages(feed_site):
    feed_site.routes["/news/page"] = Route(b"news")
    assert fetcher().fetch_page(feed_site.url + "/news/page").content == b"news"



def test_https_goes_to_the_checked_address_and_verifies_the_certificate_for_the_host_name(tmp_path, monkeypatch):
    import shutil
    import ssl
    import subprocess
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    import httpx

    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "1", "-subj", "/CN=news.example", "-addext", "subjectAltName=DNS:news.example"],
                   check=True, capture_output=True)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = self.headers["Host"].encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    real = socket.getaddrinfo
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, p, *a, **k: real("127.0.0.1", p, *a, **k))
    init = httpx.HTTPTransport.__init__
    monkeypatch.setattr(
        httpx.HTTPTransport, "__init__",
        lambda self, *a, **k: init(self, *a, **{**k, "verify": ssl.create_default_context(cafile=cert)}),
    )
    try:
        assert fetcher().fetch(f"https://news.example:{port}/feed").content == f"news.example:{port}".encode()
        with pytest.raises(FetchError, match="Hostname mismatch"):
            fetcher().fetch(f"https://elsewhere.example:{port}/feed")
    finally:
        server.shutdown()
        server.server_close()
