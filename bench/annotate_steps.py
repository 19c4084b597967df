"""CPU seconds of each step of the annotation path, in this process, on the articles
`bench/annotate.py` times: where the real path spends what bare `nlp.pipe` does not.

Each round starts from an empty registry, stores the articles (not timed) and annotates them through
the service the worker calls (`articles_annotate`, in batches of --batch), while a counter of
`time.process_time()` runs around each step: spaCy reading the texts, language detection, each
step that turns a doc into the article's annotation, and each step of writing the rows (the
database's own CPU is not this process's and is not counted). Steps nest: "write rows" holds the
"write: …" steps, "write: mentions" holds "write: link actors", "doc to annotation" holds the
pipeline steps indented under it. Per step, the least and the median over --repeat rounds are
printed, with the queries sent and the load average before and after; compare two versions by
running this script for each in turn, more than once.

    .venv/bin/python bench/annotate_steps.py [--articles 200] [--batch 50] [--repeat 3]

It uses DATABASE_URL as set and deletes every article and actor there first.
"""

import argparse
import functools
import inspect
import logging
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from annotate import CORPUS, build_texts  # noqa: E402  (the benchmark's articles)

# (label, module, attribute): the label's counter runs while the attribute's function does.
STEPS = (
    ("claim", "articles.services.annotation", "_articles_claim"),
    ("read articles", "articles.services.annotation", "_annotation_input"),
    ("refresh registry", "articles.services.annotation", "refresh_annotator"),
    ("language detection", "articles.nlp.pipeline", "detect_language"),
    ("spaCy", "articles.nlp.pipeline", "_read"),
    ("doc to annotation", "articles.nlp.pipeline.Annotator", "_annotation"),
    ("  entities", "articles.nlp.pipeline", "extract_mentions"),
    ("  grouping", "articles.nlp.pipeline", "group_mentions"),
    ("  topics", "articles.nlp.pipeline", "tag_topics"),
    ("  roles", "articles.nlp.pipeline", "find_roles"),
    ("  quotes", "articles.nlp.pipeline", "find_quotes"),
    ("write rows", "articles.services.annotation", "annotations_apply"),
    ("  write: mentions", "articles.services.annotation", "_persist_mentions"),
    ("    write: link actors", "articles.services.annotation", "_resolve_actors"),
    ("  write: roles", "articles.services.annotation", "_persist_roles"),
    ("  write: quotes", "articles.services.annotation", "_persist_quotes"),
    ("  write: topics", "articles.services.annotation", "_persist_topics"),
)


def instrument(spent: dict[str, float]) -> None:
    """Wrap every step's function where the caller looks it up, adding its CPU time to ``spent``."""
    import importlib

    for label, module, name in STEPS:
        owner_path, _, cls = module.rpartition(".") if module.endswith("Annotator") else (module, "", "")
        owner = importlib.import_module(owner_path)
        if cls:
            owner = getattr(owner, cls)
        function = getattr(owner, name)
        if inspect.isgeneratorfunction(function):
            def wrapped(*args, _f=function, _label=label, **kwargs):
                found = _f(*args, **kwargs)
                while True:
                    started = time.process_time()
                    try:
                        item = next(found)
                    except StopIteration:
                        spent[_label] += time.process_time() - started
                        return
                    spent[_label] += time.process_time() - started
                    yield item
        else:
            def wrapped(*args, _f=function, _label=label, **kwargs):
                started = time.process_time()
                try:
                    return _f(*args, **kwargs)
                finally:
                    spent[_label] += time.process_time() - started
        setattr(owner, name, functools.wraps(function)(wrapped))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not CORPUS.exists():
        print(f"skipped: {CORPUS} not found (the shared corpus sits beside the repository)")
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pressreview.settings")
    import django

    django.setup()
    logging.disable(logging.INFO)  # a line per article annotated
    from django.core.management import call_command
    from django.db import connection

    from articles.models import Actor, Article
    from articles.services import annotation
    from articles.services.ingest import article_create

    call_command("migrate", verbosity=0)
    texts = build_texts(args.articles)
    annotation.annotator_preload()
    spent: dict[str, float] = defaultdict(float)
    instrument(spent)
    queries = [0]

    def count(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    rounds = []
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    for _ in range(args.repeat):
        Article.objects.all().delete()
        Actor.objects.all().delete()
        ids = [article_create(body=text, title=f"bench {i}", enqueue=False).article.id
               for i, (_, text) in enumerate(texts)]
        annotation._state_seen = annotation._decisions_seen = None  # as a fresh worker
        spent.clear()
        queries[0] = 0
        started = time.process_time()
        with connection.execute_wrapper(count):
            for i in range(0, len(ids), args.batch):
                annotation.articles_annotate(article_ids=ids[i : i + args.batch])
        rounds.append({"total": time.process_time() - started, **spent, "queries": queries[0]})
    load += " → " + (Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?")

    print(f"{len(texts)} articles, batches of {args.batch}, {args.repeat} rounds; load average {load}")
    print(f"{'step':<26}{'least':>8}{'median':>8}   CPU seconds")
    labels = ["total"] + [label for label, _, _ in STEPS]
    for label in labels:
        values = [r.get(label, 0.0) for r in rounds]
        print(f"{label:<26}{min(values):8.3f}{statistics.median(values):8.3f}")
    beyond = [r["total"] - r.get("spaCy", 0.0) for r in rounds]
    print(f"{'total beyond spaCy':<26}{min(beyond):8.3f}{statistics.median(beyond):8.3f}")
    print(f"queries per round: {', '.join(str(r['queries']) for r in rounds)}")


if __name__ == "__main__":
    main()
