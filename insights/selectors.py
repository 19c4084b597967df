"""The charts of the insights page, read from the daily counts (never from the mentions).

Each chart comes with its marks in SVG units and its data as a table (the same numbers, for a
screen reader and the CSV download). Every mark and every number links to the queue filtered to
exactly the articles it counts: annotated, dated (published, else added) in the mark's days, with
the mark's actor, topic, source or pair of actors.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from urllib.parse import quote

from django.db.models import Model, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from articles.models import Actor, Article, Source, Topic
from insights.models import NO_SOURCE, DailyActorCount, DailyPairCount, DailySourceCount, DailyTopicCount
from pressreview.inputs import DayField, cleaned, id_or_none

PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 30
MAX_DAYS = 366
TOP = 8
MATRIX_TOP = 10
SHARE_TOP = 5
WATCHED_MAX = 10
RANKED = 20  # keys ranked once per page, for every chart that starts from the most counted
RISER_MIN = 3  # articles this week for an actor to count as a riser
# SVG units.
LABEL_W, PLOT_W, TOTAL_W, ROW_H, CELL = 190, 540, 60, 34, 34


@dataclass(frozen=True)
class InsightParams:
    """The page's period and filters, read from the query string; a value that does not parse is dropped."""

    start: date
    end: date
    days: int = DEFAULT_PERIOD  # 7, 30 or 90 days to today; 0 for the days chosen
    source: int | None = None
    actors: tuple[int, ...] = ()  # the watched actors (the share of voice)
    story: int | None = None
    # What the page's charts share (``_top``): one request's params, one page's queries.
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_query(cls, query) -> "InsightParams":
        today = timezone.localdate()
        start, end = cleaned(DayField(), query.get("from")), cleaned(DayField(), query.get("to"))
        days = id_or_none(query.get("days"))
        if start or end:
            end = end or min(today, start + timedelta(days=DEFAULT_PERIOD - 1))
            start = start or end - timedelta(days=DEFAULT_PERIOD - 1)
            start, end = min(start, end), max(start, end)
            start, days = max(start, end - timedelta(days=MAX_DAYS - 1)), 0
        else:
            days = days if days in PERIODS else DEFAULT_PERIOD
            start, end = today - timedelta(days=days - 1), today
        getlist = getattr(query, "getlist", lambda name: [query.get(name)])
        actors = tuple(dict.fromkeys(i for i in map(id_or_none, getlist("actor")) if i))[:WATCHED_MAX]
        return cls(start=start, end=end, days=days, source=id_or_none(query.get("source")), actors=actors,
                   story=id_or_none(query.get("story")))

    def day_list(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    def as_query(self, **changes) -> list[tuple[str, str]]:
        """The page's own address for these params (with ``changes``), as query pairs."""
        values = {"days": self.days, "from": "", "to": "", "source": self.source, "story": self.story, **changes}
        if not values["days"]:
            values.update({"from": self.start.isoformat(), "to": self.end.isoformat(), "days": ""})
        pairs = [(k, str(v)) for k, v in values.items() if v not in ("", None, 0)]
        return pairs + [("actor", str(a)) for a in changes.get("actors", self.actors)]

    def queue(self, start: date | None = None, end: date | None = None, **filters) -> str:
        """The queue's address listing exactly the articles counted for ``filters`` from ``start`` to ``end``
        (the whole period by default), within the page's source filter (``source=""`` lifts it)."""
        return self.queue_filtered(**filters) + self.queue_days(start or self.start, end or self.end)

    def queue_filtered(self, **filters) -> str:
        """The queue's address with ``filters`` and the page's source, to be followed by ``queue_days``."""
        query = {"status": Article.Status.ANNOTATED, "source": self.source or "", **filters}
        return _queue_path() + "?" + "&".join(f"{k}={quote(str(v), safe='')}" for k, v in query.items()
                                              if v not in ("", None))

    @staticmethod
    def queue_days(start: date, end: date) -> str:
        # Thousands of these per page: the days appended to a link built once per key.
        return f"&day_from={start.isoformat()}&day_to={end.isoformat()}"


@cache
def _queue_path() -> str:
    return reverse("articles:list")


@dataclass(frozen=True)
class Mark:
    """One bar or cell: where it is drawn, what it counts, where it leads."""

    x: float
    y: float
    width: float
    height: float
    count: int
    href: str
    title: str
    level: int = 0  # 1-4 in a heat map


@dataclass
class Row:
    label: str
    href: str
    total: int
    y: float
    marks: list[Mark] = field(default_factory=list)
    note: str = ""


@dataclass
class TableCell:
    text: str
    href: str = ""


@dataclass
class Chart:
    slug: str
    title: str
    kind: str  # "time", "bars", "matrix" or "dots"
    description: str
    rows: list[Row]
    head: list[str]
    table: list[list[TableCell]]
    columns: list[tuple[str, float]] = field(default_factory=list)  # a matrix's column labels and their x
    width: float = LABEL_W + PLOT_W + TOTAL_W
    height: float = 0
    top: float = 0  # room above the rows (a matrix's column labels)

    @property
    def empty(self) -> bool:
        return not self.rows


def _window(model: type[Model], params: InsightParams, start: date | None = None, end: date | None = None):
    rows = model.objects.filter(day__gte=start or params.start, day__lte=end or params.end)
    if params.source and model is not DailyPairCount:
        rows = rows.filter(source_key=params.source)
    return rows


def _top(model: type[Model], key: str, params: InsightParams, limit: int, exclude_none: bool = False) -> list[int]:
    """The keys with the most articles in the period, most first. Ranked once per page (``RANKED`` keys,
    kept on ``params``): several charts start from the same most mentioned actors."""
    memo = params.memo.get((model, key))
    if memo is None:
        rows = _window(model, params)
        if exclude_none:
            rows = rows.exclude(**{key: NO_SOURCE})
        ranked = rows.values(key).annotate(n=Sum("articles")).order_by("-n", key)[:RANKED]
        memo = params.memo[model, key] = [row[key] for row in ranked]
    return memo[:limit]


def _per_day(model: type[Model], key: str, keys: list[int], params: InsightParams) -> dict[tuple[int, date], int]:
    rows = _window(model, params).filter(**{f"{key}__in": keys}).values(key, "day").annotate(n=Sum("articles"))
    return {(row[key], row["day"]): row["n"] for row in rows.order_by()}


def _day_label(day: date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def time_chart(*, slug: str, title: str, description: str, params: InsightParams, model: type[Model], key: str,
               names: dict[int, str], filter_name: str, filter_values: dict[int, str]) -> Chart:
    """Articles per day of each key (small multiples: a row of day bars per key), the most counted first."""
    keys = [k for k in _top(model, key, params, TOP, exclude_none=key == "source_key") if k in names]
    counts = _per_day(model, key, keys, params)
    days = params.day_list()
    top = max(counts.values(), default=1)
    width = PLOT_W / len(days)
    labels = [_day_label(day) for day in days]
    rows, hrefs = [], {}
    for i, k in enumerate(keys):
        base = params.queue_filtered(**{filter_name: filter_values[k]})
        row = Row(label=names[k], href=base + params.queue_days(params.start, params.end), total=0, y=i * ROW_H)
        for d, day in enumerate(days):
            n = counts.get((k, day), 0)
            row.total += n
            if n:
                height = max(2.0, (ROW_H - 8) * n / top)
                hrefs[k, day] = base + params.queue_days(day, day)
                row.marks.append(Mark(x=LABEL_W + d * width, y=row.y + ROW_H - 4 - height, width=max(width - 1, 1),
                                      height=height, count=n, href=hrefs[k, day],
                                      title=f"{names[k]}, {labels[d]}: {n}"))
        rows.append(row)
    head = [_("Day"), *(names[k] for k in keys)]
    table = [[TableCell(day.isoformat())] + [TableCell(str(counts.get((k, day), 0)), hrefs.get((k, day), ""))
                                             for k in keys] for day in days]
    table.append([TableCell(_("Total"))] + [TableCell(str(row.total), row.href) for row in rows])
    return Chart(slug=slug, title=title, kind="time", description=description, rows=rows, head=head, table=table,
                 height=len(rows) * ROW_H)


def topics_over_time(params: InsightParams) -> Chart:
    topics = {t.id: t for t in Topic.objects.only("id", "slug", "name_en", "name_fr")}
    language = _language()
    return time_chart(slug="topics", title=_("Topics, articles per day"), params=params, model=DailyTopicCount,
                      key="topic_id", names={i: t.name_for(language) for i, t in topics.items()},
                      filter_name="topic", filter_values={i: t.slug for i, t in topics.items()},
                      description=_("Articles per day for each of the most covered topics."))


def actors_over_time(params: InsightParams) -> Chart:
    keys = _top(DailyActorCount, "actor_id", params, TOP)
    names = dict(Actor.objects.filter(id__in=keys).values_list("id", "name"))
    return time_chart(slug="actors", title=_("Actors, articles per day"), params=params, model=DailyActorCount,
                      key="actor_id", names=names, filter_name="actor", filter_values={i: i for i in names},
                      description=_("Articles per day for each of the most mentioned actors."))


def sources_over_time(params: InsightParams) -> Chart:
    keys = _top(DailySourceCount, "source_key", params, TOP, exclude_none=True)
    names = dict(Source.objects.filter(id__in=keys).values_list("id", "name"))
    return time_chart(slug="sources", title=_("Sources, articles per day"), params=params, model=DailySourceCount,
                      key="source_key", names=names, filter_name="source", filter_values={i: i for i in names},
                      description=_("Articles per day for each of the outlets that published the most."))


def _language() -> str:
    return (get_language() or "en")[:2]


def _bar_rows(items: list[tuple[str, str, int, str]], top: int) -> list[Row]:
    """Horizontal bars: (label, href, count, note) each, longest first as given."""
    rows = []
    for i, (label, href, n, note) in enumerate(items):
        width = max(2.0, PLOT_W * n / max(top, 1))
        rows.append(Row(label=label, href=href, total=n, y=i * ROW_H, note=note, marks=[
            Mark(x=LABEL_W, y=i * ROW_H + 6, width=width, height=ROW_H - 12, count=n, href=href,
                 title=f"{label} ({note}): {n}" if note else f"{label}: {n}")]))
    return rows


def actor_risers(params: InsightParams) -> Chart:
    """The actors with the most more articles in the last 7 days of the period than in the 7 days before."""
    week_start, previous_start = params.end - timedelta(days=6), params.end - timedelta(days=13)
    this = _sums(DailyActorCount, "actor_id", params, week_start, params.end)
    before = _sums(DailyActorCount, "actor_id", params, previous_start, week_start - timedelta(days=1))
    risers = sorted(((n - before.get(k, 0), n, k) for k, n in this.items() if n >= RISER_MIN
                     and n > before.get(k, 0)), key=lambda r: (-r[0], -r[1], r[2]))[:TOP]
    names = dict(Actor.objects.filter(id__in=[k for *_, k in risers]).values_list("id", "name"))
    risers = [r for r in risers if r[2] in names]
    items, table = [], []
    for diff, n, k in risers:
        previous = before.get(k, 0)
        ratio = f"×{n / previous:.1f}" if previous else _("new")
        href = params.queue(week_start, params.end, actor=k)
        items.append((names[k], href, n, f"+{diff}, {ratio}"))
        table.append([TableCell(names[k]), TableCell(str(n), href),
                      TableCell(str(previous), params.queue(previous_start, week_start - timedelta(days=1), actor=k)
                                if previous else ""), TableCell(f"+{diff}"), TableCell(ratio)])
    rows = _bar_rows(items, max((n for _d, n, _k in risers), default=1))
    head = [_("Actor"), _("Articles, %(start)s to %(end)s") % {"start": _day_label(week_start),
                                                              "end": _day_label(params.end)},
            _("The 7 days before"), _("Difference"), _("Ratio")]
    return Chart(slug="risers", title=_("Rising actors: the last 7 days against the 7 before"), kind="bars",
                 description=_("Actors with more articles in the last 7 days of the period than in the 7 days "
                               "before, at least %(n)d articles.") % {"n": RISER_MIN},
                 rows=rows, head=head, table=table, height=len(rows) * ROW_H)


def _sums(model: type[Model], key: str, params: InsightParams, start: date, end: date, keys=None) -> dict[int, int]:
    rows = _window(model, params, start, end)
    if keys is not None:
        rows = rows.filter(**{f"{key}__in": keys})
    return {row[key]: row["n"] for row in rows.values(key).annotate(n=Sum("articles")).order_by()}


def share_of_voice(params: InsightParams) -> Chart:
    """Each watched actor's articles in the period, as a share of all the watched actors' articles (the
    actors chosen in the page's filter, else the most mentioned)."""
    keys = list(params.actors) or _top(DailyActorCount, "actor_id", params, SHARE_TOP)
    names = dict(Actor.objects.filter(id__in=keys).values_list("id", "name"))
    counts = _sums(DailyActorCount, "actor_id", params, params.start, params.end, keys=keys)
    total = sum(counts.get(k, 0) for k in names)
    ordered = sorted(names, key=lambda k: (-counts.get(k, 0), names[k]))
    items, table = [], []
    for k in ordered:
        n, href = counts.get(k, 0), params.queue(actor=k)
        share = f"{100 * n / total:.0f} %" if total else "—"
        items.append((names[k], href, n, share))
        table.append([TableCell(names[k]), TableCell(str(n), href), TableCell(share)])
    rows = _bar_rows(items, max(counts.values(), default=1))
    return Chart(slug="share", title=_("Share of voice of the watched actors"), kind="bars",
                 description=_("Each watched actor's articles in the period and its share of all of theirs."),
                 rows=rows, head=[_("Actor"), _("Articles"), _("Share")], table=table, height=len(rows) * ROW_H)


def _matrix(*, slug: str, title: str, description: str, corner: str, row_keys: list, row_names: dict,
            col_keys: list, col_names: dict, counts: dict, href) -> Chart:
    top = max(counts.values(), default=1)
    head_room = 130
    columns = [(col_names[c], LABEL_W + j * CELL + CELL / 2) for j, c in enumerate(col_keys)]
    rows, table = [], []
    for i, r in enumerate(row_keys):
        row = Row(label=row_names[r], href="", total=0, y=head_room + i * CELL)
        cells = [TableCell(row_names[r])]
        for j, c in enumerate(col_keys):
            n = counts.get((r, c), 0)
            link = href(r, c) if n else ""
            cells.append(TableCell(str(n), link))
            if n:
                row.marks.append(Mark(x=LABEL_W + j * CELL + 1, y=row.y + 1, width=CELL - 2, height=CELL - 2, count=n,
                                      href=link, title=f"{row_names[r]} × {col_names[c]}: {n}",
                                      level=1 + min(3, int(4 * n / (top + 1)))))
        rows.append(row)
        table.append(cells)
    return Chart(slug=slug, title=title, kind="matrix", description=description, rows=rows,
                 head=[corner, *(col_names[c] for c in col_keys)], table=table, columns=columns,
                 width=LABEL_W + len(col_keys) * CELL + 10, height=head_room + len(row_keys) * CELL, top=head_room)


def co_mentions(params: InsightParams) -> Chart:
    """Articles that mention both actors, for the most mentioned actors of the period (every source: the
    pairs are counted without one)."""
    keys = _top(DailyActorCount, "actor_id", params, MATRIX_TOP)
    names = dict(Actor.objects.filter(id__in=keys).values_list("id", "name"))
    keys = [k for k in keys if k in names]
    pairs = (_window(DailyPairCount, params).filter(actor_a__in=keys, actor_b__in=keys)
             .values("actor_a", "actor_b").annotate(n=Sum("articles")).order_by())
    counts = {}
    for row in pairs:
        counts[(row["actor_a"], row["actor_b"])] = counts[(row["actor_b"], row["actor_a"])] = row["n"]
    return _matrix(slug="co-mentions", title=_("Who appears with whom"), corner=_("Actor"),
                   description=_("Articles that mention both actors, for the most mentioned actors of the period."),
                   row_keys=keys, row_names=names, col_keys=keys, col_names=names, counts=counts,
                   href=lambda a, b: params.queue(actor=a, with_actor=b, source=""))


def topics_by_source(params: InsightParams) -> Chart:
    topic_keys = _top(DailyTopicCount, "topic_id", params, TOP)
    source_keys = _top(DailySourceCount, "source_key", params, TOP, exclude_none=True)
    topics = {t.id: t for t in Topic.objects.filter(id__in=topic_keys).only("id", "slug", "name_en", "name_fr")}
    sources = dict(Source.objects.filter(id__in=source_keys).values_list("id", "name"))
    rows = (_window(DailyTopicCount, params).filter(topic_id__in=list(topics), source_key__in=list(sources))
            .values("topic_id", "source_key").annotate(n=Sum("articles")).order_by())
    counts = {(row["topic_id"], row["source_key"]): row["n"] for row in rows}
    language = _language()
    return _matrix(slug="topics-by-source", title=_("Topics by source"), corner=_("Topic"),
                   description=_("Articles of each topic in each of the outlets that published the most."),
                   row_keys=[k for k in topic_keys if k in topics],
                   row_names={i: t.name_for(language) for i, t in topics.items()},
                   col_keys=[k for k in source_keys if k in sources], col_names=sources, counts=counts,
                   href=lambda t, s: params.queue(topic=topics[t].slug, source=s))


def story_outlets(params: InsightParams, story) -> Chart:
    """A story's articles on a time line, one row per outlet; each dot leads to its article."""
    articles = list(story.articles.select_related("source").only("id", "title", "published_at", "created_at",
                                                                 "source__name").order_by("id"))
    when = {a.id: a.published_at or a.created_at for a in articles}
    first, last = min(when.values(), default=None), max(when.values(), default=None)
    span = max((last - first).total_seconds(), 1) if first else 1
    outlets = sorted({a.source.name if a.source else _("No source") for a in articles})
    rows = {name: Row(label=name, href="", total=0, y=i * ROW_H) for i, name in enumerate(outlets)}
    table = []
    for article in sorted(articles, key=lambda a: when[a.id]):
        row = rows[article.source.name if article.source else _("No source")]
        row.total += 1
        href = reverse("articles:detail", args=[article.id])
        moment = date_format(timezone.localtime(when[article.id]), "SHORT_DATETIME_FORMAT")
        x = LABEL_W + 8 + (PLOT_W - 16) * (when[article.id] - first).total_seconds() / span
        row.marks.append(Mark(x=x, y=row.y + ROW_H / 2, width=6, height=6, count=1, href=href,
                              title=f"{row.label}, {moment}: {article.title}"))
        table.append([TableCell(moment), TableCell(row.label), TableCell(article.title, href)])
    return Chart(slug="story", title=_("Timeline of outlets: %(title)s") % {"title": story.title}, kind="dots",
                 description=_("When each outlet published the story's articles."), rows=list(rows.values()),
                 head=[_("Published"), _("Outlet"), _("Article")], table=table, height=len(rows) * ROW_H)


def actor_choices(params: InsightParams, limit: int = 20) -> list[tuple[int, str, bool]]:
    """The watched-actors filter's choices: the watched ones, then the most mentioned of the period,
    as (id, name, watched)."""
    keys = list(dict.fromkeys([*params.actors, *_top(DailyActorCount, "actor_id", params, limit)]))
    names = dict(Actor.objects.filter(id__in=keys).values_list("id", "name"))
    return [(k, names[k], k in params.actors) for k in keys if k in names]


CHARTS = {
    "topics": topics_over_time,
    "actors": actors_over_time,
    "sources": sources_over_time,
    "risers": actor_risers,
    "share": share_of_voice,
    "co-mentions": co_mentions,
    "topics-by-source": topics_by_source,
}
