"""The sources page in Chromium: follow, pause and resume, poll now, with no policy refusal."""

import pytest
from playwright.sync_api import expect

from sources.models import Feed
from tests.conftest import log_in, make_user
from tests.test_browser_csp import settle, violations  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_chief_editor_follows_pauses_and_polls_a_source(page, live_server, seeded, violations):  # noqa: F811
    make_user("chief", "chief editor")
    log_in(page, live_server, "chief")
    page.get_by_role("link", name="Sources").click()
    page.get_by_role("heading", name="Followed sources").wait_for()
    page.get_by_label("Site or feed address").fill("http://127.0.0.1:9/feed.xml")
    page.get_by_label("Name").fill("The <Test> Chronicle")
    page.get_by_role("button", name="Follow").click()
    page.get_by_role("heading", name="The <Test> Chronicle").wait_for()
    expect(page.get_by_text("Source added: its first poll is on its way.")).to_be_visible()

    page.get_by_role("link", name="All sources").click()
    row = page.locator("#sources-table tr", has_text="The <Test> Chronicle")
    row.get_by_role("button", name="Pause").click()
    expect(row.get_by_role("button", name="Resume")).to_be_visible()
    expect(row.get_by_text("paused")).to_be_visible()
    assert not Feed.objects.get().active
    row.get_by_role("button", name="Resume").click()
    expect(row.get_by_role("button", name="Pause")).to_be_visible()
    with page.expect_response(lambda response: response.url.endswith("/poll")):
        row.get_by_role("button", name="Poll now").click()
    settle(page)
    assert Feed.objects.get().active
    assert violations == [], "\n".join(violations)
