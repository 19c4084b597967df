"""Stories: B-cubed precision, recall and F1 of the online assignment, against TF-IDF clustering.

Run: .venv/bin/python bench/stories.py [--tune FILE] [--orders N]
Both story sets go through the real path (ingest → annotation → story_assign, one article at a
time, in a fixed shuffled order so that the file's grouping is not the arrival order) in a
throwaway embedded database. The similarity threshold is chosen on ONE file (default: the English
ECB+ set) and the other file is reported at that threshold as unseen. The TF-IDF reference
(title + text, sublinear tf, accents stripped, cosine, average link, its best threshold found on
the file itself: an optimistic ceiling) is computed in the same run.

Dates: ECB+ gives some articles a publication date, RPM2 none. Undated articles are placed at
the time they were added; the bench adds everything within a minute, so for them the 7-day
window covers the whole file and only the evidence (actors, words, places, dates) separates
stories. Dated articles are compared by their dates.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

CORPUS = REPO.parent / "shared" / "corpus" / "dev"
FILES = {"en": CORPUS / "en-ecbplus-stories-dev.jsonl", "fr": CORPUS / "fr-rpm2-stories-dev.jsonl"}
REFERENCE = {"en": 0.867, "fr": 0.674}  # corpus README, TF-IDF average link at the file's own best threshold
THRESHOLDS = [round(0.1 + 0.025 * i, 3) for i in range(9)]


def bcubed(predicted: list, gold: list) -> tuple[float, float, float]:
    by_pred, by_gold = defaultdict(set), defaultdict(set)
    for i, (p, g) in enumerate(zip(predicted, gold, strict=True)):
        by_pred[p].add(i)
        by_gold[g].add(i)
    precision = recall = 0.0
    for p, g in zip(predicted, gold, strict=True):
        both = len(by_pred[p] & by_gold[g])
        precision += both / len(by_pred[p])
        recall += both / len(by_gold[g])
    precision, recall = precision / len(gold), recall / len(gold)
    return precision, recall, 2 * precision * recall / (precision + recall)


def per_order(runs: list[tuple]) -> str:
    """Each arrival order's precision, recall, F1 and number of stories."""
    return "; ".join(f"{p:.3f} / {r:.3f} / {f:.3f}, {n}" for p, r, f, _, n in runs)


def tfidf_reference(rows: list[dict]) -> tuple[float, float]:
    """Best B-cubed F1 of TF-IDF + average-link clustering over thresholds, and that threshold."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer(sublinear_tf=True, strip_accents="unicode").fit_transform(
        [row["title"] + "\n" + row["text"] for row in rows]).toarray()
    gold = [row["story"] for row in rows]
    best = (0.0, 0.0)
    for threshold in [round(0.05 + 0.01 * i, 2) for i in range(40)]:
        labels = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
                                         distance_threshold=1 - threshold).fit_predict(matrix)
        best = max(best, (bcubed(list(labels), gold)[2], threshold))
    return best


def setup_django(var_dir: str | None) -> None:
    var_dir = var_dir or tempfile.mkdtemp(prefix="pressreview-stories-")
    print(f"database in {var_dir} (--var-dir {var_dir} reuses its annotated articles)")
    for name in ("DATABASE_URL", "REDIS_URL", "PRESSREVIEW_ENV"):
        os.environ.pop(name, None)
    os.environ["PRESSREVIEW_VAR_DIR"] = var_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "pressreview.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    if not str(settings.DATABASES["default"]["NAME"]).startswith(var_dir):
        raise SystemExit("refusing to run: the database is not the throwaway one")
    call_command("migrate", verbosity=0)


def ingest(rows: list[dict]) -> list[int]:
    """Store and annotate; rows the product refuses (an empty text) are removed from ``rows``."""
    from articles.services.annotation import articles_annotate
    from articles.services.ingest import IngestError, article_create

    ids, kept = [], []
    for row in rows:
        published = None
        if row.get("published_at"):
            published = datetime.fromisoformat(row["published_at"][:10]).replace(hour=12, tzinfo=UTC)
        try:
            result = article_create(body=row["text"], title=row["title"] or "", source_name=row.get("source") or "",
                                    published_at=published, language=row["lang"], enqueue=False)
        except IngestError as exc:
            print(f"  {row['id']} not stored: {exc}")
            continue
        ids.append(result.article.id)
        kept.append(row)
    rows[:] = kept
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), 32):
        articles_annotate(article_ids=unique[start:start + 32])
    return ids


def assign_all(ids: list[int], threshold: float) -> tuple[list[int | None], float]:
    """Every article assigned online, in the given order; the story of each and seconds per article."""
    from django.conf import settings

    from articles.models import Article
    from stories.services import stories_reset, story_assign

    settings.STORY_THRESHOLD = threshold
    stories_reset()
    started = time.perf_counter()
    for article_id in dict.fromkeys(ids):
        story_assign(article_id=article_id)
    seconds = (time.perf_counter() - started) / len(set(ids))
    story = dict(Article.objects.filter(id__in=ids).values_list("id", "story_id"))
    return [story[i] for i in ids], seconds


def archive_fill(articles: int, vocabulary: list[tuple[str, int]], total: int, rng: random.Random) -> None:
    """A synthetic archive of ``articles`` articles (three per story) spread from 2004 to now: stories
    with centroids and index keys drawn from the real files' keys by their frequency, and key
    frequencies scaled to the archive's size. Written directly: only the index's size matters here."""
    from django.db import transaction

    from stories.models import KeyFrequency, Story, StoryKey
    from stories.services import INDEX_KEYS

    keys = [key for key, _ in vocabulary]
    weights = [df for _, df in vocabulary]
    start = datetime(2004, 1, 1, tzinfo=UTC).timestamp()
    span = datetime.now(UTC).timestamp() - start
    with transaction.atomic():
        KeyFrequency.objects.all().delete()
        KeyFrequency.objects.bulk_create(
            [KeyFrequency(key="", df=articles)]
            + [KeyFrequency(key=key, df=max(1, df * articles // total)) for key, df in vocabulary], batch_size=5000)
        for first in range(0, articles // 3, 2000):
            stories, chosen = [], []
            for _ in range(min(2000, articles // 3 - first)):
                when = datetime.fromtimestamp(start + rng.random() * span, UTC)
                picked = sorted(set(rng.choices(keys, weights=weights, k=INDEX_KEYS)))
                stories.append(Story(title="archive", first_seen=when, last_seen=when, last_added=when,
                                     article_count=3, centroid={key: 1.0 for key in picked}))
                chosen.append(picked)
            Story.objects.bulk_create(stories, batch_size=2000)
            StoryKey.objects.bulk_create(
                [StoryKey(story=story, key=key, first_seen=story.first_seen, last_seen=story.last_seen,
                          last_added=story.last_added) for story, picked in zip(stories, chosen, strict=True)
                 for key in picked], batch_size=5000)


def scale(ids: list[int], sizes=(1_000, 100_000), sample=150) -> None:
    """Seconds per article assigned on top of archives of each size (the same articles each time)."""
    from stories.models import KeyFrequency
    from stories.services import stories_reset, story_assign

    assign_all(ids, 0.2)
    vocabulary = list(KeyFrequency.objects.exclude(key="").values_list("key", "df"))
    total = KeyFrequency.objects.get(key="").df
    print("assignment time against the archive's size (synthetic archive, the same real articles each time):")
    for size in sizes:
        stories_reset()
        archive_fill(size, vocabulary, total, random.Random(size))
        started = time.perf_counter()
        for article_id in ids[:sample]:
            story_assign(article_id=article_id)
        per_article = (time.perf_counter() - started) / sample
        print(f"  archive of {size:>7,} articles: {per_article * 1000:6.1f} ms per article")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tune", choices=list(FILES), default="en", help="the file thresholds are chosen on")
    parser.add_argument("--var-dir", help="a previous run's folder: its articles are already annotated")
    parser.add_argument("--thresholds", type=float, nargs="+", default=THRESHOLDS, help="tried on the tuning file")
    parser.add_argument("--reference", action="store_true", help="also compute the TF-IDF reference here")
    parser.add_argument("--scale", action="store_true", help="only the cost against archives of 1,000 and 100,000")
    parser.add_argument("--orders", type=int, default=1,
                        help="arrival orders each file is assigned in (the figures are their mean): how much "
                             "the grouping depends on the order articles come in")
    parser.add_argument("--profile", action="store_true", help="profile one assignment pass of the tuning file")
    parser.add_argument("--tune-only", action="store_true",
                        help="score the tuning file only: the unseen file is not run (it stays unseen)")
    args = parser.parse_args()
    if not all(path.exists() for path in FILES.values()):
        print(f"SKIP bench/stories.py: the story sets are not in {CORPUS}")
        return 0
    setup_django(args.var_dir)
    data = {lang: [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
            for lang, path in FILES.items()}
    order = {}
    started = time.perf_counter()
    for lang, rows in data.items():
        random.Random(0).shuffle(rows)  # arrival order: not the file's grouping
        order[lang] = ingest(rows)
    print(f"ingested and annotated {sum(map(len, data.values()))} articles in {time.perf_counter() - started:.0f} s")

    if args.scale:
        scale(order[args.tune])
        return 0
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(assign_all, order[args.tune], 0.2)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        return 0
    # Each file alone, as two desks would see them (the same machinery, reset between runs). The
    # thresholds are tried on the tuning file only; the unseen file is run once, at the chosen one.
    tune, unseen = args.tune, next(lang for lang in FILES if lang != args.tune)
    gold = {lang: [row["story"] for row in data[lang]] for lang in FILES}
    gold = {lang: dict(zip(order[lang], gold[lang], strict=True)) for lang in FILES}

    def scored(lang, threshold):
        """P, R, F1, seconds per article and stories, averaged over the arrival orders, and each order's F1."""
        runs = []
        for seed in range(args.orders):
            ids = list(order[lang])
            if seed:  # order 0 is the bench's fixed shuffle; the others shuffle it again
                random.Random(seed).shuffle(ids)
            predicted, seconds = assign_all(ids, threshold)
            runs.append((*bcubed(predicted, [gold[lang][i] for i in ids]), seconds, len(set(predicted))))
        return tuple(sum(run[i] for run in runs) / len(runs) for i in range(5)), runs

    results, spread = {}, {}
    for threshold in args.thresholds:
        results[tune, threshold], spread[tune, threshold] = scored(tune, threshold)
        print(f"  {FILES[tune].name} at {threshold:.3f}: F1 {results[tune, threshold][2]:.3f}"
              + (f" (orders: {', '.join(f'{run[2]:.3f}' for run in spread[tune, threshold])})"
                 if args.orders > 1 else ""))
    chosen = max(args.thresholds, key=lambda t: (results[tune, t][2], -t))
    print(f"threshold chosen on {FILES[tune].name}: {chosen}")
    if args.tune_only:
        precision, recall, f1, seconds, n = results[tune, chosen]
        print(f"{FILES[tune].name}: P {precision:.3f} R {recall:.3f} F1 {f1:.3f}, {n:.0f} stories "
              f"for {len(set(gold[tune].values()))}, {seconds * 1000:.1f} ms per article")
        if args.orders > 1:
            print(f"per arrival order (P / R / F1, stories): {per_order(spread[tune, chosen])}")
        return 0
    results[unseen, chosen], spread[unseen, chosen] = scored(unseen, chosen)
    print(f"{'file':28s} {'role':7s} {'P':>6s} {'R':>6s} {'F1':>6s} {'ref F1':>7s} {'ref*':>6s} {'ratio':>6s} "
          f"{'stories':>7s} {'gold':>5s} {'ms/art':>7s}")
    for lang, role in ((tune, "tuned"), (unseen, "unseen")):
        precision, recall, f1, seconds, n = results[lang, chosen]
        ref, ref_threshold = tfidf_reference(data[lang]) if args.reference else (float("nan"), None)
        print(f"{FILES[lang].name:28s} {role:7s} {precision:6.3f} {recall:6.3f} {f1:6.3f} {REFERENCE[lang]:7.3f} "
              f"{ref:6.3f} {f1 / REFERENCE[lang]:6.3f} {n:7.0f} {len(set(gold[lang].values())):5d} "
              f"{seconds * 1000:7.1f}")
    if args.orders > 1:
        for lang in (tune, unseen):
            print(f"{FILES[lang].name}: per arrival order (P / R / F1, stories) {per_order(spread[lang, chosen])}")
    print("ref = corpus README figure; ref* = TF-IDF average link measured here at its own best threshold "
          "(--reference); with --orders N, every figure is the mean over N arrival orders")
    return 0


if __name__ == "__main__":
    sys.exit(main())
