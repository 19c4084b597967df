"""Throughput of the real annotation path against bare spaCy, in one run.

Real path: articles stored through the ingest service, ids sent to the broker,
one Celery worker process (concurrency 1) annotates and writes every row.
Baseline: `nlp.pipe` of the same models running exactly the components the
worker runs (`pipeline.components_read`: the sentence splitter rather than the
parser, the lemmatizer for topics; the registry's ruler is empty in both, since
each run starts from an empty registry) and the batch size the real path uses,
on the same texts in this process.

Both exclude model loading: the baseline loads its models before its clock
starts, and the worker is warmed up first (an article of each language, with
language detection, through the batch task). The real path's clock starts when
the ids are sent to the broker (the articles are stored first; storing is timed
apart) and stops when every article has its rows. Both sides are timed
`--repeat` times and the best run counts (the one-by-one path runs once), since
this machine's timings vary from run to run. CPU seconds are printed too (the
baseline's process; the worker's processes): they vary less with the load of
the machine than elapsed time does. Where Linux tells it, so is the time each
side was ready to run but waited for a CPU that other programs held, and the
ratio of elapsed times net of that wait.

The worker consumes the queue its tasks go to in production: `bulk` for the batches (as the
Procfile's `bulk` worker; the story assignment each annotation sends on commit goes to `annotate`,
which another worker takes), `annotate` for the one-by-one path.

    .venv/bin/python bench/annotate.py [--articles 200] [--batch 50] [--repeat 2] [--no-single]
                                       [--pool prefork] [--concurrency 1]

--pool solo runs the tasks in the worker's main process (no pool process, no hand-over), to compare
with the prefork pool the Procfile and `make run` use. --concurrency N gives the worker N pool
processes (the Procfile's `worker` and `bulk` lines start 2) and adds a second baseline given the same
cores: `nlp.pipe(..., n_process=N)`, spaCy's own way of using N processes; the first baseline (one
process) stays beside it.

Embedded mode (a fresh SQLite + filesystem broker in a temporary folder) unless
--services is given, in which case DATABASE_URL and REDIS_URL are used as set.
"""

import argparse
import inspect
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


def _tree(pid: int) -> list[int]:
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        pids += [int(c) for c in (task / "children").read_text().split()]
    return pids


def process_tree_cpu(pid: int) -> tuple[float, float | None] | None:
    """(CPU seconds used, seconds spent waiting for a CPU) so far by a process and
    its live children, from Linux /proc; None where it cannot be read."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    used = 0.0
    waited: float | None = 0.0
    try:
        for i, p in enumerate(_tree(pid)):
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            # utime, stime; and for the parent, its reaped children's (a replaced pool child).
            used += sum(int(v) for v in fields[11:13] + (fields[13:15] if i == 0 else [])) / tick
            try:
                waited += int(Path(f"/proc/{p}/schedstat").read_text().split()[1]) / 1e9
            except (OSError, ValueError, IndexError, TypeError):
                waited = None
    except (OSError, ValueError, IndexError):
        return None
    return used, waited


def _delta(before, after) -> tuple[float | None, float | None]:
    if before is None or after is None:
        return None, None
    waited = after[1] - before[1] if before[1] is not None and after[1] is not None else None
    return after[0] - before[0], waited


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=2,
                        help="runs of the baseline and of the batched path; the best counts")
    parser.add_argument("--no-single", dest="single", action="store_false", help="skip the one-by-one path")
    parser.add_argument("--pool", choices=("prefork", "solo"), default="prefork",
                        help="the worker's pool (default prefork, as the Procfile and make run)")
    parser.add_argument("--concurrency", type=int, default=1,
                        help="the worker's pool processes; above 1, nlp.pipe with as many processes is timed too")
    parser.add_argument("--services", action="store_true",
                        help="use DATABASE_URL/REDIS_URL instead of a temp embedded setup")
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

    from articles.models import Actor, Article, Mention
    from articles.nlp.pipeline import Annotator, components_read
    from articles.services.ingest import article_create
    from articles.tasks import annotate_article, annotate_batch
    from pressreview.celery import app as celery_app

    call_command("migrate", verbosity=0)
    Article.objects.all().delete()
    Actor.objects.all().delete()
    texts = build_texts(args.articles)
    words = sum(len(text.split()) for _, text in texts)
    mode = "PostgreSQL + Redis" if args.services else "embedded (SQLite + filesystem broker)"
    print(f"{len(texts)} articles, {words:,} words; {mode}; batch size {args.batch}; worker pool {args.pool}")

    # Baseline: bare nlp.pipe, same models and components as the worker runs, same texts,
    # the real path's batch size (spaCy's default, 1000, is slower on this machine).
    batch_size = inspect.signature(Annotator.annotate_many).parameters["batch_size"].default
    models = {}
    for lang in ("fr", "en"):
        nlp = spacy.load(settings.SPACY_MODELS[lang])
        read = components_read(nlp, topics=True)
        models[lang] = nlp
        for component in nlp.component_names:
            if component in read and component in nlp.disabled:
                nlp.enable_pipe(component)
            elif component not in read and component not in nlp.disabled:
                nlp.disable_pipe(component)
        print(f"baseline {lang}: {', '.join(nlp.pipe_names)}")

    def bare_pipe(models: dict, n_process: int) -> list[tuple[float, float, float | None]]:
        runs = []
        for _ in range(args.repeat):
            before = process_tree_cpu(os.getpid())
            start, cpu = time.perf_counter(), time.process_time()
            for lang, nlp in models.items():
                inputs = [text.replace("\u2019", "'") for text_lang, text in texts if text_lang == lang]
                # With several processes, spaCy hands each a batch: the real path's task size.
                size = batch_size if n_process == 1 else args.batch
                for _ in nlp.pipe(inputs, batch_size=size, n_process=n_process):
                    pass
            elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
            runs.append((elapsed, cpu, _delta(before, process_tree_cpu(os.getpid()))[1]))
        return runs

    bare_runs = bare_pipe(models, 1)
    bare, bare_cpu, bare_waited = min(bare_runs)
    # Same cores: spaCy's processes are the children of this one, so only elapsed time is compared.
    same_cores = min(bare_pipe(models, args.concurrency))[0] if args.concurrency > 1 else None
    del models

    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
    log = open(Path(settings.VAR_DIR) / "bench-worker.log", "wb")
    def start_worker(queue: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "pressreview", "worker", "-Q", queue,
             "--concurrency", str(args.concurrency), "--pool", args.pool, "--loglevel", "WARNING",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
        )

    def warm_up(send, *, stories: bool) -> None:
        """An article of each language, detected, sent by ``send``; deleted once annotated, and
        once in its story when this worker assigns stories (a story written for a deleted article
        would fail the delete)."""
        warm = [article_create(body=body, enqueue=False).article.id for body in (
            "Le ministre de l'Intérieur Gérald Darmanin est arrivé à Rabat pour une visite officielle au Maroc.",
            "The Prime Minister met union leaders in London on Monday to discuss the strike.",
        )]
        send(warm)
        wait_done(warm, timeout=300)
        if stories:
            wait_done(warm, timeout=60, pending=Article.objects.filter(story__isnull=True))
        Article.objects.filter(id__in=warm).delete()

    worker = start_worker("bulk")  # the queue the batches go to in production (see the docstring)
    try:
        warm_up(annotate_batch.delay, stories=False)

        def real_path(batch: int) -> tuple[float, float, float | None, float | None]:
            """Seconds from enqueue to the last row, seconds storing the articles,
            and the worker's CPU seconds and seconds waiting for a CPU."""
            Article.objects.all().delete()
            Actor.objects.all().delete()  # each run starts from the same empty registry
            stored = time.perf_counter()
            with transaction.atomic():
                ids = [article_create(body=text, title=f"bench {i}", enqueue=False).article.id
                       for i, (_, text) in enumerate(texts)]
            stored = time.perf_counter() - stored
            cpu = process_tree_cpu(worker.pid)
            started = time.perf_counter()
            if batch > 1:
                for i in range(0, len(ids), batch):
                    annotate_batch.delay(ids[i : i + batch])
            else:
                for article_id in ids:
                    annotate_article.delay(article_id)  # as the ingest service sends them
            wait_done(ids, timeout=1800)
            elapsed = time.perf_counter() - started
            return elapsed, stored, *_delta(cpu, process_tree_cpu(worker.pid))

        batched_runs = []
        failed = 0
        for _ in range(args.repeat):
            batched_runs.append(real_path(args.batch))
            mentions = Mention.objects.count()
            failed += Article.objects.exclude(status=Article.Status.ANNOTATED).count()
        batched = min(batched_runs)
        if args.single:
            # A worker on `annotate`, as the Procfile's `worker`: it also takes the story assignments,
            # as in production, but not those of the batched runs (never consumed here).
            worker.terminate()
            worker.wait(timeout=60)
            with celery_app.connection_for_write() as connection:
                connection.default_channel.queue_purge("annotate")
            worker = start_worker("annotate")
            warm_up(lambda ids: [annotate_article.delay(article_id) for article_id in ids], stories=True)
            single = real_path(1)
            failed += Article.objects.exclude(status=Article.Status.ANNOTATED).count()
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        log.close()

    n = len(texts)

    def line(label, seconds, cpu, waited, extra=""):
        cpu_text = f"  cpu {cpu:6.2f} s" if cpu is not None else ""
        waited_text = f"  waited for a CPU {waited:5.2f} s" if waited is not None else ""
        return (f"{label:<25}{seconds:7.2f} s  {n / seconds:6.2f} articles/s  {words / seconds:8.0f} words/s"
                f"{cpu_text}{waited_text}{extra}")

    print(f"bare nlp.pipe with batch_size={batch_size}; worker: {args.concurrency} {args.pool} pool process(es)")
    print(line("bare nlp.pipe", bare, bare_cpu, bare_waited)
          + "   (runs: " + ", ".join(f"{s:.2f}" for s, _, _ in bare_runs) + ")")
    if same_cores:
        print(line(f"bare, n_process={args.concurrency}", same_cores, None, None))

    def ratios(seconds, cpu, waited):
        text = f"  ratio {bare / seconds:.2f}"
        if cpu:
            text += f", cpu ratio {bare_cpu / cpu:.2f}"
        if waited is not None and bare_waited is not None and seconds > waited:
            # Elapsed time less the time spent ready to run while other programs had the CPUs.
            text += f", net of waiting {(bare - bare_waited) / (seconds - waited):.2f}"
        return text

    seconds, stored, cpu, waited = batched
    if same_cores:
        print(f"same cores: real path / nlp.pipe(n_process={args.concurrency}) {same_cores / seconds:.2f}")
    print(line(f"real path, batches of {args.batch}", seconds, cpu, waited, ratios(seconds, cpu, waited))
          + "   (runs: " + ", ".join(f"{s:.2f}" for s, _, _, _ in batched_runs) + f"; storing {stored:.2f} s apart)")
    if args.single:
        seconds, stored, cpu, waited = single
        print(line("real path, one by one", seconds, cpu, waited, ratios(seconds, cpu, waited)))
    print(f"{mentions:,} mentions written per run; {failed} articles not annotated in all runs")


def wait_done(ids, timeout, pending=None):
    """Until none of ``ids`` is in ``pending`` (default: articles queued or annotating)."""
    from articles.models import Article

    if pending is None:
        pending = Article.objects.filter(status__in=["queued", "annotating"])
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        waiting = pending.filter(id__in=ids).count()
        if waiting == 0:
            return
        time.sleep(0.05)
    raise SystemExit(f"timed out: {waiting} articles still pending")


if __name__ == "__main__":
    main()
