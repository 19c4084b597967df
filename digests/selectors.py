"""Reads of the digests app: a digest's view model, the builder's choices, the articles to pull in."""

from collections import defaultdict

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from articles.models import Actor, Article, ArticleTopic, Decision, Mention, Quote, speakers_prefetch
from articles.selectors import most_mentioned_actors
from digests.models import Digest, DigestItem, DigestSection, ExportJob
from digests.pull_params import PullParams
from digests.viewmodel import ActorView, DigestView, ItemView, QuoteView, SectionView, TopicView

KEY_ACTORS = 5
MAX_QUOTES = 2
# Quotes of the other articles of its story offered for a digest item, besides its own article's.
STORY_QUOTES = 20
PULL_LIMIT = 50


def section_title(section: DigestSection, language: str) -> str:
    if section.title:
        return section.title
    if section.topic is None:
        with translation.override(language):
            return _("Other news")
    return capfirst(section.topic.name_for(language))


def key_actors(article_ids, *, limit: int = KEY_ACTORS) -> dict[int, list[ActorView]]:
    """Per article, its most mentioned actors (rejected mentions left out), in one query."""
    rows = (
        Mention.objects.filter(article_id__in=article_ids, actor__isnull=False)
        .exclude(decision=Decision.REJECTED)
        .values("article_id", "actor_id", "actor__name", "actor__kind", "actor__wikidata_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    found = defaultdict(list)
    for row in rows:
        found[row["article_id"]].append(ActorView(id=row["actor_id"], name=row["actor__name"], kind=row["actor__kind"],
                                                  mentions=row["n"], wikidata_id=row["actor__wikidata_id"] or ""))
    return {article_id: sorted(actors, key=lambda a: (-a.mentions, a.name))[:limit]
            for article_id, actors in found.items()}


def shown_article_topics() -> QuerySet[ArticleTopic]:
    """The topics an editor would see: confirmed (an editor's own are), or above the threshold; never rejected."""
    return (
        ArticleTopic.objects.exclude(decision=Decision.REJECTED)
        .filter(Q(score__gte=settings.TOPIC_THRESHOLD) | Q(decision=Decision.ACCEPTED))
    )


def article_topics(article_ids, *, language: str) -> dict[int, list[TopicView]]:
    """Per article, the topics an editor would see (``shown_article_topics``)."""
    rows = (
        shown_article_topics().filter(article_id__in=article_ids)
        .select_related("topic__parent")
        .order_by("-score", "topic__name_en")
    )
    found = defaultdict(list)
    for row in rows:
        topic = row.topic
        found[row.article_id].append(TopicView(
            slug=topic.slug, name=capfirst(topic.name_for(language)), iptc_code=topic.iptc_code,
            parent_iptc_code=topic.parent.iptc_code if topic.parent_id else "",
        ))
    return found


def speaker_unchecked(quote: Quote) -> bool:
    """Whether a digest leaves the quote's speaker out: the pipeline inferred it from the context and
    no editor accepted the quote. No speaker is better than a wrong one in what leaves the desk."""
    return quote.decision != Decision.ACCEPTED and quote.speaker_inferred()


def _quote_view(quote: Quote, language: str) -> QuoteView:
    """The quote as the digest shows it, its speakers' names joined in the digest's language (none
    when its speaker is unchecked, ``speaker_unchecked``)."""
    if speaker_unchecked(quote):
        return QuoteView(id=quote.id, text=quote.text)
    with translation.override(language):
        speaker = quote.speaker_names()
    return QuoteView(id=quote.id, text=quote.text, speaker=speaker, speaker_role=quote.speaker_role)


def digest_view(digest: Digest, *, permalink: str = "", include_empty: bool = False) -> DigestView:
    """A draft's view, read live: a fixed number of queries whatever the number of items.

    A published digest's view comes from its snapshot instead (``view_for``).
    """
    sections = list(DigestSection.objects.filter(digest=digest).select_related("topic").order_by("position", "id"))
    items = list(
        DigestItem.objects.filter(digest=digest)
        .select_related("article__source")
        .defer("article__body", "article__last_error")
        .prefetch_related(Prefetch("quotes", queryset=Quote.objects.select_related("speaker").order_by("start")),
                          speakers_prefetch("quotes__"))
        .order_by("position", "id")
    )
    article_ids = [item.article_id for item in items if item.article_id]
    outlets = also_reported([item.article for item in items if item.article_id])
    actors = key_actors(article_ids)
    topics = article_topics(article_ids, language=digest.language)
    by_section = defaultdict(list)
    for item in items:
        article = item.article
        by_section[item.section_id].append(ItemView(
            id=item.id,
            article_id=item.article_id,
            position=item.position,
            title=item.title or (article.title if article else ""),
            source=article.source.name if article and article.source_id else "",
            url=article.url if article else "",
            published_at=article.published_at if article else None,
            language=article.language if article else "",
            summary=item.summary,
            note=item.note,
            actors=actors.get(item.article_id, []),
            quotes=[_quote_view(quote, digest.language) for quote in item.quotes.all()],
            topics=topics.get(item.article_id, []),
            reviewed=bool(article and article.review_state == Article.ReviewState.REVIEWED),
            also_reported=outlets.get(item.article_id, []),
        ))
    section_views = []
    for section in sections:
        section_items = by_section.get(section.id, [])
        if not section_items and not include_empty:
            continue
        section_views.append(SectionView(
            id=section.id, title=section_title(section, digest.language),
            slug=section.topic.slug if section.topic else "",
            iptc_code=section.topic.iptc_code if section.topic else "",
            items=section_items,
        ))
    return DigestView(
        id=digest.id, token=digest.token, title=digest.title, introduction=digest.introduction,
        period_start=digest.period_start, period_end=digest.period_end, language=digest.language,
        status=digest.status, sections=section_views, published_at=digest.published_at,
        published_by=digest.published_by.get_username() if digest.published_by_id else "",
        created_at=digest.created_at, permalink=permalink,
    )


def view_for(digest: Digest, *, permalink: str = "") -> DigestView:
    """What the digest shows: its snapshot once published, its live rows while a draft."""
    if digest.is_published() and digest.snapshot:
        return DigestView.from_dict(digest.snapshot)
    return digest_view(digest, permalink=permalink)


def story_article_ids(article: Article | None) -> list[int]:
    """The article and the other articles of its story (whose quotes its digest item may show)."""
    if article is None:
        return []
    if article.story_id is None:
        return [article.id]
    return list(Article.objects.filter(story_id=article.story_id).values_list("id", flat=True))


def quote_choices(articles: list[Article]) -> dict[int, list[Quote]]:
    """Per article, the direct quotes an editor may put in its digest item (accepted or still pending):
    its own first, then those of the other articles of its story (``quote.outlet`` names their source).
    Two queries whatever the number of articles."""
    stories = {article.story_id for article in articles if article.story_id}
    ids = {article.id for article in articles}
    quotes = (
        Quote.objects.filter(Q(article_id__in=ids) | Q(article__story_id__in=stories), kind=Quote.QuoteKind.DIRECT)
        .exclude(decision=Decision.REJECTED)
        .select_related("speaker", "article__source")
        .only("id", "text", "start", "article_id", "article__story_id", "article__source__name", "speaker__name",
              "speaker_role", "speaker_confidence", "decision", "kind")
        .prefetch_related(speakers_prefetch())
        .order_by("article_id", "start")
    )
    by_article, by_story = defaultdict(list), defaultdict(list)
    for quote in quotes:
        quote.outlet = quote.article.source.name if quote.article.source_id else ""
        by_article[quote.article_id].append(quote)
        if quote.article.story_id:
            by_story[quote.article.story_id].append(quote)
    return {article.id: by_article[article.id] + [q for q in by_story.get(article.story_id, [])
                                                    if q.article_id != article.id][:STORY_QUOTES]
            for article in articles}


def also_reported(articles: list[Article]) -> dict[int, list[str]]:
    """Per article in a story, the other outlets of its story, first to report first (one query)."""
    stories = {article.story_id for article in articles if article.story_id}
    outlets = defaultdict(list)
    rows = (Article.objects.filter(story_id__in=stories, source__isnull=False)
            .order_by(Coalesce("published_at", "created_at"), "id").values_list("story_id", "source__name"))
    for story_id, name in rows:
        if name not in outlets[story_id]:
            outlets[story_id].append(name)
    return {article.id: [name for name in outlets[article.story_id]
                         if not (article.source_id and name == article.source.name)]
            for article in articles if article.story_id}


def digests_for_list(user) -> QuerySet[Digest]:
    return (
        Digest.objects.visible_to(user)
        .select_related("created_by", "published_by")
        .annotate(item_count=Count("items"))
        .defer("snapshot")
    )


def draft_digests(*, article_id: int | None = None, limit: int = 20) -> list[Digest]:
    """The latest drafts (one query), each with ``has_article`` when ``article_id`` is given."""
    drafts = Digest.objects.drafts().only("id", "title", "period_start", "period_end")
    if article_id is not None:
        drafts = drafts.annotate(has_article=Exists(DigestItem.objects.filter(digest=OuterRef("pk"),
                                                                              article_id=article_id)))
    return list(drafts.order_by("-period_end", "-id")[:limit])


def unchecked_speakers(digest: Digest) -> int:
    """How many of the quotes chosen for the digest go out without their speaker (``speaker_unchecked``)."""
    chosen = Quote.objects.filter(id__in=DigestItem.quotes.through.objects.filter(digestitem__digest=digest)
                                  .values("quote_id"))
    return sum(speaker_unchecked(quote) for quote in chosen.only("id", "decision", "speaker_id", "speaker_confidence"))


def publish_counts(digest: Digest) -> tuple[int, int]:
    """How many articles the digest holds, and how many of them are not reviewed yet (one query)."""
    reviewed = Q(article__review_state=Article.ReviewState.REVIEWED)
    counts = DigestItem.objects.filter(digest=digest).aggregate(
        total=Count("id"), unreviewed=Count("id", filter=Q(article__isnull=False) & ~reviewed))
    return counts["total"], counts["unreviewed"]


def recent_export_jobs(digest: Digest, limit: int = 5) -> list[ExportJob]:
    return list(ExportJob.objects.filter(digest=digest).order_by("-created_at", "-id")[:limit])


# Pulling articles in.

def period_articles(digest: Digest) -> QuerySet[Article]:
    """The articles of the digest's period: published in it, or added in it when their date is unknown."""
    # One WHERE with an OR (not two subqueries): the database reads each index for its range.
    dated = Article.objects.published_between(digest.period_start, digest.period_end)
    undated = Article.objects.filter(published_at__isnull=True).added_between(digest.period_start, digest.period_end)
    return dated | undated


def pull_actor_choices(digest: Digest, params: PullParams) -> list[Actor]:
    """The pull form's actors: the most mentioned in the digest's period (a count bounded by the
    period's articles), and the one chosen if it is not among them."""
    actors = most_mentioned_actors(articles=period_articles(digest))
    if params.actor and params.actor not in {actor.id for actor in actors}:
        actors = list(Actor.objects.canonical().filter(id=params.actor).only("id", "name", "kind")) + actors
    return actors


def articles_to_pull(digest: Digest, params: PullParams, *, limit: int = PULL_LIMIT) -> list[Article]:
    """Articles matching the form, newest first; each with ``in_digest`` set."""
    articles = Article.objects.filter(status=Article.Status.ANNOTATED).select_related("source").defer(
        "body", "last_error")
    if params.reviewed_only:
        articles = articles.reviewed()
    if params.topic:
        articles = articles.with_topic(params.topic)
    if params.actor:
        articles = articles.with_actor(params.actor)
    if params.source:
        articles = articles.filter(source_id=params.source)
    if params.within_period:
        articles = articles.filter(id__in=period_articles(digest).values("id"))
    if params.q:
        articles = articles.search(params.q)
    found = list(articles.order_by(F("published_at").desc(nulls_last=True), "-created_at", "-id")[:limit])
    present = set(DigestItem.objects.filter(digest=digest, article_id__in=[a.id for a in found])
                  .values_list("article_id", flat=True))
    for article in found:
        article.in_digest = article.id in present
    return found
