"""Server time of the insights page on a large archive, against a trivial page, in one run.

    .venv/bin/python bench/insights.py [--articles 100000] [--mentions 2000000] [--requests 20] [--warmup 3]

Builds --articles annotated articles over the last year (a tenth without a publication date: they count
on the day they were added) from 20 sources, with --mentions mentions (actors drawn, skewed, from a
pool of 5,000; one mention in ten rejected) and two topics each (one in ten rejected); fills the
daily counts with the ``insights_rebuild`` command (timed), then VACUUM ANALYZE as autovacuum would; then
measures, with Django's test Client (middleware, session, view, template; no network), DEBUG off, a
logged-in viewer, interleaved round by round so that drift on the machine hits every page alike:

- the baseline: the login page (GET /accounts/login/, anonymous), a trivial page of the same run;
- GET /insights (the last 30 days), /insights?days=90, /insights?days=7&source=<the largest source>;
- ``counts_refresh`` of 100 articles (what a worker does after a decision or an annotation batch).

The target: the insights page's server time under 500 ms at 100,000 articles and 2,000,000 mentions.

PostgreSQL (--services, DATABASE_URL) writes the rows with COPY; without --services a fresh SQLite in a
temporary folder is used (slower to build: pass smaller --articles and --mentions). With --services the
script refuses a database that already holds articles; create one for it, e.g.:

    psql -h 127.0.0.1 -U postgres -c 'create database pressreview_bench_insights'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pressreview_bench_insights \\
        .venv/bin/python bench/insights.py --services
"""

import argparse
import hashlib
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

TARGET_MS = 500.0
ACTORS = 5000
SOURCES = 20
KINDS = ["person"] * 5 + ["organisation"] * 2 + ["place"] * 2 + ["event"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--mentions", type=int, default=2_000_000)
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page (default 20)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per page first (default 3)")
    parser.add_argument("--services", action="store_true", help="use DATABASE_URL as set (PostgreSQL)")
    parser.add_argument("--seed", type=int, default=20261207)
    args = parser.parse_args()
    tmp = None
    if not args.services:
        os.environ.pop("DATABASE_URL", None)
        os.environ.pop("REDIS_URL", None)
        tmp = tempfile.mkdtemp(prefix="pressreview-bench-")
        os.environ["PRESSREVIEW_VAR_DIR"] = tmp
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pressreview.settings")
    try:
        run(args)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def run(args):
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    assert not settings.DEBUG, "DEBUG must be off for this benchmark"
    if args.services and "articles_article" in connection.introspection.table_names():
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM articles_article")
            if cursor.fetchone()[0]:
                raise SystemExit("refusing to run: the database already holds articles; point DATABASE_URL at a "
                                 "fresh database")
    call_command("migrate", verbosity=0)

    from django.contrib.auth.models import Group, User
    from django.test import Client

    rng = random.Random(args.seed)
    started = time.perf_counter()
    built = build(rng, args.articles, args.mentions)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    build_s = time.perf_counter() - started
    started = time.perf_counter()
    call_command("insights_rebuild", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    rebuild_s = time.perf_counter() - started
    vacuum(connection)

    from insights.models import DailyActorCount, DailyPairCount, DailySourceCount, DailyTopicCount

    cells = {model.__name__: model.objects.count() for model in (DailySourceCount, DailyActorCount, DailyTopicCount,
                                                                  DailyPairCount)}
    viewer, _ = User.objects.get_or_create(username="bench-viewer")
    viewer.groups.add(Group.objects.get(name="viewer"))
    client, anonymous = Client(), Client()
    client.force_login(viewer)
    pages = [
        ("login page (baseline)", anonymous, "/accounts/login/"),
        ("/insights (30 days)", client, "/insights"),
        ("/insights?days=90", client, "/insights?days=90"),
        ("/insights?days=7&source=…", client, f"/insights?days=7&source={built['largest_source']}"),
    ]
    results = measure(pages, args.warmup, args.requests)
    refresh_ms = time_refresh(rng, built["article_ids"])

    mode = f"{connection.vendor} ({settings.DATABASES['default'].get('NAME')})"
    print(f"Insights benchmark — {mode}; DEBUG off; Django test Client, logged-in viewer")
    print(f"built {built['articles']:,} articles, {built['mentions']:,} mentions, {built['topics']:,} article topics, "
          f"{ACTORS:,} actors, {SOURCES} sources in {build_s:.0f} s")
    print(f"insights_rebuild: {rebuild_s:.1f} s; cells: " + ", ".join(f"{k} {v:,}" for k, v in cells.items()))
    base = results["login page (baseline)"]["median"]
    print()
    print(f"{'page':<30}{'median ms':>10}{'p95 ms':>9}{'× login':>9}{'queries':>9}{'KB':>7}")
    for name, r in results.items():
        print(f"{name:<30}{r['median']:>10.1f}{r['p95']:>9.1f}{r['median'] / base:>9.1f}{r['queries']:>9}"
              f"{r['kb']:>7.0f}")
    print()
    print(f"counts_refresh of 100 articles (after a decision or an annotation batch): {refresh_ms:.0f} ms")
    worst = max(r["median"] for name, r in results.items() if name.startswith("/insights"))
    print(f"target: /insights under {TARGET_MS:.0f} ms — worst median {worst:.0f} ms: "
          f"{'met' if worst < TARGET_MS else 'NOT met'}")


def vacuum(connection):
    """What autovacuum does soon after on a server where it runs (it may be off where benchmarks run): the
    planner's statistics, and the visibility map without which an index-only scan reads the table too."""
    if connection.vendor != "postgresql":
        return
    from insights.models import ArticleCount, DailyActorCount, DailyPairCount, DailySourceCount, DailyTopicCount

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        for model in (ArticleCount, DailySourceCount, DailyActorCount, DailyTopicCount, DailyPairCount):
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def build(rng, n_articles: int, n_mentions: int) -> dict:
    """Articles, mentions and topics, written with COPY on PostgreSQL (bulk_create elsewhere)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from articles.models import Actor, Article, ArticleTopic, Decision, Mention, Source, Topic

    actors = Actor.objects.bulk_create(
        [Actor(name=f"Acteur {i}", kind=KINDS[i % len(KINDS)], key=f"bench-insights|{i}") for i in range(ACTORS)],
        batch_size=1000)
    actor_ids = [a.id for a in actors]
    weights = [1 / (rank + 1) ** 0.9 for rank in range(ACTORS)]
    sources = Source.objects.bulk_create([Source(name=f"Média {i} (bench)") for i in range(SOURCES)])
    source_weights = [1 / (rank + 1) ** 0.7 for rank in range(SOURCES)]
    topics = list(Topic.objects.active().values_list("id", flat=True))
    now = timezone.now()
    per_article = max(1, n_mentions // n_articles)
    body = "x" * (per_article * 3 + 10)
    chunk = 10_000
    ids, totals = [], {"articles": 0, "mentions": 0, "topics": 0}
    for first in range(0, n_articles, chunk):
        rows = []
        for i in range(first, min(n_articles, first + chunk)):
            when = now - timedelta(seconds=rng.randrange(365 * 86400))
            rows.append(Article(
                title=f"Dépêche {i}", body=body, language="fr",
                source_id=rng.choices(sources, weights=source_weights)[0].id if rng.random() > 0.02 else None,
                published_at=when if rng.random() > 0.1 else None,
                content_hash=hashlib.sha256(f"bench-insights-{i}".encode()).hexdigest(),
                status=Article.Status.ANNOTATED, pipeline_version="bench", annotated_at=now))
        with transaction.atomic():
            created = Article.objects.bulk_create(rows)
            # created_at is auto_now_add: the undated ones are dated by when they were "added".
            undated = [a.id for a in created if a.published_at is None]
            if undated:
                Article.objects.filter(id__in=undated).update(created_at=now - timedelta(days=rng.randrange(365)))
            mentions, article_topics = [], []
            for article in created:
                cast = rng.choices(actor_ids, weights=weights, k=8)
                for m in range(per_article):
                    decision = Decision.REJECTED if rng.random() < 0.1 else Decision.PENDING
                    mentions.append((article.id, m * 3, m * 3 + 2, "Ac", "person", cast[m % 8], "model", decision))
                for topic in rng.sample(topics, 2):
                    decision = Decision.REJECTED if rng.random() < 0.1 else Decision.PENDING
                    article_topics.append(ArticleTopic(article_id=article.id, topic_id=topic, score=0.6,
                                                       decision=decision))
            write_mentions(connection, Mention, mentions)
            ArticleTopic.objects.bulk_create(article_topics, batch_size=5000)
        ids += [a.id for a in created]
        totals["articles"] += len(created)
        totals["mentions"] += len(mentions)
        totals["topics"] += len(article_topics)
    largest = max(sources, key=lambda s: Article.objects.filter(source=s).count())
    return {**totals, "article_ids": ids, "largest_source": largest.id}


def write_mentions(connection, Mention, rows):  # noqa: N803 - the model class
    columns = ["article_id", "start", "end", "text", "kind", "actor_id", "origin", "decision", "pipeline_version"]
    if connection.vendor == "postgresql":
        quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
        with connection.cursor() as cursor, cursor.cursor.copy(
                f"COPY {Mention._meta.db_table} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*row, "bench"))
        return
    Mention.objects.bulk_create([Mention(**dict(zip(columns, (*row, "bench"), strict=True))) for row in rows],
                                batch_size=5000)


def measure(pages, warmup, requests):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _, client, url in pages:
        for _ in range(warmup):
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"GET {url} answered {response.status_code}")
    times = {name: [] for name, _, _ in pages}
    for _ in range(requests):
        for name, client, url in pages:
            started = time.perf_counter()
            response = client.get(url)
            times[name].append(time.perf_counter() - started)
            assert response.status_code == 200
    results = {}
    for name, client, url in pages:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        ordered = sorted(times[name])
        results[name] = {"median": statistics.median(ordered) * 1000,
                         "p95": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000,
                         "queries": len(captured.captured_queries), "kb": len(response.content) / 1024}
    return results


def time_refresh(rng, article_ids, rounds=5) -> float:
    """Median time of refreshing 100 random articles whose contribution changed (one mention rejected each)."""
    from articles.models import Decision, Mention
    from insights.services import counts_refresh

    times = []
    for _ in range(rounds):
        sample = rng.sample(article_ids, 100)
        firsts = Mention.objects.filter(article_id__in=sample, start=0)
        firsts.update(decision=Decision.REJECTED)
        started = time.perf_counter()
        counts_refresh(article_ids=sample)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


if __name__ == "__main__":
    main()
