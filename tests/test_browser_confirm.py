"""Asking before a merge, a publication or a deletion, in real Chromium: a native <dialog> with
JavaScript (Cancel changes nothing and gives the focus back), a page of its own without."""

import pytest
from playwright.sync_api import expect

from articles.models import Actor, ActorMerge, Article, Mention
from articles.services.actors import alias_add
from digests.models import Digest, DigestItem
from tests.conftest import log_in, make_user
from tests.test_accessibility import violations
from tests.test_digests import build_digest, newsroom

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watch_errors(page) -> list[str]:
    errors = []  # a script the Content-Security-Policy refused, or one that failed
    page.on("console", lambda message: errors.append(message.text) if "Refused" in message.text else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.fixture
def pair(seeded):
    article = Article.objects.create(title="Bureau", body="L'AFP et l'Agence France-Presse.", content_hash="c",
                                     status=Article.Status.ANNOTATED, language="fr")
    afp = Actor.objects.create(name="AFP", kind="organisation", key=Actor.key_for("AFP", "organisation"))
    agency = Actor.objects.create(name="Agence France-Presse", kind="organisation", confirmed=True,
                                  key=Actor.key_for("Agence France-Presse", "organisation"))
    Mention.objects.create(article=article, start=2, end=5, text="AFP", kind="organisation", actor=afp)
    for actor in (afp, agency):
        alias_add(actor=actor, surface=actor.name, user=None)
    return afp, agency


def test_a_merge_from_the_actor_page_is_asked_in_a_dialog_first(page, live_server, pair):
    afp, agency = pair
    make_user("chief", "chief editor")
    errors = watch_errors(page)
    log_in(page, live_server, "chief")
    page.goto(f"{live_server.url}/actors/{agency.id}")
    page.get_by_label("Find the duplicate").fill("afp")
    merge = page.get_by_role("button", name="Merge “AFP” here")
    merge.click()

    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Merge “AFP” into “Agence France-Presse”?")
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    assert violations(page) == []
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(merge).to_be_focused()
    assert not ActorMerge.objects.exists(), "cancelled: nothing merged"

    merge.click()
    dialog.get_by_role("button", name="Merge", exact=True).click()
    page.locator("#actor-main h3", has_text="Merged into this actor").wait_for()
    assert Actor.objects.get(id=afp.id).merged_into_id == agency.id
    assert errors == []


def test_removing_an_item_from_a_digest_is_asked_first(page, live_server, seeded):
    digest = build_digest([(found := newsroom())["rabat"], found["jo"]])
    make_user("ed", "editor")
    errors = watch_errors(page)
    log_in(page, live_server, "ed")
    page.goto(f"{live_server.url}/digests/{digest.id}")
    remove = page.get_by_role("button", name="Remove from the digest: Darmanin à Rabat")
    remove.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Remove “Darmanin à Rabat” from the digest?")
    dialog.get_by_role("button", name="Cancel").click()
    expect(remove).to_be_focused()
    assert DigestItem.objects.filter(digest=digest).count() == 2

    remove.click()
    dialog.get_by_role("button", name="Remove from the digest").click()
    expect(page.locator("li.digest-item")).to_have_count(1)
    assert list(DigestItem.objects.filter(digest=digest).values_list("article__title", flat=True)) == [
        "Sécurité des Jeux"]
    assert errors == []


def test_deleting_a_draft_is_asked_in_a_dialog(page, live_server, seeded):
    digest = build_digest([newsroom()["rabat"]])
    make_user("chief", "chief editor")
    log_in(page, live_server, "chief")
    page.goto(f"{live_server.url}/digests/{digest.id}")
    page.get_by_text("Title, period and introduction").click()
    page.get_by_role("button", name="Delete this draft").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(f"Delete the draft “{digest.title}”?")
    dialog.get_by_role("button", name="Delete the draft").click()
    page.get_by_text("Draft deleted.").wait_for()
    assert not Digest.objects.exists()


def test_without_javascript_a_page_asks_before_deleting_a_draft(browser, live_server, seeded):
    digest = build_digest([newsroom()["rabat"]])
    make_user("chief", "chief editor")
    context = browser.new_context(locale="en-GB", java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, live_server, "chief")
        page.goto(f"{live_server.url}/digests/{digest.id}")
        page.get_by_text("Title, period and introduction").click()
        page.get_by_role("button", name="Delete this draft").click()
        expect(page.get_by_role("heading", name=f"Delete the draft “{digest.title}”?")).to_be_visible()
        expect(page.get_by_role("main")).to_contain_text("Its 1 article leaves it")
        assert Digest.objects.filter(id=digest.id).exists(), "asked, not done"
        page.get_by_role("link", name="Cancel").click()
        page.wait_for_url(f"{live_server.url}/digests/{digest.id}")

        page.goto(f"{live_server.url}/digests/{digest.id}/delete")  # the question has its own address
        page.get_by_role("button", name="Delete the draft").click()
        page.get_by_text("Draft deleted.").wait_for()
        assert not Digest.objects.exists()
    finally:
        context.close()


def test_the_confirmation_page_has_no_serious_violation(page, live_server, seeded):
    digest = build_digest([newsroom()["rabat"]])
    make_user("chief", "chief editor")
    log_in(page, live_server, "chief")
    page.goto(f"{live_server.url}/digests/{digest.id}/publish")
    expect(page.get_by_role("heading", name=f"Publish “{digest.title}”?")).to_be_visible()
    assert violations(page) == []
