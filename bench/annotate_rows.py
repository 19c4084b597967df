"""The rows the annotation writes for the benchmark's articles, to compare before and after a change
that must leave them as they are (a change for speed, say).

Stores the articles `bench/annotate.py` times (`build_texts`), a quarter of them from a source with
default topics, and annotates them in this process through the service the worker calls
(`articles_annotate`, in batches), from an empty registry. Then editors decide on some rows (every
third pending mention accepted and its actor confirmed, every seventh rejected, every fourth topic
accepted on a reviewed article, every ninth rejected, every fifth quote accepted) and the same
articles are annotated again: the second run keeps the decided rows, replaces the pending ones,
reads the confirmed actors' aliases and learns topics from the decisions.

After each run, every row it leaves (articles, actors and aliases, mentions, roles, quotes, topics,
with offsets, scores and confidences) is written out with articles named by their title and actors
by their key, not by database ids, and its digest printed:

    .venv/bin/python bench/annotate_rows.py [--articles 200] [--batch 50] [--out rows.jsonl]

Run it before and after the change and compare the digests (and `diff` the files when they differ).
It uses DATABASE_URL as set and deletes every article and actor there first.
"""

import argparse
import hashlib
import json
import logging
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from annotate import CORPUS, build_texts  # noqa: E402  (the benchmark's articles)


def rows() -> list[dict]:
    """Every row the annotation wrote or kept, in a fixed order, without database ids."""
    from articles.models import Actor, ActorAlias, ActorRole, Article, ArticleTopic, Mention, Quote

    title = dict(Article.objects.values_list("id", "title"))
    key = dict(Actor.objects.values_list("id", "key"))
    out = [{"article": t, "status": s, "language": lang, "version": v, "error": e}
           for t, s, lang, v, e in Article.objects.order_by("title").values_list(
               "title", "status", "language", "pipeline_version", "last_error")]
    out += [{"actor": k, "name": n, "kind": kind, "confirmed": c, "merged_into": key.get(m)}
            for k, n, kind, c, m in Actor.objects.order_by("key").values_list(
                "key", "name", "kind", "confirmed", "merged_into_id")]
    out += sorted(({"alias": key[a], "surface": s, "normalised": n, "folded": f, "language": lang}
                   for a, s, n, f, lang in ActorAlias.objects.values_list(
                       "actor_id", "surface", "normalised", "folded", "language")),
                  key=lambda r: (r["alias"], r["normalised"]))
    mentions = Mention.objects.values_list("article_id", "start", "end", "text", "kind", "actor_id", "origin",
                                           "decision", "confidence", "pipeline_version")
    out += sorted(({"mention": title[a], "start": s, "end": e, "text": t, "kind": k, "actor": key.get(actor),
                    "origin": o, "decision": d, "confidence": c, "version": v}
                   for a, s, e, t, k, actor, o, d, c, v in mentions),
                  key=lambda r: (r["mention"], r["start"], r["end"]))
    roles = ActorRole.objects.values_list("article_id", "actor_id", "title", "start", "end", "origin")
    out += sorted(({"role": title[a], "actor": key[actor], "title": t, "start": s, "end": e, "origin": o}
                   for a, actor, t, s, e, o in roles),
                  key=lambda r: (r["role"], r["start"] or 0, r["actor"], r["title"]))
    quotes = Quote.objects.values_list("article_id", "start", "end", "text", "kind", "speaker_id", "speaker_role",
                                       "speaker_confidence", "cue", "origin", "decision", "pipeline_version")
    out += sorted(({"quote": title[a], "start": s, "end": e, "text": t, "kind": k, "speaker": key.get(sp),
                    "role": r, "confidence": c, "cue": cue, "origin": o, "decision": d, "version": v}
                   for a, s, e, t, k, sp, r, c, cue, o, d, v in quotes),
                  key=lambda r: (r["quote"], r["start"], r["end"]))
    topics = ArticleTopic.objects.values_list("article_id", "topic__slug", "score", "evidence", "origin",
                                              "decision", "pipeline_version")
    out += sorted(({"topic": title[a], "slug": slug, "score": sc, "evidence": ev, "origin": o, "decision": d,
                    "version": v} for a, slug, sc, ev, o, d, v in topics),
                  key=lambda r: (r["topic"], r["slug"]))
    return out


def decide() -> None:
    """Editors' decisions on the first run's rows, chosen by position, not by content."""
    from articles.models import Actor, Article, ArticleTopic, Decision, Mention, Quote

    mentions = list(Mention.objects.order_by("article_id", "start").values_list("id", "actor_id"))
    accepted = [m for n, (m, _) in enumerate(mentions) if n % 3 == 0]
    Mention.objects.filter(id__in=accepted).update(decision=Decision.ACCEPTED)
    Mention.objects.filter(id__in=[m for n, (m, _) in enumerate(mentions) if n % 7 == 1]).update(
        decision=Decision.REJECTED)
    Actor.objects.filter(id__in={a for n, (_, a) in enumerate(mentions) if n % 3 == 0 and a}).update(confirmed=True)
    topics = list(ArticleTopic.objects.order_by("article_id", "topic__slug").values_list("id", "article_id"))
    ArticleTopic.objects.filter(id__in=[t for n, (t, _) in enumerate(topics) if n % 4 == 0]).update(
        decision=Decision.ACCEPTED)
    ArticleTopic.objects.filter(id__in=[t for n, (t, _) in enumerate(topics) if n % 9 == 1]).update(
        decision=Decision.REJECTED)
    Article.objects.filter(id__in={a for n, (_, a) in enumerate(topics) if n % 4 == 0 or n % 9 == 1}).update(
        review_state=Article.ReviewState.REVIEWED)
    quotes = list(Quote.objects.order_by("article_id", "start").values_list("id", flat=True))
    Quote.objects.filter(id__in=quotes[::5]).update(decision=Decision.ACCEPTED)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--out", help="write the rows of both runs here, one JSON object a line")
    args = parser.parse_args()
    if not CORPUS.exists():
        print(f"skipped: {CORPUS} not found (the shared corpus sits beside the repository)")
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pressreview.settings")
    import django

    django.setup()
    logging.disable(logging.INFO)  # a line per article annotated
    from django.core.management import call_command

    from articles.models import Actor, Article, Source, Topic
    from articles.services import annotation
    from articles.services.ingest import article_create, articles_requeue

    call_command("migrate", verbosity=0)
    Article.objects.all().delete()
    Actor.objects.all().delete()
    Source.objects.all().delete()
    texts = build_texts(args.articles)
    ids = [article_create(body=text, title=f"bench {i:04d}", enqueue=False,
                          source_name="Wire" if i % 4 == 0 else "").article.id
           for i, (_, text) in enumerate(texts)]
    Source.objects.get(name="Wire").default_topics.set(Topic.objects.active().order_by("slug")[:2])

    def run() -> float:
        annotation._decisions_seen = None  # learn from the decisions now, not TOPIC_LEARN_EVERY later
        started = time.process_time()
        for i in range(0, len(ids), args.batch):
            annotation.articles_annotate(article_ids=ids[i : i + args.batch])
        return time.process_time() - started

    written = []
    for label in ("first run", "second run"):
        if written:
            decide()
            articles_requeue(article_ids=ids)
        cpu = run()
        found = rows()
        digest = hashlib.sha256(json.dumps(found, sort_keys=True).encode()).hexdigest()
        counts = {}
        for row in found:
            kind = next(iter(row))
            counts[kind] = counts.get(kind, 0) + 1
        print(f"{label}: {digest[:16]}  rows: {', '.join(f'{k} {n}' for k, n in counts.items())}  ({cpu:.1f} CPU-s)")
        written += [{"run": label, **row} for row in found]
    if args.out:
        with open(args.out, "w", encoding="utf-8") as out:
            for row in written:
                out.write(json.dumps(row, sort_keys=True, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
