"""Throughput of the real annotation path against bare spaCy, in one run.

Real path: articles stored through the ingest service, ids sent to the broker,
one Celery worker process (concurrency 1) annotates and writes every row.
Baseline: `nlp.pipe` of the same models on the same texts in this process.
Both exclude model loading (the worker is warmed up first).

    .venv/bin/python bench/annotate.py [--articles 200] [--batch 25]

Embedded mode (a fresh SQLite + filesystem broker in a temporary folder) unless
--services is given, in which case DATABASE_URL and REDIS_URL are used as set.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
sys.path.insert(0, str(REPO))


def build_texts(count: int) -> list[tuple[str, str]]:
    """Realistic, distinct articles: half French (demo paragraphs and HIPE
    newspaper segments), half English (BBC articles)."""
    demo = (CORPUS / "fr-darmanin-rabat.txt").read_text(encoding="utf-8").split("\n")
    paragraphs = [p for p in demo if len(p) > 120]
    segments = [json.loads(line)["text"] for line in (CORPUS / "dev" / "fr-hipe2020-dev.jsonl").open(encoding="utf-8")]
    bbc = [json.loads(line) for line in (CORPUS / "dev" / "en-bbc-topics-dev.jsonl").open(encoding="utf-8")]
    texts = []
    for i in range(count // 2):
        chosen = [paragraphs[(i + k) % len(paragraphs)] for k in range(4)]
        chosen += [segments[(i * 5 + k) % len(segments)] for k in range(5)]
        texts.append(("fr", f"Dépêche {i + 1}.\n\n" + "\n\n".join(chosen)))
    for i in range(count - count // 2):
        item = bbc[i % len(bbc)]
        texts.append(("en", f"{item['title']}\n\n{item['text']}\n\nReport {i + 1}."))
    return texts


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--services", action="store_true", help="use DATABASE_URL/REDIS_URL instead of a temp embedded setup")
    args = parser.parse_args()
    if not CORPUS.exists():
        print(f"skipped: {CORPUS} not found (the shared corpus sits beside the repository)")
        return
    if not args.services:
        os.environ.pop("DATABASE_URL", None)
        os.environ.pop("REDIS_URL", None)
        os.environ["PRESSREVIEW_VAR_DIR"] = tempfile.mkdtemp(prefix="pressreview-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pressreview.settings")

    import django

    django.setup()
    import spacy
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction

    from articles.models import Article, Mention
    from articles.services.ingest import article_create
    from articles.tasks import annotate_batch

    call_command("migrate", verbosity=0)
    Article.objects.all().delete()
    texts = build_texts(args.articles)
    words = sum(len(text.split()) for _, text in texts)
    mode = "PostgreSQL + Redis" if args.services else "embedded (SQLite + filesystem broker)"
    print(f"{len(texts)} articles, {words:,} words; {mode}; batch size {args.batch}")

    # Baseline: bare nlp.pipe, same models, same texts.
    models = {lang: spacy.load(settings.SPACY_MODELS[lang]) for lang in ("fr", "en")}
    bare_runs = []
    for _ in range(2):  # best of two: this machine's timings vary from run to run
        start = time.perf_counter()
        for lang, nlp in models.items():
            for _ in nlp.pipe([text.replace("\u2019", "'") for text_lang, text in texts if text_lang == lang]):
                pass
        bare_runs.append(time.perf_counter() - start)
    bare = min(bare_runs)
    del models

    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    log = open(Path(settings.VAR_DIR) / "bench-worker.log", "wb")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "pressreview", "worker", "-Q", "annotate,bulk", "--concurrency", "1",
         "--loglevel", "WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        warm = article_create(body="Le ministre est à Paris. The minister is in London.", language="fr").article
        wait_done([warm.id], timeout=300)
        warm.delete()

        def real_path(batch: int) -> float:
            Article.objects.all().delete()
            started = time.perf_counter()
            with transaction.atomic():
                ids = [article_create(body=text, title=f"bench {i}", enqueue=batch == 1).article.id
                       for i, (_, text) in enumerate(texts)]
                if batch > 1:
                    for i in range(0, len(ids), batch):
                        annotate_batch.delay_on_commit(ids[i : i + batch])
            wait_done(ids, timeout=1800)
            return time.perf_counter() - started

        batched = real_path(args.batch)
        mentions = Mention.objects.count()
        single = real_path(1)
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        log.close()

    failed = Article.objects.exclude(status=Article.Status.ANNOTATED).count()
    n = len(texts)
    print(f"bare nlp.pipe            {bare:7.2f} s  {n / bare:6.2f} articles/s  {words / bare:8.0f} words/s")
    print(f"real path, batches of {args.batch:<3}{batched:7.2f} s  {n / batched:6.2f} articles/s  {words / batched:8.0f} words/s"
          f"  ratio {bare / batched:.2f}")
    print(f"real path, one by one    {single:7.2f} s  {n / single:6.2f} articles/s  {words / single:8.0f} words/s"
          f"  ratio {bare / single:.2f}")
    print(f"{mentions:,} mentions written; {failed} articles not annotated")


def wait_done(ids, timeout):
    from articles.models import Article

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pending = Article.objects.filter(id__in=ids, status__in=["queued", "annotating"]).count()
        if pending == 0:
            return
        time.sleep(0.05)
    raise SystemExit(f"timed out: {pending} articles still pending")


if __name__ == "__main__":
    main()
