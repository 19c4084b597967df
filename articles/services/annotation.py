"""Run the pipeline on stored articles and persist what it found.

The layer rule lives here: a run replaces the pending suggestions of an
article and nothing else. Accepted or rejected rows, and rows an editor
created, survive every run; a span an editor rejected is never proposed again.
"""

import logging
import threading
from collections.abc import Sequence

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Q, Value
from django.db.models.functions import Concat
from django.utils import timezone

from articles.models import (
    Actor,
    ActorAlias,
    Article,
    ArticleTopic,
    Decision,
    Mention,
    Origin,
    Quote,
    RejectedSurface,
    Topic,
)
from articles.nlp.normalise import normalise_surface
from articles.nlp.pipeline import Annotator
from articles.nlp.types import Annotation, Knowledge, TopicSpec

logger = logging.getLogger(__name__)

_annotator: Annotator | None = None
_annotator_lock = threading.Lock()
_state_seen: tuple | None = None

MACHINE_ORIGINS = (Origin.MODEL, Origin.RULE)


class ArticleGone(Exception):
    """The article was deleted or claimed by someone else."""


def get_annotator() -> Annotator:
    """The process-wide pipeline, loaded once (models stay in memory)."""
    global _annotator
    with _annotator_lock:
        if _annotator is None:
            _annotator = Annotator(
                models=settings.SPACY_MODELS,
                detect_languages=settings.DETECT_LANGUAGES,
                topic_threshold=settings.TOPIC_THRESHOLD,
            )
        return _annotator


def annotator_preload() -> None:
    """Load every configured model now, so the first article does not wait for it."""
    annotator = get_annotator()
    for language in settings.SPACY_MODELS:
        try:
            annotator.annotate("Press Review.", language=language)
        except Exception:
            logger.exception("could not load the %s model", language)


def _registry_state() -> tuple:
    """A cheap fingerprint of everything that steers the pipeline."""
    aliases = ActorAlias.objects.aggregate(n=Count("id"), m=Max("id"))
    rejected = RejectedSurface.objects.aggregate(n=Count("id"), m=Max("id"))
    topics = Topic.objects.aggregate(n=Count("id", filter=Q(active=True)), m=Max("updated_at"))
    return (aliases["n"], aliases["m"], rejected["n"], rejected["m"], topics["n"], topics["m"])


def load_knowledge() -> Knowledge:
    aliases = (
        ActorAlias.objects.filter(actor__confirmed=True, actor__merged_into__isnull=True)
        .values_list("surface", "actor__kind")
        .distinct()
    )
    rejected = RejectedSurface.objects.filter(source__isnull=True).values_list("normalised", "kind")
    return Knowledge(aliases=tuple(aliases), rejected=frozenset(rejected))


def load_topic_specs() -> list[TopicSpec]:
    specs = []
    for topic in Topic.objects.active():
        cues = topic.cues or {}
        specs.append(
            TopicSpec(
                slug=topic.slug,
                cues={lang: tuple(words) for lang, words in cues.items() if lang != "actors"},
                actor_cues=tuple(cues.get("actors", ())),
                iptc_top_level=topic.parent_id is None and bool(topic.iptc_code),
            )
        )
    return specs


def refresh_annotator(annotator: Annotator) -> None:
    """Give the pipeline the registry's and taxonomy's latest state, if changed."""
    global _state_seen
    state = _registry_state()
    if state != _state_seen:
        annotator.set_knowledge(load_knowledge())
        annotator.set_topics(load_topic_specs())
        _state_seen = state


def article_claim(*, article_id: int) -> bool:
    """Take an article for annotation; False if there is nothing to do.

    A row left "annotating" by a worker that died is claimed again (the task
    is redelivered), until the attempts run out.
    """
    claimed = Article.objects.filter(
        id=article_id,
        status__in=[Article.Status.QUEUED, Article.Status.ANNOTATING],
        attempts__lt=settings.ANNOTATION_MAX_ATTEMPTS,
    ).update(status=Article.Status.ANNOTATING, attempts=F("attempts") + 1)
    if not claimed:
        # Out of attempts: a worker died on it, or the database failed, each time.
        Article.objects.filter(
            id=article_id,
            status__in=[Article.Status.QUEUED, Article.Status.ANNOTATING],
            attempts__gte=settings.ANNOTATION_MAX_ATTEMPTS,
        ).update(
            status=Article.Status.FAILED,
            last_error=Concat(
                Value(f"Gave up after {settings.ANNOTATION_MAX_ATTEMPTS} attempts. "), F("last_error")
            ),
        )
    return bool(claimed)


def article_fail(*, article_id: int, error: str, final: bool) -> None:
    """Record an error; a final one ends in "failed", otherwise back to the queue."""
    status = Article.Status.FAILED if final else Article.Status.QUEUED
    Article.objects.filter(id=article_id, status=Article.Status.ANNOTATING).update(status=status, last_error=error[:2000])


def _resolve_actor(*, name: str, kind: str, surfaces: Sequence[str], language: str, cache: dict) -> Actor:
    """Link an in-article group to the registry, creating a suggested actor if unknown."""
    normalised = sorted({normalise_surface(s) for s in (name, *surfaces)} - {""})
    cache_key = (kind, tuple(normalised))
    if cache_key in cache:
        return cache[cache_key]
    aliases = (
        ActorAlias.objects.filter(normalised__in=normalised, actor__kind=kind)
        .select_related("actor", "actor__merged_into")
        .order_by("-actor__confirmed", "actor_id")
    )
    actor = None
    for alias in aliases:
        actor = alias.actor.merged_into or alias.actor
        break
    if actor is None:
        key = f"{normalise_surface(name)}|{kind}"[:340]
        try:
            with transaction.atomic():
                actor, _ = Actor.objects.get_or_create(key=key, defaults={"name": name[:300], "kind": kind})
        except IntegrityError:
            actor = Actor.objects.get(key=key)
    known = set(actor.aliases.values_list("normalised", flat=True))
    new_aliases = []
    for surface in {name, *surfaces}:
        norm = normalise_surface(surface)
        if norm and norm not in known:
            known.add(norm)
            new_aliases.append(ActorAlias(actor=actor, surface=surface[:300], normalised=norm[:300], language=language))
    ActorAlias.objects.bulk_create(new_aliases, ignore_conflicts=True)
    cache[cache_key] = actor
    return actor


def annotation_apply(*, article_id: int, annotation: Annotation) -> Article:
    """Persist one pipeline run for one article, in one transaction.

    Replaces pending machine suggestions; keeps every decision and every
    editor-made row; skips spans an editor rejected in this article.
    """
    with transaction.atomic():
        article = Article.objects.select_for_update().filter(id=article_id).first()
        if article is None:
            raise ArticleGone(article_id)

        Mention.objects.filter(article=article, origin__in=MACHINE_ORIGINS, decision=Decision.PENDING).delete()
        ArticleTopic.objects.filter(article=article, origin__in=MACHINE_ORIGINS, decision=Decision.PENDING).delete()
        Quote.objects.filter(article=article, origin__in=MACHINE_ORIGINS, decision=Decision.PENDING).delete()

        if annotation.supported:
            _persist_mentions(article=article, annotation=annotation)
            _persist_topics(article=article, annotation=annotation)
            article.status = Article.Status.ANNOTATED
            article.last_error = ""
        else:
            article.status = Article.Status.UNSUPPORTED
            label = annotation.language or "unknown"
            article.last_error = f"Language '{label}' is not supported yet."
        if not article.language_given:
            article.language = annotation.language
        article.pipeline_version = annotation.pipeline_version
        article.annotated_at = timezone.now()
        article.save(update_fields=["status", "last_error", "language", "pipeline_version", "annotated_at", "updated_at"])
    return article


def _persist_mentions(*, article: Article, annotation: Annotation) -> None:
    # Spans that hold a decision (or an editor's mention) are never proposed again.
    taken = set(Mention.objects.filter(article=article).values_list("start", "end"))
    actors_cache: dict = {}
    group_actor: dict[int, Actor] = {}
    rows = []
    for span in annotation.mentions:
        if (span.start, span.end) in taken:
            continue
        if span.group not in group_actor:
            group = annotation.groups[span.group]
            group_actor[span.group] = _resolve_actor(
                name=group.name, kind=group.kind, surfaces=group.surfaces, language=annotation.language, cache=actors_cache
            )
        taken.add((span.start, span.end))
        rows.append(
            Mention(
                article=article,
                start=span.start,
                end=span.end,
                text=span.text[:500],
                kind=span.kind,
                actor=group_actor[span.group],
                origin=span.origin,
                decision=Decision.PENDING,
                confidence=span.confidence,
                pipeline_version=annotation.pipeline_version,
            )
        )
    Mention.objects.bulk_create(rows)


def _persist_topics(*, article: Article, annotation: Annotation) -> None:
    decided = set(ArticleTopic.objects.filter(article=article).values_list("topic__slug", flat=True))
    topics = {t.slug: t for t in Topic.objects.filter(slug__in=[h.slug for h in annotation.topics])}
    rows = [
        ArticleTopic(
            article=article,
            topic=topics[hit.slug],
            score=round(hit.score, 4),
            evidence=[list(pair) for pair in hit.evidence],
            origin=Origin.RULE,
            pipeline_version=annotation.pipeline_version,
        )
        for hit in annotation.topics
        if hit.slug in topics and hit.slug not in decided
    ]
    ArticleTopic.objects.bulk_create(rows)


def _annotation_input(article_ids: Sequence[int]) -> list[Article]:
    return list(Article.objects.filter(id__in=article_ids).only("id", "body", "language", "language_given"))


def articles_annotate(*, article_ids: Sequence[int]) -> list[int]:
    """Claim, annotate (one nlp.pipe pass) and persist; returns the ids done.

    Idempotent: an article already annotated, or claimed past its attempts, is
    skipped; running the same ids twice leaves the same rows.
    """
    claimed = [article_id for article_id in article_ids if article_claim(article_id=article_id)]
    if not claimed:
        return []
    articles = _annotation_input(claimed)
    annotator = get_annotator()
    refresh_annotator(annotator)
    annotations = annotator.annotate_many(
        [a.body for a in articles], languages=[a.language if a.language_given else None for a in articles]
    )
    done = []
    for article, annotation in zip(articles, annotations, strict=True):
        try:
            annotation_apply(article_id=article.id, annotation=annotation)
        except ArticleGone:
            continue
        done.append(article.id)
        logger.info("article %s annotated: %s mentions, %s topics", article.id, len(annotation.mentions), len(annotation.topics))
    return done
