"""Reading feeds (RSS 0.9x/1.0/2.0, Atom 1.0 through feedparser; JSON Feed 1.x with json; news
sitemaps with lxml) and finding a site's feed in its HTML. Plain Python, no Django."""

from __future__ import annotations

import hashlib
import html
import json
import re
import xml.sax
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from html.parser import HTMLParser
from urllib.parse import urljoin

# feedparser and lxml (some 12 MB a process) are imported where a feed or a sitemap is read, which only
# workers do: the web processes import this module (sources' services) and never parse a feed.

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/json",
              "application/rdf+xml")


class FeedError(ValueError):
    """The answer is not a feed we can read; ``str()`` says why in words."""


@dataclass
class Entry:
    guid: str
    link: str
    title: str
    text: str  # the feed's own text for the item, as plain text
    author: str = ""
    published: datetime | None = None


@dataclass
class Feed:
    title: str
    link: str
    entries: list[Entry] = field(default_factory=list)
    warning: str = ""  # the feed was read despite an error (malformed XML): what it was


# -- HTML to text -------------------------------------------------------------------------------------------------

_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section", "article"}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "noscript", "template"):
            self._skip += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "noscript", "template"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Readable text of an HTML fragment: scripts and styles dropped, blocks on their own lines."""
    if "<" not in (markup or ""):
        return html.unescape(markup or "").strip()
    parser = _Text()
    parser.feed(markup)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n\n".join(line for line in lines if line)


# -- parsing ------------------------------------------------------------------------------------------------------


def _looks_like_html(content: bytes) -> bool:
    head = content[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:512]


def _fallback_guid(*parts: str) -> str:
    return "sha256:" + hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _parsed_date(value) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None


SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


@cache
def _xml_parser():
    """No external entity, no network, no huge tree: a sitemap is data from another site."""
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


def _sitemap_root(content: bytes):
    """The root element of a sitemap (``urlset`` or ``sitemapindex``), or None for anything else."""
    from lxml import etree

    if content.lstrip()[:1] != b"<":
        return None
    try:
        root = etree.fromstring(content.lstrip(), parser=_xml_parser())
    except (etree.XMLSyntaxError, ValueError):
        return None
    return root if root.tag in (f"{{{SITEMAP_NS}}}urlset", f"{{{SITEMAP_NS}}}sitemapindex") else None


def sitemap_index_children(content: bytes) -> list[str]:
    """The sitemaps a sitemap index lists (empty for anything else)."""
    root = _sitemap_root(content)
    if root is None or root.tag != f"{{{SITEMAP_NS}}}sitemapindex":
        return []
    return [loc.text.strip() for loc in root.iter(f"{{{SITEMAP_NS}}}loc") if loc.text and loc.text.strip()]


def is_news_sitemap(content: bytes) -> bool:
    root = _sitemap_root(content)
    return root is not None and root.find(f".//{{{NEWS_NS}}}news") is not None


def _iso_date(value: str | None) -> datetime | None:
    try:
        found = datetime.fromisoformat((value or "").strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def _parse_news_sitemap(root) -> Feed:
    """A news sitemap's articles (each ``<url>`` with a ``<news:news>``): link, title, publication date;
    no text of its own (the page gives it)."""
    entries = []
    for url in root.iter(f"{{{SITEMAP_NS}}}url"):
        news = url.find(f"{{{NEWS_NS}}}news")
        link = (url.findtext(f"{{{SITEMAP_NS}}}loc") or "").strip()
        if news is None or not link:
            continue
        published = (_iso_date(news.findtext(f"{{{NEWS_NS}}}publication_date"))
                     or _iso_date(url.findtext(f"{{{SITEMAP_NS}}}lastmod")))
        title = html_to_text(news.findtext(f"{{{NEWS_NS}}}title") or "")
        entries.append(Entry(guid=link[:1000], link=link, title=title, text="", published=published))
    if not entries:
        raise FeedError("This sitemap lists no news article (no <news:news> entry).")
    return Feed(title=root.findtext(f".//{{{NEWS_NS}}}publication/{{{NEWS_NS}}}name") or "", link="",
                entries=entries)


def parse_feed(content: bytes, *, content_type: str = "", url: str = "") -> Feed:
    """The feed's entries, in the order the feed lists them; FeedError if it is not a readable feed."""
    stripped = content.lstrip()
    if not stripped:
        raise FeedError("The feed is empty.")
    if "json" in content_type or stripped[:1] in (b"{", b"["):
        return _parse_json_feed(stripped)
    sitemap = _sitemap_root(stripped)
    if sitemap is not None:
        if sitemap.tag == f"{{{SITEMAP_NS}}}sitemapindex":
            raise FeedError("This address is a sitemap index: give one of its news sitemaps.")
        return _parse_news_sitemap(sitemap)
    headers = {"content-location": url} if url else {}
    if content_type:
        headers["content-type"] = content_type
    import feedparser

    parsed = feedparser.parse(content, response_headers=headers or None)
    if not parsed.get("version") and _looks_like_html(content):
        raise FeedError("This address returns an HTML page, not a feed.")
    if not parsed.get("version") and not parsed.entries and not parsed.bozo:
        raise FeedError("This address does not return a feed (RSS, Atom or JSON Feed).")
    entries = []
    for item in parsed.entries:
        link = item.get("link", "") or ""
        title = html_to_text(item.get("title", "") or "")
        contents = [c.get("value", "") for c in item.get("content", []) if c.get("value")]
        text = html_to_text(max(contents, key=len) if contents else item.get("summary", "") or "")
        guid = item.get("id") or link or _fallback_guid(title, text)
        published = _parsed_date(item.get("published_parsed") or item.get("updated_parsed"))
        entries.append(Entry(guid=guid.strip()[:1000], link=link.strip(), title=title, text=text,
                             author=item.get("author", "") or "", published=published))
    warning = ""
    # Only a broken document is worth a word; a missing or odd content type is not.
    if parsed.bozo and isinstance(parsed.get("bozo_exception"), xml.sax.SAXException):
        warning = f"The feed is not well-formed XML ({parsed.get('bozo_exception')})."
        # What a broken feed gives beyond its error is only worth keeping when it has a link or a text.
        entries = [entry for entry in entries if entry.link or entry.text]
        if not entries:
            raise FeedError(warning)
    return Feed(title=html_to_text(parsed.feed.get("title", "") or ""), link=parsed.feed.get("link", "") or "",
                entries=entries, warning=warning)


def _json_date(value) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _parse_json_feed(content: bytes) -> Feed:
    try:
        data = json.loads(content)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FeedError(f"The feed is not valid JSON ({exc}).") from None
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith("https://jsonfeed.org/version/"):
        raise FeedError("This JSON is not a JSON Feed (no https://jsonfeed.org/version/ version).")
    items = data.get("items")
    if not isinstance(items, list):
        raise FeedError("The JSON Feed has no list of items.")
    entries = []
    for item in items:
        if not isinstance(item, dict):
            continue
        link = str(item.get("url") or item.get("external_url") or "")
        title = html_to_text(str(item.get("title") or ""))
        text = (html_to_text(str(item["content_html"])) if item.get("content_html")
                else str(item.get("content_text") or item.get("summary") or "").strip())
        authors = item.get("authors") or ([item["author"]] if isinstance(item.get("author"), dict) else [])
        author = ", ".join(str(a.get("name")) for a in authors if isinstance(a, dict) and a.get("name"))
        guid = str(item.get("id") or link or _fallback_guid(title, text))
        entries.append(Entry(guid=guid.strip()[:1000], link=link.strip(), title=title, text=text, author=author,
                             published=_json_date(item.get("date_published") or item.get("date_modified"))))
    return Feed(title=str(data.get("title") or ""), link=str(data.get("home_page_url") or ""), entries=entries)


# -- discovery and canonical links ----------------------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "link":
            self.links.append({k.lower(): (v or "") for k, v in attrs})


def _links(markup: str) -> list[dict]:
    parser = _Links()
    # The head is enough, and a huge page should not cost a full parse.
    parser.feed(markup[:500_000])
    return parser.links


def discover_feed(markup: str, *, base_url: str) -> str:
    """The first feed a page announces (``<link rel="alternate" type="application/rss+xml" …>``), or ""."""
    for link in _links(markup):
        rels = link.get("rel", "").lower().split()
        if "alternate" in rels and link.get("type", "").lower().strip() in FEED_TYPES and link.get("href"):
            return urljoin(base_url, link["href"].strip())
    return ""


def canonical_link(markup: str, *, base_url: str) -> str:
    """The page's ``<link rel="canonical">``, absolute, or ""."""
    for link in _links(markup):
        if "canonical" in link.get("rel", "").lower().split() and link.get("href"):
            href = urljoin(base_url, link["href"].strip())
            if re.match(r"https?://", href, re.IGNORECASE):
                return href
    return ""
