"""The header's bell in Chromium: its count follows the notifications without a reload;
the watches and notifications pages pass axe-core."""

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.conftest import log_in, make_user
from tests.factories import ActorFactory, ArticleFactory, NotificationFactory, WatchFactory
from tests.test_accessibility import violations
from watches.services import saved_search_create, watch_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fast_bell(settings):
    settings.WATCH_BELL_EVERY = 1


def test_the_bell_counts_a_new_notification_without_a_reload(page, live_server, seeded, fast_bell):
    viewer = make_user("vi", "viewer")
    watch = WatchFactory(user=viewer, actor=ActorFactory(name="Anne Dupont"))
    log_in(page, live_server, "vi")
    bell = page.locator("#notification-bell")
    expect(bell.locator(".bell-count")).to_have_text("0")
    page.evaluate("window.sameDocument = true")

    NotificationFactory(user=viewer, watch=watch, article=ArticleFactory(title="Anne Dupont à Rabat"))
    expect(bell.locator(".bell-count")).to_have_text("1")
    expect(bell).to_have_attribute("aria-label", "Notifications: 1 unread")
    assert page.evaluate("window.sameDocument") is True  # the same page: not reloaded

    bell.click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    page.get_by_role("button", name="Mark as read: “Anne Dupont à Rabat”").click()
    expect(page.locator("#notification-bell .bell-count")).to_have_text("0")


def test_the_watch_button_on_an_actor_page_starts_and_ends_a_watch(page, live_server, seeded):
    make_user("vi", "viewer")
    actor = ActorFactory(name="Anne Dupont")
    log_in(page, live_server, "vi")
    page.goto(f"{live_server.url}/actors/{actor.id}")
    page.get_by_role("button", name="Watch", exact=True).click()
    expect(page.get_by_role("button", name="Unwatch")).to_be_visible()
    assert violations(page) == []
    page.get_by_role("button", name="Unwatch").click()
    expect(page.get_by_role("button", name="Watch", exact=True)).to_be_visible()


def test_the_watches_and_notifications_pages_have_no_serious_violation(page, live_server, seeded):
    editor = make_user("ed", "editor")
    watch = watch_create(user=editor, kind="actor", target_id=ActorFactory(name="Anne Dupont").id)
    search = saved_search_create(user=editor, name="Rabat", query="q=rabat", shared=True)
    watch_create(user=editor, kind="search", target_id=search.id)
    for i in range(3):
        article = ArticleFactory(title=f"Dépêche {i}", source="Le Matin")
        NotificationFactory(user=editor, watch=watch, article=article, reason="breaking" if i == 0 else "match")
    Article.objects.update(status=Article.Status.ANNOTATED)
    log_in(page, live_server, "ed")
    page.goto(f"{live_server.url}/watches/")
    expect(page.get_by_role("heading", name="What you watch")).to_be_visible()
    assert violations(page) == []
    page.goto(f"{live_server.url}/notifications/")
    expect(page.locator("#notification-bell .bell-count")).to_have_text("3")
    assert violations(page) == []
    page.goto(f"{live_server.url}/?q=rabat")
    expect(page.get_by_role("button", name="Save this search")).to_be_visible()
    assert violations(page) == []
