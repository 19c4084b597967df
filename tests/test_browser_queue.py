"""The queue's filter form in real Chromium: each filter chosen as an editor would, and the rows it lists."""

import pytest
from playwright.sync_api import expect

from articles.models import Article, Decision
from tests.conftest import log_in, make_user
from tests.test_queue import day, make_actor, make_article, mention, tag

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk(seeded):
    darmanin = make_actor("Darmanin")
    a = make_article("Alpha", body="Le ministre parle de sécurité à Rabat.", source="Le Desk", language="fr",
                     published_at=day("2024-01-10 08:00"), added_at=day("2024-01-10 09:00"))
    b = make_article("Bravo", body="The minister spoke about football.", source="Reuters", language="en",
                     status=Article.Status.FAILED, review_state=Article.ReviewState.REVIEWED,
                     published_at=day("2024-02-10 08:00"), added_at=day("2024-02-10 09:00"))
    c = make_article("Charlie", body="Le ministre et le football au Sénégal.", source="Le Desk", language="fr",
                     review_state=Article.ReviewState.IN_REVIEW, published_at=day("2024-03-10 08:00"),
                     added_at=day("2024-03-10 09:00"))
    make_article("Delta", body="Rien à voir.", source="Reuters", language="en", status=Article.Status.QUEUED,
                 added_at=day("2024-04-10 09:00"))
    tag(a, "terrorism")
    tag(c, "terrorism")
    tag(c, "sport")
    tag(b, "sport", decision=Decision.REJECTED)
    mention(a, darmanin, 2)
    mention(c, darmanin, 1, decision=Decision.REJECTED)


def listed(page):
    return page.locator("#article-rows td.title a")


@pytest.mark.parametrize(
    "field, option, expected",
    [
        ("Status", "failed", ["Bravo"]),
        ("Review", "in review", ["Charlie"]),
        ("Topic", "Sport", ["Charlie"]),
        ("Actor", "Darmanin (person)", ["Alpha"]),
        ("Source", "Reuters", ["Delta", "Bravo"]),
        ("Language", "French", ["Charlie", "Alpha"]),
        ("Language", "English", ["Delta", "Bravo"]),
    ],
)
def test_it_lists_the_rows_of_the_option_an_editor_chooses(page, live_server, desk, field, option, expected):
    make_user("ed", "editor")
    log_in(page, live_server, "ed")
    expect(listed(page)).to_have_text(["Delta", "Charlie", "Bravo", "Alpha"])
    form = page.get_by_role("search", name="Filter the queue")
    if field == "Actor":  # actors are searched, not all listed
        form.get_by_label("Find an actor").fill("darm")
        expect(form.get_by_label(field, exact=True).locator("option")).to_have_text(["Any", option])
    form.get_by_label(field, exact=True).select_option(label=option)
    form.get_by_role("button", name="Filter").click()
    expect(listed(page)).to_have_text(expected)
    expect(form.get_by_label(field, exact=True).locator("option:checked")).to_have_text(option)


def test_the_language_options_read_as_language_names(page, live_server, desk):
    make_user("ed", "editor")
    log_in(page, live_server, "ed")
    options = page.locator("#queue-language option")
    expect(options).to_have_text(["Any", "English", "French"])
    assert [options.nth(i).get_attribute("value") for i in range(3)] == ["", "en", "fr"]


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"#queue-added-from": "2024-02-10"}, ["Delta", "Charlie", "Bravo"]),
        ({"#queue-added-to": "2024-02-10"}, ["Bravo", "Alpha"]),
        ({"#queue-published-from": "2024-02-01", "#queue-published-to": "2024-02-28"}, ["Bravo"]),
        ({"#queue-q": "ministre"}, ["Charlie", "Alpha"]),
    ],
)
def test_it_lists_the_rows_of_the_dates_and_words_an_editor_types(page, live_server, desk, fields, expected):
    make_user("ed", "editor")
    log_in(page, live_server, "ed")
    expect(listed(page)).to_have_text(["Delta", "Charlie", "Bravo", "Alpha"])
    for selector, value in fields.items():
        page.locator(selector).fill(value)
    page.get_by_role("search", name="Filter the queue").get_by_role("button", name="Filter").click()
    expect(listed(page)).to_have_text(expected)


def test_an_editor_groups_the_queue_by_story_and_every_filter_still_applies(page, live_server, desk):
    from stories.models import Story
    from tests.test_accessibility import violations

    story = Story.objects.create(title="Le ministre et le sport", article_count=2, outlet_count=2, languages=["fr"])
    Article.objects.filter(title__in=["Alpha", "Charlie"]).update(story=story)
    make_user("ed", "editor")
    log_in(page, live_server, "ed")
    form = page.get_by_role("search", name="Filter the queue")
    form.get_by_label("Group by story").check()
    form.get_by_label("Language", exact=True).select_option(label="French")
    form.get_by_role("button", name="Filter").click()
    expect(page.locator("#article-rows h2")).to_have_text(["Le ministre et le sport"])
    expect(listed(page)).to_have_text(["Alpha", "Charlie"])  # first to report first
    assert "group=story" in page.url and "language=fr" in page.url
    assert violations(page) == []
    page.get_by_role("link", name="Le ministre et le sport").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Le ministre et le sport")
