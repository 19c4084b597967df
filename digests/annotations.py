"""The desk's corrections as training data for NLP teams.

Only reviewed articles are exported: an editor has looked at every span, so a
mention still pending there was left standing (kept), a rejected one is out.
Topics: the ones an editor confirmed or added; rejected ones are listed apart
(useful negatives for a classifier).

Two formats: JSON Lines (one article a line, character offsets into ``text``)
and a spaCy ``DocBin`` (tokenised with ``spacy.blank(language)``, entities set
with ``char_span(..., alignment_mode="expand")``; spans that cannot be aligned,
or that overlap one already placed, are skipped and counted).
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from articles.models import Article, ArticleTopic, Decision, Mention

# Our kinds as the labels of spaCy's French pipelines, so the data trains them as is.
LABELS = {"person": "PER", "organisation": "ORG", "place": "LOC", "event": "EVENT", "other": "MISC"}
BATCH = 200


def reviewed_articles(*, language: str = ""):
    articles = Article.objects.reviewed().filter(status=Article.Status.ANNOTATED)
    if language:
        articles = articles.filter(language=language)
    return articles.select_related("source").order_by("id")


def annotation_records(articles=None) -> Iterator[dict]:
    """One dict per reviewed article: text, spans (offsets, kind, label, actor), topics.

    Reads in batches (three queries per batch), so memory stays flat on a large corpus.
    """
    articles = reviewed_articles() if articles is None else articles
    ids = list(articles.values_list("id", flat=True))
    for i in range(0, len(ids), BATCH):
        chunk = ids[i:i + BATCH]
        spans: dict[int, list] = {article_id: [] for article_id in chunk}
        mentions = (
            Mention.objects.filter(article_id__in=chunk).exclude(decision=Decision.REJECTED)
            .order_by("article_id", "start", "end")
            .values_list("article_id", "start", "end", "text", "kind", "actor_id", "decision", "origin")
        )
        for article_id, start, end, text, kind, actor_id, decision, origin in mentions:
            spans[article_id].append({"start": start, "end": end, "text": text, "kind": kind,
                                      "label": LABELS.get(kind, "MISC"), "actor_id": actor_id,
                                      "decision": decision, "origin": origin})
        topics: dict[int, dict] = {article_id: {"accepted": [], "rejected": []} for article_id in chunk}
        rows = (
            ArticleTopic.objects.filter(article_id__in=chunk, decision__in=[Decision.ACCEPTED, Decision.REJECTED])
            .select_related("topic").order_by("article_id", "-score")
        )
        for row in rows:
            topics[row.article_id][row.decision].append(
                {"slug": row.topic.slug, "iptc_code": row.topic.iptc_code, "origin": row.origin})
        for article in Article.objects.filter(id__in=chunk).select_related("source").order_by("id"):
            yield {
                "id": article.id,
                "title": article.title,
                "text": article.body,
                "language": article.language,
                "source": article.source.name if article.source_id else "",
                "url": article.url,
                "published_at": article.published_at.isoformat() if article.published_at else None,
                "pipeline_version": article.pipeline_version,
                "spans": spans[article.id],
                "topics": topics[article.id]["accepted"],
                "rejected_topics": topics[article.id]["rejected"],
            }


def jsonl_lines(records) -> Iterator[str]:
    for record in records:
        yield json.dumps(record, ensure_ascii=False) + "\n"


@dataclass
class DocBinReport:
    docs: int = 0
    spans: int = 0
    misaligned: int = 0
    overlapping: int = 0
    languages: dict = field(default_factory=dict)


def _blank(language: str, cache: dict):
    import spacy

    if language not in cache:
        try:
            cache[language] = spacy.blank(language or "xx")
        except (ImportError, OSError, KeyError, ValueError):
            cache[language] = cache.get("xx") or spacy.blank("xx")
    return cache[language]


def docbin_bytes(records) -> tuple[bytes, DocBinReport]:
    """The records as a spaCy DocBin: entities in ``doc.ents``, every span (overlaps
    included) in ``doc.spans["mentions"]``, topics in ``doc.cats`` (1.0 confirmed,
    0.0 rejected), the article id in ``doc.user_data``."""
    from spacy.tokens import DocBin
    from spacy.util import filter_spans

    report = DocBinReport()
    doc_bin = DocBin(store_user_data=True)
    cache: dict = {}
    for record in records:
        nlp = _blank(record["language"], cache)
        doc = nlp.make_doc(record["text"])
        everything = []
        for span_data in record["spans"]:
            span = doc.char_span(span_data["start"], span_data["end"], label=span_data["label"],
                                 kb_id=str(span_data["actor_id"] or ""), alignment_mode="expand")
            if span is None:
                report.misaligned += 1
                continue
            everything.append(span)
        # Entities cannot overlap: the longest span wins (spaCy's own rule), the others are counted.
        entities = filter_spans(everything)
        report.overlapping += len(everything) - len(entities)
        doc.ents = sorted(entities, key=lambda s: s.start)
        doc.spans["mentions"] = everything
        doc.cats = {**{t["slug"]: 0.0 for t in record["rejected_topics"]},
                    **{t["slug"]: 1.0 for t in record["topics"]}}
        doc.user_data["article_id"] = record["id"]
        doc_bin.add(doc)
        report.docs += 1
        report.spans += len(entities)
        report.languages[record["language"]] = report.languages.get(record["language"], 0) + 1
    return doc_bin.to_bytes(), report
