"""The review queue's filters, as a request's query string gives them."""

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date
from urllib.parse import urlencode

from articles.models import Article
from pressreview.inputs import DayField, cleaned, id_or_none
from sources.models import FeedItem

PARTIAL_TEXTS = (FeedItem.Text.FEED, FeedItem.Text.EXCERPT)


@dataclass(frozen=True)
class QueueParams:
    """The queue's filters, read from a query string; a value that does not
    parse, or is out of range (an id past 64 bits, a day before year 1 or after
    9999 once a day and a time zone are added), is dropped (the filter is off)
    rather than failing the page."""

    q: str = ""
    status: str = ""
    review_state: str = ""
    topic: str = ""
    actor: int | None = None
    source: int | None = None
    language: str = ""
    added_from: date | None = None
    added_to: date | None = None
    published_from: date | None = None
    published_to: date | None = None
    batch: int | None = None  # an import batch: the articles it created
    with_actor: int | None = None  # a second actor the articles also mention (the desk's co-mentions)
    # Dated (published, else added) from/to: the day the desk's counts give an article (insights).
    day_from: date | None = None
    day_to: date | None = None
    # Articles a followed source brought with only part of their text: "feed" (the feed's
    # text, the page could not be read) or "excerpt" (a page cut short or behind a paywall).
    text: str = ""
    # "story": the matching articles shown story by story (``queue_story_groups``).
    group: str = ""

    @classmethod
    def from_query(cls, data: Mapping) -> "QueueParams":
        def text(name, max_length=200):
            # A lone surrogate (from a caller other than a request, whose text is decoded) could not go in a link.
            value = str(data.get(name) or "").encode("utf-8", "replace").decode()
            return " ".join(value.split())[:max_length]

        def choice(name, values):
            value = text(name)
            return value if value in values else ""

        def number(name):
            return id_or_none(text(name))

        def day(name):
            # A day the filter can turn into instants: 9999-12-31 has no next midnight.
            return cleaned(DayField(), text(name))

        topic, language = text("topic", 80), text("language", 8).lower()
        return cls(
            q=text("q"),
            status=choice("status", Article.Status.values),
            review_state=choice("review_state", Article.ReviewState.values),
            topic=topic if re.fullmatch(r"[-a-zA-Z0-9_]+", topic) else "",
            actor=number("actor"),
            source=number("source"),
            language=language if re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{2,4})?", language) else "",
            added_from=day("added_from"),
            added_to=day("added_to"),
            published_from=day("published_from"),
            published_to=day("published_to"),
            batch=number("batch"),
            text=choice("text", PARTIAL_TEXTS),
            with_actor=number("with_actor"),
            day_from=day("day_from"),
            day_to=day("day_to"),
            group=choice("group", ("story",)),
        )

    def as_query(self) -> dict[str, str]:
        """The filters that are on, as query-string values."""
        return {name: value.isoformat() if isinstance(value, date) else str(value)
                for name, value in asdict(self).items() if value not in ("", None)}

    def querystring(self, **extra) -> str:
        return urlencode({**self.as_query(), **{k: v for k, v in extra.items() if v not in ("", None)}})

    def is_filtered(self) -> bool:
        return bool({name for name in self.as_query() if name != "group"})
