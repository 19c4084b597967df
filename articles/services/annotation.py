"""Run the pipeline on stored articles and persist what it found.

The layer rule lives here: a run replaces the pending suggestions of an
article and nothing else. Accepted or rejected rows, and rows an editor
created, survive every run; a span an editor rejected is never proposed again.
"""

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Max, Q, Value
from django.db.models.functions import Concat
from django.utils import timezone

from articles.models import (
    Actor,
    ActorAlias,
    ActorRole,
    Article,
    ArticleTopic,
    ConventionOff,
    Decision,
    Kind,
    Mention,
    Origin,
    Quote,
    RejectedSurface,
    Source,
    Topic,
)
from articles.nlp.boilerplate import find_content_end
from articles.nlp.normalise import normalise_surface, normalise_text
from articles.nlp.pipeline import Annotator
from articles.nlp.topics import TopicExample, learn_topics
from articles.nlp.types import TITLES_IN_PERSONS, ActorGroup, Annotation, Knowledge, TopicSpec
from articles.selectors import title_convention
from articles.services.actors import actors_by_alias
from insights.tasks import refresh_counts
from pressreview.enqueue import Message, send_on_commit
from stories.tasks import assign as assign_stories

logger = logging.getLogger(__name__)

_annotator: Annotator | None = None
_annotator_lock = threading.Lock()
_state_seen: tuple | None = None
_decisions_seen: tuple | None = None
_decisions_checked = 0.0  # time.monotonic() of the last look at the decisions

# Topics are learned from the most recent reviewed articles: enough to learn a newsroom's
# conventions, few enough that retraining after a decision takes about a second.
TOPIC_EXAMPLES_LIMIT = 1000

MACHINE_ORIGINS = (Origin.MODEL, Origin.RULE)


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
    """A cheap fingerprint of everything that steers the pipeline.

    Counts and high-water marks: any record added or removed, an actor
    confirmed or merged, a topic edited changes it.
    """
    # Only what steers the ruler: suggested actors get new aliases on every run.
    aliases = ActorAlias.objects.filter(actor__confirmed=True, actor__merged_into__isnull=True).aggregate(
        n=Count("id"), m=Max("id")
    )
    rejected = RejectedSurface.objects.aggregate(n=Count("id"), m=Max("id"))
    actors = Actor.objects.aggregate(confirmed=Count("id", filter=Q(confirmed=True)),
                                     merged=Count("id", filter=Q(merged_into__isnull=False)))
    topics = Topic.objects.aggregate(n=Count("id", filter=Q(active=True)), m=Max("updated_at"))
    # The span conventions: a person mention accepted or added (an index's last entry), a convention stopped.
    persons = Mention.objects.filter(kind=Kind.PERSON, decision=Decision.ACCEPTED).aggregate(m=Max("decided_at"))
    stopped = ConventionOff.objects.aggregate(n=Count("id"), m=Max("id"))
    return (aliases["n"], aliases["m"], rejected["n"], rejected["m"], actors["confirmed"], actors["merged"],
            persons["m"], stopped["n"], stopped["m"], topics["n"], topics["m"])


def load_knowledge() -> Knowledge:
    """The registry's records that steer the pipeline: confirmed actors'
    aliases (for every language, or for the language they were seen in),
    rejected surfaces (everywhere, or for one source) and the span conventions
    the editors' mentions show."""
    rejected, source_rejected = set(), set()
    for normalised, kind, source_id in RejectedSurface.objects.values_list("normalised", "kind", "source_id"):
        if source_id is None:
            rejected.add((normalised, kind))
        else:
            source_rejected.add((source_id, normalised, kind))
    aliases = set()
    language_aliases = set()
    rows = ActorAlias.objects.filter(actor__confirmed=True, actor__merged_into__isnull=True).values_list(
        "surface", "actor__kind", "language"
    )
    for surface, kind, language in rows:
        normalised = normalise_surface(surface)
        if (normalised, "") in rejected or (normalised, kind) in rejected:
            continue  # the ruler would claim the words only for the match to be dropped
        if language:
            language_aliases.add((surface, kind, language))
        else:
            aliases.add((surface, kind))
    conventions = frozenset({TITLES_IN_PERSONS} if title_convention().in_force else ())
    return Knowledge(aliases=tuple(sorted(aliases)), rejected=frozenset(rejected),
                     language_aliases=tuple(sorted(language_aliases)), source_rejected=frozenset(source_rejected),
                     conventions=conventions)


def load_topic_specs() -> list[TopicSpec]:
    specs = []
    # select_related: the parent's slug comes with the topic, in the same query.
    for topic in Topic.objects.active().select_related("parent"):
        cues = topic.cues or {}
        specs.append(
            TopicSpec(
                slug=topic.slug,
                cues={lang: tuple(words) for lang, words in cues.items() if lang != "actors"},
                actor_cues=tuple(cues.get("actors", ())),
                iptc_top_level=topic.parent_id is None and bool(topic.iptc_code),
                parent=topic.parent.slug if topic.parent_id else "",
                thresholds={language: float(threshold) for language, threshold in (topic.thresholds or {}).items()},
            )
        )
    return specs


def _topic_decisions_state() -> tuple:
    """A cheap fingerprint of the topic decisions the learner reads: an article marked reviewed,
    a topic accepted, rejected or deleted on a reviewed article changes it."""
    reviewed = ArticleTopic.objects.filter(article__review_state=Article.ReviewState.REVIEWED)
    state = reviewed.aggregate(accepted=Count("id", filter=Q(decision=Decision.ACCEPTED)),
                               rejected=Count("id", filter=Q(decision=Decision.REJECTED)),
                               articles=Count("article_id", distinct=True), decided=Max("decided_at"))
    return state["accepted"], state["rejected"], state["articles"], state["decided"]


def load_topic_examples(*, limit: int = TOPIC_EXAMPLES_LIMIT) -> list[TopicExample]:
    """Reviewed articles with the topics editors accepted and rejected on them, the most recent first.

    The text is what the pipeline annotated (normalised, without the boilerplate), so the
    learner sees the same words at training and at annotation time.
    """
    decided = Q(topics__decision__in=[Decision.ACCEPTED, Decision.REJECTED], topics__topic__active=True)
    ids = list(
        Article.objects.filter(decided, review_state=Article.ReviewState.REVIEWED)
        .distinct().order_by("-id").values_list("id", flat=True)[:limit]
    )
    slugs: dict[tuple[int, str], list[str]] = defaultdict(list)
    for article_id, decision, slug in ArticleTopic.objects.filter(
        article_id__in=ids, decision__in=[Decision.ACCEPTED, Decision.REJECTED], topic__active=True
    ).values_list("article_id", "decision", "topic__slug"):
        slugs[article_id, decision].append(slug)
    examples = []
    for article_id, body, language in Article.objects.filter(id__in=ids).order_by("-id").values_list(
        "id", "body", "language"
    ):
        text = normalise_text(body)
        examples.append(TopicExample(text=text[: find_content_end(text)], language=language,
                                     slugs=tuple(sorted(slugs[article_id, Decision.ACCEPTED])),
                                     rejected=tuple(sorted(slugs[article_id, Decision.REJECTED]))))
    return examples


def refresh_annotator(annotator: Annotator) -> None:
    """Give the pipeline the registry's and taxonomy's latest state, and topic profiles learned from
    the latest reviewed articles, if changed."""
    global _state_seen, _decisions_seen, _decisions_checked
    state = _registry_state()
    specs = None
    if state != _state_seen:
        specs = load_topic_specs()
        annotator.set_knowledge(load_knowledge())
        annotator.set_topics(specs)
    # The taxonomy is part of it: an accepted topic also teaches its broader topics.
    # Editors decide all day: look at their decisions at most every TOPIC_LEARN_EVERY seconds
    # (a scan of the reviewed articles' topics, and a retraining when they changed), at once
    # when the taxonomy changed.
    now = time.monotonic()
    taxonomy_changed = _decisions_seen is None or _decisions_seen[1] != state[-2:]
    if taxonomy_changed or now - _decisions_checked >= settings.TOPIC_LEARN_EVERY:
        _decisions_checked = now
        decisions = (_topic_decisions_state(), state[-2:])
        if decisions != _decisions_seen:
            annotator.set_learned_topics(learn_topics(load_topic_examples(), specs or load_topic_specs()))
            _decisions_seen = decisions
    _state_seen = state


def _articles_claim(article_ids: Sequence[int]) -> list[int]:
    """Take articles for annotation; the ids taken, in the given order (none: nothing to do).

    A row left "annotating" by a worker that died is claimed again (the task
    is redelivered), until the attempts run out.

    One transaction and a fixed number of statements, whatever the number of
    ids: the claimable rows are read and locked, then updated together.
    """
    ids = list(dict.fromkeys(article_ids))
    if not ids:
        return []
    pending = [Article.Status.QUEUED, Article.Status.ANNOTATING]
    limit = settings.ANNOTATION_MAX_ATTEMPTS
    take = {"status": Article.Status.ANNOTATING, "attempts": F("attempts") + 1, "claimed_at": timezone.now()}
    with transaction.atomic():
        if len(ids) == 1:
            # One row: the count the UPDATE returns says whether it was taken.
            taken = Article.objects.filter(id=ids[0], status__in=pending, attempts__lt=limit).update(**take)
            claimable = set(ids) if taken else set()
        else:
            claimable = set(
                Article.objects.select_for_update()
                .filter(id__in=ids, status__in=pending, attempts__lt=limit)
                .order_by("id")
                .values_list("id", flat=True)
            )
            if claimable:
                Article.objects.filter(id__in=claimable).update(**take)
        if len(claimable) < len(ids):
            # Out of attempts: a worker died on it, or the database failed, each time.
            Article.objects.filter(
                id__in=[i for i in ids if i not in claimable], status__in=pending, attempts__gte=limit
            ).update(
                status=Article.Status.FAILED,
                last_error=Concat(Value(f"Gave up after {limit} attempts. "), F("last_error")),
            )
    return [i for i in ids if i in claimable]


def article_fail(*, article_id: int, error: str, final: bool) -> None:
    """Record an error; a final one ends in "failed", otherwise back to the queue."""
    status = Article.Status.FAILED if final else Article.Status.QUEUED
    Article.objects.filter(id=article_id, status=Article.Status.ANNOTATING).update(
        status=status, last_error=error[:2000])


def _resolve_actors(*, groups: Sequence[ActorGroup], languages: Sequence[str]) -> list[Actor]:
    """Link each in-article group to the registry, in a fixed number of queries.

    A group whose name or surfaces match an alias of an actor of the same
    kind is linked to it (confirmed actors first, merges followed); the others
    get a suggested actor, created once even when workers race. New surfaces
    become aliases of suggested actors only: a confirmed actor's aliases are
    an editor's to change.
    """
    normalised = [sorted({normalise_surface(s) for s in (g.name, *g.surfaces)} - {""}) for g in groups]
    by_alias = actors_by_alias(n for names in normalised for n in names)

    keys = {}
    resolved: list[Actor | str] = []  # the actor found, or the key of the one to create
    for group, names in zip(groups, normalised, strict=True):
        actor = next((by_alias[(n, group.kind)] for n in names if (n, group.kind) in by_alias), None)
        if actor is None:
            actor = Actor.key_for(group.name, group.kind)
            keys[actor] = group
        resolved.append(actor)
    if keys:
        Actor.objects.bulk_create(
            [Actor(key=key, name=group.name[:300], kind=group.kind) for key, group in keys.items()],
            ignore_conflicts=True,
        )
        # What the rows below read of the actors just created (or created by another worker).
        created = Actor.objects.only("id", "key", "confirmed").order_by().in_bulk(list(keys), field_name="key")
        resolved = [created[actor] if isinstance(actor, str) else actor for actor in resolved]

    suggested = {actor.id for actor in resolved if not actor.confirmed}
    known = set(ActorAlias.objects.filter(actor_id__in=suggested).values_list("actor_id", "normalised"))
    new_aliases = []
    for actor, group, language in zip(resolved, groups, languages, strict=True):
        if actor.id not in suggested:
            continue
        for surface in (group.name, *group.surfaces):
            norm = normalise_surface(surface)[:300]
            if norm and (actor.id, norm) not in known:
                known.add((actor.id, norm))
                new_aliases.append(ActorAlias.build(actor=actor, surface=surface, language=language))
    ActorAlias.objects.bulk_create(new_aliases, ignore_conflicts=True)
    return resolved


def annotations_apply(*, results: dict[int, Annotation]) -> list[Article]:
    """Persist pipeline runs for several articles in one transaction.

    For each article: replaces pending machine suggestions; keeps every
    decision and every editor-made row; never proposes again a span that holds
    a decision. Deleted articles are skipped. The number of queries does not
    grow with the number of articles or mentions.
    """
    with transaction.atomic():
        articles = list(Article.objects.select_for_update().filter(id__in=list(results)).order_by("id"))
        ids = [article.id for article in articles]
        machine_pending = {"article_id__in": ids, "origin__in": MACHINE_ORIGINS, "decision": Decision.PENDING}
        Mention.objects.filter(**machine_pending).delete()
        ArticleTopic.objects.filter(**machine_pending).delete()
        Quote.objects.filter(**machine_pending).delete()
        ActorRole.objects.filter(article_id__in=ids, origin=Origin.MODEL).delete()

        supported = [(article, results[article.id]) for article in articles if results[article.id].supported]
        group_actors = _persist_mentions(supported)
        _persist_roles(supported, group_actors)
        _persist_quotes(supported, group_actors)
        _persist_topics(supported)
        now = timezone.now()
        outcomes: dict[tuple, list[int]] = {}
        for article in articles:
            annotation = results[article.id]
            if annotation.supported:
                article.status = Article.Status.ANNOTATED
                article.last_error = ""
            else:
                article.status = Article.Status.UNSUPPORTED
                article.last_error = f"Language '{annotation.language or 'unknown'}' is not supported yet."
            if not article.language_given:
                article.language = annotation.language
            article.pipeline_version = annotation.pipeline_version
            article.annotated_at = now
            article.updated_at = now
            key = (article.status, article.last_error, article.language_given, article.language,
                   article.pipeline_version)
            outcomes.setdefault(key, []).append(article.id)
        # One UPDATE per outcome (status, language...), not per article: a batch
        # has few, and a plain UPDATE costs far less than bulk_update's CASE per row.
        for (status, last_error, language_given, language, pipeline_version), group in outcomes.items():
            values = {"status": status, "last_error": last_error, "pipeline_version": pipeline_version}
            if not language_given:
                values["language"] = language
            # Suggestions were replaced: an editor's open page is now stale.
            Article.objects.filter(id__in=group).update(
                **values, annotated_at=now, updated_at=now, version=F("version") + 1
            )
        # Each annotated article joins its story once this commits (stories.services.story_assign).
        if supported:
            send_on_commit(Message(assign_stories, ([article.id for article, _ in supported],)))
        send_on_commit(Message(refresh_counts, (ids,)))  # the desk's daily counts (insights)
        versions = dict(Article.objects.filter(id__in=ids).values_list("id", "version"))
        for article in articles:
            article.version = versions[article.id]
    return articles


def _persist_mentions(items: list[tuple[Article, Annotation]]) -> dict[tuple[int, int], int | None]:
    """Store new suggestions; returns the actor id of each (article id, group)."""
    # Spans that hold a decision (or an editor's mention) are never proposed again;
    # their actor (an editor's link) is the group's actor.
    # A rejected span is taken too (it holds its row), but lends no actor.
    kept = Mention.objects.filter(article__in=[article for article, _ in items]).values_list(
        "article_id", "start", "end", "actor_id", "decision"
    )
    taken = set()
    decided = {}
    for article_id, start, end, actor_id, decision in kept:
        taken.add((article_id, start, end))
        if decision != Decision.REJECTED:
            decided[(article_id, start, end)] = actor_id
    todo = []  # (article, annotation, span)
    groups: dict[tuple[int, int], ActorGroup] = {}
    group_actors: dict[tuple[int, int], int | None] = {}
    for article, annotation in items:
        for span in annotation.mentions:
            if (article.id, span.start, span.end) in taken:
                group_actors.setdefault((article.id, span.group), decided.get((article.id, span.start, span.end)))
                continue
            taken.add((article.id, span.start, span.end))
            todo.append((article, annotation, span))
            groups[(article.id, span.group)] = annotation.groups[span.group]
    language = {article.id: annotation.language for article, annotation in items}
    keys = list(groups)
    # One actor per group key: _resolve_actors answers one per group, in order.
    actors = dict(zip(keys, _resolve_actors(groups=[groups[k] for k in keys], languages=[language[k[0]] for k in keys]),
                      strict=True))
    group_actors.update((key, actor.id) for key, actor in actors.items())
    # Rows name their article and actor by id: a model instance given instead costs a descriptor
    # call when built and a check of the cached object when inserted, for each of thousands of rows.
    Mention.objects.bulk_create(
        Mention(
            article_id=article.id,
            start=span.start,
            end=span.end,
            text=span.text[:500],
            kind=span.kind,
            actor_id=group_actors[(article.id, span.group)],
            origin=span.origin,
            decision=Decision.PENDING,
            confidence=span.confidence,
            pipeline_version=annotation.pipeline_version,
        )
        for article, annotation, span in todo
    )
    return group_actors


def _persist_roles(items: list[tuple[Article, Annotation]], group_actors: dict[tuple[int, int], int | None]) -> None:
    """Titles seen next to people, stored per actor with the article (replaced on each run)."""
    ActorRole.objects.bulk_create(
        ActorRole(actor_id=group_actors[(article.id, role.group)], article_id=article.id, title=role.title[:300],
                  start=role.start, end=role.end, origin=Origin.MODEL)
        for article, annotation in items
        for role in annotation.roles
        if group_actors.get((article.id, role.group))
    )


def _persist_quotes(items: list[tuple[Article, Annotation]], group_actors: dict[tuple[int, int], int | None]) -> None:
    # A quote an editor decided on (or added) holds its span: it is never proposed again.
    taken = set(Quote.objects.filter(article__in=[article for article, _ in items])
                .values_list("article_id", "start", "end"))
    quotes = []
    for article, annotation in items:
        for quote in annotation.quotes:
            if (article.id, quote.start, quote.end) in taken:
                continue
            taken.add((article.id, quote.start, quote.end))
            speaker = group_actors.get((article.id, quote.speaker_group)) if quote.speaker_group is not None else None
            quotes.append(Quote(article_id=article.id, start=quote.start, end=quote.end, text=quote.text,
                                kind=quote.kind, speaker_id=speaker, speaker_role=quote.speaker_role[:300],
                                cue=quote.cue[:100],
                                speaker_confidence=quote.confidence if speaker is not None else None,
                                origin=Origin.RULE, pipeline_version=annotation.pipeline_version))
    Quote.objects.bulk_create(quotes)


def _persist_topics(items: list[tuple[Article, Annotation]]) -> None:
    decided = set(
        ArticleTopic.objects.filter(article__in=[article for article, _ in items])
        .values_list("article_id", "topic__slug")
    )
    slugs = {hit.slug for _, annotation in items for hit in annotation.topics}
    # Ids only: a topic's row also holds its cue lists, which nothing here reads.
    topics = dict(Topic.objects.filter(slug__in=slugs).values_list("slug", "id"))
    found = [(article, annotation, hit) for article, annotation in items for hit in annotation.topics
             if hit.slug in topics and (article.id, hit.slug) not in decided]
    rows = [
        ArticleTopic(
            article_id=article.id,
            topic_id=topics[hit.slug],
            score=round(hit.score, 4),
            evidence=[list(pair) for pair in hit.evidence],
            origin=Origin.RULE,
            pipeline_version=annotation.pipeline_version,
        )
        for article, annotation, hit in found
    ]
    # The topics a chief editor gave the article's source, suggested like the others (full score, no evidence).
    suggested = {(article.id, hit.slug) for article, _, hit in found} | decided
    defaults = Source.default_topics.through.objects.filter(
        source_id__in={article.source_id for article, _ in items if article.source_id}, topic__active=True
    ).order_by("id").values_list("source_id", "topic_id", "topic__slug")
    by_source = {}
    for source_id, topic_id, slug in defaults:
        by_source.setdefault(source_id, []).append((topic_id, slug))
    rows += [
        ArticleTopic(article_id=article.id, topic_id=topic_id, score=1.0, origin=Origin.RULE,
                     pipeline_version=annotation.pipeline_version)
        for article, annotation in items
        for topic_id, slug in by_source.get(article.source_id, [])
        if (article.id, slug) not in suggested
    ]
    ArticleTopic.objects.bulk_create(rows)


def _annotation_input(article_ids: Sequence[int]) -> list[Article]:
    return list(Article.objects.filter(id__in=article_ids)
                .only("id", "body", "language", "language_given", "source_id", "crop_start", "crop_end"))


def articles_annotate(*, article_ids: Sequence[int]) -> list[int]:
    """Claim, annotate (one nlp.pipe pass) and persist; returns the ids done.

    Idempotent: an article already annotated, or claimed past its attempts, is
    skipped; running the same ids twice leaves the same rows.
    """
    claimed = _articles_claim(article_ids)
    if not claimed:
        return []
    articles = _annotation_input(claimed)
    annotator = get_annotator()
    refresh_annotator(annotator)
    annotations = annotator.annotate_many(
        # What an editor cut off is blanked out: nothing is suggested there again.
        [a.text_for_annotation() for a in articles],
        languages=[a.language if a.language_given else None for a in articles],
        sources=[a.source_id for a in articles],
    )
    stored = annotations_apply(results={a.id: ann for a, ann in zip(articles, annotations, strict=True)})
    for article in stored:
        logger.info("article %s %s", article.id, article.status)
    return [article.id for article in stored]
