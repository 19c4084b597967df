"""End to end in real headless Chromium: the page an editor sees while a worker runs."""

import os
import shutil
from pathlib import Path

import pytest

from articles.models import Article
from tests.conftest import REPO, corpus_file, make_user

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# Playwright's sync API runs an event loop in this thread; the test's own ORM
# calls are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (make install-dev installs it from the distribution's packages)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB", viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def log_in(page, live_server, username, password="pw-for-tests-only"):
    page.goto(live_server.url + "/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + "/")


def test_editor_pastes_the_demo_article_and_watches_it_annotated(page, live_server, worker):
    make_user("ed", "editor")
    body = corpus_file("fr-darmanin-rabat.txt").read_text(encoding="utf-8")
    log_in(page, live_server, "ed")

    page.get_by_role("link", name="Add an article").click()
    page.get_by_label("Title").first.fill("Sécurité : Paris et Rabat")
    page.get_by_label("Text").fill(body)
    page.get_by_role("button", name="Add and annotate").click()

    status = page.locator("#annotation .badge").first
    status.wait_for()
    assert status.inner_text() in ("queued", "annotating", "annotated")
    url_before = page.url
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))

    page.locator("#annotation .badge", has_text="annotated").wait_for(timeout=120_000)
    assert navigations == [] and page.url == url_before  # updated in place, not reloaded

    actors = page.locator(".actors > li")
    names = actors.locator("strong").all_inner_texts()
    assert "Gérald Darmanin" in names and "Darmanin" not in names
    assert page.locator("mark.kind-person", has_text="Darmanin").count() >= 5
    assert page.locator(".topic .chip", has_text="Terrorism").count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "article-annotated.png"), full_page=True)


def test_a_failed_article_offers_retry_in_place(page, live_server, worker):
    make_user("ed", "editor")
    article = Article.objects.create(title="Broken", body="Texte en français pour réessayer l'annotation.",
                                     content_hash="retry", status=Article.Status.FAILED, last_error="ValueError: boom")
    log_in(page, live_server, "ed")
    page.goto(f"{live_server.url}/articles/{article.id}")
    assert page.get_by_role("alert").inner_text() == "ValueError: boom"
    page.get_by_role("button", name="Retry annotation").click()
    page.locator("#annotation .badge", has_text="annotated").wait_for(timeout=60_000)
    assert page.get_by_role("button", name="Retry annotation").count() == 0


def test_viewer_sees_no_way_to_add(page, live_server, seeded):
    make_user("vi", "viewer")
    log_in(page, live_server, "vi")
    assert page.get_by_role("link", name="Add an article").count() == 0
    response = page.goto(live_server.url + "/articles/new")
    assert response.status == 403
