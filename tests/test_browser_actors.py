"""The actor registry in real headless Chromium: directory search, actor page,
merge and undo by a chief editor, learned records."""

import pytest
from playwright.sync_api import expect

from articles.models import Actor, Article, Mention
from articles.services.actors import alias_add
from tests.conftest import ARTIFACTS, log_in, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def registry(seeded):
    body = "L'AFP rapporte que l'Agence France-Presse ouvre un bureau à Rabat. Gérald Darmanin était présent."
    article = Article.objects.create(title="Bureau à Rabat", body=body, content_hash="actors",
                                     status=Article.Status.ANNOTATED, language="fr")
    created = {}
    for surface, kind, confirmed in [("AFP", "organisation", False), ("Agence France-Presse", "organisation", True),
                                     ("Rabat", "place", True), ("Gérald Darmanin", "person", True)]:
        actor = Actor.objects.create(name=surface, kind=kind, key=Actor.key_for(surface, kind), confirmed=confirmed)
        alias_add(actor=actor, surface=surface, user=None)
        start = body.index(surface)
        Mention.objects.create(article=article, start=start, end=start + len(surface), text=surface, kind=kind,
                               actor=actor)
        created[surface] = actor
    return created


def test_a_chief_editor_finds_an_actor_merges_its_duplicate_and_undoes_it(page, live_server, registry):
    make_user("chief", "chief editor")
    log_in(page, live_server, "chief")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Actors").click()

    rows = page.locator("#actor-results tbody tr")
    expect(rows).to_have_count(4)
    page.get_by_label("Name or alias").fill("gerald")  # no accent typed
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Gérald Darmanin")
    assert "q=gerald" in page.url, "the filter is kept in the address"

    page.get_by_label("Name or alias").fill("")
    expect(rows).to_have_count(4)
    page.get_by_role("link", name="Agence France-Presse").click()
    page.get_by_role("heading", name="Agence France-Presse").wait_for()
    assert page.locator("svg.timeline rect").count() == 1

    page.get_by_label("Find the duplicate").fill("afp")
    page.get_by_role("button", name="Merge “AFP” here").click()
    page.get_by_role("dialog").get_by_role("button", name="Merge", exact=True).click()
    page.locator("#actor-main h3", has_text="Merged into this actor").wait_for()
    assert sorted(page.locator(".aliases .alias").all_inner_texts()) == ["AFP", "Agence France-Presse"]
    assert Actor.objects.get(id=registry["AFP"].id).merged_into_id == registry["Agence France-Presse"].id
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "actor-page.png"), full_page=True)

    page.goto(f"{live_server.url}/actors/{registry['AFP'].id}")
    page.get_by_role("heading", name="Agence France-Presse").wait_for()  # the merged actor's page redirects

    page.get_by_role("button", name="undo").click()
    page.get_by_text("undone").first.wait_for()
    assert Actor.objects.get(id=registry["AFP"].id).merged_into_id is None
    assert Mention.objects.get(text="AFP").actor_id == registry["AFP"].id


def test_an_editor_sees_no_merge_controls(page, live_server, registry):
    make_user("ed", "editor")
    log_in(page, live_server, "ed")
    page.goto(f"{live_server.url}/actors/{registry['Rabat'].id}")
    page.get_by_role("heading", name="Rabat").wait_for()
    assert page.get_by_label("Find the duplicate").count() == 0
    assert page.get_by_role("button", name="Apply to past articles").count() == 0
    assert page.get_by_role("button", name="Add alias").count() == 1
    # %-formatting: the script's own braces would need doubling in a format string.
    status = page.evaluate("""async (url) => {
        const token = document.querySelector('input[name=csrfmiddlewaretoken]').value;
        const response = await fetch(url, {method: 'POST', headers: {'X-CSRFToken': token,
            'Content-Type': 'application/x-www-form-urlencoded'}, body: 'merged=' + %d});
        return response.status;
    }""" % registry["AFP"].id, f"{live_server.url}/actors/{registry['Agence France-Presse'].id}/merge")  # noqa: UP031
    assert status == 403
    assert Actor.objects.get(id=registry["AFP"].id).merged_into_id is None


def test_an_editor_reviews_quotes_highlighted_in_the_text(page, live_server, seeded):
    from articles.models import Decision, Quote

    body = "Gérald Darmanin est à Rabat. « Je tiens à remercier le Maroc », a-t-il déclaré."
    article = Article.objects.create(title="Rabat", body=body, content_hash="quotes",
                                     status=Article.Status.ANNOTATED, language="fr")
    darmanin = Actor.objects.create(name="Gérald Darmanin", kind="person",
                                    key=Actor.key_for("Gérald Darmanin", "person"))
    Mention.objects.create(article=article, start=0, end=15, text="Gérald Darmanin", kind="person", actor=darmanin)
    start = body.index("Je tiens")
    quote = Quote.objects.create(article=article, start=start, end=body.index(" »"),
                                 text="Je tiens à remercier le Maroc", speaker=darmanin, cue="a-t-il déclaré")
    make_user("ed", "editor")
    log_in(page, live_server, "ed")
    page.goto(f"{live_server.url}/articles/{article.id}")

    item = page.locator("li.quote")
    expect(item).to_contain_text("Je tiens à remercier le Maroc")
    expect(item).to_contain_text("Gérald Darmanin")
    assert page.evaluate("() => CSS.highlights.has('quote') && CSS.highlights.get('quote').size") == 1
    item.get_by_role("button", name="Reject").click()
    expect(page.locator("li.quote.decision-rejected")).to_have_count(1)
    assert Quote.objects.get(id=quote.id).decision == Decision.REJECTED
    assert page.evaluate("() => CSS.highlights.get('quote').size") == 0, "a rejected quote is no longer underlined"


def test_a_chief_editor_confirms_a_suggested_merge_in_a_dialog(page, live_server, registry):
    make_user("chief", "chief editor")
    errors = []  # a script the page's Content-Security-Policy refused, or one that failed
    page.on("console", lambda message: errors.append(message.text) if "Refused" in message.text else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server, "chief")
    page.goto(f"{live_server.url}/actors/duplicates")
    row = page.locator("#duplicate-pairs tbody tr", has_text="same initials: A·F·P")
    expect(row).to_contain_text("1 article")
    merge = row.get_by_role("button", name="Merge into “Agence France-Presse”")

    merge.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Merge “AFP” into “Agence France-Presse”?")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    assert Actor.objects.get(id=registry["AFP"].id).merged_into_id is None, "cancelled: nothing merged"

    merge.click()
    dialog.get_by_role("button", name="Merge").click()
    expect(page.locator("#duplicate-pairs .messages")).to_contain_text("“AFP” was merged into “Agence France-Presse”.")
    expect(page.locator("#duplicate-pairs tbody")).to_contain_text("No duplicate suggested.")
    assert page.url.endswith("/actors/duplicates"), "htmx swapped the list in place"
    assert Actor.objects.get(id=registry["AFP"].id).merged_into_id == registry["Agence France-Presse"].id
    assert errors == []
