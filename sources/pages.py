"""A page's article text through trafilatura, and whether it is only an excerpt. Plain Python."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

# Endings of a text cut by a paywall, in the desk's languages (lower case, compared on the last lines).
PAYWALL_ENDINGS = (
    "subscribe to continue reading", "subscribe to read", "subscribers only", "for subscribers",
    "already a subscriber", "sign in to continue reading", "to continue reading",
    "réservé aux abonnés", "réservée aux abonnés", "la suite est réservée", "abonnez-vous", "déjà abonné",
    "il vous reste", "pour lire la suite", "article réservé",
)
DATE_SEARCH = {"extensive_search": False, "original_date": True}
# A page whose text is under this share of the feed's own text is an excerpt (a teaser page).
EXCERPT_RATIO = 0.5


@dataclass
class PageText:
    title: str
    text: str
    author: str
    published: datetime | None
    language: str


def extract_page(markup: str, *, url: str) -> PageText | None:
    """The article in a page (boilerplate, navigation and comments left out), or None if none was found."""
    # The date from the page's markup (meta tags, structured data, the URL, time elements): its
    # "extensive search" of the free text loads every dateparser locale, tens of seconds of CPU the
    # first time, for a date the feed nearly always gives.
    # Imported here: the web processes import this module (adding a source) but only workers read pages.
    import trafilatura

    document = trafilatura.bare_extraction(markup, url=url, with_metadata=True, include_comments=False,
                                           include_tables=False, date_extraction_params=DATE_SEARCH)
    if document is None or not (document.text or "").strip():
        return None
    published = None
    if document.date:
        try:
            published = datetime.fromisoformat(document.date).replace(tzinfo=UTC)
        except ValueError:
            published = None
    language = (document.language or "").lower()
    return PageText(title=document.title or "", text=document.text.strip(), author=document.author or "",
                    published=published, language=language if re.fullmatch(r"[a-z]{2}", language) else "")


def ends_on_paywall(text: str) -> bool:
    tail = " ".join(text[-400:].split()).casefold()
    return any(phrase in tail for phrase in PAYWALL_ENDINGS)


def is_excerpt(page_text: str, feed_text: str) -> bool:
    """Whether the page gave only part of the article: much shorter than the feed's text, or cut by a paywall."""
    return ends_on_paywall(page_text) or (bool(feed_text) and len(page_text) < EXCERPT_RATIO * len(feed_text))
