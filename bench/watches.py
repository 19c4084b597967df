"""Matching an annotated article to the watches: cost per article as the watches grow, against a scan.

    .venv/bin/python bench/watches.py [--sizes 1,200,2000,20000] [--searches 50] [--keep]

In a throwaway SQLite database (a temporary PRESSREVIEW_VAR_DIR, migrated from scratch, removed at
the end unless --keep): 5,000 actors, 20 topics and 50 sources; one user per watch, each watching a
random actor, topic or source (``--searches`` of them a saved queue search); 20 annotated articles of
10 mentions and 2 topics each. For each number of watches:

- match: the watches an article matches, found as ``watches_match`` finds them (the reads only);
- scan (the baseline): every watch loaded and checked against the article's actors, topics and
  source in Python (what matching without the indexed keys would do; saved searches left out);
- with inserts: ``watches_match`` in full, its notifications deleted before each run.

Reported per size and per article: milliseconds of each, their ratio, the reads (queries other
than inserts), the users notified.
"""

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

ARTICLES = 20


def setup(var_dir: Path) -> None:
    os.environ.update({"PRESSREVIEW_VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "pressreview.settings",
                       "DEBUG": "false"})
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def world(rng: random.Random):
    from articles.models import Actor, Article, ArticleTopic, Mention, Source, Topic

    actors = Actor.objects.bulk_create(Actor(name=f"Personne {i}", kind="person", key=f"personne {i}|person")
                                       for i in range(5000))
    topics = Topic.objects.bulk_create(Topic(slug=f"theme-{i}", name_en=f"topic {i}", name_fr=f"thème {i}")
                                       for i in range(20))
    sources = Source.objects.bulk_create(Source(name=f"Média {i}") for i in range(50))
    articles = []
    for n in range(ARTICLES):
        names = rng.sample(actors, 10)
        body = " ".join(f"{a.name} a parlé à Rabat." for a in names)
        article = Article.objects.create(title=f"Dépêche {n}", body=body, language="fr", content_hash=f"bench-{n}",
                                         source=rng.choice(sources), status=Article.Status.ANNOTATED)
        Mention.objects.bulk_create(Mention(article=article, start=body.index(a.name),
                                            end=body.index(a.name) + len(a.name), text=a.name, kind="person",
                                            actor=a) for a in names)
        ArticleTopic.objects.bulk_create(ArticleTopic(article=article, topic=t, score=0.8)
                                         for t in rng.sample(topics, 2))
        articles.append(article)
    return actors, topics, sources, articles


def watch(size: int, searches: int, rng: random.Random, actors, topics, sources) -> None:
    from django.contrib.auth.models import User

    from watches.models import Notification, SavedSearch, Watch

    Notification.objects.all().delete()
    Watch.objects.all().delete()
    SavedSearch.objects.all().delete()
    User.objects.all().delete()
    users = User.objects.bulk_create(User(username=f"u{i}") for i in range(size))
    rows = []
    for i, user in enumerate(users):
        if i < min(searches, size):
            search = SavedSearch.objects.create(owner=user, name="s", query=f"q=personne+{rng.randrange(5000)}")
            rows.append(Watch(user=user, kind="search", search=search))
            continue
        kind = rng.choice(["actor", "actor", "topic", "source"])
        target = {"actor": actors, "topic": topics, "source": sources}[kind]
        rows.append(Watch(user=user, kind=kind, **{kind: rng.choice(target)}))
    Watch.objects.bulk_create(rows)


def scan(article) -> int:
    """The baseline: every watch read, each checked in Python."""
    from articles.models import ArticleTopic, Mention
    from watches.models import Watch

    actors = set(Mention.objects.filter(article=article).values_list("actor_id", flat=True))
    topics = set(ArticleTopic.objects.filter(article=article).values_list("topic_id", flat=True))
    hits = 0
    for kind, actor, topic, source in Watch.objects.values_list("kind", "actor_id", "topic_id", "source_id"):
        hits += (kind == "actor" and actor in actors) or (kind == "topic" and topic in topics) or (
            kind == "source" and source == article.source_id)
    return hits


def measure(articles) -> dict[str, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from watches.matching import _matching, watches_match
    from watches.models import Notification

    def per_article(run) -> float:
        started = time.perf_counter()
        for article in articles:
            run(article)
        return 1000 * (time.perf_counter() - started) / len(articles)

    found = per_article(_matching)
    base = per_article(scan)
    full, queries, made = 0.0, 0, 0
    for article in articles:
        Notification.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            made += len(watches_match(article_id=article.id))
            full += time.perf_counter() - started
        queries += len([q for q in captured.captured_queries if not q["sql"].startswith("INSERT")])
    n = len(articles)
    return {"match": found, "scan": base, "full": 1000 * full / n, "reads": queries / n, "made": made / n}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,200,2000,20000")
    parser.add_argument("--searches", type=int, default=50)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    var_dir = Path(tempfile.mkdtemp(prefix="bench-watches-"))
    try:
        setup(var_dir)
        rng = random.Random(7)
        actors, topics, sources, articles = world(rng)
        print(f"{'watches':>8} {'match ms':>9} {'scan ms':>8} {'scan/match':>10} {'reads':>6} "
              f"{'notified':>9} {'with inserts ms':>16}")
        for size in (int(s) for s in args.sizes.split(",")):
            watch(size, args.searches, rng, actors, topics, sources)
            m = measure(articles)
            print(f"{size:>8} {m['match']:>9.2f} {m['scan']:>8.2f} {m['scan'] / m['match']:>10.2f} "
                  f"{m['reads']:>6.1f} {m['made']:>9.1f} {m['full']:>16.2f}")
    finally:
        if not args.keep:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
