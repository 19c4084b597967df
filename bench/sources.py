"""Polling followed sources, against a bare feedparser + httpx + trafilatura loop, in one run.

    .venv/bin/python bench/sources.py [--feeds 100] [--items 30] [--keep]

In a throwaway SQLite database (a temporary PRESSREVIEW_VAR_DIR, migrated from scratch, removed at
the end unless --keep), a real HTTP server on 127.0.0.1 serves --feeds RSS feeds of --items items
each, every item a news page (the shared corpus' texts, each made unique, with a site's navigation,
aside and footer around it). Feeds answer 304 to their ETag.

- baseline: one process, a bare loop: per feed, GET the feed (httpx, one keep-alive client),
  ``feedparser.parse``, then per item GET the page and ``trafilatura.extract`` it;
- app: ``feed_poll`` of every feed in turn, in one process, as a worker runs it (robots.txt, the
  host turn, SSRF checks, a capped read, extraction, the ingest with its duplicate check and search
  index, one transaction per item; annotation is queued, not run). ``FETCH_HOST_DELAY`` is 0 for the
  run: every feed lives on one host here, and the bare loop waits for nothing either.

Reported: seconds and items per second for each, their ratio (target >= 0.8); then a second poll
of every feed with nothing new: requests per feed (target 1, answered 304) and CPU per feed.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
CORPUS = REPO.parent / "shared" / "corpus" / "dev"


def texts(needed: int) -> list[dict]:
    """``needed`` news texts with titles, each unique (a numbered dateline): the ingest stores
    them all rather than reporting copies."""
    rows = []
    for name in ("en-bbc-topics-dev.jsonl", "en-ecbplus-stories-dev.jsonl"):
        with open(CORPUS / name, encoding="utf-8") as lines:
            rows += [row for row in map(json.loads, lines) if row.get("title") and len(row["text"]) > 600]
    return [{"title": f"{rows[n % len(rows)]['title']} ({n})",
             "text": f"LONDON, dispatch {n}. " + rows[n % len(rows)]["text"]} for n in range(needed)]


def build_site(site, feeds: int, items: int):
    from tests.feedsite import Route, rss

    corpus = iter(texts(feeds * items))
    urls = []
    for f in range(feeds):
        entries = []
        for n in range(items):
            row = next(corpus)
            link = site.add_page(f"/f{f}/{n}.html", row)
            entries.append({"title": row["title"], "link": link, "guid": f"f{f}-{n}",
                            "description": row["text"][:300]})
        site.routes[f"/f{f}/feed.xml"] = Route(rss(entries), content_type="application/rss+xml", etag=f'"f{f}-1"')
        urls.append(f"{site.url}/f{f}/feed.xml")
    return urls


def bare_loop(urls: list[str]) -> int:
    """The same fetch, parse and extraction (text and metadata, as the app asks of trafilatura)."""
    import feedparser
    import httpx
    import trafilatura

    from sources.pages import DATE_SEARCH

    extracted = 0
    with httpx.Client(timeout=20) as client:
        for url in urls:
            feed = feedparser.parse(client.get(url).content)
            for entry in feed.entries:
                page = client.get(entry.link)
                document = trafilatura.bare_extraction(page.text, url=entry.link, with_metadata=True,
                                                       date_extraction_params=DATE_SEARCH)
                if document is not None and document.text:
                    extracted += 1
    return extracted


def setup(var_dir: Path):
    os.environ.update({
        "PRESSREVIEW_VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "pressreview.settings", "DEBUG": "false",
        "FETCH_HOST_DELAY": "0", "FETCH_ALLOW_PRIVATE_NETWORKS": "true",
    })
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    import logging

    from django.core.management import call_command

    logging.getLogger("httpx").setLevel(logging.WARNING)
    call_command("migrate", verbosity=0)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--items", type=int, default=30)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    total = args.feeds * args.items

    var_dir = Path(tempfile.mkdtemp(prefix="bench-sources-"))
    try:
        setup(var_dir)
        from articles.models import Article, Source
        from sources import services
        from sources.models import Feed, FeedPoll
        from tests.feedsite import FeedSite

        site = FeedSite().start()
        urls = build_site(site, args.feeds, args.items)

        started = time.perf_counter()
        extracted = bare_loop(urls)
        bare_seconds = time.perf_counter() - started
        assert extracted == total, f"the bare loop extracted {extracted} of {total}"

        feeds = [Feed.objects.create(source=Source.objects.create(name=f"Chronicle {n}"), url=url)
                 for n, url in enumerate(urls)]
        started = time.perf_counter()
        for feed in feeds:
            poll = services.feed_poll(feed_id=feed.id)
            assert poll.outcome == FeedPoll.Outcome.OK, (poll.outcome, poll.error)
        app_seconds = time.perf_counter() - started
        stored = Article.objects.count()
        assert stored == total, f"{stored} articles stored of {total}"

        Feed.objects.update(poll_started_at=None)
        site.requests.clear()
        cpu = time.process_time()
        started = time.perf_counter()
        for feed in feeds:
            poll = services.feed_poll(feed_id=feed.id)
            assert poll.outcome == FeedPoll.Outcome.NOT_MODIFIED, (poll.outcome, poll.items_new)
        second_seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu
        not_modified = sum(1 for path, _headers in site.requests if path.endswith("/feed.xml"))
        site.stop()

        print(f"{args.feeds} feeds x {args.items} items, pages on 127.0.0.1, SQLite, host delay 0")
        print(f"bare loop (feedparser, httpx, trafilatura): {bare_seconds:7.2f} s  {total / bare_seconds:6.1f} items/s")
        print(f"app (feed_poll, stored as articles):        {app_seconds:7.2f} s  {total / app_seconds:6.1f} items/s")
        print(f"ratio app / bare (items per second):        {bare_seconds / app_seconds:7.2f}  (target >= 0.8)")
        print(f"second poll, nothing new: {len(site.requests) / args.feeds:.2f} requests per feed "
              f"({not_modified} feed requests), {1000 * cpu / args.feeds:.1f} ms CPU and "
              f"{1000 * second_seconds / args.feeds:.1f} ms per feed")
    finally:
        if args.keep:
            print(f"kept: {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
