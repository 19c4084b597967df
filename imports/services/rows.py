"""What one row of a file becomes: an article ready to insert (its text
checked as a pasted article's would be, its source, language and date read), or
an issue saying why not."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from email.utils import parsedate_to_datetime

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from articles.services.ingest import IngestError, PreparedArticle, article_prepare, clean_line
from imports import parsers
from imports.dates import AmbiguousDate, parse_written_date
from imports.models import ImportBatch, ImportIssue

# With the date order "auto" (``batches.DATE_ORDERS``), the day comes first in
# 06/12/2026 for rows in these languages; other rows' ambiguous dates are refused.
_DAY_FIRST_LANGUAGES = {"fr"}


@dataclass
class Candidate:
    row: parsers.Row
    index: int  # position in its chunk
    prepared: PreparedArticle
    source: str
    published_at: datetime | None


def row_where(row: parsers.Row) -> str:
    """Where a row is, as a message names it: its line, its file in a ZIP, or both."""
    if row.line and row.location:
        return f"line {row.line} ({row.location})"
    if row.line:
        return f"line {row.line}"
    return row.location


def row_issue(batch: ImportBatch, row: parsers.Row, kind: str, reason: str, *, title: str = "", duplicate_of=None):
    return ImportIssue(batch_id=batch.id, line=row.line, location=row.location[:300], kind=kind, reason=reason,
                       title=(title or row.fields.get("title", "") or "")[:300], duplicate_of_id=duplicate_of)


def row_candidate(row: parsers.Row, options: dict, index: int) -> Candidate:
    """The row as an article to insert; IngestError with the reason it cannot be one."""
    fields = row.fields
    language = (fields.get("language") or "").strip() or options.get("default_language", "")
    # "fr-FR", "en_GB": the review works with the language, not the region.
    language = re.sub(r"^([A-Za-z]{2})[-_][A-Za-z0-9-]+$", r"\1", language)
    prepared = article_prepare(body=fields.get("body", ""), title=fields.get("title", ""), url=fields.get("url") or "",
                               language=language)
    source = clean_line(fields.get("source") or "") or clean_line(options.get("default_source", ""))
    if len(source) > 200:
        raise IngestError("The source name is longer than 200 characters.")
    return Candidate(row=row, index=index, prepared=prepared, source=source,
                     published_at=_published_at(fields.get("published_at") or "",
                                                day_first=_day_first(options, prepared.language)))


def _day_first(options: dict, language: str) -> bool | None:
    order = options.get("date_order") or "auto"
    if order != "auto":
        return order == "day"
    return True if (language or options.get("default_language")) in _DAY_FIRST_LANGUAGES else None


def _published_at(value: str, *, day_first: bool | None = None) -> datetime | None:
    """ISO 8601 (a date, or a date and time), an RFC 2822 date as in RSS feeds, or a
    date as people write it (``imports.dates``: 06/12/2026, 6 décembre 2026, December 6, 2026)."""
    value = value.strip()
    if not value:
        return None
    moment = None
    try:
        moment = parse_datetime(value.replace("Z", "+00:00") if value.endswith("Z") else value)
        if moment is None:
            day = parse_date(value)
            moment = datetime.combine(day, time.min) if day else None
    except ValueError:
        moment = None
    if moment is None:
        # Before RFC 2822, whose lenient parser drops a trailing "pm".
        try:
            moment = parse_written_date(value, day_first=day_first)
        except AmbiguousDate as exc:
            raise IngestError(str(exc)) from None
    if moment is None:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            moment = None
    if moment is None or not 1800 <= moment.year <= 2200:
        raise IngestError(
            f"Unrecognised date {value[:60]!r}: use ISO 8601 such as 2024-03-01 or 2024-03-01T10:30:00+01:00."
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def row_sample(candidate: Candidate) -> list:
    """What the dry run's page shows of a row it would create."""
    published = candidate.published_at.isoformat() if candidate.published_at else ""
    return [candidate.row.line, candidate.row.location, candidate.prepared.title[:200], candidate.source,
            candidate.prepared.language, published]
