"""The digest builder in real headless Chromium, from annotated articles to a published press review."""

import re

import pytest
from playwright.sync_api import expect

from digests.models import Digest, DigestItem
from tests.conftest import ARTIFACTS, log_in, make_user
from tests.test_digests import newsroom

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def titles_in(page, section_slug_title):
    section = page.locator("section.digest-section", has=page.locator("h3", has_text=section_slug_title))
    return section.locator("li.digest-item h4").all_inner_texts()


def csrf_post(page, path):
    """A hand-made POST from the page, as a script would send it: the server decides."""
    return page.evaluate(
        """async (url) => {
            const token = JSON.parse(document.body.getAttribute('hx-headers'))['x-csrftoken'];
            const response = await fetch(url, {method: 'POST', headers: {'X-CSRFToken': token}});
            return response.status;
        }""",
        path,
    )


def test_an_editor_builds_a_digest_and_a_chief_editor_publishes_it(page, browser, live_server, seeded):
    found = newsroom()
    make_user("ed", "editor")
    make_user("chief", "chief editor")
    log_in(page, live_server, "ed")

    # Create the digest.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Digests").click()
    page.get_by_role("link", name="New digest").click()
    page.get_by_label("Title").fill("Revue du 3 mars")
    page.get_by_label("From").fill("2024-03-01")
    page.get_by_label("To").fill("2024-03-03")
    page.get_by_label("Language of the digest").select_option("fr")
    page.get_by_label("Introduction").fill("Bonjour.")
    page.get_by_role("button", name="Create the digest").click()
    page.get_by_role("heading", name="Revue du 3 mars").wait_for()
    digest = Digest.objects.get()

    # Pull in the terrorism articles of the period, then the Olympic one.
    page.get_by_label("Topic").select_option("terrorism")
    page.get_by_role("button", name="Find articles").click()
    results = page.locator("#pull-results")
    results.get_by_text("2 articles found").wait_for()
    assert "Pas encore relu" not in results.inner_text() and "Trop ancien" not in results.inner_text()
    results.get_by_role("button", name="Add them all").click()
    page.locator("li.digest-item").nth(1).wait_for()
    assert titles_in(page, "Terrorisme") == ["Menace terroriste", "Darmanin à Rabat"]  # as listed: newest first
    assert results.get_by_text("in the digest").count() == 2

    page.get_by_label("Topic").select_option("olympic-games")
    page.get_by_role("button", name="Find articles").click()
    results.get_by_text("1 article found").wait_for()
    results.get_by_role("button", name="Add to the digest: Sécurité des Jeux").click()
    page.locator("section.digest-section h3", has_text="Jeux olympiques").wait_for()

    first = page.locator("li.digest-item h4").first
    # Reorder with the buttons...
    page.get_by_role("button", name="Move down: Menace terroriste").click()
    expect(first).to_have_text("Darmanin à Rabat", use_inner_text=True)
    # The moved item takes the focus once the swap settles: wait for it, or it would take the focus back below.
    menace = DigestItem.objects.get(article__title="Menace terroriste")
    expect(page.locator(f"#item-{menace.id}")).to_be_focused()
    assert titles_in(page, "Terrorisme") == ["Darmanin à Rabat", "Menace terroriste"]
    # ...and with the keyboard: Alt+Arrow on the focused item, which keeps the focus.
    moved = DigestItem.objects.get(article=found["rabat"])
    page.locator(f"#item-{moved.id}").focus()
    page.keyboard.press("Alt+ArrowDown")
    expect(first).to_have_text("Menace terroriste", use_inner_text=True)
    expect(page.locator(f"#item-{moved.id}")).to_be_focused()
    page.keyboard.press("Alt+ArrowUp")
    expect(first).to_have_text("Darmanin à Rabat", use_inner_text=True)
    assert titles_in(page, "Terrorisme") == ["Darmanin à Rabat", "Menace terroriste"]
    assert list(DigestItem.objects.filter(section=moved.section).order_by("position")
                .values_list("article_id", flat=True)) == [found["rabat"].id, found["attentat"].id]
    # The section order too.
    page.get_by_role("button", name="Move the section Jeux olympiques up").click()
    expect(page.locator("section.digest-section h3").first).to_have_text(re.compile("^Jeux"), use_inner_text=True)

    # Edit a summary and a note, choose a quote.
    item = page.locator(f"#item-{moved.id}")
    item.get_by_label("Summary").fill("Gérald Darmanin à Rabat pour parler sécurité.")
    item.get_by_label("Editor's note").fill("Un article à lire en entier.")
    item.get_by_label("Le Maroc nous aide beaucoup", exact=False).check()
    item.get_by_role("button", name="Save").click()
    page.locator(f"#item-{moved.id} [role=status]", has_text="Saved.").wait_for()
    moved.refresh_from_db()
    assert moved.summary == "Gérald Darmanin à Rabat pour parler sécurité."
    assert moved.note == "Un article à lire en entier." and moved.quotes.count() == 1
    # At most two quotes: the third box is disabled once two are ticked.
    games = page.locator("li.digest-item", has=page.locator("h4", has_text="Sécurité des Jeux"))
    boxes = games.locator("input[name=quotes]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    assert boxes.nth(2).is_disabled()

    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "digest-builder.png"), full_page=True)

    # The preview is the e-mail, exactly; an editor cannot publish, even by hand.
    page.get_by_role("link", name="Preview and publish").click()
    frame = page.frame_locator("iframe.email-preview")
    frame.get_by_role("heading", name="Revue du 3 mars").wait_for()
    assert frame.get_by_text("Gérald Darmanin à Rabat pour parler sécurité.").count() == 1
    assert frame.get_by_text("Un article à lire en entier.").count() == 1
    assert page.get_by_role("button", name="Publish").count() == 0
    assert csrf_post(page, f"/digests/{digest.id}/publish") == 403
    digest.refresh_from_db()
    assert digest.status == "draft"

    # The chief editor publishes; the permalink shows the frozen digest.
    chief_context = browser.new_context(locale="en-GB", viewport={"width": 1400, "height": 1000})
    chief = chief_context.new_page()
    try:
        log_in(chief, live_server, "chief")
        chief.goto(f"{live_server.url}/digests/{digest.id}/preview")
        chief.get_by_role("button", name="Publish").click()
        dialog = chief.get_by_role("dialog")  # publishing cannot be taken back: asked first
        expect(dialog).to_contain_text("Publish “Revue du 3 mars” with its")
        dialog.get_by_role("button", name="Publish").click()
        chief.wait_for_url(f"{live_server.url}/digests/{digest.id}/published")
        chief.get_by_text("Digest published.").wait_for()
        digest.refresh_from_db()
        assert digest.status == "published"
        chief.frame_locator("iframe.email-preview").get_by_text("Un article à lire en entier.").wait_for()
        with chief.expect_download() as download:
            chief.get_by_role("link", name="Markdown").click()
        assert "Darmanin à Rabat" in download.value.path().read_text(encoding="utf-8")
        chief.screenshot(path=str(ARTIFACTS / "digest-published.png"), full_page=False)
    finally:
        chief_context.close()


def test_drag_and_drop_reorders_where_the_browser_allows_it(page, live_server, seeded):
    from tests.test_digests import build_digest

    found = newsroom()
    digest = build_digest([found["rabat"], found["attentat"]])
    make_user("ed", "editor")
    log_in(page, live_server, "ed")
    page.set_viewport_size({"width": 1400, "height": 1800})  # both items in view: a drag ends at the window's edge
    page.goto(f"{live_server.url}/digests/{digest.id}")
    handle = page.locator("li.digest-item", has=page.locator("h4", has_text="Darmanin à Rabat")).locator(".drag-handle")
    target = page.locator("li.digest-item", has=page.locator("h4", has_text="Menace terroriste"))
    start, box = handle.bounding_box(), target.bounding_box()
    with page.expect_response(lambda r: r.url.endswith(f"/digests/{digest.id}/order")):
        page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
        page.mouse.down()
        page.mouse.move(box["x"] + 60, box["y"] + box["height"] / 2, steps=5)
        page.mouse.move(box["x"] + 60, box["y"] + box["height"] - 4, steps=5)
        page.mouse.up()
    expect(page.locator("li.digest-item h4").first).to_have_text("Menace terroriste", use_inner_text=True)
    order = list(DigestItem.objects.filter(digest=digest).order_by("position").values_list("article__title", flat=True))
    assert order == ["Menace terroriste", "Darmanin à Rabat"]


def test_an_article_is_added_from_its_review_page(page, live_server, seeded):
    from tests.test_digests import make_digest

    found = newsroom()
    digest = make_digest(title="Revue du soir")
    make_user("ed", "editor")
    log_in(page, live_server, "ed")
    page.goto(f"{live_server.url}/articles/{found['jo'].id}")
    panel = page.locator("#add-to-digest")
    panel.get_by_label("Draft digest").select_option(str(digest.id))
    panel.get_by_role("button", name="Add to digest").click()
    page.locator("#add-to-digest [role=status]", has_text="Added to").wait_for()
    assert DigestItem.objects.get(digest=digest).article_id == found["jo"].id


@pytest.mark.parametrize("path", ["/digests/", "/digests/{id}", "/digests/{id}/preview", "/digests/new"])
def test_digest_pages_have_no_serious_accessibility_violation(page, live_server, seeded, path):
    from tests.test_accessibility import violations
    from tests.test_digests import build_digest

    found = newsroom()
    digest = build_digest([found["rabat"], found["jo"]])
    make_user("chief", "chief editor")
    log_in(page, live_server, "chief")
    page.goto(live_server.url + path.format(id=digest.id))
    assert violations(page) == []
