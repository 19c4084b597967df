"""axe-core in real Chromium: no serious or critical violation on the pages editors use."""

import json

import pytest

from articles.models import Actor, Article, ArticleTopic, Mention, Topic
from tests.conftest import REPO, log_in, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"


def violations(page) -> list[dict]:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make install-dev` (npm ci)")
    # Evaluated, not added as an inline <script>: the pages' Content-Security-Policy refuses those.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => JSON.stringify(await axe.run(document, {resultTypes: ['violations']}))")
    found = json.loads(result)["violations"]
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["html"][:160] for n in v["nodes"][:3]]}
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def annotated(seeded):
    body = "Gérald Darmanin est à Rabat. Darmanin a parlé de terrorisme avec Abdelouafi Laftit."
    article = Article.objects.create(title="Visite à Rabat", body=body, content_hash="a11y",
                                     status=Article.Status.ANNOTATED, language="fr")
    for start, end, kind in [(0, 15, "person"), (22, 27, "place"), (29, 37, "person"), (66, 83, "person")]:
        actor, _ = Actor.objects.get_or_create(key=f"{body[start:end]}|{kind}",
                                               defaults={"name": body[start:end], "kind": kind})
        Mention.objects.create(article=article, start=start, end=end, text=body[start:end], kind=kind, actor=actor)
    ArticleTopic.objects.create(article=article, topic=Topic.objects.get(slug="terrorism"), score=0.7,
                                evidence=[[29, 84]])
    return article


def test_login_page_has_no_serious_violation(page, live_server, seeded):
    page.goto(live_server.url + "/accounts/login/")
    assert violations(page) == []


def test_queue_page_has_no_serious_violation(page, live_server, annotated):
    make_user("ed", "editor")
    log_in(page, live_server, "ed")
    assert violations(page) == []


def test_review_page_has_no_serious_violation(page, live_server, annotated):
    make_user("ed", "editor")
    log_in(page, live_server, "ed")
    page.goto(f"{live_server.url}/articles/{annotated.id}")
    page.locator("#article-body a.mention").first.click()
    page.locator("#mention-panel h2").wait_for()
    assert violations(page) == []


def test_the_edit_details_form_has_no_serious_violation_open_or_with_errors(page, live_server, annotated):
    make_user("ed", "editor")
    log_in(page, live_server, "ed")
    page.goto(f"{live_server.url}/articles/{annotated.id}")
    head = page.locator("#article-head")
    head.get_by_text("Edit details").click()
    head.get_by_label("Title").wait_for()
    assert violations(page) == []
    head.get_by_label("URL").fill("javascript:alert(1)")
    head.get_by_label("Published").fill("1066-10-14T09:00")
    head.get_by_role("button", name="Save details").click()
    head.locator(".errorlist").first.wait_for()
    assert violations(page) == []


def test_a_cropped_article_has_no_serious_violation(page, live_server, annotated):
    Article.objects.filter(id=annotated.id).update(crop_start=len("Gérald Darmanin est à Rabat. "))
    make_user("ed", "editor")
    log_in(page, live_server, "ed")
    page.goto(f"{live_server.url}/articles/{annotated.id}")
    page.locator("#article-body .cropped").wait_for()
def test_review_page_with_quotes_and_an_open_quote_editor_has_no_serious_violation(page, live_server, annotated):
    from articles.models import Quote

    body = annotated.body
    Quote.objects.create(article=annotated, start=0, end=body.index(" est"), text=body[:body.index(" est")])
    Quote.objects.create(article=annotated, start=body.index("Darmanin a"), end=len(body) - 1,
                         text=body[body.index("Darmanin a"):-1])
    make_user("ed", "editor")
    log_in(page, live_server, "ed")
    page.goto(f"{live_server.url}/articles/{annotated.id}")
    page.locator("li.quote").first.get_by_role("link", name="Edit").click()
    page.get_by_label("Speaker").wait_for()
    assert violations(page) == []


def test_an_open_quote_editor_with_two_speakers_has_no_serious_violation(page, live_server, annotated):
    from articles.models import Quote, QuoteSpeaker

    body = annotated.body
    quote = Quote.objects.create(article=annotated, start=0, end=body.index(" est"), text=body[:body.index(" est")],
                                 speaker=Actor.objects.get(name="Gérald Darmanin"))
    QuoteSpeaker.objects.create(quote=quote, actor=Actor.objects.get(name="Darmanin"))
    make_user("ed", "editor")
    log_in(page, live_server, "ed")
    page.goto(f"{live_server.url}/articles/{annotated.id}?quote={quote.id}")
    page.get_by_role("button", name="Add a speaker").wait_for()
    assert page.locator("ul.quote-speakers li").count() == 2
    assert violations(page) == []


@pytest.mark.parametrize("path", ["/actors/", "/actors/{actor}", "/actors/learned", "/actors/duplicates"])
def test_registry_pages_have_no_serious_violation(page, live_server, annotated, path):
    make_user("chief", "chief editor")
    log_in(page, live_server, "chief")
    actor = Mention.objects.filter(article=annotated).first().actor_id
    page.goto(live_server.url + path.format(actor=actor))
    assert violations(page) == []


@pytest.mark.parametrize("path", ["/stories/", "/stories/{story}"])
def test_stories_pages_have_no_serious_violation(page, live_server, annotated, path):
    from stories.services import story_assign

    story = story_assign(article_id=annotated.id)
    # A second article in the story: the page then offers to take out and to split.
    second = Article.objects.create(title="Rabat, suite", body=annotated.body + " Suite.", content_hash="a11y-2",
                                    status=Article.Status.ANNOTATED, language="fr")
    Article.objects.filter(id=second.id).update(story=story)
    make_user("ed", "editor")
    log_in(page, live_server, "ed")
    page.goto(live_server.url + path.format(story=story.id))
    assert page.locator("h1").first.is_visible()
    if path != "/stories/":
        assert page.get_by_role("checkbox", name="Move “Rabat, suite” into a new story").is_visible()
    assert violations(page) == []


def test_every_control_is_reachable_by_keyboard_with_a_visible_focus(page, live_server, annotated):
    make_user("ed", "editor")
    log_in(page, live_server, "ed")
    page.goto(f"{live_server.url}/articles/{annotated.id}")
    seen = set()
    for _ in range(60):
        page.keyboard.press("Tab")
        info = page.evaluate("""() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            return {tag: el.tagName, name: el.getAttribute('aria-label') || el.innerText || el.value || el.id,
                    outline: style.outlineStyle !== 'none' && style.outlineWidth !== '0px'};
        }""")
        if info["tag"] == "BODY":
            break
        assert info["outline"], f"no visible focus on {info}"
        assert info["name"].strip(), f"no accessible name on {info}"
        seen.add(info["tag"])
    assert {"A", "BUTTON", "SELECT"} <= seen
