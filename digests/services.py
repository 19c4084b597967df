"""Writes of the digests app.

Every function here runs in one transaction, takes the digest's row lock
first (two editors moving items at once are serialised, positions stay
dense), and refuses to touch a published digest: once published, a digest
only changes through nothing.
"""

import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from articles.models import Article, Decision, Quote, Topic
from articles.services.ingest import clean_line
from digests import exports
from digests.models import Digest, DigestItem, DigestSection, ExportJob
from digests.selectors import MAX_QUOTES, digest_view, shown_article_topics, story_article_ids, view_for
from digests.summary import lead_sentences
from digests.tasks import export_digest
from pressreview.enqueue import Message, send, send_on_commit
from stories.models import Story

logger = logging.getLogger(__name__)

MAX_TEXT = 5000


class DigestError(ValueError):
    """A request the editor must correct; the message is shown as is."""


def _lock(digest: Digest) -> Digest:
    locked = Digest.objects.select_for_update().get(id=digest.id)
    if locked.is_published():
        raise DigestError(_("This digest is published: it can no longer be changed."))
    return locked


def _clean_text(value: str, *, limit: int = MAX_TEXT) -> str:
    value = (value or "").replace("\r\n", "\n").strip()
    if len(value) > limit:
        raise DigestError(_("Keep it under %(limit)d characters.") % {"limit": limit})
    return value


def _check_period(period_start: date, period_end: date) -> None:
    if period_end < period_start:
        raise DigestError(_("The period ends before it starts."))
    if period_end - period_start > timedelta(days=366):
        raise DigestError(_("A digest covers at most a year."))


def digest_create(*, title: str, period_start: date, period_end: date, introduction: str = "", language: str = "fr",
                  user=None) -> Digest:
    """A new draft digest, with no section yet."""
    title = _clean_text(title, limit=300)
    if not title:
        raise DigestError(_("Give the digest a title."))
    _check_period(period_start, period_end)
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with transaction.atomic():
        return Digest.objects.create(title=title, period_start=period_start, period_end=period_end,
                                     introduction=_clean_text(introduction), language=language, created_by=user)


def digest_update(*, digest: Digest, title: str, period_start: date, period_end: date, introduction: str,
                  language: str | None = None) -> Digest:
    title = _clean_text(title, limit=300)
    if not title:
        raise DigestError(_("Give the digest a title."))
    _check_period(period_start, period_end)
    with transaction.atomic():
        digest = _lock(digest)
        digest.title, digest.period_start, digest.period_end = title, period_start, period_end
        digest.introduction = _clean_text(introduction)
        if language in dict(settings.LANGUAGES):
            digest.language = language
        digest.save()
        return digest


def digest_delete(*, digest: Digest) -> None:
    """Delete a draft; a published digest is a record of what was sent and stays."""
    with transaction.atomic():
        _lock(digest).delete()


def _main_topics(articles: list[Article]) -> dict[int, Topic]:
    """Per article, the section it goes to by default: its confirmed topic, else its best suggestion
    (one query; an article without one is left out, for "Other news")."""
    rows = (
        shown_article_topics().filter(article__in=articles, topic__active=True)
        .select_related("topic")
        .order_by("article_id", "decision", "-score", "topic__name_en")  # "accepted" sorts before "pending"
    )
    found: dict[int, Topic] = {}
    for row in rows:
        found.setdefault(row.article_id, row.topic)
    return found


def _section(digest: Digest, topic: Topic | None) -> DigestSection:
    section = DigestSection.objects.filter(digest=digest, topic=topic, title="").order_by("id").first()
    if section is None:
        last = DigestSection.objects.filter(digest=digest).aggregate(m=Max("position"))["m"]
        section = DigestSection.objects.create(digest=digest, topic=topic, position=0 if last is None else last + 1)
    return section


def _next_position(section: DigestSection) -> int:
    last = DigestItem.objects.filter(section=section).aggregate(m=Max("position"))["m"]
    return 0 if last is None else last + 1


def _renumber(section: DigestSection, ordered_ids: list[int]) -> None:
    items = {item.id: item for item in DigestItem.objects.filter(section=section)}
    ordered = [items[i] for i in ordered_ids if i in items]
    ordered += sorted((item for i, item in items.items() if i not in ordered_ids), key=lambda it: (it.position, it.id))
    for position, item in enumerate(ordered):
        item.position = position
    DigestItem.objects.bulk_update(ordered, ["position"])


def _one_per_story(articles: list[Article]) -> list[Article]:
    """The articles with one of each story: the reviewed one, else the story's most central, else
    the first given; in the order the chosen ones were given."""
    central = dict(Story.objects.filter(id__in={a.story_id for a in articles if a.story_id})
                   .values_list("id", "central_article_id"))

    def rank(article: Article) -> tuple[bool, bool]:
        return article.review_state != Article.ReviewState.REVIEWED, article.id != central.get(article.story_id)

    best: dict[int, Article] = {}
    for article in articles:
        kept = best.get(article.story_id)
        if article.story_id is not None and (kept is None or rank(article) < rank(kept)):
            best[article.story_id] = article
    return [a for a in articles if a.story_id is None or best[a.story_id] is a]


def digest_items_add(*, digest: Digest, articles: list[Article], user=None, topic: Topic | None = None
                     ) -> list[DigestItem]:
    """Add articles to a draft, each at the end of its section. A story is one item: of several
    articles of one story, one is added (``_one_per_story``), and an article whose story is in the
    digest already is skipped, like an article that is.

    The section is ``topic``'s when given (pulled in by topic), else the
    article's confirmed or best topic, else "Other news". The summary is the
    article's lead sentences, for the editor to change.
    """
    with transaction.atomic():
        digest = _lock(digest)
        present = set(DigestItem.objects.filter(digest=digest, article__in=articles)
                      .values_list("article_id", flat=True))
        stories = set(DigestItem.objects.filter(
            digest=digest, article__story_id__in={a.story_id for a in articles if a.story_id})
            .values_list("article__story_id", flat=True))
        articles = _one_per_story(articles)
        main_topics = _main_topics(articles) if topic is None else {}
        sections: dict[int | None, DigestSection] = {}  # by topic id
        positions: dict[int, int] = {}  # the next free position, by section id
        added = []
        for article in articles:
            if article.id in present or article.story_id in stories:
                continue
            present.add(article.id)
            if article.story_id:
                stories.add(article.story_id)
            chosen = topic if topic is not None else main_topics.get(article.id)
            key = chosen.id if chosen else None
            if key not in sections:
                sections[key] = _section(digest, chosen)
            section = sections[key]
            position = positions[section.id] if section.id in positions else _next_position(section)
            positions[section.id] = position + 1
            text = article if not {"body", "crop_start", "crop_end"} & article.get_deferred_fields() else (
                Article.objects.only("body", "crop_start", "crop_end").get(id=article.id))
            # Without what an editor cut off: a site's header is no summary.
            added.append(DigestItem.objects.create(
                digest=digest, section=section, article=article, position=position,
                summary=lead_sentences(text.kept_text(), title=article.title), added_by=user,
            ))
        if added:
            Digest.objects.filter(id=digest.id).update(updated_at=timezone.now())
        return added


def digest_item_update(*, item: DigestItem, summary: str, note: str, quote_ids: list[int] | None = None,
                       section: DigestSection | None = None, title: str | None = None) -> DigestItem:
    """Change an item's summary, note, chosen quotes (at most two direct quotes that are not rejected,
    of its article or of another article of its story) and, when given, its section and the title
    shown for it (empty, or the article's own: the article's title, as it changes)."""
    summary, note = _clean_text(summary), _clean_text(note)
    quote_ids = sorted(set(quote_ids or []))
    if len(quote_ids) > MAX_QUOTES:
        raise DigestError(_("Choose at most %(n)d quotes.") % {"n": MAX_QUOTES})
    with transaction.atomic():
        _lock(item.digest)
        item = DigestItem.objects.select_for_update().get(id=item.id)
        quotes = list(Quote.objects.filter(id__in=quote_ids, kind=Quote.QuoteKind.DIRECT)
                      .filter(article_id__in=story_article_ids(item.article))
                      .exclude(decision=Decision.REJECTED))
        if len(quotes) != len(quote_ids):
            raise DigestError(_("Choose quotes of this article or of its story that are not rejected."))
        item.summary, item.note = summary, note
        if title is not None:
            title = clean_line(title)[:500]
            item.title = "" if item.article_id and title == item.article.title else title
        if section is not None and section.id != item.section_id:
            if section.digest_id != item.digest_id:
                raise DigestError(_("That section belongs to another digest."))
            old = item.section
            item.section, item.position = section, _next_position(section)
            item.save()
            _renumber(old, [])
        else:
            item.save()
        item.quotes.set(quotes)
        return item


def digest_item_remove(*, item: DigestItem) -> None:
    with transaction.atomic():
        _lock(item.digest)
        section = item.section
        DigestItem.objects.filter(id=item.id).delete()
        _renumber(section, [])


def digest_item_move(*, item: DigestItem, direction: str) -> DigestItem:
    """Move an item one place up or down in its section (nothing happens at either end)."""
    if direction not in ("up", "down"):
        raise DigestError(_("Move up or down."))
    with transaction.atomic():
        _lock(item.digest)
        ids = list(DigestItem.objects.filter(section_id=item.section_id).order_by("position", "id")
                   .values_list("id", flat=True))
        index = ids.index(item.id)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(ids):
            ids[index], ids[other] = ids[other], ids[index]
        _renumber(item.section, ids)
        item.refresh_from_db()
        return item


def digest_section_order(*, digest: Digest, section: DigestSection, item_ids: list[int]) -> None:
    """Give ``section`` exactly this order of items (a drag and drop). Items listed
    from another section of the digest move here; items of the section not listed
    keep their order after the listed ones."""
    with transaction.atomic():
        digest = _lock(digest)
        if section.digest_id != digest.id:
            raise DigestError(_("That section belongs to another digest."))
        moving = list(DigestItem.objects.filter(digest=digest, id__in=item_ids).exclude(section=section))
        left = {item.section_id for item in moving}
        DigestItem.objects.filter(id__in=[item.id for item in moving]).update(section=section)
        _renumber(section, [i for i in item_ids if isinstance(i, int)])
        for old in DigestSection.objects.filter(id__in=left):
            _renumber(old, [])


def digest_section_move(*, section: DigestSection, direction: str) -> None:
    """Move a section one place up or down in the digest."""
    if direction not in ("up", "down"):
        raise DigestError(_("Move up or down."))
    with transaction.atomic():
        _lock(section.digest)
        sections = list(DigestSection.objects.filter(digest_id=section.digest_id).order_by("position", "id"))
        index = next(i for i, s in enumerate(sections) if s.id == section.id)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(sections):
            sections[index], sections[other] = sections[other], sections[index]
        for position, each in enumerate(sections):
            each.position = position
        DigestSection.objects.bulk_update(sections, ["position"])


def digest_section_create(*, digest: Digest, title: str) -> DigestSection:
    """A section of the chief editor's, named ``title``, at the end of the digest."""
    title = clean_line(title)[:200]
    if not title:
        raise DigestError(_("Give the section a name."))
    with transaction.atomic():
        digest = _lock(digest)
        last = DigestSection.objects.filter(digest=digest).aggregate(m=Max("position"))["m"]
        return DigestSection.objects.create(digest=digest, title=title, position=0 if last is None else last + 1)


def digest_section_rename(*, section: DigestSection, title: str) -> DigestSection:
    """Name a section; an empty name gives a topic's section its topic's name back."""
    title = clean_line(title)[:200]
    if not title and section.topic_id is None:
        raise DigestError(_("Give the section a name."))
    with transaction.atomic():
        _lock(section.digest)
        DigestSection.objects.filter(id=section.id).update(title=title)
        section.title = title
        return section


def digest_section_remove_empty(*, section: DigestSection) -> None:
    with transaction.atomic():
        _lock(section.digest)
        if section.items.exists():
            raise DigestError(_("Move or remove the section's articles first."))
        section.delete()


def digest_publish(*, digest: Digest, user, permalink: str = "") -> Digest:
    """Publish a draft: freeze everything it shows into its snapshot.

    Guarantees: the snapshot holds every text a reader sees (titles, summaries,
    actors, quotes, notes, sources, URLs, dates), so later edits to the articles
    change neither the permalink nor any export; a digest is published once.
    """
    with transaction.atomic():
        digest = _lock(digest)
        if not DigestItem.objects.filter(digest=digest).exists():
            raise DigestError(_("Add at least one article before publishing."))
        now = timezone.now()
        view = digest_view(digest, permalink=permalink)
        view.status = Digest.Status.PUBLISHED
        view.published_at = now
        view.published_by = user.get_username() if user else ""
        Digest.objects.filter(id=digest.id, status=Digest.Status.DRAFT).update(
            status=Digest.Status.PUBLISHED, snapshot=view.to_dict(), published_at=now, published_by=user,
            updated_at=now,
        )
        digest.refresh_from_db()
        return digest


# Exports in the background.

def export_filename(view, fmt: str) -> str:
    slug = slugify(view.title)[:60] or "digest"
    return f"{slug}-{view.period_end.isoformat()}.{exports.FORMATS[fmt].extension}"


def export_job_create(*, digest: Digest, fmt: str, user=None, base_url: str = "") -> ExportJob:
    """Queue an export of the digest; the worker writes the file, the page polls the row.
    With the broker down the job waits "queued" and ``export_jobs_sweep`` sends it later."""
    if fmt not in exports.FORMATS:
        raise DigestError(_("Unknown export format."))
    with transaction.atomic():
        job = ExportJob.objects.create(digest=digest, format=fmt, created_by=user, base_url=base_url[:300])
        send_on_commit(Message(export_digest, (job.id,)))
        return job


def _claim(job_id: int, stale_after: int) -> bool:
    """Take the job: queued, or running for longer than a worker may (its worker died)."""
    now = timezone.now()
    return bool(
        ExportJob.objects.filter(id=job_id)
        .filter(Q(status=ExportJob.Status.QUEUED)
                | Q(status=ExportJob.Status.RUNNING, started_at__lt=now - timedelta(seconds=stale_after)))
        .update(status=ExportJob.Status.RUNNING, started_at=now, attempts=F("attempts") + 1, progress_done=0,
                error="")
    )


def export_job_run(*, job_id: int, stale_after: int = 900) -> bool:
    """Write the job's file. Safe to run twice for one job: only a claimed job is
    run, and a finished job is left as it is. Returns whether it ran."""
    if not _claim(job_id, stale_after):
        return False
    job = ExportJob.objects.select_related("digest").get(id=job_id)
    digest = job.digest
    permalink = job.base_url.rstrip("/") + reverse("digests:published", args=[digest.id]) if job.base_url else ""
    view = view_for(digest, permalink=permalink)
    if not view.permalink and permalink and digest.is_published():
        view.permalink = permalink
    total = view.item_count + 1
    ExportJob.objects.filter(id=job_id).update(progress_total=total)
    last = [0.0]

    def progress(done: int, _total: int) -> None:
        # A row update per item would slow a large export: write at most every half second.
        now = timezone.now().timestamp()
        if now - last[0] >= 0.5:
            last[0] = now
            ExportJob.objects.filter(id=job_id, status=ExportJob.Status.RUNNING).update(
                progress_done=min(done, total - 1))

    try:
        content = exports.FORMATS[job.format].render(view, progress=progress)
    except Exception as exc:
        logger.exception("export %s failed", job_id)
        ExportJob.objects.filter(id=job_id).update(status=ExportJob.Status.FAILED, error=f"{type(exc).__name__}: {exc}",
                                                   finished_at=timezone.now())
        return True
    filename = export_filename(view, job.format)
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().get(id=job_id)
        if job.file:
            job.file.delete(save=False)
        job.file.save(f"{digest.id}/{job.id}-{filename}", ContentFile(content), save=False)
        job.filename, job.size = filename, len(content)
        job.status, job.progress_done, job.finished_at = ExportJob.Status.DONE, total, timezone.now()
        job.save()
    return True


def export_job_fail(*, job_id: int, error: str) -> None:
    ExportJob.objects.filter(id=job_id).exclude(status=ExportJob.Status.DONE).update(
        status=ExportJob.Status.FAILED, error=error[:2000], finished_at=timezone.now())


def export_job_requeue(*, job_id: int) -> None:
    ExportJob.objects.filter(id=job_id, status=ExportJob.Status.RUNNING).update(status=ExportJob.Status.QUEUED,
                                                                                 queued_at=timezone.now())


def export_jobs_sweep(*, stale_after: int, now=None) -> list[int]:
    """Send again the export jobs whose message was lost; returns their ids.

    A job still "queued" ``SWEEP_QUEUED_AFTER`` seconds after it was last sent
    (the broker was down, or lost it), or "running" for longer than a worker may
    (``stale_after``: its worker died). Each is stamped, so it is sent at most once
    per period; a message sent twice is harmless (the claim).
    """
    now = now or timezone.now()
    before = now - timedelta(seconds=settings.SWEEP_QUEUED_AFTER)
    stranded = ExportJob.objects.filter(
        Q(status=ExportJob.Status.QUEUED)
        | Q(status=ExportJob.Status.RUNNING, started_at__lt=now - timedelta(seconds=stale_after)),
        queued_at__lt=before,
    )
    ids = list(stranded.order_by("queued_at", "id").values_list("id", flat=True)[:100])
    if not ids:
        return []
    sent = ids[: send(Message(export_digest, (job_id,)) for job_id in ids)]
    ExportJob.objects.filter(id__in=sent).update(queued_at=now)
    if sent:
        logger.info("sweeper: export jobs %s sent again", sent)
    return sent


def export_jobs_expire(*, keep_days: int | None = None) -> int:
    """Remove the export jobs finished more than ``keep_days`` ago, their files first.
    Returns how many jobs were removed."""
    keep_days = settings.EXPORT_KEEP_DAYS if keep_days is None else keep_days
    cutoff = timezone.now() - timedelta(days=keep_days)
    removed = 0
    for job in ExportJob.objects.filter(status__in=ExportJob.FINISHED, finished_at__lt=cutoff).iterator():
        if job.file:
            job.file.delete(save=False)  # a file already gone is not an error
        job.delete()
        removed += 1
    if removed:
        logger.info("removed %s digest exports finished before %s", removed, cutoff.isoformat())
    return removed
