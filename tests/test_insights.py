"""The insights page's daily counts: correct against counts made by hand, kept equal to a count from
scratch through editors' decisions, and each chart mark leading to a queue that lists as many articles."""

import csv
import io
import re
from collections import Counter
from datetime import date, datetime, timedelta
from itertools import combinations

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles.models import Actor, ActorAlias, Article, ArticleTopic, Decision, Mention, Source, Topic
from articles.services import actors as registry
from articles.services import review
from insights.models import ArticleCount, DailyActorCount, DailyPairCount, DailySourceCount, DailyTopicCount
from insights.selectors import CHARTS, InsightParams
from insights.services import _RefreshOnCommit, counts_rebuild, counts_refresh
from tests.conftest import make_user
from tests.factories import ActorFactory, ArticleFactory

pytestmark = pytest.mark.django_db

PAGE = "/insights"


def at(day: str, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(day) + timedelta(hours=hour))


def make_article(title="Dépêche", *, source="Le Desk", published=None, added=None, status=Article.Status.ANNOTATED,
                 body="Un texte assez long pour des mentions, des mentions et encore des mentions.") -> Article:
    article = ArticleFactory(title=title, body=body, source=source, published_at=published, status=status)
    if added:
        Article.objects.filter(id=article.id).update(created_at=added)
        article.refresh_from_db()
    return article


def mention(article, actor, times=1, decision=Decision.PENDING) -> list[Mention]:
    first = Mention.objects.filter(article=article).count()
    return Mention.objects.bulk_create(
        Mention(article=article, actor=actor, start=i * 3, end=i * 3 + 2, text=actor.name[:2], kind=actor.kind,
                decision=decision) for i in range(first, first + times))


def tag(article, slug, decision=Decision.PENDING) -> ArticleTopic:
    return ArticleTopic.objects.create(article=article, topic=Topic.objects.get(slug=slug), score=0.8,
                                       decision=decision)


def snapshot() -> dict:
    """Every non-empty cell of the four tables."""
    return {
        "source": {(r.day, r.source_key): r.articles for r in DailySourceCount.objects.all()},
        "actor": {(r.day, r.actor_id, r.source_key): r.articles for r in DailyActorCount.objects.all()},
        "topic": {(r.day, r.topic_id, r.source_key): r.articles for r in DailyTopicCount.objects.all()},
        "pair": {(r.day, r.actor_a_id, r.actor_b_id): r.articles for r in DailyPairCount.objects.all()},
    }


def recount() -> dict:
    """The counts worked out in plain Python from the articles, mentions and topics (not by the services)."""
    cells = {"source": Counter(), "actor": Counter(), "topic": Counter(), "pair": Counter()}
    for article in Article.objects.filter(status=Article.Status.ANNOTATED):
        day = timezone.localtime(article.published_at or article.created_at).date()
        source = article.source_id or 0
        actors = sorted({m.actor_id for m in article.mentions.all() if m.actor_id and m.decision != "rejected"})
        topics = {t.topic_id for t in article.topics.all() if t.decision != "rejected"}
        cells["source"][(day, source)] += 1
        for actor in actors:
            cells["actor"][(day, actor, source)] += 1
        for topic in topics:
            cells["topic"][(day, topic, source)] += 1
        for a, b in combinations(actors, 2):
            cells["pair"][(day, a, b)] += 1
    return {name: dict(counter) for name, counter in cells.items()}


@pytest.fixture
def desk(db):
    """Three days of a small desk, with a rejected mention and a rejected topic, an article dated by
    when it was added, one without a source, one still queued."""
    macron, bourita, rabat = ActorFactory(name="Macron"), ActorFactory(name="Bourita"), ActorFactory(name="Rabat",
                                                                                                      kind="place")
    a = make_article("A", published=at("2026-11-02"))
    mention(a, macron, 5)
    mention(a, bourita, 2)
    mention(a, rabat, 1, decision=Decision.REJECTED)
    tag(a, "diplomacy")
    tag(a, "terrorism", decision=Decision.REJECTED)
    b = make_article("B", source="Reuters", published=at("2026-11-02", 23))  # 23:00 Paris: still the 2nd
    mention(b, macron)
    mention(b, rabat)
    tag(b, "diplomacy", decision=Decision.ACCEPTED)
    c = make_article("C", published=None, added=at("2026-11-03"))
    mention(c, macron)
    mention(c, bourita)
    d = make_article("D", source="", published=at("2026-11-04"))
    mention(d, bourita)
    tag(d, "migration")
    queued = make_article("E", published=at("2026-11-04"), status=Article.Status.QUEUED)
    mention(queued, macron)
    return {"macron": macron, "bourita": bourita, "rabat": rabat, "a": a, "b": b, "c": c, "d": d}


def test_the_counts_are_the_ones_made_by_hand(desk):
    counts_rebuild()
    macron, bourita, rabat = desk["macron"].id, desk["bourita"].id, desk["rabat"].id
    desk_source, reuters = Source.objects.get(name="Le Desk").id, Source.objects.get(name="Reuters").id
    d2, d3, d4 = date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 4)
    diplomacy, migration = Topic.objects.get(slug="diplomacy").id, Topic.objects.get(slug="migration").id
    assert snapshot() == {
        # One article each: five mentions of Macron count once; the queued article not at all.
        "source": {(d2, desk_source): 1, (d2, reuters): 1, (d3, desk_source): 1, (d4, 0): 1},
        # Rabat's rejected mention in A does not count; its mention in B does.
        "actor": {(d2, macron, desk_source): 1, (d2, bourita, desk_source): 1, (d2, macron, reuters): 1,
                  (d2, rabat, reuters): 1, (d3, macron, desk_source): 1, (d3, bourita, desk_source): 1,
                  (d4, bourita, 0): 1},
        # The rejected terrorism topic of A is left out.
        "topic": {(d2, diplomacy, desk_source): 1, (d2, diplomacy, reuters): 1, (d4, migration, 0): 1},
        "pair": {(d2, *sorted([macron, bourita])): 1, (d2, *sorted([macron, rabat])): 1,
                 (d3, *sorted([macron, bourita])): 1},
    }
    assert snapshot() == recount()


def test_refreshing_every_article_from_nothing_gives_the_rebuild(desk):
    assert counts_refresh(article_ids=Article.objects.values_list("id", flat=True)) == 4
    refreshed = snapshot()
    counts_rebuild()
    assert refreshed == snapshot() == recount()
    assert counts_refresh(article_ids=Article.objects.values_list("id", flat=True)) == 0  # idempotent


def _refresh_what_was_sent() -> set[int]:
    """What the worker would do with the messages the decisions sent on commit. The test's transaction
    never commits: every decision of the test adds its articles to the first message, which is emptied here."""
    ids = set()
    for _sids, callback, _robust in connection.run_on_commit:
        if isinstance(callback, _RefreshOnCommit):
            ids |= callback.article_ids
            callback.article_ids.clear()
    counts_refresh(article_ids=ids)
    return ids


def test_after_a_sequence_of_decisions_the_counts_equal_a_count_from_scratch(desk):
    counts_rebuild()
    editor, chief = make_user("ed", "editor"), make_user("chief", "chief editor")
    a, b, c, d = (Article.objects.get(id=desk[k].id) for k in "abcd")
    macron, bourita, rabat = desk["macron"], desk["bourita"], desk["rabat"]
    # Every mention of Bourita in A rejected: A no longer counts for Bourita nor the pair.
    for m in Mention.objects.filter(article=a, actor=bourita):
        review.mention_decide(mention=m, user=editor, decision=Decision.REJECTED,
                              expected_version=Article.objects.get(id=a.id).version)
    # Rabat's rejected mention in A accepted again.
    review.mention_decide(mention=Mention.objects.get(article=a, actor=rabat), user=editor,
                          decision=Decision.ACCEPTED, expected_version=Article.objects.get(id=a.id).version)
    # C's Macron linked to Rabat instead.
    review.mention_link(mention=Mention.objects.get(article=c, actor=macron), user=editor, actor=rabat,
                        expected_version=Article.objects.get(id=c.id).version)
    # A topic added, one rejected, and a bulk removal.
    review.topic_add(article=d, user=editor, topic=Topic.objects.get(slug="sport"),
                     expected_version=Article.objects.get(id=d.id).version)
    review.topic_decide(article_topic=ArticleTopic.objects.get(article=b, topic__slug="diplomacy"),
                        user=editor, decision=Decision.REJECTED,
                        expected_version=Article.objects.get(id=b.id).version)
    review.articles_topic_remove(article_ids=[a.id, d.id], topic=Topic.objects.get(slug="migration"), user=editor)
    # B's publication date and source corrected.
    b.refresh_from_db()
    review.article_details_edit(article=b, user=editor, title=b.title, source_name="Le Desk", url=b.url,
                                published_at=at("2026-11-05"), expected_version=b.version)
    sent = _refresh_what_was_sent()
    assert sent == {a.id, b.id, c.id, d.id}
    assert snapshot() == recount()

    merge = registry.actor_merge(survivor=macron, merged=bourita, user=chief)
    _refresh_what_was_sent()
    assert snapshot() == recount()
    assert not DailyActorCount.objects.filter(actor=bourita).exists()

    registry.actor_merge_undo(merge=merge, user=chief)
    _refresh_what_was_sent()
    assert snapshot() == recount()

    # Macron's mentions written "Ma" split off into an actor of their own.
    alias = ActorAlias.build(actor=macron, surface="Ma")
    alias.save()
    split = registry.actor_split(actor=macron, alias=alias, user=chief)
    assert _refresh_what_was_sent()
    assert snapshot() == recount()
    assert DailyActorCount.objects.filter(actor=split).exists()


def test_a_deleted_article_is_taken_out_of_the_counts(desk):
    counts_rebuild()
    article_id = desk["a"].id
    Article.objects.filter(id=article_id).delete()
    counts_refresh(article_ids=[article_id])
    assert snapshot() == recount()
    assert not ArticleCount.objects.filter(article_id=article_id).exists()


def test_decisions_in_one_transaction_send_one_refresh(desk, django_capture_on_commit_callbacks):
    editor = make_user("ed", "editor")
    a = desk["a"]
    with django_capture_on_commit_callbacks() as callbacks:
        review.mention_decide(mention=Mention.objects.filter(article=a, actor=desk["macron"]).first(), user=editor,
                              decision=Decision.REJECTED, expected_version=a.version, everywhere=True)
    refreshes = [c for c in callbacks if isinstance(c, _RefreshOnCommit)]
    assert len(refreshes) == 1 and refreshes[0].article_ids == {a.id}


def test_the_rebuild_command_counts_the_archive(desk, capsys):
    from django.core.management import call_command

    call_command("insights_rebuild")
    assert "4 articles counted." in capsys.readouterr().out
    assert snapshot() == recount()


# The queue's filters the charts link to.


def test_the_queue_lists_the_articles_of_two_actors_and_of_a_day_published_else_added(desk, editor_client):
    def listed(query):
        return sorted(a.title for a in editor_client.get("/", query).context["rows"])

    macron, bourita = desk["macron"].id, desk["bourita"].id
    assert listed({"actor": macron, "with_actor": bourita}) == ["A", "C"]
    assert listed({"day_from": "2026-11-03", "day_to": "2026-11-03"}) == ["C"]  # no publication date: added
    assert listed({"day_from": "2026-11-02", "day_to": "2026-11-02"}) == ["A", "B"]
    assert listed({"day_from": "2026-11-04"}) == ["D", "E"]
    page = editor_client.get("/", {"actor": macron, "with_actor": bourita}).content.decode()
    assert "Only the articles that also mention Bourita." in page
    assert f'name="with_actor" value="{bourita}"' in page


# The page.


@pytest.fixture
def recent(db):
    """A week of a desk ending today, counted."""
    today = timezone.localdate()
    actors = [ActorFactory(name=name) for name in ("Macron", "Bourita", "Laftit", "Sánchez")]
    for i in range(12):
        day = today - timedelta(days=i % 9)
        published = timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=9))
        article = make_article(f"Article {i}", source=["Le Desk", "Reuters", "Le Monde"][i % 3],
                               published=published if i % 4 else None, added=published)
        for actor in actors[: 1 + i % 4]:
            mention(article, actor, 1 + i % 2)
        tag(article, ["diplomacy", "migration", "terrorism"][i % 3])
        if i % 5 == 0:
            mention(article, ActorFactory(name="Faux"), 2, decision=Decision.REJECTED)
            tag(article, "sport", decision=Decision.REJECTED)
    counts_rebuild()
    return actors


def test_viewers_see_the_page_and_anonymous_users_log_in_first(client, recent):
    assert client.get(PAGE).status_code == 302
    make_user("reader", "viewer")
    client.login(username="reader", password="pw-for-tests-only")
    response = client.get(PAGE)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Macron" in page and "Faux" not in page
    assert "<script" not in page.split("</head>")[1] and " style=" not in page


def test_every_mark_leads_to_a_queue_listing_as_many_articles_as_it_counts(editor_client, recent):
    response = editor_client.get(PAGE, {"days": 30})
    checked = 0
    for chart in response.context["charts"]:
        assert not chart.empty, chart.slug
        for row in chart.rows:
            for mark in row.marks:
                queue = editor_client.get(mark.href)
                assert queue.context["page"].paginator.count == mark.count, (chart.slug, mark.title, mark.href)
                checked += 1
    assert checked > 40


def test_every_number_of_a_data_table_leads_to_as_many_articles(editor_client, recent):
    response = editor_client.get(PAGE, {"days": 7, "source": Source.objects.get(name="Le Desk").id})
    for chart in response.context["charts"]:
        for cells in chart.table:
            for cell in cells:
                if cell.href and cell.text.isdigit():
                    assert editor_client.get(cell.href).context["page"].paginator.count == int(cell.text)


def test_the_risers_and_the_share_of_voice_count_the_weeks_and_the_watched_actors(editor_client, recent):
    macron, bourita = recent[0], recent[1]
    response = editor_client.get(PAGE, [("days", "30"), ("actor", bourita.id), ("actor", macron.id)])
    charts = {chart.slug: chart for chart in response.context["charts"]}
    share = {row.label: (row.total, row.note) for row in charts["share"].rows}
    macron_n = Article.objects.with_actor(macron.id).count()
    bourita_n = Article.objects.with_actor(bourita.id).count()
    assert share == {"Macron": (macron_n, f"{100 * macron_n / (macron_n + bourita_n):.0f} %"),
                     "Bourita": (bourita_n, f"{100 * bourita_n / (macron_n + bourita_n):.0f} %")}
    today = timezone.localdate()
    week = Article.objects.dated_between(today - timedelta(days=6), today)
    before = Article.objects.dated_between(today - timedelta(days=13), today - timedelta(days=7))
    for row in charts["risers"].rows:
        actor = Actor.objects.get(name=row.label)
        now, then = week.with_actor(actor.id).count(), before.with_actor(actor.id).count()
        assert row.total == now and now - then > 0 and f"+{now - then}" in row.note


def test_a_story_shows_its_outlets_on_a_time_line(editor_client, recent):
    from stories.models import Story
    from stories.services import article_story_refresh

    story = Story.objects.create(title="Visite à Rabat")
    Article.objects.filter(title__in=["Article 1", "Article 2"]).update(story=story)
    article_story_refresh(article_id=Article.objects.get(title="Article 1").id)  # its counts, as assignment leaves them
    story_page = editor_client.get(f"/stories/{story.id}").content.decode()
    assert f'href="/insights?story={story.id}#chart-story"' in story_page
    response = editor_client.get(PAGE, {"story": story.id})
    [chart] = [c for c in response.context["charts"] if c.slug == "story"]
    assert sorted(row.label for row in chart.rows) == ["Le Monde", "Reuters"]
    assert {mark.href for row in chart.rows for mark in row.marks} == {
        reverse("articles:detail", args=[a.id]) for a in Article.objects.filter(story=story)}


def test_each_chart_downloads_as_csv_with_formulas_quoted(editor_client, recent):
    Actor.objects.filter(name="Macron").update(name="=Macron")
    for slug in CHARTS:
        response = editor_client.get(f"/insights/{slug}.csv", {"days": 30})
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert len(rows) > 1, slug
    actors = list(csv.reader(io.StringIO(editor_client.get("/insights/actors.csv").content.decode("utf-8-sig"))))
    assert "'=Macron" in actors[0]
    assert editor_client.get("/insights/nothing.csv").status_code == 404
    assert editor_client.get("/insights/story.csv", {"story": 999}).status_code == 404


@pytest.mark.parametrize("query", [{"days": "5"}, {"from": "2026-13-40"}, {"from": "9999-12-31"},
                                   {"from": "2020-01-01", "to": "2026-01-01"}, {"actor": "x"}, {"source": "-1"},
                                   {"story": "99999999999999999999999"}])
def test_odd_filters_fall_back_to_a_period_the_page_can_show(editor_client, recent, query):
    response = editor_client.get(PAGE, query)
    assert response.status_code == 200
    params: InsightParams = response.context["params"]
    assert 1 <= (params.end - params.start).days + 1 <= 366


def test_the_page_reads_the_daily_counts_in_a_few_queries(editor_client, recent, django_assert_max_num_queries):
    with django_assert_max_num_queries(40):
        editor_client.get(PAGE)


def test_the_marks_are_links_with_a_title_in_an_svg_named_by_its_heading(editor_client, recent):
    page = editor_client.get(PAGE).content.decode()
    assert re.search(r'<svg class="chart chart-time" role="group" aria-labelledby="chart-topics-title"', page)
    assert re.search(r'<a class="mark" href="/\?status=annotated&amp;topic=[a-z-]+&amp;day_from=[0-9-]+&amp;'
                     r'day_to=[0-9-]+" tabindex="-1"><title>', page)


def test_the_page_in_french_keeps_its_coordinates_in_svg_units(editor_client, recent):
    page = editor_client.get(PAGE, {"days": 90}, headers={"accept-language": "fr"}).content.decode()
    assert "Thèmes, articles par jour" in page and "Qui apparaît avec qui" in page
    coordinates = re.findall(r'<rect class="bar" x="([^"]+)" y="([^"]+)" width="([^"]+)"', page)
    assert coordinates and all(re.fullmatch(r"[0-9.]+", value) for triple in coordinates for value in triple)


def test_without_actors_chosen_the_share_of_voice_is_that_of_the_actors_the_user_watches(editor_client, editor,
                                                                                          recent):
    from watches.services import watch_create

    macron, bourita = recent[0], recent[1]
    default = {row.label for row in dict((c.slug, c) for c in editor_client.get(PAGE).context["charts"])["share"].rows}
    assert len(default) > 2  # nobody watched yet: the most mentioned actors
    for actor in (bourita, macron):
        watch_create(user=editor, kind="actor", target_id=actor.id)
    response = editor_client.get(PAGE, {"days": "30"})
    share = {row.label for row in {c.slug: c for c in response.context["charts"]}["share"].rows}
    assert share == {"Macron", "Bourita"}
    assert editor_client.get(reverse("insights:csv", args=["share"]), {"days": "30"}).content.decode(
        "utf-8-sig").count("\r\n") == 3  # the head and the two watched actors
