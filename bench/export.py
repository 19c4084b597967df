"""Time of each digest export against rendering the same digest's HTML preview, in one run.

    .venv/bin/python bench/export.py [--articles 200] [--rounds 3] [--keep]

Builds, in a throwaway SQLite database (a temporary PRESSREVIEW_VAR_DIR, migrated from scratch,
removed at the end unless --keep), a digest of --articles reviewed articles made from the shared
corpus (../shared/corpus: the French demo article and the BBC dev articles), each with actor
mentions, up to two chosen quotes, a topic (its section) and, for one in five, an editor's note.

Then, round by round (so drift on this machine hits every format alike), for the draft digest:

- baseline: the HTML preview, i.e. what /digests/<id>/preview's frame asks for: the view model
  read from the database plus the e-mail HTML rendered from it;
- each export format, the same way: view model + that format's bytes.

Reported: the median over the rounds, the ratio to the baseline, the size of the output; the
time of the view model alone; and, once the digest is published, the view model rebuilt from its
frozen snapshot (what the permalink and every later export read).
"""

import argparse
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
sys.path.insert(0, str(REPO))

BBC_TOPICS = {"business": "economy-business-and-finance", "entertainment": "arts-culture-entertainment-and-media",
              "politics": "politics", "sport": "sport", "tech": "science-and-technology"}
NAME = re.compile(r"\b[A-Z][a-zà-ÿ]+(?: [A-Z][a-zà-ÿ]+)+\b")
QUOTE = re.compile(r"«[^»]{10,300}»|\"[^\"]{10,300}\"")


def setup(var_dir: Path):
    os.environ["PRESSREVIEW_VAR_DIR"] = str(var_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pressreview.settings")
    os.environ["DEBUG"] = "false"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def corpus_texts(count: int) -> list[dict]:
    demo = (CORPUS / "fr-darmanin-rabat.txt").read_text(encoding="utf-8")
    bbc = [json.loads(line) for line in (CORPUS / "dev" / "en-bbc-topics-dev.jsonl").read_text().splitlines() if line]
    texts = [{"title": row["title"], "body": row["text"], "language": "en", "topic": BBC_TOPICS[row["label"]]}
             for row in bbc]
    paragraphs = [p for p in demo.split("\n") if p.strip()]
    n = 0
    while len(texts) < count:
        # The demo article again, its paragraphs rotated: another text of the same kind and length.
        n += 1
        rotated = paragraphs[n % len(paragraphs):] + paragraphs[:n % len(paragraphs)]
        texts.append({"title": f"Sécurité : Paris et Rabat ({n})", "body": "\n".join(rotated), "language": "fr",
                      "topic": "terrorism"})
    return texts[:count]


def build(count: int):
    from django.contrib.auth.models import User
    from django.utils import timezone

    from articles.models import Actor, Article, ArticleTopic, Decision, Mention, Quote, Source, Topic
    from digests import services
    from digests.models import DigestItem

    user = User.objects.create_user("bench-chief")
    sources = [Source.objects.create(name=name) for name in ("BBC News", "Le Desk", "Agence")]
    topics = {t.slug: t for t in Topic.objects.all()}
    actors: dict = {}
    day = date(2024, 3, 1)
    articles = []
    for i, text in enumerate(corpus_texts(count)):
        article = Article.objects.create(
            title=text["title"], body=text["body"], language=text["language"], source=sources[i % 3],
            url=f"https://news.example/{i}", content_hash=f"bench-{i}",
            published_at=timezone.make_aware(datetime.combine(day + timedelta(days=i % 3), datetime.min.time())),
            status=Article.Status.ANNOTATED, review_state=Article.ReviewState.REVIEWED,
        )
        mentions, seen = [], set()
        for match in NAME.finditer(text["body"]):
            if (match.start(), match.end()) in seen:
                continue
            seen.add((match.start(), match.end()))
            kind = "person" if len(match.group().split()) == 2 else "organisation"
            key = Actor.key_for(match.group(), kind)
            if key not in actors:
                actors[key] = Actor.objects.create(name=match.group(), kind=kind, key=key)
            mentions.append(Mention(article=article, start=match.start(), end=match.end(), text=match.group(),
                                    kind=kind, actor=actors[key], decision=Decision.ACCEPTED))
        Mention.objects.bulk_create(mentions)
        Quote.objects.bulk_create(
            Quote(article=article, start=m.start(), end=m.end(), text=m.group(), decision=Decision.ACCEPTED,
                  speaker=mentions[0].actor if mentions else None)
            for m in QUOTE.finditer(text["body"])
        )
        ArticleTopic.objects.create(article=article, topic=topics[text["topic"]], score=0.8, decision=Decision.ACCEPTED)
        articles.append(article)
    digest = services.digest_create(title="Revue de presse — banc d'essai", period_start=day,
                                    period_end=day + timedelta(days=2), introduction="Les articles du jour.",
                                    language="fr", user=user)
    services.digest_items_add(digest=digest, articles=articles, user=user)
    for n, item in enumerate(DigestItem.objects.filter(digest=digest).order_by("id")):
        quote_ids = list(
            Quote.objects.filter(article_id=item.article_id).order_by("start").values_list("id", flat=True)[:2]
        )
        services.digest_item_update(item=item, summary=item.summary, note="Note de la rédaction." if n % 5 == 0 else "",
                                    quote_ids=quote_ids)
    return digest, user


def timed(function) -> tuple[float, object]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the temporary database folder")
    args = parser.parse_args()
    if not (CORPUS / "fr-darmanin-rabat.txt").exists():
        print(f"skipped: {CORPUS} is not here (the shared corpus sits beside the repository)")
        return
    var_dir = Path(tempfile.mkdtemp(prefix="bench-export-"))
    try:
        setup(var_dir)
        from digests import exports, selectors, services
        from digests.views import SYNC_EXPORT_MAX_ITEMS

        started = time.perf_counter()
        digest, user = build(args.articles)
        view = selectors.digest_view(digest)
        print(f"digest: {view.item_count} articles in {len(view.sections)} sections, "
              f"{sum(len(i.quotes) for i in view.items)} quotes, {sum(len(i.actors) for i in view.items)} key actors "
              f"(built in {time.perf_counter() - started:.1f} s, SQLite in {var_dir})")

        formats = ["html", *[name for name in exports.FORMATS if name != "html"]]
        times = {name: [] for name in ["view", "preview", *formats[1:]]}
        render_only = {name: [] for name in formats}
        sizes = {}
        exports.email_html(selectors.digest_view(digest))  # warm the template cache and imports once
        exports.pdf(selectors.digest_view(digest))
        for _ in range(args.rounds):
            seconds, _ = timed(lambda: selectors.digest_view(digest))
            times["view"].append(seconds)
            for name in formats:
                def run(name=name):
                    live = selectors.digest_view(digest)
                    render = time.perf_counter()
                    data = exports.FORMATS[name].render(live)
                    render_only[name].append(time.perf_counter() - render)
                    return data

                seconds, data = timed(run)
                times["preview" if name == "html" else name].append(seconds)
                sizes[name] = len(data)

        baseline = statistics.median(times["preview"])
        print(f"\nbaseline: HTML preview (view model + e-mail HTML) {baseline * 1000:.0f} ms, median of {args.rounds}")
        print(f"{'format':<14}{'median ms':>11}{'× preview':>11}{'render ms':>11}{'size':>12}")
        labels = {"html": "e-mail HTML", "pdf": "PDF", "docx": "DOCX", "md": "Markdown", "csv": "CSV", "json": "ninjs"}
        for name in formats:
            median = statistics.median(times["preview" if name == "html" else name])
            print(f"{labels[name]:<14}{median * 1000:>11.0f}{median / baseline:>11.2f}"
                  f"{statistics.median(render_only[name]) * 1000:>11.0f}{sizes[name] / 1024:>10.0f} KB")
        print(f"{'view model':<14}{statistics.median(times['view']) * 1000:>11.0f}"
              f"{statistics.median(times['view']) / baseline:>11.2f}   (read from the database, part of every row)")

        services.digest_publish(digest=digest, user=user, permalink="http://localhost/digests/1/published")
        digest.refresh_from_db()
        frozen = [timed(lambda: selectors.view_for(digest))[0] for _ in range(args.rounds)]
        print(f"{'snapshot view':<14}{statistics.median(frozen) * 1000:>11.0f}"
              f"{statistics.median(frozen) / baseline:>11.2f}   (published: rebuilt from the frozen JSON)")
        slow = [labels[n] for n in formats if statistics.median(times["preview" if n == "html" else n]) > 1.0]
        print(f"\nformats over 1 s for {view.item_count} articles: {', '.join(slow) or 'none'}; digests over "
              f"{SYNC_EXPORT_MAX_ITEMS} articles are exported in the background.")
    finally:
        if args.keep:
            print(f"kept {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
