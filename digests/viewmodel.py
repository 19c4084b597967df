"""What a digest shows, as plain values: the one input of every export and of
the permalink.

A draft's view is read from the database each time (``digests.selectors.digest_view``);
a published digest's view is rebuilt from the JSON snapshot taken when it was
published (``DigestView.from_dict``), so later edits to articles, actors or
topics never change what was sent.
"""

from dataclasses import asdict, dataclass, field
from datetime import date, datetime

SNAPSHOT_VERSION = 1


@dataclass(frozen=True)
class ActorView:
    id: int | None
    name: str
    kind: str
    mentions: int = 0
    wikidata_id: str = ""


@dataclass(frozen=True)
class QuoteView:
    id: int | None
    text: str
    speaker: str = ""
    speaker_role: str = ""


@dataclass(frozen=True)
class TopicView:
    slug: str
    name: str
    iptc_code: str = ""
    parent_iptc_code: str = ""


@dataclass
class ItemView:
    id: int
    article_id: int | None
    position: int
    title: str
    source: str = ""
    url: str = ""
    published_at: datetime | None = None
    language: str = ""
    summary: str = ""
    note: str = ""
    actors: list[ActorView] = field(default_factory=list)
    quotes: list[QuoteView] = field(default_factory=list)
    topics: list[TopicView] = field(default_factory=list)
    reviewed: bool = True
    # The other outlets of the article's story, first to report first (a story is one item).
    also_reported: list[str] = field(default_factory=list)

    def actors_of(self, *kinds: str) -> list[ActorView]:
        return [actor for actor in self.actors if actor.kind in kinds]


@dataclass
class SectionView:
    id: int | None
    title: str
    slug: str = ""
    iptc_code: str = ""
    items: list[ItemView] = field(default_factory=list)


@dataclass
class DigestView:
    id: int
    token: str
    title: str
    introduction: str
    period_start: date
    period_end: date
    language: str
    status: str
    sections: list[SectionView] = field(default_factory=list)
    published_at: datetime | None = None
    published_by: str = ""
    created_at: datetime | None = None
    # Absolute address of the online version, when known (set on publish).
    permalink: str = ""

    @property
    def items(self) -> list[ItemView]:
        return [item for section in self.sections for item in section.items]

    @property
    def item_count(self) -> int:
        return sum(len(section.items) for section in self.sections)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["version"] = SNAPSHOT_VERSION
        return _encode(data)

    @classmethod
    def from_dict(cls, data: dict) -> "DigestView":
        sections = []
        for section in data.get("sections", []):
            items = [
                ItemView(
                    **{
                        **item,
                        "published_at": _datetime(item.get("published_at")),
                        "actors": [ActorView(**actor) for actor in item.get("actors", [])],
                        "quotes": [QuoteView(**quote) for quote in item.get("quotes", [])],
                        "topics": [TopicView(**topic) for topic in item.get("topics", [])],
                    }
                )
                for item in section.get("items", [])
            ]
            sections.append(SectionView(**{**section, "items": items}))
        values = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        values.update(
            sections=sections,
            period_start=date.fromisoformat(data["period_start"]),
            period_end=date.fromisoformat(data["period_end"]),
            published_at=_datetime(data.get("published_at")),
            created_at=_datetime(data.get("created_at")),
        )
        return cls(**values)


def _datetime(value):
    return datetime.fromisoformat(value) if value else None


def _encode(value):
    if isinstance(value, dict):
        return {key: _encode(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_encode(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
