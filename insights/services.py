"""Keeping the daily counts current.

An article's contribution (its day, its source, the actors and topics it counts for) is stored
in its ``ArticleCount`` row. ``counts_refresh`` takes the previous contribution back and adds the
current one, cell by cell, with ``articles = articles + delta`` upserts: two refreshes of
different articles that share a cell both land, and two refreshes of the same article wait for
each other on the article's row. The result is the same as counting the archive from scratch
(``counts_rebuild``), whatever the order of the decisions that led to it.
"""

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Model
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from articles.models import Article, ArticleTopic, Decision, Mention
from insights.models import (
    NO_SOURCE,
    ArticleCount,
    DailyActorCount,
    DailyPairCount,
    DailySourceCount,
    DailyTopicCount,
)
from insights.tasks import refresh_counts
from pressreview.enqueue import Message, send

# Each table's cell key, in the order of its unique constraint (the upsert's conflict target).
CELL_COLUMNS: dict[type[Model], tuple[str, ...]] = {
    DailySourceCount: ("day", "source_key"),
    DailyActorCount: ("day", "actor_id", "source_key"),
    DailyTopicCount: ("day", "topic_id", "source_key"),
    DailyPairCount: ("day", "actor_a_id", "actor_b_id"),
}
UPSERT_ROWS = 1000
REBUILD_CHUNK = 5000


@dataclass(frozen=True)
class Contribution:
    """What one annotated article adds: one to each of its cells."""

    day: date
    source_key: int
    actors: tuple[int, ...] = ()
    topics: tuple[int, ...] = ()

    @classmethod
    def of_row(cls, row: ArticleCount) -> "Contribution":
        return cls(row.day, row.source_key, tuple(row.actors), tuple(row.topics))

    def cells(self) -> Iterator[tuple[type[Model], tuple]]:
        """Each (table, cell key) the article counts one in."""
        yield DailySourceCount, (self.day, self.source_key)
        for actor in self.actors:
            yield DailyActorCount, (self.day, actor, self.source_key)
        for topic in self.topics:
            yield DailyTopicCount, (self.day, topic, self.source_key)
        for a, b in combinations(self.actors, 2):  # actors are sorted: a < b
            yield DailyPairCount, (self.day, a, b)


@dataclass
class Deltas:
    """Changes to apply, per table and cell."""

    cells: dict[type[Model], Counter] = field(default_factory=lambda: {model: Counter() for model in CELL_COLUMNS})

    def add(self, contribution: Contribution | None, sign: int) -> None:
        if contribution is not None:
            for model, key in contribution.cells():
                self.cells[model][key] += sign


def article_day():
    """The day an article counts on: published, else added, in the site's time zone."""
    return TruncDate(Coalesce("published_at", "created_at"), tzinfo=timezone.get_default_timezone())


def contributions_of(article_ids: Sequence[int]) -> dict[int, Contribution]:
    """The current contribution of each annotated article among ``article_ids`` (others add nothing)."""
    articles = (Article.objects.filter(id__in=article_ids, status=Article.Status.ANNOTATED)
                .annotate(day=article_day()).values_list("id", "day", "source_id"))
    ids = {article_id: (day, source_id or NO_SOURCE) for article_id, day, source_id in articles}
    live = {"article_id__in": list(ids)}
    actors: dict[int, set[int]] = {i: set() for i in ids}
    for article_id, actor_id in (Mention.objects.filter(**live, actor__isnull=False)
                                 .exclude(decision=Decision.REJECTED)
                                 .values_list("article_id", "actor_id").distinct().order_by()):
        actors[article_id].add(actor_id)
    topics: dict[int, set[int]] = {i: set() for i in ids}
    for article_id, topic_id in (ArticleTopic.objects.filter(**live).exclude(decision=Decision.REJECTED)
                                 .values_list("article_id", "topic_id").order_by()):
        topics[article_id].add(topic_id)
    return {i: Contribution(day, source, tuple(sorted(actors[i])), tuple(sorted(topics[i])))
            for i, (day, source) in ids.items()}


def _upsert(model: type[Model], deltas: Counter) -> None:
    """Add each delta to its cell (a missing cell starts at 0), in key order so that two
    refreshes lock shared cells in the same order; then drop the cells left at 0."""
    rows = sorted((key, n) for key, n in deltas.items() if n)
    if not rows:
        return
    table, quote = model._meta.db_table, connection.ops.quote_name
    columns = CELL_COLUMNS[model]
    names = ", ".join(quote(c) for c in (*columns, "articles"))
    conflict = ", ".join(quote(c) for c in columns)
    day = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        for start in range(0, len(rows), UPSERT_ROWS):
            chunk = rows[start:start + UPSERT_ROWS]
            values = ", ".join(["(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"] * len(chunk))
            params = [p for key, n in chunk for p in (day(key[0]), *key[1:], n)]
            cursor.execute(
                f"INSERT INTO {quote(table)} ({names}) VALUES {values} ON CONFLICT ({conflict}) "
                f"DO UPDATE SET articles = {quote(table)}.articles + excluded.articles", params)
    model.objects.filter(day__in={key[0] for key, _ in rows}, articles__lte=0).delete()


def counts_refresh(*, article_ids: Iterable[int]) -> int:
    """Bring the counts of these articles up to date (an article deleted since is taken out);
    returns how many articles' contributions changed. Idempotent: a second call changes nothing."""
    ids = sorted(set(article_ids))
    if not ids:
        return 0
    with transaction.atomic():
        # Serialises refreshes of the same article (in id order: overlapping sets cannot deadlock).
        list(Article.objects.select_for_update().filter(id__in=ids).order_by("id").values_list("id", flat=True))
        stored = {row.article_id: row for row in ArticleCount.objects.select_for_update().filter(article_id__in=ids)
                  .order_by("article_id")}
        current = contributions_of(ids)
        deltas, changed = Deltas(), []
        for article_id in ids:
            before = Contribution.of_row(stored[article_id]) if article_id in stored else None
            after = current.get(article_id)
            if before != after:
                deltas.add(before, -1)
                deltas.add(after, +1)
                changed.append(article_id)
        for model, cells in deltas.cells.items():
            _upsert(model, cells)
        ArticleCount.objects.filter(article_id__in=[i for i in changed if i not in current]).delete()
        ArticleCount.objects.bulk_create(
            [_row(article_id, current[article_id]) for article_id in changed if article_id in current],
            update_conflicts=True, unique_fields=["article_id"],
            update_fields=["day", "source_key", "actors", "topics"])
    return len(changed)


def _row(article_id: int, contribution: Contribution) -> ArticleCount:
    return ArticleCount(article_id=article_id, day=contribution.day, source_key=contribution.source_key,
                        actors=list(contribution.actors), topics=list(contribution.topics))


def counts_rebuild() -> int:
    """Count every annotated article again from scratch (an archive that predates the counts, or a check);
    returns the number of articles counted. Run it while no refresh is under way: it replaces every table.

    The articles' contributions are worked out as ``counts_refresh`` does (``contributions_of``); the cells
    are then summed by the database from them and the mentions and topics, in one statement per table.
    """
    with transaction.atomic():
        # TRUNCATE on PostgreSQL (a DELETE would write every dead row first), DELETE on SQLite.
        connection.ops.execute_sql_flush(connection.ops.sql_flush(
            no_style(), [model._meta.db_table for model in (ArticleCount, *CELL_COLUMNS)]))
        ids = list(Article.objects.filter(status=Article.Status.ANNOTATED).order_by("id").values_list("id", flat=True))
        for start in range(0, len(ids), REBUILD_CHUNK):
            contributions = contributions_of(ids[start:start + REBUILD_CHUNK])
            ArticleCount.objects.bulk_create([_row(i, c) for i, c in contributions.items()], batch_size=REBUILD_CHUNK)
        _cells_rebuild()
    return len(ids)


def _cells_rebuild() -> None:
    """Every cell from the stored contributions' days and sources, and the live mentions and topics
    (standard SQL: PostgreSQL and SQLite)."""
    quote = connection.ops.quote_name
    counted, mentions, topics = (quote(model._meta.db_table) for model in (ArticleCount, Mention, ArticleTopic))
    live = (f"WITH live AS (SELECT DISTINCT article_id, actor_id FROM {mentions} "
            f"WHERE actor_id IS NOT NULL AND decision <> %s) ")
    day = quote("day")
    selects = {
        DailySourceCount: (f"SELECT {day}, source_key, COUNT(*) FROM {counted} GROUP BY {day}, source_key", []),
        DailyActorCount: (live + f"SELECT c.{day}, m.actor_id, c.source_key, COUNT(*) FROM {counted} c "
                          f"JOIN live m ON m.article_id = c.article_id GROUP BY c.{day}, m.actor_id, c.source_key",
                          [Decision.REJECTED]),
        DailyTopicCount: (f"SELECT c.{day}, t.topic_id, c.source_key, COUNT(*) FROM {counted} c JOIN {topics} t "
                          f"ON t.article_id = c.article_id WHERE t.decision <> %s "
                          f"GROUP BY c.{day}, t.topic_id, c.source_key", [Decision.REJECTED]),
        DailyPairCount: (live + f"SELECT c.{day}, a.actor_id, b.actor_id, COUNT(*) FROM {counted} c "
                         f"JOIN live a ON a.article_id = c.article_id "
                         f"JOIN live b ON b.article_id = c.article_id AND a.actor_id < b.actor_id "
                         f"GROUP BY c.{day}, a.actor_id, b.actor_id", [Decision.REJECTED]),
    }
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Millions of pairs: summed in memory rather than in hundreds of spilled batches (this transaction only).
            cursor.execute("SET LOCAL work_mem = '256MB'")
        for model, (select, params) in selects.items():
            columns = ", ".join(quote(column) for column in (*CELL_COLUMNS[model], "articles"))
            cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({columns}) {select}", params)


class _RefreshOnCommit:
    """The articles a transaction changed, refreshed by one message once it commits."""

    def __init__(self):
        self.article_ids: set[int] = set()

    def __call__(self) -> None:
        send([Message(refresh_counts, (sorted(self.article_ids),))])


def counts_refresh_later(article_ids: Iterable[int]) -> None:
    """Have a worker refresh these articles' counts once the current transaction commits; the
    articles of all the calls of one transaction go in one message."""
    ids = set(article_ids)
    if not ids:
        return
    conn = transaction.get_connection()
    pending = getattr(conn, "insights_refresh", None)
    if pending is None or not any(callback is pending for _, callback, _ in conn.run_on_commit):
        pending = conn.insights_refresh = _RefreshOnCommit()
        pending.article_ids.update(ids)
        transaction.on_commit(pending)
    pending.article_ids.update(ids)
