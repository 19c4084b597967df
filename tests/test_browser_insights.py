"""The insights page in real Chromium: its charts drawn, a click on a mark landing on a queue that lists as
many articles as the mark counts, the data tables and no serious axe-core violation."""

import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Decision
from insights.services import counts_rebuild
from tests.conftest import log_in, make_user
from tests.factories import ActorFactory
from tests.test_accessibility import violations
from tests.test_insights import make_article, mention, tag

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk(seeded):
    today = timezone.localdate()
    actors = [ActorFactory(name=name) for name in ("Ilse Varga", "Tomas Hale", "Kestrel Devices")]
    for i in range(9):
        day = today - timedelta(days=i % 4)
        published = timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=8 + i))
        article = make_article(f"Report {i}", source=["Brenwick Post", "Lund Daily"][i % 2], published=published)
        for actor in actors[: 1 + i % 3]:
            mention(article, actor, 2)
        tag(article, ["diplomacy", "migration"][i % 2])
        if i == 0:
            mention(article, ActorFactory(name="Not An Actor"), 3, decision=Decision.REJECTED)
    counts_rebuild()
    make_user("ed", "editor")


def count_of(mark) -> int:
    return int(re.search(r": (\d+)$", mark.locator("title").text_content()).group(1))


@pytest.mark.parametrize("chart", ["topics", "actors", "sources", "share", "co-mentions", "topics-by-source"])
def test_a_click_on_a_mark_lands_on_the_queue_listing_its_articles(page, live_server, desk, chart):
    log_in(page, live_server, "ed")
    page.goto(f"{live_server.url}/insights")
    marks = page.locator(f"#chart-{chart} svg a.mark")
    expect(marks.first).to_be_visible()
    mark = marks.nth(marks.count() - 1)
    expected = count_of(mark)
    mark.locator("rect").click()
    page.wait_for_url(re.compile(r"/\?status=annotated"))
    expect(page.locator("#article-rows td.title a")).to_have_count(expected)


def test_the_charts_are_drawn_and_their_data_tables_open(page, live_server, desk):
    log_in(page, live_server, "ed")
    page.goto(f"{live_server.url}/insights?days=7")
    expect(page.locator("svg.chart")).to_have_count(7)
    box = page.locator("#chart-topics svg a.mark rect").first.bounding_box()
    assert box["width"] > 2 and box["height"] >= 2
    assert "Not An Actor" not in page.content()
    page.locator("#chart-co-mentions summary").click()
    table = page.locator("#chart-co-mentions table")
    expect(table).to_be_visible()
    expect(table.locator("thead th")).to_have_count(4)  # the corner and the three actors


def test_the_insights_page_has_no_serious_violation(page, live_server, desk):
    log_in(page, live_server, "ed")
    page.goto(f"{live_server.url}/insights")
    for summary in page.locator("details.chart-data summary").all():
        summary.click()
    assert violations(page) == []
