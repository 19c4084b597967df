"""Suggested duplicates on a registry built from real news text, against the previous rule, in one run.

The registry: every text of the shared corpus's dev files (HIPE newspaper
segments joined per article, BBC, ECB+ and RPM2 articles) and the demo article,
stored through the ingest service and annotated in process by the real
pipeline (``articles_annotate``: the same service the workers call), in a fresh
embedded database. Then the suggestions of the current rules
(``articles.duplicates``) and of the rule they replace (kept below, as it was,
for this comparison only) are scored:

- precision of the first 50 suggestions as the page lists them (the old page:
  its first 50 in alphabetical order), against pairs judged by hand in
  ``bench/data/duplicates-judged.tsv``; pairs not judged yet are printed with
  ``--unjudged`` and counted apart, never as right;
- recall of ``bench/data/duplicates-true-pairs.tsv``, pairs of names the corpus
  uses for one entity, written down from the texts before any suggestion was
  computed: over every suggestion and over the first 50, and over the pairs
  the registry still holds as two actors ("findable": the pipeline may already
  have joined both names into one actor, or never found one of them).

Also timed: both rules on the registry, and the current one on a registry made
``--scale`` times larger by copies of every name with a distinct extra word
(blocking keeps it near-linear; the old rule is timed on the same copies).

    .venv/bin/python bench/duplicates.py [--limit N] [--scale 8] [--unjudged]
"""

import argparse
import json
import os
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
DATA = REPO / "bench" / "data"
sys.path.insert(0, str(REPO))
TOP = 50


def load_texts(limit: int | None) -> list[tuple[str, str, str]]:
    """(language, title, body) of the demo article and every dev text; HIPE segments joined per article."""
    texts = [("fr", "", (CORPUS / "fr-darmanin-rabat.txt").read_text(encoding="utf-8"))]
    hipe = defaultdict(list)
    for line in (CORPUS / "dev" / "fr-hipe2020-dev.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        hipe[row["document_id"]].append(row["text"])
    texts += [("fr", "", "\n\n".join(segments)) for segments in hipe.values()]
    for name in ("en-bbc-topics-dev", "en-ecbplus-stories-dev", "fr-rpm2-stories-dev"):
        for line in (CORPUS / "dev" / f"{name}.jsonl").open(encoding="utf-8"):
            row = json.loads(line)
            texts.append((row["lang"], row.get("title") or "", row["text"]))
    return texts[:limit] if limit else texts


def build_registry(texts) -> float:
    from articles.services.annotation import articles_annotate
    from articles.services.ingest import IngestError, article_create

    ids = []
    for language, title, body in texts:
        try:
            result = article_create(body=body, title=title, language=language, enqueue=False)
        except IngestError as exc:
            print(f"  not stored: {exc}")
            continue
        if not result.duplicate:
            ids.append(result.article.id)
    started = time.perf_counter()
    for i in range(0, len(ids), 50):
        articles_annotate(article_ids=ids[i:i + 50])
    return time.perf_counter() - started


def registry_snapshot() -> dict[int, tuple[str, str, set[str]]]:
    """Live canonical actors as the suggestions see them: id → (kind, name, surfaces)."""
    from django.db.models import Exists, OuterRef, Q

    from articles.models import Actor, ActorAlias, Decision, Mention

    live = Mention.objects.filter(actor=OuterRef("pk")).exclude(decision=Decision.REJECTED)
    actors = {
        a.id: (a.kind, a.name, {a.name}) for a in Actor.objects.canonical().filter(Q(confirmed=True) | Exists(live))
    }
    for actor_id, surface in ActorAlias.objects.filter(actor_id__in=list(actors)).values_list("actor_id", "surface"):
        actors[actor_id][2].add(surface)
    return actors


# The rule the current one replaces, as it was, on plain data.
_OLD_SKIP = {"de", "des", "du", "la", "le", "les", "l", "d", "et", "of", "the", "and", "for", "pour", "en", "à", "a"}


def old_pairs(actors) -> list[tuple[int, int, str]]:
    from articles.models import fold_surface

    def name_words(text):
        return [w for w in re.split(r"[\s\-'’.]+", fold_surface(text)) if w]

    def initials_of(words):
        return "".join(w[0] for w in words if w and w not in _OLD_SKIP).upper()

    acronyms, initials, flat, surnames = defaultdict(set), defaultdict(set), defaultdict(set), defaultdict(set)
    for actor_id, (kind, _name, surfaces) in actors.items():
        for surface in surfaces:
            words = name_words(surface)
            compact = surface.replace(".", "").strip()
            if 2 <= len(compact) <= 8 and compact.isupper() and compact.isalpha():
                acronyms[(kind, compact)].add(actor_id)
            elif len([w for w in words if w not in _OLD_SKIP]) >= 2:
                initials[(kind, initials_of(words))].add(actor_id)
            if words:
                flat[(kind, "".join(words))].add(actor_id)
            if kind == "person" and words and len(words[-1]) >= 3:
                surnames[words[-1]].add((actor_id, words[0][0] if len(words) > 1 else ""))
    pairs = {}

    def add(a, b, reason):
        if a != b:
            pairs.setdefault((min(a, b), max(a, b)), reason)

    for (kind, acronym), holders in acronyms.items():
        for a in holders:
            for b in initials.get((kind, acronym), set()) | initials.get((kind, acronym[1:]), set()):
                add(a, b, "acronym")
    for holders in flat.values():
        ordered = sorted(holders)
        for b in ordered[1:]:
            add(ordered[0], b, "same name")
    for people in surnames.values():
        people = sorted(people)
        for i, (a, initial_a) in enumerate(people):
            for b, initial_b in people[i + 1:]:
                if not initial_a or not initial_b or initial_a == initial_b:
                    add(a, b, "same surname")
    found = [(a, b, reason) for (a, b), reason in pairs.items()]
    found.sort(key=lambda p: (actors[p[0]][1].lower(), actors[p[1]][1].lower()))
    return found


def pair_key(a: str, b: str) -> tuple[str, str]:
    return tuple(sorted((a, b)))


def load_judged() -> dict[tuple[str, str], bool]:
    judged = {}
    path = DATA / "duplicates-judged.tsv"
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                a, b, verdict = line.split("\t")[:3]
                judged[pair_key(a, b)] = verdict.strip() == "true"
    return judged


def load_true_pairs() -> list[tuple[str, str]]:
    lines = (DATA / "duplicates-true-pairs.tsv").read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t")[:2]) for line in lines if line.strip() and not line.startswith("#")]


def precision(named: list[tuple[str, str]], judged) -> tuple[float | None, int, int, list]:
    verdicts = [judged.get(pair_key(a, b)) for a, b in named]
    known = [v for v in verdicts if v is not None]
    unjudged = [pair for pair, v in zip(named, verdicts, strict=True) if v is None]
    return (sum(known) / len(known) if known else None), sum(known), len(known), unjudged


STATUS: dict[tuple[str, str], str] = {}


def recall(pairs: list[tuple[int, int]], actors, true_pairs) -> tuple[int, int, int, list]:
    from articles.nlp.names import fold

    def holders(name):
        wanted = " ".join(fold(name).split())
        return {i for i, (_k, _n, surfaces) in actors.items() if any(" ".join(fold(s).split()) == wanted
                                                                      for s in surfaces)}

    suggested = {frozenset(p) for p in pairs}
    found = findable = 0
    missed = []
    for x, y in true_pairs:
        xs, ys = holders(x), holders(y)
        if xs & ys:
            STATUS[(x, y)] = "one actor already"
            continue
        if not xs or not ys:
            STATUS[(x, y)] = "a name not in the registry"
            continue
        STATUS[(x, y)] = "two actors"
        candidates = {frozenset((a, b)) for a in xs for b in ys if a != b}
        if not candidates:
            continue
        findable += 1
        if candidates & suggested:
            found += 1
        else:
            missed.append((x, y))
    return found, findable, len(true_pairs), missed


def scaled(actors, factor: int):
    """``factor`` copies of the registry: in each copy every word gets the copy's own ending
    ("Jeux olympiques" → "Jeuxb olympiquesb"), so names differ but initials collide."""
    out = {}
    for copy in range(factor):
        tag = "".join(chr(ord("a") + int(d)) for d in str(copy))

        def mark(text, tag=tag):
            return " ".join(w + (tag.upper() if w.isupper() else tag) for w in text.split())

        for actor_id, (kind, name, surfaces) in actors.items():
            out[copy * 10_000_000 + actor_id] = (kind, mark(name), {mark(s) for s in surfaces})
    return out


def _timed(run):
    started = time.perf_counter()
    result = run()
    return time.perf_counter() - started, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="annotate only the first N texts")
    parser.add_argument("--scale", type=int, default=8, help="times the registry is copied for the timing")
    parser.add_argument("--unjudged", action="store_true", help="print the top pairs not judged yet")
    parser.add_argument("--var", help="keep the embedded database in this folder and reuse it when it is there")
    args = parser.parse_args()
    if not CORPUS.exists():
        print(f"skipped: {CORPUS} not found (the shared corpus sits beside the repository)")
        return 0

    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    os.environ["PRESSREVIEW_VAR_DIR"] = args.var or tempfile.mkdtemp(prefix="pressreview-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pressreview.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from articles.duplicates import duplicate_suggestions, find_pairs
    from articles.models import Article
    from articles.nlp.names import fold, significant_words

    call_command("migrate", verbosity=0)
    texts = load_texts(args.limit)
    reused = Article.objects.exists()
    seconds = 0.0 if reused else build_registry(texts)
    actors = registry_snapshot()
    print(f"registry: {len(texts)} texts annotated in {seconds:.0f} s{' (reused)' if reused else ''}, "
          f"{len(actors)} live actors, "
          f"{sum(len(s) for _k, _n, s in actors.values())} names and aliases")

    new_seconds, new = _timed(duplicate_suggestions)
    old_seconds, old = _timed(lambda: old_pairs(actors))
    new_named = [(p.first.name, p.second.name) for p in new]
    old_named = [(actors[a][1], actors[b][1]) for a, b, _reason in old]
    judged, true_pairs = load_judged(), load_true_pairs()

    print(f"\n{'':24}{'pairs':>7}{'P@50':>8}{'judged':>8}{'recall':>9}{'R@50':>7}{'findable':>10}{'time':>9}")
    report = {}
    for label, named, ids, spent in (
        ("previous rule", old_named, [(a, b) for a, b, _ in old], old_seconds),
        ("current rules", new_named, [(p.first.id, p.second.id) for p in new], new_seconds),
    ):
        p, right, known, unjudged = precision(named[:TOP], judged)
        found, findable, total, missed = recall(ids, actors, true_pairs)
        found_top, *_ = recall(ids[:TOP], actors, true_pairs)
        report[label] = (unjudged, missed)
        shown = f"{p:.2f}" if p is not None else "-"
        print(f"{label:24}{len(named):>7}{shown:>8}{f'{right}/{known}':>8}{f'{found}/{findable}':>9}"
              f"{found_top:>7}{f'{findable}/{total}':>10}{spent * 1000:>7.0f}ms")
    print("(recall over the true pairs the registry holds as two actors; R@50: found in the first 50;\n"
          " time: the previous rule on plain data, the current one as the page runs it, its queries included:\n"
          " on plain data both are in the blocking line below)")

    # Both sizes are tagged copies and start with cold caches, so neither reuses the other's work.
    small, big = scaled(actors, 1), scaled(actors, args.scale)

    def cold(run):
        fold.cache_clear()
        significant_words.cache_clear()
        return _timed(run)[0]

    small_seconds, big_seconds = cold(lambda: find_pairs(small)), cold(lambda: find_pairs(big))
    old_small_seconds, old_big_seconds = cold(lambda: old_pairs(small)), cold(lambda: old_pairs(big))
    print(f"\nblocking, {len(small)} → {len(big)} actors (×{args.scale}), plain data: current rules "
          f"{small_seconds * 1000:.0f} → {big_seconds * 1000:.0f} ms (×{big_seconds / small_seconds:.1f}); "
          f"previous rule {old_small_seconds * 1000:.0f} → {old_big_seconds * 1000:.0f} ms "
          f"(×{old_big_seconds / old_small_seconds:.1f})")

    print("\ncurrent rules, first 50:")
    for pair in new[:TOP]:
        verdict = judged.get(pair_key(pair.first.name, pair.second.name))
        mark = "?" if verdict is None else ("+" if verdict else "-")
        print(f"  {mark} {pair.first.name} ({pair.first_articles}) ≈ {pair.second.name} ({pair.second_articles})"
              f"  [{pair.rule}{': ' + pair.detail if pair.detail else ''}]")
    states = defaultdict(list)
    for pair, state in STATUS.items():
        states[state].append(pair)
    print("\ntrue pairs in the registry:",
          ", ".join(f"{state} {len(pairs)}" for state, pairs in sorted(states.items())))
    print("missed by the current rules:", "; ".join(f"{x} / {y}" for x, y in report["current rules"][1]))
    print("missed by the previous rule:", "; ".join(f"{x} / {y}" for x, y in report["previous rule"][1]))
    if args.unjudged:
        for label, (unjudged, _missed) in report.items():
            for a, b in unjudged:
                print(f"unjudged\t{label}\t{a}\t{b}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
