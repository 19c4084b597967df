"""Articles in: pasted text, uploaded files and API posts all end here."""

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Article, Source
from articles.services.recovery import annotation_enqueue
from articles.services.search import articles_index
from pressreview.files import FileRefused
from pressreview.files.extract import ExtractionError, extract
from pressreview.files.limits import check_size

# Typography folded by the fingerprint: curly apostrophes and quotes, guillemets.
_FOLD_PAIRS = (("\u2019", "'"), ("\u2018", "'"), ("\u02bc", "'"), ("\u201c", '"'), ("\u201d", '"'), ("\u00ab", '"'),
               ("\u00bb", '"'))
_TRACKING_PARAMS = re.compile(r"^(utm_|fbclid$|gclid$|xtor$|at_)")


# Unicode category Cc (U+0000-001F, U+007F-009F) except tab and newline; one
# regular expression rather than a category lookup per character (bulk import).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Every control character, tab and newline included: none belongs in a one-line field.
_LINE_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class IngestError(ValueError):
    """Input an editor must fix; the message is shown as is."""


@dataclass(frozen=True)
class IngestResult:
    article: Article
    duplicate: bool
    note: str = ""  # what the editor should know about reading the file (bytes replaced), else ""


def content_fingerprint(body: str) -> str:
    """Hash of the text with typography, spacing and case folded: the same
    article pasted from two places (curly or straight quotes, extra blank
    lines) is one article."""
    folded = unicodedata.normalize("NFKC", body)
    # str.replace per pair rather than str.translate: several times faster on long text (bulk import).
    for char, replacement in _FOLD_PAIRS:
        if char in folded:
            folded = folded.replace(char, replacement)
    # str.split() and re's \s agree on every code point: this is re.sub(r"\s+", " ", …).strip().
    folded = " ".join(folded.split()).casefold()
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def normalise_url(url: str) -> str:
    """Canonical form used to spot the same page posted twice; "" for no URL: scheme and
    host in lower case, no default port, no tracking parameter, fragment or trailing slash.

    Every URL stored or followed goes through here: anything but an http(s)
    address with a host raises IngestError (a ``javascript:`` or ``data:`` link
    must never reach a page, an export or a fetcher).
    """
    url = url_check(url)
    if not url:
        return ""
    parts = urlsplit(url)
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING_PARAMS.match(k)]
    )
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), _netloc_without_default_port(parts), path, query, ""))


def _netloc_without_default_port(parts) -> str:
    """The address's host part in lower case, without the scheme's default port (:80, :443)."""
    netloc = parts.netloc.lower()
    try:
        port = parts.port
    except ValueError:
        return netloc
    if parts.hostname and (parts.scheme.lower(), port) in (("http", 80), ("https", 443)):
        host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
        userinfo = netloc.rpartition("@")[0]
        return f"{userinfo}@{host}" if userinfo else host
    return netloc


MAX_URL_CHARS = 2000
# Django's validator: a scheme from this list, then a host (name, IPv4 or IPv6) and no spaces.
_web_url = URLValidator(schemes=["http", "https"])


def url_check(url: str) -> str:
    """``url`` stripped of surrounding spaces if it is an http(s) address with a
    host, "" if empty; raises IngestError with a message an editor can act on."""
    url = (url or "").strip()
    if not url:
        return ""
    if len(url) > MAX_URL_CHARS:
        raise IngestError(_("The URL is longer than %(limit)s characters.") % {"limit": f"{MAX_URL_CHARS:,}"})
    valid = is_web_url(url)
    if valid:
        try:
            _web_url(url)
        except ValidationError:
            valid = False
    if not valid:
        raise IngestError(_("Not a web address: %(url)s (it must start with http:// or https:// and name a site).")
                          % {"url": repr(url[:200])})
    return url


def is_web_url(url: str) -> bool:
    """True for an http(s) address with a host: what a page or an export may link to.

    Looser than ``url_check`` on the host (an intranet name without a dot passes)
    so that it can vouch for addresses the app builds itself, such as a permalink.
    """
    url = (url or "").strip()
    # Django's validator lets control characters through in the path (and NUL cannot be stored).
    if _LINE_CONTROLS.search(url):
        return False
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # "http://[::1": an unclosed IPv6 bracket
        return False
    return parts.scheme.lower() in ("http", "https") and bool(host)


def article_with_url(url: str) -> Article | None:
    """The first article stored with this (normalised) address, or None. Through the index on
    ``url``: ``first()`` would order by id, and a planner may then walk the table in id order."""
    first = Article.objects.filter(url=url).aggregate(first=Min("id"))["first"] if url else None
    return Article.objects.filter(id=first).first() if first else None


def _find_duplicate(*, fingerprint: str, url: str) -> Article | None:
    same_text = next(iter(Article.objects.filter(content_hash=fingerprint)[:1]), None)  # unique: no ordering
    return same_text or article_with_url(url)


def _clean_body(body: str) -> str:
    body = (body or "").replace("\r\n", "\n").replace("\r", "\n")
    # Control characters break rendering and offsets; keep newlines and tabs.
    body = _CONTROLS.sub("", body)
    return body.strip()


def clean_line(text: str) -> str:
    """A one-line field (title, source name) with control characters, NUL included,
    turned into spaces and runs of spaces folded: PostgreSQL refuses NUL in text,
    and a tab or line break in a title breaks lists and exports."""
    return " ".join(_LINE_CONTROLS.sub(" ", text or "").split())


# Publication dates outside these years are typing errors (the imports refuse them too); the
# database could not even read back the year 1 once turned into UTC.
PUBLISHED_YEARS = (1800, 2200)


def published_check(published_at: datetime | None) -> datetime | None:
    """``published_at`` if it is a plausible publication date (None stays None); else IngestError."""
    if published_at is None:
        return None
    first, last = PUBLISHED_YEARS
    if not first <= published_at.year <= last:
        raise IngestError(_("A publication date is between the years %(first)s and %(last)s.")
                          % {"first": first, "last": last})
    return published_at


_TITLE_FROM_BODY_CHARS = 120


def _first_line_title(body: str) -> str:
    first = body.strip().split("\n", 1)[0].strip()
    if len(first) <= _TITLE_FROM_BODY_CHARS:
        return first
    return first[:_TITLE_FROM_BODY_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "…"


@dataclass(frozen=True)
class PreparedArticle:
    """An article's fields as ``article_create`` stores them, with its dedupe key."""

    title: str
    body: str
    url: str
    language: str
    content_hash: str


def article_prepare(*, body: str, title: str = "", url: str = "", language: str = "") -> PreparedArticle:
    """Clean and check an article's fields without storing anything.

    The same cleaning, limits and messages as ``article_create``, for callers
    that insert many articles at once (bulk import): an imported article and a
    pasted one are duplicates of each other exactly when two pasted ones would
    be. Raises IngestError.
    """
    body = _clean_body(body)
    if not body:
        raise IngestError(_("The article text is empty."))
    if len(body) > settings.MAX_ARTICLE_CHARS:
        raise IngestError(_("The article is too long (%(length)s characters; the limit is %(limit)s).")
                          % {"length": f"{len(body):,}", "limit": f"{settings.MAX_ARTICLE_CHARS:,}"})
    title = clean_line(title) or clean_line(_first_line_title(body))
    language = (language or "").strip().lower()
    if language and not re.fullmatch(r"[a-z]{2}", language):
        raise IngestError(_("Unknown language code '%(code)s': use a two-letter code such as fr or en.")
                          % {"code": language})
    return PreparedArticle(title=title[:500], body=body, url=normalise_url(url), language=language,
                           content_hash=content_fingerprint(body))


def article_create(
    *,
    body: str,
    title: str = "",
    source_name: str = "",
    url: str = "",
    published_at: datetime | None = None,
    language: str = "",
    created_by=None,
    original_filename: str = "",
    enqueue: bool = True,
) -> IngestResult:
    """Store an article and queue it for annotation once the transaction commits.

    Guarantees: an empty or oversized text raises IngestError and stores
    nothing; an article whose normalised text or URL is already known is not
    stored again, the existing one is returned with ``duplicate=True``.
    ``enqueue=False`` leaves the queued article to a caller that annotates in batches.
    """
    prepared = article_prepare(body=body, title=title, url=url, language=language)
    published_at = published_check(published_at)
    existing = _find_duplicate(fingerprint=prepared.content_hash, url=prepared.url)
    if existing is not None:
        return IngestResult(article=existing, duplicate=True)

    try:
        with transaction.atomic():
            source = None
            source_name = clean_line(source_name)
            if source_name:
                source, _created = Source.objects.get_or_create(name=source_name[:200])
            article = Article.objects.create(
                title=prepared.title,
                body=prepared.body,
                language=prepared.language,
                language_given=bool(prepared.language),
                source=source,
                url=prepared.url,
                published_at=published_at,
                original_filename=clean_line(original_filename)[:255],
                content_hash=prepared.content_hash,
                created_by=created_by,
                queued_at=timezone.now(),
            )
            articles_index([article.id])
            if enqueue:
                annotation_enqueue([article.id])
    except IntegrityError:
        # Another request stored the same text between our check and our insert.
        existing = _find_duplicate(fingerprint=prepared.content_hash, url=prepared.url)
        if existing is None:
            raise
        return IngestResult(article=existing, duplicate=True)
    return IngestResult(article=article, duplicate=False)


def article_create_from_upload(
    *,
    file,
    title: str = "",
    source_name: str = "",
    url: str = "",
    published_at: datetime | None = None,
    language: str = "",
    created_by=None,
) -> IngestResult:
    """Store the article an uploaded file holds (``file``: a Django UploadedFile).

    Guarantees: a file over ``MAX_UPLOAD_BYTES`` is refused before it is read,
    and one that is not a readable document raises IngestError with the reason;
    nothing is stored then. The title and URL the editor typed win over the
    ones the document declares. ``note`` says what was replaced while reading.
    """
    try:
        check_size(file.size, settings.MAX_UPLOAD_BYTES)
        extracted = extract(file.name, file.read(), max_bytes=settings.MAX_UPLOAD_BYTES,
                            max_chars=settings.MAX_ARTICLE_CHARS)
    except (ExtractionError, FileRefused) as exc:
        raise IngestError(str(exc)) from None
    # A link found in the file (an HTML page's canonical link) is kept only if it could be typed here.
    result = article_create(
        body=extracted.text, title=title or extracted.title, source_name=source_name,
        url=url or (extracted.url if is_web_url(extracted.url) else ""),
        published_at=published_at, language=language, created_by=created_by, original_filename=file.name,
    )
    return IngestResult(article=result.article, duplicate=result.duplicate, note=extracted.note)


def articles_requeue(*, article_ids: Iterable[int], batch_size: int | None = None) -> list[int]:
    """Queue the articles for annotation again (after a failure, or to re-annotate them);
    returns the ids queued. The one way an article goes back to the workers.

    Articles already queued or being annotated are skipped: a second task for
    them could run beside the first. Their attempts and last error are reset.
    Editor decisions survive: annotation only replaces pending suggestions.
    With ``batch_size`` they go to the bulk queue in ``annotate_batch`` messages
    of that many (``annotation_messages``).
    """
    with transaction.atomic():
        # Locked in id order, so two requests on overlapping selections cannot deadlock.
        finished = Article.objects.select_for_update().filter(id__in=set(article_ids)).finished().order_by("id")
        ids = list(finished.values_list("id", flat=True))
        Article.objects.filter(id__in=ids).update(
            status=Article.Status.QUEUED, attempts=0, last_error="", queued_at=timezone.now()
        )
        annotation_enqueue(ids, batch_size=batch_size)
    return ids
