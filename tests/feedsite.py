"""A real news site on 127.0.0.1 for the followed-sources tests: feeds (RSS, Atom, JSON Feed)
and article pages built from the shared corpus' real texts, with navigation and footers around them."""

import gzip
import html
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.conftest import corpus_file


def corpus_articles(name="dev/en-bbc-topics-dev.jsonl", count=3, skip=0) -> list[dict]:
    rows = []
    with open(corpus_file(name), encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            if row.get("title") and len(row["text"]) > 800:
                rows.append(row)
            if len(rows) >= skip + count:
                break
    return rows[skip:]


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict = field(default_factory=dict)
    etag: str = ""
    delay: float = 0.0
    gzip: bool = False


class FeedSite:
    """Routes by path; every request is recorded as (path, headers)."""

    def __init__(self):
        self.routes: dict[str, Route | list[Route]] = {}
        self.requests: list[tuple[str, dict]] = []
        self.arrivals: list[float] = []  # time.monotonic() of each request
        self.peers: list[int] = []  # the client's port for each request: one per connection
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                site.arrivals.append(time.monotonic())
                site.peers.append(self.client_address[1])
                site.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                route = (
                    site.routes.get(self.path)
                    or site.routes.get(self.path.split("?")[0])
                    or Route(b"not found", status=404, content_type="text/plain")
                )
                if isinstance(route, list):  # answers in turn, the last one for good
                    route = route.pop(0) if len(route) > 1 else route[0]
                if route.delay:
                    time.sleep(route.delay)
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self.send_response(304)
                    self.send_header("ETag", route.etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = gzip.compress(route.body) if route.gzip else route.body
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(body)))
                if route.gzip:
                    self.send_header("Content-Encoding", "gzip")
                if route.etag:
                    self.send_header("ETag", route.etag)
                for key, value in route.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def paths(self) -> list[str]:
        return [path for path, _headers in self.requests]

    # -- content ------------------------------------------------------------------------------------------------

    def add_page(self, path: str, row: dict, *, canonical: str = "", lang: str = "en", **route) -> str:
        paragraphs = "\n".join(f"<p>{html.escape(p)}</p>" for p in row["text"].split("\n\n") if p.strip())
        link = f'<link rel="canonical" href="{html.escape(canonical)}">' if canonical else ""
        page = f"""<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<title>{html.escape(row['title'])} | The Test Chronicle</title>{link}</head><body>
<header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/business">Business</a>
<a href="/sport">Sport</a> <a href="/subscribe">Subscribe</a></nav></header>
<main><article><h1>{html.escape(row['title'])}</h1><p class="byline">By Staff Reporter</p>
{paragraphs}</article>
<aside><h2>Most read</h2><ul><li><a href="/a">Another story</a></li><li><a href="/b">Yet another</a></li></ul></aside>
</main><footer><p>© The Test Chronicle. All rights reserved.</p><a href="/privacy">Privacy</a>
<a href="/cookies">Cookies</a> <a href="/contact">Contact us</a></footer></body></html>"""
        self.routes[path] = Route(page.encode("utf-8"), **route)
        return self.url + path

    def add_home(self, path: str, feed_path: str, feed_type: str = "application/rss+xml"):
        page = f"""<!doctype html><html><head><title>The Test Chronicle</title>
<link rel="alternate" type="{feed_type}" title="Latest" href="{feed_path}"></head>
<body><h1>The Test Chronicle</h1><p>News.</p></body></html>"""
        self.routes[path] = Route(page.encode("utf-8"))


def rss(items: list[dict], *, title="The Test Chronicle") -> bytes:
    """RSS 2.0; each item: title, link, guid, description (escaped HTML), pub (datetime)."""
    parts = []
    for item in items:
        fields = [f"<title>{html.escape(item.get('title', ''))}</title>"]
        if item.get("link"):
            fields.append(f"<link>{html.escape(item['link'])}</link>")
        if item.get("guid"):
            fields.append(f'<guid isPermaLink="false">{html.escape(item["guid"])}</guid>')
        if item.get("description") is not None:
            fields.append(f"<description>{html.escape(item['description'])}</description>")
        pub = item.get("pub") or datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
        fields.append(f"<pubDate>{format_datetime(pub)}</pubDate>")
        parts.append("<item>" + "".join(fields) + "</item>")
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>http://example.org/</link><description>Latest</description>{''.join(parts)}</channel></rss>"
            ).encode()


def atom(items: list[dict]) -> bytes:
    entries = "".join(
        f"<entry><id>{html.escape(i['guid'])}</id><title>{html.escape(i['title'])}</title>"
        f'<link href="{html.escape(i["link"])}"/><updated>2026-12-01T08:00:00Z</updated>'
        f'<content type="html">{html.escape(i["description"])}</content></entry>'
        for i in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Chronicle</title>'
            f"<id>urn:test:chronicle</id><updated>2026-12-01T08:00:00Z</updated>{entries}</feed>").encode()


def json_feed(items: list[dict]) -> bytes:
    return json.dumps({
        "version": "https://jsonfeed.org/version/1.1", "title": "Chronicle",
        "items": [{"id": i["guid"], "url": i["link"], "title": i["title"], "content_text": i["description"],
                   "date_published": (datetime(2026, 12, 1, 8, tzinfo=UTC) - timedelta(hours=n)).isoformat()}
                  for n, i in enumerate(items)],
    }).encode("utf-8")
