"""The mention panel where the eye is, in real Chromium: after a click on a mention near the end
of a long article, the panel is on screen (beside the text on a wide screen, a sheet at the
bottom of a phone's) without hiding the mention; the focus moves into it, and Escape or its
Close link give the focus back to the mention."""

import pytest
from playwright.sync_api import expect

from articles.models import Actor, Article, Mention
from tests.conftest import log_in, make_user
from tests.test_accessibility import violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARAGRAPH = ("Au paragraphe {n}, la délégation a poursuivi ses entretiens sur la coopération régionale, "
             "les échanges commerciaux et la sécurité des frontières, sans annonce particulière.\n\n")


@pytest.fixture
def long_article(seeded):
    body = "Amina Diallo ouvre la séance à Dakar.\n\n" + "".join(PARAGRAPH.format(n=n) for n in range(60))
    body += "La séance se termine à Bamako avec Paul Martin."
    article = Article.objects.create(title="Une longue séance", body=body, content_hash="panel", language="fr",
                                     status=Article.Status.ANNOTATED)
    for surface, kind in [("Amina Diallo", "person"), ("Dakar", "place"), ("Bamako", "place"),
                          ("Paul Martin", "person")]:
        actor = Actor.objects.create(name=surface, kind=kind, key=Actor.key_for(surface, kind))
        start = body.index(surface)
        Mention.objects.create(article=article, start=start, end=start + len(surface), text=surface, kind=kind,
                               actor=actor)
    return article


def open_page(browser, live_server, article, viewport, **options):
    context = browser.new_context(locale="en-GB", viewport=viewport, **options)
    page = context.new_page()
    page.set_default_timeout(20_000)
    make_user("ed", "editor")
    log_in(page, live_server, "ed")
    page.goto(f"{live_server.url}/articles/{article.id}")
    return context, page


def box(locator):
    found = locator.bounding_box()
    assert found is not None
    return found


def assert_inside(found, viewport):
    assert found["y"] >= 0 and found["y"] + found["height"] <= viewport["height"] + 0.5, (found, viewport)
    assert found["x"] >= 0 and found["x"] + found["width"] <= viewport["width"] + 0.5, (found, viewport)


def choose(page, surface):
    link = page.locator("#article-body a.mention", has_text=surface)
    link.click()
    expect(page.locator("#mention-panel h2")).to_have_text(f"“{surface}”")
    return link


@pytest.mark.parametrize("viewport, options", [
    ({"width": 1366, "height": 768}, {}),
    ({"width": 390, "height": 844}, {"is_mobile": True, "has_touch": True}),
], ids=["wide", "phone"])
def test_the_panel_of_a_mention_near_the_end_is_on_screen_and_has_the_focus(browser, live_server, long_article,
                                                                             viewport, options):
    context, page = open_page(browser, live_server, long_article, viewport, **options)
    try:
        link = choose(page, "Bamako")
        panel = page.locator("#mention-panel")
        assert page.evaluate("() => window.scrollY") > 1000, "the mention is far down the page"
        expect(panel).to_be_in_viewport(ratio=1)  # a sheet still sliding in is measured where it stops
        assert_inside(box(panel), viewport)
        expect(link).to_be_in_viewport(ratio=1)
        mention, sheet = box(link), box(panel)
        if viewport["width"] < 900:
            assert mention["y"] + mention["height"] <= sheet["y"], "the sheet does not hide the mention"
        else:
            assert mention["x"] + mention["width"] <= sheet["x"], "the panel is beside the text"
        expect(panel.locator("h2")).to_be_focused()
        assert violations(page) == []

        page.keyboard.press("Tab")  # into the panel's controls
        assert page.evaluate("() => document.getElementById('mention-panel').contains(document.activeElement)")
        page.keyboard.press("Escape")
        expect(link).to_be_focused()
        expect(link).to_be_in_viewport()

        choose(page, "Paul Martin")
        expect(panel.locator("h2")).to_be_focused()
        panel.get_by_role("link", name="Close").click()
        expect(page.locator("#article-body a.mention", has_text="Paul Martin")).to_be_focused()
        # Closed, the sheet goes back to its place in the page: it no longer covers the text.
        assert page.evaluate("() => getComputedStyle(document.getElementById('mention-panel')).position") != "fixed"
    finally:
        context.close()


def test_a_decision_from_the_panel_keeps_it_on_screen(browser, live_server, long_article):
    viewport = {"width": 1366, "height": 768}
    context, page = open_page(browser, live_server, long_article, viewport)
    try:
        choose(page, "Bamako")
        page.locator("#mention-panel").get_by_role("button", name="Accept", exact=True).click()
        expect(page.locator("#mention-panel strong")).to_have_text("accepted")
        assert_inside(box(page.locator("#mention-panel")), viewport)
        expect(page.locator("#article-body a.mention", has_text="Bamako")).to_be_in_viewport()
    finally:
        context.close()
