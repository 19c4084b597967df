"""Bulk import throughput on PostgreSQL, against bare baselines measured in the same run.

Insert phase: --articles (10,000) generated articles in a CSV, imported through the
admin's code path: ``import_start`` stores the file and ``import_run`` (what the
``imports.run_import`` task runs) reads, checks, de-duplicates and inserts the rows
in chunks, then queues them for annotation. Baseline: a bare
``Article.objects.bulk_create`` of the same rows, already cleaned and hashed, in one
transaction. Both start from empty tables, alternate, and the best of --repeat runs
counts. The full-text search documents, which a worker writes once the rows are in
(``articles.index_search``, on the export queue), are timed apart. A re-import of the
same file (everything a duplicate) is timed too. The CPU seconds of each run (this
process's threads and its PostgreSQL backend, when the server runs on this machine) are
printed beside the elapsed times.

Annotation phase: --annotate (1,000) of those articles imported again through a
real Celery worker (concurrency 1, the task on the bulk queue, then ``annotate_batch``
tasks of 50), timed from the commit of the rows to the last article annotated.
Baseline: bare ``nlp.pipe`` of the same models as ``spacy.load`` gives them, on the
same texts, in this process (CPU seconds are printed too: the worker's process tree
against this process; they vary less than elapsed time when the machine is shared).
The worker's peak memory (VmHWM of its pool process) is read after its warm-up (an
import of 50 other articles through the same path) and at the end.

Articles are built from the shared corpus (the demo article's paragraphs and HIPE
newspaper segments in French, BBC articles in English), recombined so that no two
are duplicates: different paragraphs, order, dateline and source each time.

    DATABASE_URL=postgres://… REDIS_URL=redis://… .venv/bin/python bench/bulk_import.py
        [--articles 10000] [--annotate 1000] [--repeat 3]
"""

import argparse
import csv
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
sys.path.insert(0, str(REPO))

NEWSPAPERS = {"EXP": "L'Express", "GDL": "Gazette de Lausanne"}
EN_SOURCES = ["BBC News", "BBC News Online", "BBC World Service"]
FR_SOURCES = ["Le Desk", "AFP", "Le Monde", "Le 360", "TelQuel"]


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def build_rows(count: int, seed: int = 2024) -> list[dict]:
    """Distinct, realistic articles with their metadata, half French, half English."""
    from articles.services.ingest import content_fingerprint

    rng = random.Random(seed)
    demo = (CORPUS / "fr-darmanin-rabat.txt").read_text(encoding="utf-8").split("\n")
    paragraphs = [p.strip() for p in demo if len(p.strip()) > 120][:16]  # the article, not the site's footer
    segments = [json.loads(line) for line in (CORPUS / "dev" / "fr-hipe2020-dev.jsonl").open(encoding="utf-8")]
    bbc = [json.loads(line) for line in (CORPUS / "dev" / "en-bbc-topics-dev.jsonl").open(encoding="utf-8")]
    by_section: dict[str, list[dict]] = {}
    for item in bbc:
        by_section.setdefault(item["label"], []).append(item)

    rows, seen = [], set()
    while len(rows) < count:
        i = len(rows)
        if i % 2 == 0:
            start = rng.randrange(len(segments))
            chosen = [segments[(start + k) % len(segments)] for k in range(rng.randint(6, 14))]
            body_parts = rng.sample(paragraphs, rng.randint(1, 3)) + [s["text"] for s in chosen]
            rng.shuffle(body_parts)
            lead = chosen[0]
            title = " ".join(lead["text"].split()[: rng.randint(6, 12)]).rstrip(",;:")
            source = NEWSPAPERS.get(lead["newspaper"]) if rng.random() < 0.5 else rng.choice(FR_SOURCES)
            day = date.fromisoformat(lead["date"]) + timedelta(days=rng.randint(0, 3650))
            dateline = f"{rng.choice(['RABAT', 'PARIS', 'GENÈVE', 'NEUCHÂTEL', 'LAUSANNE'])}, {day:%d/%m/%Y}"
            language = "fr"
        else:
            item = rng.choice(bbc)
            extra = rng.choice(by_section[item["label"]])
            paras = [p for p in item["text"].split("\n\n") if p.strip()]
            if len(paras) > 4:
                paras.pop(rng.randrange(1, len(paras)))
            extra_paras = [p for p in extra["text"].split("\n\n") if p.strip()]
            paras.insert(rng.randint(1, len(paras)), rng.choice(extra_paras))
            body_parts = paras
            title = item["title"]
            source = rng.choice(EN_SOURCES)
            day = date(2004, 1, 1) + timedelta(days=rng.randint(0, 800))
            dateline = f"{rng.choice(['LONDON', 'EDINBURGH', 'NEW YORK', 'BRUSSELS'])}, {day:%d %B %Y}"
            language = "en"
        body = f"{dateline} — " + "\n\n".join(body_parts)
        fingerprint = content_fingerprint(body)
        if fingerprint in seen:
            continue
        seen.add(fingerprint)
        rows.append({
            "title": title,
            "body": body,
            "url": f"https://www.{slug(source)}.example/{day:%Y/%m/%d}/{slug(title)}-{i}",
            "source": source,
            "published_at": f"{day.isoformat()}T{rng.randint(5, 22):02d}:{rng.randint(0, 59):02d}:00+01:00",
            "language": language,
        })
    return rows


def write_csv(rows: list[dict], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["title", "body", "url", "source", "published_at", "language"])
        writer.writeheader()
        writer.writerows(rows)


def empty_tables():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE articles_article, articles_source, imports_importbatch, imports_importedarticle, "
                       "imports_importissue RESTART IDENTITY CASCADE")
        cursor.execute("VACUUM ANALYZE articles_article")


def cpu_now() -> float:
    """CPU seconds used so far by this process (all its threads) and its PostgreSQL backend.

    The backend's share is read from /proc, so only when the server runs on this machine
    (0 otherwise); on a shared machine these vary less than elapsed time."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        [pid] = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        backend = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        backend = 0.0
    return time.process_time() + backend


def bare_bulk_create(rows: list[dict]) -> tuple[float, float]:
    """Seconds (elapsed, CPU) for a bare bulk_create of the same rows (cleaned and hashed beforehand)."""
    from django.db import transaction
    from django.utils import timezone
    from django.utils.dateparse import parse_datetime

    from articles.models import Article, Source
    from articles.services.ingest import article_prepare

    sources = {}
    for name in sorted({row["source"] for row in rows}):
        sources[name] = Source.objects.create(name=name).id
    prepared = [(article_prepare(body=row["body"], title=row["title"], url=row["url"], language=row["language"]), row)
                for row in rows]
    now = timezone.now()
    cpu, started = cpu_now(), time.perf_counter()
    with transaction.atomic():
        Article.objects.bulk_create(
            [Article(title=p.title, body=p.body, language=p.language, language_given=True,
                     source_id=sources[row["source"]], url=p.url, published_at=parse_datetime(row["published_at"]),
                     content_hash=p.content_hash, queued_at=now) for p, row in prepared],
            batch_size=500,
        )
    return time.perf_counter() - started, cpu_now() - cpu


def import_file(path: Path, *, enqueue: bool):
    from django.core.files import File

    from imports.services.batches import import_start

    with path.open("rb") as handle:
        return import_start(file=File(handle, name=path.name), filename=path.name, options={}, enqueue=enqueue)


def timed_import(path: Path) -> tuple[float, object, float, float]:
    """Seconds (elapsed, CPU) of the import, and elapsed seconds of writing its search documents after it."""
    from articles.services.search import articles_index_missing
    from imports.services.runner import import_run

    batch = import_file(path, enqueue=False)
    cpu, started = cpu_now(), time.perf_counter()
    import_run(batch_id=batch.id)
    elapsed, cpu = time.perf_counter() - started, cpu_now() - cpu
    started = time.perf_counter()
    articles_index_missing()  # what the task the import sends when it ends runs
    indexing = time.perf_counter() - started
    batch.refresh_from_db()
    return elapsed, batch, cpu, indexing


def purge_queues():
    from pressreview.celery import app

    with app.connection_for_write() as conn:
        for queue in ("annotate", "bulk"):
            conn.default_channel.queue_purge(queue)


def pool_processes(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children += [int(c) for c in (task / "children").read_text().split()]
    return children


def memory_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def process_tree_cpu(pid: int) -> float:
    """CPU seconds used so far by a process, its live children and its reaped children (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for i, p in enumerate([pid, *pool_processes(pid)]):
        fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        used = fields[11:13] + (fields[13:15] if i == 0 else [])
        total += sum(int(v) for v in used) / tick
    return total


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise SystemExit(f"timed out waiting for {what}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--annotate", type=int, default=1_000, help="articles for the annotation phase")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of the insert phase and its baseline; the best counts")
    args = parser.parse_args()
    if not CORPUS.exists():
        print(f"skipped: {CORPUS} not found (the shared corpus sits beside the repository)")
        return
    if not (os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get("REDIS_URL")):
        print("skipped: set DATABASE_URL=postgres://… and REDIS_URL=redis://… "
              "(this benchmark is for PostgreSQL + Redis)")
        return
    os.environ.setdefault("PRESSREVIEW_VAR_DIR", tempfile.mkdtemp(prefix="pressreview-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pressreview.settings")

    import django

    django.setup()
    import spacy
    from django.conf import settings
    from django.core.management import call_command
    from django.db.models import Max

    from articles.models import Article, Mention
    from imports.services.report import import_finish

    call_command("migrate", verbosity=0)
    purge_queues()
    import articles.tasks  # noqa: F401  (loaded in a worker before any import runs: spaCy's import is not timed)
    workdir = Path(tempfile.mkdtemp(prefix="bulk-import-"))
    rows = build_rows(args.articles)
    path = workdir / "archive.csv"
    write_csv(rows, path)
    words = sum(len(row["body"].split()) for row in rows)
    print(f"{len(rows):,} articles, {words:,} words, CSV {path.stat().st_size / 1048576:.1f} MB; PostgreSQL + Redis; "
          f"chunks of {settings.IMPORT_CHUNK_ROWS}; load average at the start "
          + ", ".join(f"{v:.1f}" for v in os.getloadavg()) + f" on {os.cpu_count()} cores")

    # --- insert phase ---------------------------------------------------------------------
    bare_runs, import_runs, bare_cpus, import_cpus, index_runs, batch = [], [], [], [], [], None
    for _ in range(args.repeat):
        empty_tables()
        elapsed, cpu = bare_bulk_create(rows)
        bare_runs.append(elapsed)
        bare_cpus.append(cpu)
        empty_tables()
        elapsed, batch, cpu, indexing = timed_import(path)
        purge_queues()  # no worker in this phase: the annotation tasks it queued are dropped
        assert batch.status == "annotating" and batch.created == len(rows), (batch.status, batch.created, batch.error)
        import_runs.append(elapsed)
        import_cpus.append(cpu)
        index_runs.append(indexing)
    reimport, again, _, _ = timed_import(path)
    assert again.created == 0 and again.duplicates == len(rows), (again.created, again.duplicates)
    bare, best = min(bare_runs), min(import_runs)
    n = len(rows)
    print(f"{'bare bulk_create':<34}{bare:7.2f} s  {n / bare:8.0f} rows/s   "
          f"(runs: {', '.join(f'{s:.2f}' for s in bare_runs)}; "
          f"cpu {', '.join(f'{s:.1f}' for s in bare_cpus)})")
    print(f"{'import (admin code path)':<34}{best:7.2f} s  {n / best:8.0f} rows/s   ratio {bare / best:.2f}  "
          f"(runs: {', '.join(f'{s:.2f}' for s in import_runs)}; cpu {', '.join(f'{s:.1f}' for s in import_cpus)}; "
          "parse, check, de-duplicate, insert, queue)")
    print(f"{'then its search documents':<34}{min(index_runs):7.2f} s  {n / min(index_runs):8.0f} rows/s   "
          f"(runs: {', '.join(f'{s:.2f}' for s in index_runs)}; a worker's task after the insert: "
          "the archive is searchable then)")
    print(f"{'re-import of the same file':<34}{reimport:7.2f} s  {n / reimport:8.0f} rows/s   "
          f"0 created, {again.duplicates:,} duplicates")
    print("  (cpu: seconds of this process and of its PostgreSQL backend, per run)")

    # --- annotation phase -----------------------------------------------------------------
    subset = rows[: args.annotate]
    subset_path = workdir / "subset.csv"
    write_csv(subset, subset_path)
    warm_path = workdir / "warm-up.csv"
    write_csv(rows[args.annotate: args.annotate + 50], warm_path)
    models = {lang: spacy.load(settings.SPACY_MODELS[lang]) for lang in ("fr", "en")}
    started, cpu = time.perf_counter(), time.process_time()
    for lang, nlp in models.items():
        for _ in nlp.pipe([row["body"].replace("\u2019", "'") for row in subset if row["language"] == lang]):
            pass
    bare_nlp, bare_cpu = time.perf_counter() - started, time.process_time() - cpu
    del models

    empty_tables()
    log = open(workdir / "worker.log", "wb")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "pressreview", "worker", "-Q", "annotate,bulk", "--concurrency", "1",
         "--loglevel", "WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=REPO, env={**os.environ, "PYTHONUNBUFFERED": "1"}, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        # Warm-up: a first import of 50 other articles, through the same path, so that
        # the peak memory at the start is that of a worker that has annotated a batch.
        warm = import_file(warm_path, enqueue=True)
        wait_for(lambda: import_finish(batch_id=warm.id), 900, "the worker's warm-up")
        [pool] = pool_processes(worker.pid)
        peak_start = memory_kib(pool, "VmHWM")

        cpu_before = process_tree_cpu(worker.pid)
        batch = import_file(subset_path, enqueue=True)
        wait_for(lambda: import_finish(batch_id=batch.id), 3600, "the import to be annotated")
        worker_cpu = process_tree_cpu(worker.pid) - cpu_before
        batch.refresh_from_db()
        last = batch.articles().aggregate(last=Max("annotated_at"))["last"]
        annotate = (last - batch.inserted_at).total_seconds()
        insert_in_worker = (batch.inserted_at - batch.started_at).total_seconds()
        pools = pool_processes(worker.pid)
        peak_end = memory_kib(pools[0], "VmHWM") if pools else 0
        replaced = pools != [pool]
        annotated = batch.articles().filter(status=Article.Status.ANNOTATED).count()
        mentions = Mention.objects.filter(article__import_entry__batch=batch).count()
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        log.close()

    m = len(subset)
    print(f"annotation phase on {m:,} of the articles (all {n:,} would take about "
          f"{annotate * n / m / 60:.0f} min on this machine):")
    print(f"{'bare nlp.pipe':<34}{bare_nlp:7.2f} s  {m / bare_nlp:8.1f} articles/s   cpu {bare_cpu:.1f} s")
    print(f"{'import → worker → rows':<34}{annotate:7.2f} s  {m / annotate:8.1f} articles/s   "
          f"ratio {bare_nlp / annotate:.2f}, "
          f"cpu {worker_cpu:.1f} s, cpu ratio {bare_cpu / worker_cpu:.2f}  "
          f"({annotated:,} annotated, {mentions:,} mentions; "
          f"the worker's insert phase took {insert_in_worker:.2f} s)")
    growth = 100 * (peak_end - peak_start) / peak_start if peak_start else float("nan")
    print(f"worker peak memory (VmHWM of the pool process): {peak_start / 1024:.0f} MB after warm-up, "
          f"{peak_end / 1024:.0f} MB at the end: {growth:+.1f} %"
          + ("  (the pool process was replaced during the run: max memory per child reached)" if replaced else ""))
    print(f"targets: insert ratio >= 0.5 ({bare / best:.2f}), insert >= 2,000 rows/s ({n / best:,.0f}), "
          f"annotation ratio >= 0.8 ({bare_nlp / annotate:.2f}), memory growth < 10 % ({growth:+.1f} %)")
    print("load average (1, 5, 15 min) at the end: " + ", ".join(f"{v:.1f}" for v in os.getloadavg())
          + f" on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
