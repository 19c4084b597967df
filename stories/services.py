"""Stories: assign each annotated article to one, and the editors' corrections.

Guarantees:
- ``story_assign`` puts an annotated article in the most similar story active in
  the time window, or in a new one; running it again on an unchanged article
  changes nothing; an article an editor placed stays where the editor put it.
- Candidates come from the ``StoryKey`` index (stories in the window that share
  one of the article's rarest keys), never from a scan of every story: the cost
  per article does not grow with the archive.
- An article that started its own story joins the story of its event once a later report links
  them (second chance), unless an editor placed it, renamed its story or someone watches it.
- Assignments are serialised (a PostgreSQL advisory lock; SQLite serialises
  writers anyway): two articles about one event arriving together cannot each
  start their own story.
"""

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from articles.models import Article, Decision, Mention, ReviewEvent, StoryOrigin
from articles.nlp.boilerplate import find_content_end
from articles.nlp.normalise import normalise_text
from stories import features
from stories.models import ArticleVector, KeyFrequency, Story, StoryKey

# An arbitrary constant naming the lock every assignment takes (pg_advisory_xact_lock).
_ASSIGN_LOCK = 7_401_215
# The article's rarest keys looked up in the index, the stories scored at most, and the
# story's keys written to the index: all fixed, so an assignment costs the same at any archive size.
QUERY_KEYS = 25
MAX_CANDIDATES = 100
INDEX_KEYS = 60
# Members compared one by one to find the near copies and the most central article.
MEMBERS_COMPARED = 200
CENTRAL_COMPARED = 30
# Cosine of two articles' vectors from which the later is a near copy of the earlier.
NEAR_COPY = 0.9


class StoryError(Exception):
    """A correction that cannot be made (unknown story, article not annotated); the message says why."""


@dataclass(frozen=True)
class _Features:
    vector: dict[str, float]
    signature: str


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ASSIGN_LOCK])


def _key_counts(article: Article, *, lemmas: bool = True) -> Counter:
    """The article's keys; without ``lemmas`` its words are plural-stripped only and its peoples not counted
    (see ``_lexicon``)."""
    text = normalise_text(article.body)
    text = text[: find_content_end(text)]
    rows = Mention.objects.filter(article_id=article.id).values_list(
        "actor_id", "actor__merged_into_id", "decision", "text")
    # A merged actor counts as its survivor; a rejected mention lends no actor, nor is its text a name.
    actor_ids = [merged or actor for actor, merged, decision, _ in rows if actor and decision != Decision.REJECTED]
    table, adjectives = _lexicon(article.language) if lemmas else ({}, frozenset())
    return features.term_counts(title=article.title, text=text, actor_ids=actor_ids, lemmas=table,
                                adjectives=adjectives, mentioned=[surface for *_, surface in rows])


def _lexicon(language: str):
    """The language model's table of forms to lemmas and its adjectives naming peoples, as the annotation
    loaded them. Workers only: a web process never loads a model (an editor placing an article not yet
    weighed reads it without)."""
    from articles.services.annotation import get_annotator

    annotator = get_annotator()
    return annotator.lemma_table(language), annotator.people_adjectives(language)


def _count_keys(keys) -> None:
    """Add one article to the frequencies of its keys (and to the number of articles, key "")."""
    table = KeyFrequency._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (key, df) VALUES (%s, 1) ON CONFLICT (key) DO UPDATE SET df = {table}.df + 1",
            [(key,) for key in sorted({"", *keys})],
        )


def _features(article: Article, *, counted: bool, lemmas: bool = True) -> _Features:
    counts = _key_counts(article, lemmas=lemmas)
    signature = hashlib.sha256(json.dumps(sorted(counts.items())).encode()).hexdigest()[:32]
    frequencies = dict(KeyFrequency.objects.filter(key__in=[*counts, ""]).values_list("key", "df"))
    if not counted:
        _count_keys(counts)
    total = frequencies.pop("", 0)
    return _Features(vector=features.weigh(counts, df=frequencies, total=total), signature=signature)


def _when(article: Article) -> datetime:
    return article.published_at or article.created_at


def _candidates(article: Article, vector: dict[str, float], avoid: frozenset[int] = frozenset()) -> list[Story]:
    window = timedelta(days=settings.STORY_WINDOW_DAYS)
    when, added = _when(article), article.created_at
    keys = list(features.top(vector, QUERY_KEYS))
    in_window = Q(first_seen__lte=when + window, last_seen__gte=when - window)
    # Without a date the article is placed at the time it was added, and so are undated
    # stories: an undated article meets the stories added around it, a dated one the
    # undated stories added around it. (A bench that posts everything at once therefore
    # compares every undated article with everything: the window then covers it all.)
    added_near = Q(last_added__gte=added - window)
    in_window |= added_near if article.published_at is None else added_near & Q(undated=True)
    shared = Counter(
        StoryKey.objects.filter(in_window, key__in=keys).exclude(story_id=article.story_id or 0)
        .exclude(story_id__in=avoid).values_list("story_id", flat=True)
    )
    best = [story_id for story_id, _ in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_CANDIDATES]]
    return list(Story.objects.filter(id__in=best).only("id", "centroid", "article_count", "title_by_editor"))


def _best(candidates: list[Story], vector: dict[str, float]) -> tuple[Story | None, float]:
    scored = sorted(((features.cosine(vector, story.centroid), -story.id, story) for story in candidates),
                    key=lambda t: t[:2], reverse=True)
    if scored and scored[0][0] >= settings.STORY_THRESHOLD:
        return scored[0][2], scored[0][0]
    return None, scored[0][0] if scored else 0.0


def _member_vectors(story: Story) -> dict[int, dict[str, float]]:
    ids = list(story.articles.order_by("created_at", "id").values_list("id", flat=True)[:MEMBERS_COMPARED])
    return dict(ArticleVector.objects.filter(article_id__in=ids).values_list("article_id", "vector"))


def _central(story: Story, members: dict[int, dict[str, float]]) -> tuple[int | None, float]:
    """The member closest to the centroid. A large story compares only its current central article and
    the newest members: the title stays stable and the cost bounded."""
    if len(members) > CENTRAL_COMPARED:
        keep = sorted(members)[-CENTRAL_COMPARED:]
        if story.central_article_id in members:
            keep.append(story.central_article_id)
        members = {i: members[i] for i in keep}
    centroid_norm = features.norm(story.centroid)
    scores = {i: features.cosine(v, story.centroid, b_norm=centroid_norm) for i, v in members.items()}
    best = max(scores, key=lambda i: (scores[i], -i), default=None)
    return best, scores.get(best, 0.0)


def _story_refresh(story: Story, members: dict[int, dict[str, float]] | None = None) -> None:
    """Counters, time span, languages, title and index keys from the story's articles."""
    articles = story.articles.all()
    stats = articles.aggregate(
        n=Count("id"), outlets=Count("source", distinct=True), undated=Count("id", filter=Q(published_at=None)),
        first=Min(Coalesce("published_at", "created_at")), last=Max(Coalesce("published_at", "created_at")),
        added=Max("created_at"),
    )
    if not stats["n"]:
        story.delete()
        return
    story.article_count, story.outlet_count, story.undated_count = stats["n"], stats["outlets"], stats["undated"]
    story.first_seen, story.last_seen, story.last_added = stats["first"], stats["last"], stats["added"]
    story.languages = sorted(set(articles.exclude(language="").values_list("language", flat=True)))
    central, score = _central(story, _member_vectors(story) if members is None else members)
    if central is not None:
        story.central_article_id, story.central_score = central, round(score, 4)
    if not story.title_by_editor and story.central_article_id:
        story.title = Article.objects.filter(id=story.central_article_id).values_list("title", flat=True).first() or ""
    story.save()
    _story_index(story)


def _story_index(story: Story) -> None:
    """The story's heaviest keys in the index, with its current time span (only the changed keys rewritten)."""
    keys = set(features.top(story.centroid, INDEX_KEYS))
    indexed = set(StoryKey.objects.filter(story=story).values_list("key", flat=True))
    StoryKey.objects.filter(story=story, key__in=indexed - keys).delete()
    span = {"first_seen": story.first_seen, "last_seen": story.last_seen, "last_added": story.last_added,
            "undated": story.undated_count > 0}
    StoryKey.objects.filter(story=story).update(**span)
    StoryKey.objects.bulk_create(StoryKey(story=story, key=key, **span) for key in sorted(keys - indexed))


def _near_copy_of(article: Article, vector: dict[str, float], members: dict[int, dict[str, float]]) -> int | None:
    copies = [i for i, v in members.items() if i != article.id and features.cosine(vector, v) >= NEAR_COPY]
    earlier = Article.objects.filter(id__in=copies, created_at__lte=article.created_at).order_by("created_at", "id")
    return earlier.values_list("id", flat=True).first() if copies else None


def _place(article: Article, story: Story, vector: dict[str, float], *, origin: str) -> dict[int, dict[str, float]]:
    """The article in the story; returns the story's member vectors (the article's included)."""
    story.centroid = features.add(story.centroid, vector)
    story.save(update_fields=["centroid"])
    members = _member_vectors(story)
    Article.objects.filter(id=article.id).update(story=story, story_origin=origin,
                                                 near_copy_of=_near_copy_of(article, vector, members))
    article.story, article.story_id, article.story_origin = story, story.id, origin
    if len(members) < MEMBERS_COMPARED:
        members[article.id] = vector
    return members


def _take_out(article: Article, old_vector: dict[str, float] | None) -> Story | None:
    if article.story_id is None:
        return None
    story = Story.objects.select_for_update().get(id=article.story_id)
    if old_vector:
        story.centroid = features.add(story.centroid, old_vector, sign=-1)
        story.save(update_fields=["centroid"])
    Article.objects.filter(id=article.id).update(story=None, near_copy_of=None)
    return story


def story_assign(*, article_id: int, avoid: frozenset[int] = frozenset()) -> Story | None:
    """Put an annotated article in its story (see the module's guarantees); None if it is not annotated.
    The stories in ``avoid`` are not candidates (reclustering leaves the stories editors shaped alone)."""
    with transaction.atomic():
        _lock()
        article = Article.objects.select_for_update().filter(id=article_id, status=Article.Status.ANNOTATED).first()
        if article is None:
            return None
        stored = ArticleVector.objects.filter(article_id=article.id).first()
        found = _features(article, counted=stored is not None)
        if stored and article.story_id and stored.signature == found.signature:
            return article.story  # unchanged since its last assignment: nothing to do
        old_vector = stored.vector if stored else None
        old_story = _take_out(article, old_vector)
        if article.story_origin == StoryOrigin.EDITOR and old_story is not None:
            story, score = old_story, None  # an editor placed it: the machine only updates what it weighs
        else:
            candidates = _candidates(article, found.vector, avoid)
            story, score = _best(candidates, found.vector)
            if story is None:
                empty = old_story is not None and not old_story.articles.exists()
                story = old_story if empty else Story.objects.create(created_at=article.created_at)
                score = None
        ArticleVector.objects.update_or_create(
            article_id=article.id, defaults={"vector": found.vector, "signature": found.signature, "score": score})
        origin = StoryOrigin.EDITOR if article.story_origin == StoryOrigin.EDITOR else StoryOrigin.MACHINE
        members = _place(article, story, found.vector, origin=origin)
        if origin == StoryOrigin.MACHINE and score is not None:
            members = _second_chance(story, candidates, members)
        _story_refresh(story, members)
        if old_story is not None and old_story.id != story.id:
            _story_refresh(old_story)
        return story


def _second_chance(story: Story, candidates: list[Story], members: dict[int, dict[str, float]]):
    """Second chance: the stories of a single article among the candidates the index gave for the article that
    just joined ``story`` are weighed again against it, grown; one that now reaches the threshold joins it.
    An article that started its own story because its event's story had not yet gathered the words they
    share (two reports telling two sides of one event) joins it once a third has linked them. Only the
    machine's placements move (an article an editor placed, a story an editor renamed or someone watches
    stay), only among the stories already loaded (at most ``MAX_CANDIDATES``): the cost stays bounded.
    Returns the story's member vectors."""
    from watches.models import Watch

    lonely = [c for c in candidates if c.id != story.id and c.article_count == 1 and not c.title_by_editor]
    # A story someone watches stays too: the watch would go with it.
    watched = set(Watch.objects.filter(story_id__in=[c.id for c in lonely]).values_list("story_id", flat=True))
    for candidate in sorted(lonely, key=lambda c: c.id):
        if candidate.id in watched:
            continue
        # A single article's centroid is its vector (rounded): the stores are read only for those that reach.
        if features.cosine(candidate.centroid, story.centroid) < settings.STORY_THRESHOLD - 1e-4:
            continue
        articles = list(Article.objects.filter(story_id=candidate.id)[:2])
        if len(articles) != 1 or articles[0].story_origin != StoryOrigin.MACHINE:
            continue
        article = articles[0]
        stored = ArticleVector.objects.filter(article_id=article.id).first()
        score = features.cosine(stored.vector, story.centroid) if stored else 0.0
        if score < settings.STORY_THRESHOLD:
            continue
        ArticleVector.objects.filter(article_id=article.id).update(score=score)
        members = _place(article, story, stored.vector, origin=StoryOrigin.MACHINE)
        candidate.delete()
    return members


def article_story_move(*, article_id: int, story_id: int | None, user) -> Story:
    """An editor puts an article in another story (``story_id``) or in a new one (None).

    The article is then the editor's: no later assignment (re-annotation, a new
    pipeline, new articles) moves it. Logged as a review event.
    """
    with transaction.atomic():
        _lock()
        article = Article.objects.select_for_update().filter(id=article_id).first()
        if article is None:
            raise StoryError("No such article.")
        if article.status != Article.Status.ANNOTATED:
            raise StoryError("Only an annotated article can be put in a story.")
        target = None
        if story_id is not None:
            target = Story.objects.select_for_update().filter(id=story_id).first()
            if target is None:
                raise StoryError(f"No story {story_id}.")
        stored = ArticleVector.objects.filter(article_id=article.id).first()
        if stored is None:
            # Not weighed yet (its assignment is seconds away): weighed here, in a web process, without lemmas.
            found = _features(article, counted=False, lemmas=False)
            vector = found.vector
            ArticleVector.objects.create(article_id=article.id, vector=vector, signature=found.signature)
        else:
            vector = stored.vector
        before = article.story_id
        old_story = _take_out(article, vector if before else None)
        if target is None:
            target = Story.objects.create(created_at=article.created_at)
        _place(article, target, vector, origin=StoryOrigin.EDITOR)
        _story_refresh(target)
        if old_story is not None and old_story.id != target.id:
            _story_refresh(old_story)
        ReviewEvent.objects.create(article_id=article.id, user=user, action="story_move", target=f"story {target.id}",
                                   before={"story": before}, after={"story": target.id})
        return target


def article_story_refresh(*, article_id: int) -> Story | None:
    """The story of an article whose details an editor corrected (title, source, date): its title,
    outlets and time span computed again from its articles. The article stays where it is."""
    with transaction.atomic():
        _lock()
        story_id = Article.objects.filter(id=article_id).values_list("story_id", flat=True).first()
        story = Story.objects.select_for_update().filter(id=story_id).first() if story_id else None
        if story is not None:
            _story_refresh(story)
        return story


def story_rename(*, story_id: int, title: str, user) -> Story:
    """An editor's title: kept whatever articles join or leave the story."""
    title = " ".join(title.split())[:500]
    if not title:
        raise StoryError("A story needs a title.")
    with transaction.atomic():
        story = Story.objects.select_for_update().filter(id=story_id).first()
        if story is None:
            raise StoryError(f"No story {story_id}.")
        story.title, story.title_by_editor = title, True
        story.save(update_fields=["title", "title_by_editor", "updated_at"])
        return story


def story_merge(*, story_id: int, into_id: int, user) -> Story:
    """Every article of one story moved into another by an editor (each move logged)."""
    if story_id == into_id:
        raise StoryError("A story cannot be merged into itself.")
    if not Story.objects.filter(id=into_id).exists():
        raise StoryError(f"No story {into_id}.")
    with transaction.atomic():
        for article_id in Article.objects.filter(story_id=story_id).order_by("id").values_list("id", flat=True):
            article_story_move(article_id=article_id, story_id=into_id, user=user)
        return Story.objects.get(id=into_id)


def story_split(*, story_id: int, article_ids: list[int], user) -> Story:
    """Some articles of a story moved together into a new story by an editor (each move logged, like
    ``article_story_move``); the others stay. Choosing none, an article of another story, or every
    article of the story is refused."""
    ids = sorted(set(article_ids))
    with transaction.atomic():
        _lock()
        members = set(Article.objects.filter(story_id=story_id).values_list("id", flat=True))
        if not ids or not set(ids) <= members:
            raise StoryError(_("Tick the articles of this story to move into a new story."))
        if set(ids) == members:
            raise StoryError(_("Leave at least one article in this story."))
        new = article_story_move(article_id=ids[0], story_id=None, user=user)
        for article_id in ids[1:]:
            article_story_move(article_id=article_id, story_id=new.id, user=user)
        return Story.objects.get(id=new.id)


def stories_recluster(*, progress=None) -> int:
    """Group again, one by one in order of time and with the current weights and settings (after a
    change of threshold, window or pipeline), the articles of the stories no editor shaped; returns
    how many.

    A story an editor shaped (renamed, or given an article by an editor, or one an editor took out
    into it) is left exactly as it is: the editor saw it; the others are regrouped among themselves.
    Interrupted, it leaves the articles not yet regrouped without a story, and running it again
    finishes the work; articles annotated meanwhile join their stories as usual.
    """
    with transaction.atomic():
        _lock()
        shaped = frozenset(Story.objects.filter(Q(title_by_editor=True) | Q(articles__story_origin=StoryOrigin.EDITOR))
                           .values_list("id", flat=True))
        loose = (Article.objects.filter(story__isnull=False, status=Article.Status.ANNOTATED)
                 .exclude(story__in=shaped))
        loose.update(story=None, near_copy_of=None, story_origin="")
        Story.objects.filter(articles__isnull=True).delete()
        _weights_rebuild(shaped)
    ids = list(Article.objects.filter(story__isnull=True, status=Article.Status.ANNOTATED)
               .order_by(Coalesce("published_at", "created_at"), "id").values_list("id", flat=True))
    for done, article_id in enumerate(ids, start=1):
        story_assign(article_id=article_id, avoid=shaped)
        if progress is not None:
            progress(done, len(ids))
    return len(ids)


def _weights_rebuild(shaped: frozenset[int]) -> None:
    """Key frequencies counted again from the articles weighed so far (those with a vector), and the
    vectors and centroids of the stories editors shaped weighed again: after a change of what an
    article's keys are (a new pipeline, lemmas), old counts would weigh every new key as never seen."""
    counted = Article.objects.filter(story_vector__isnull=False).order_by("id")
    frequencies, total = Counter(), 0
    for article in counted.iterator(chunk_size=500):
        frequencies.update(set(_key_counts(article)))
        total += 1
    KeyFrequency.objects.all().delete()
    KeyFrequency.objects.bulk_create([KeyFrequency(key="", df=total)] + [
        KeyFrequency(key=key, df=df) for key, df in sorted(frequencies.items())], batch_size=5000)
    for story in Story.objects.filter(id__in=shaped).order_by("id"):
        story.centroid = {}
        for article in story.articles.order_by("id"):
            found = _features(article, counted=True)
            ArticleVector.objects.filter(article_id=article.id).update(vector=found.vector, signature=found.signature)
            story.centroid = features.add(story.centroid, found.vector)
        _story_refresh(story)


def stories_reset() -> None:
    """Forget every story and weight (benchmarks, a full re-clustering); editors' moves are lost too."""
    with transaction.atomic():
        Article.objects.filter(story__isnull=False).update(story=None, story_origin="", near_copy_of=None)
        StoryKey.objects.all().delete()
        Story.objects.all().delete()
        ArticleVector.objects.all().delete()
        KeyFrequency.objects.all().delete()

