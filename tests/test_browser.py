"""End to end in real headless Chromium: the page an editor sees while a worker runs."""

import re
import threading

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from articles.models import Article
from tests.conftest import ARTIFACTS, corpus_file, log_in, make_user

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_editor_pastes_the_demo_article_and_watches_it_annotated(page, live_server, worker):
    make_user("ed", "editor")
    body = corpus_file("fr-darmanin-rabat.txt").read_text(encoding="utf-8")
    log_in(page, live_server, "ed")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Add an article").click()
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
    # What was true while it waited is gone with it; the pipeline's version is folded away.
    expect(page.get_by_text("Article queued for annotation.")).to_have_count(0)
    version = page.locator("details.technical").get_by_text("Annotated by pipeline")
    expect(version).to_be_hidden()
    page.locator("details.technical summary").click()
    expect(version).to_be_visible()

    actors = page.locator(".actors > li")
    names = actors.locator("strong").all_inner_texts()
    assert "Gérald Darmanin" in names and "Darmanin" not in names
    assert page.locator("a.mention.kind-person", has_text="Darmanin").count() >= 5
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


def test_a_slow_panel_does_not_replace_the_mention_chosen_after_it(page, live_server, seeded, monkeypatch):
    from articles.models import Mention
    from articles.views import articles as views

    make_user("ed", "editor")
    body = "Gérald Darmanin a rencontré Abdelouafi Laftit à Rabat."
    article = Article.objects.create(title="Rencontre", body=body, content_hash="slow-panel", language="fr",
                                     status=Article.Status.ANNOTATED)
    first, second = (Mention.objects.create(article=article, start=body.index(name), end=body.index(name) + len(name),
                                            text=name, kind="person")
                     for name in ("Gérald Darmanin", "Abdelouafi Laftit"))
    # The first mention's panel is held back on the server until the second one is shown and
    # typed in (j pressed twice quickly, a slow response): it must not come back over them.
    released = threading.Event()
    current_mention = views._current_mention

    def slow_for_the_first(article, mention_id):
        if str(mention_id) == str(first.id):
            released.wait(20)
        return current_mention(article, mention_id)

    monkeypatch.setattr(views, "_current_mention", slow_for_the_first)
    log_in(page, live_server, "ed")
    page.goto(f"{live_server.url}/articles/{article.id}")
    page.locator("#article-body a.mention", has_text="Gérald Darmanin").click()
    page.locator("#article-body a.mention", has_text="Abdelouafi Laftit").click()
    page.locator("#mention-panel h2", has_text="Abdelouafi Laftit").wait_for()
    page.locator("#mention-panel").get_by_role("searchbox").fill("Laf")
    with page.expect_response(lambda response: f"mention={first.id}" in response.url):
        released.set()
    page.wait_for_timeout(500)  # time for the late response to be swapped in, were it to be
    expect(page.locator("#mention-panel h2")).to_have_text(f"“{second.text}”")
    expect(page.locator("#mention-panel").get_by_role("searchbox")).to_have_value("Laf")
    expect(page.locator("#article-body a.mention.is-current")).to_have_text(second.text)


def select_text(page, surface, nth=0):
    """Select the nth occurrence of ``surface`` in the article body, as a mouse would."""
    page.evaluate(
        """([surface, nth]) => {
            const body = document.getElementById('article-body');
            const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
            let node, seen = 0;
            while ((node = walker.nextNode())) {
                let index = node.data.indexOf(surface);
                while (index !== -1) {
                    if (seen++ === nth) {
                        const range = document.createRange();
                        range.setStart(node, index);
                        range.setEnd(node, index + surface.length);
                        const selection = window.getSelection();
                        selection.removeAllRanges();
                        selection.addRange(range);
                        body.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
                        return true;
                    }
                    index = node.data.indexOf(surface, index + 1);
                }
            }
            throw new Error('not found: ' + surface);
        }""",
        [surface, nth],
    )


def test_editor_reviews_the_demo_article_end_to_end(page, live_server, worker):
    from articles.models import ArticleTopic, Decision, Mention, Origin

    make_user("ed", "editor")
    body = corpus_file("fr-darmanin-rabat.txt").read_text(encoding="utf-8")
    log_in(page, live_server, "ed")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Add an article").click()
    page.get_by_label("Text").fill(body)
    page.get_by_role("button", name="Add and annotate").click()
    page.locator("#annotation .badge", has_text="annotated").wait_for(timeout=120_000)
    article = Article.objects.get()

    # Reject a mention the desk does not want: "Royaume" alone, tagged as a place.
    target = page.locator("#article-body a.mention", has_text="Royaume").first
    false_text = "Royaume"
    target.click()
    page.locator("#mention-panel h2", has_text=false_text).wait_for()
    page.locator("#mention-panel").get_by_role("button", name="Reject").click()
    page.locator("#article-body a.mention.decision-rejected").first.wait_for()
    rejected = Mention.objects.get(article=article, decision=Decision.REJECTED)
    assert rejected.text == false_text and rejected.decided_by.username == "ed"

    # Link "Darmanin" to "Gérald Darmanin" through the registry search, keyboard style.
    darmanin = page.locator("#article-body a.mention", has_text="Darmanin").filter(has_not_text="Gérald").first
    darmanin.click()
    page.locator("#mention-panel h2", has_text="“Darmanin”").wait_for()
    result = page.locator(".actor-results button", has_text="Gérald Darmanin").first
    for _ in range(3):
        # The panel can be swapped in again while the search is typed (seen under load): type again then.
        page.locator("#mention-panel").get_by_role("searchbox").fill("Gérald Darm")
        try:
            result.wait_for(timeout=5000)
            break
        except PlaywrightTimeout:
            page.locator("#mention-panel").get_by_role("searchbox").fill("")
    with page.expect_response(lambda response: response.url.endswith("/link")):
        result.click()
    page.locator("#mention-panel strong", has_text="accepted").wait_for()
    linked = Mention.objects.filter(article=article, text="Darmanin", decision=Decision.ACCEPTED).get()
    assert linked.actor.name == "Gérald Darmanin"

    # Add a mention the model missed by selecting words in the text.
    select_text(page, "services de renseignement marocains")
    page.locator("#add-mention select[name=kind]").select_option("organisation")
    expect(page.locator("#add-mention input[name=start]")).not_to_have_value("")
    page.locator("#add-mention").get_by_role("button", name="Add mention").click()
    page.locator("#article-body a.mention", has_text="services de renseignement marocains").wait_for()
    added = Mention.objects.get(article=article, origin=Origin.EDITOR)
    assert article.body[added.start:added.end] == "services de renseignement marocains"

    # Keyboard: next mention, accept it; once the page has settled (a key sent while the added mention's
    # answer is still being swapped in would decide on a version the page no longer shows).
    expect(page.locator(".htmx-request")).to_have_count(0)
    page.locator("body").press("j")
    page.locator("#article-body a.mention.is-current.decision-pending").wait_for()
    with page.expect_response(lambda response: response.url.endswith("/decide")):
        page.locator("body").press("a")
    page.locator("#article-body a.mention.decision-accepted").nth(2).wait_for()

    # Add a topic, then mark the article reviewed.
    page.get_by_label("Add a topic").select_option("migration")
    page.get_by_role("button", name="Add topic").click()
    page.locator(".topics .chip", has_text="Migration").wait_for()
    assert ArticleTopic.objects.get(article=article, topic__slug="migration").decision == Decision.ACCEPTED
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "review-page.png"), full_page=False)
    pending = Mention.objects.filter(article=article, decision=Decision.PENDING).count()
    assert pending
    page.get_by_role("button", name=re.compile(r"^Accept the rest \(\d+\) and mark reviewed$")).click()
    page.locator(".badge.review-reviewed").wait_for()
    article.refresh_from_db()
    assert article.review_state == Article.ReviewState.REVIEWED
    assert not Mention.objects.filter(article=article, decision=Decision.PENDING).exists()
    assert Mention.objects.filter(article=article, decision=Decision.REJECTED).get() == rejected
    history = page.locator(".history li").all_inner_texts()
    assert any(" rejected “" in line for line in history) and any("marked the article reviewed" in line
                                                                   for line in history)

    # The queue shows the new state.
    page.goto(live_server.url + "/")
    row = page.locator("tr", has=page.get_by_role("link", name=article.title))
    assert "reviewed" in row.inner_text()


def test_viewer_cannot_change_the_review(page, live_server, seeded):
    from articles.models import Actor, Mention

    make_user("vi", "viewer")
    article = Article.objects.create(title="Lecture", body="Gérald Darmanin est à Rabat.", content_hash="v",
                                     status=Article.Status.ANNOTATED, language="fr")
    actor = Actor.objects.create(name="Rabat", kind="place", key="rabat|place")
    mention = Mention.objects.create(article=article, start=22, end=27, text="Rabat", kind="place", actor=actor)
    log_in(page, live_server, "vi")
    page.goto(f"{live_server.url}/articles/{article.id}")
    page.locator("#article-body a.mention").click()
    page.locator("#mention-panel h2").wait_for()
    assert page.get_by_role("button", name="Reject").count() == 0
    assert page.get_by_role("button", name="Add mention").count() == 0
    # Even a hand-made request is refused by the server.
    status = page.evaluate(
        """async (url) => {
            const token = JSON.parse(document.body.getAttribute('hx-headers'))['x-csrftoken'];
            const response = await fetch(url, {method: 'POST', headers: {'X-CSRFToken': token,
                'Content-Type': 'application/x-www-form-urlencoded'}, body: 'decision=rejected&version=1'});
            return response.status;
        }""",
        f"/articles/{article.id}/mentions/{mention.id}/decide",
    )
    assert status == 403
    mention.refresh_from_db()
    assert mention.decision == "pending"
