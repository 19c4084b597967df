"""The review workspace by keyboard in real Chromium: which mention j / k reach, what a / x / u change,
and where the focus is after each swap of the workspace."""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Actor, Article, ArticleTopic, Decision, Mention, Quote, ReviewEvent, Topic
from tests.conftest import log_in, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = ("Amina Diallo a rencontré Paul Martin à Dakar. « Nous avançons », a déclaré Amina Diallo. "
        "« Rien n'est signé », a dit Paul Martin. Diallo repart à Bamako.")


@pytest.fixture
def article(seeded):
    article = Article.objects.create(title="Rencontre à Dakar", body=BODY, content_hash="keyboard", language="fr",
                                     status=Article.Status.ANNOTATED)
    for surface, kind in [("Amina Diallo", "person"), ("Paul Martin", "person"), ("Dakar", "place"),
                          ("Bamako", "place")]:
        actor = Actor.objects.create(name=surface, kind=kind, key=f"{surface.lower()}|{kind}")
        start = BODY.index(surface)
        Mention.objects.create(article=article, start=start, end=start + len(surface), text=surface, kind=kind,
                               actor=actor)
    for quote in ("« Nous avançons »", "« Rien n'est signé »"):
        start = BODY.index(quote)
        Quote.objects.create(article=article, start=start, end=start + len(quote), text=quote)
    for slug in ("diplomacy", "terrorism", "migration"):
        ArticleTopic.objects.create(article=article, topic=Topic.objects.get(slug=slug), score=0.6)
    return article


def open_review(page, live_server, article):
    make_user("ed", "editor")
    log_in(page, live_server, "ed")
    page.goto(f"{live_server.url}/articles/{article.id}")


def mention(page, surface):
    return page.locator("#article-body a.mention", has_text=surface)


def current(page):
    return page.locator("#article-body a.mention.is-current")


def decision(article, surface):
    return Mention.objects.get(article=article, text=surface).decision


def test_j_skips_decided_mentions_and_a_does_not_change_a_rejected_one(page, live_server, article):
    open_review(page, live_server, article)
    page.locator("body").press("j")
    expect(current(page)).to_have_text("Amina Diallo")
    page.keyboard.press("x")
    expect(mention(page, "Amina Diallo")).to_have_class(re_class("decision-rejected"))
    page.keyboard.press("j")
    expect(current(page)).to_have_text("Paul Martin")
    page.keyboard.press("k")  # back over the rejected one: to the last pending mention
    expect(current(page)).to_have_text("Bamako")
    page.keyboard.press("j")  # round the end, over the rejected one again
    expect(current(page)).to_have_text("Paul Martin")
    page.keyboard.press("a")
    expect(mention(page, "Paul Martin")).to_have_class(re_class("decision-accepted"))
    assert decision(article, "Amina Diallo") == Decision.REJECTED
    assert not ReviewEvent.objects.filter(action="mention_accepted", target__endswith=str(
        Mention.objects.get(article=article, text="Amina Diallo").id)).exists()

    # Reaching a decided mention takes the visible toggle; a / x on it then say how to change it.
    page.get_by_label("j / k also stop on decided mentions").check()
    page.keyboard.press("Escape")  # out of the box, back to the shortcuts
    page.keyboard.press("k")
    expect(current(page)).to_have_text("Amina Diallo")
    page.keyboard.press("a")
    expect(page.get_by_role("status").filter(has_text="already decided")).to_be_visible()
    assert decision(article, "Amina Diallo") == Decision.REJECTED
    # The explicit way: the panel's button.
    expect(page.locator("#mention-panel h2")).to_have_text("“Amina Diallo”")
    page.locator("#mention-panel").get_by_role("button", name="Accept").click()
    expect(mention(page, "Amina Diallo")).to_have_class(re_class("decision-accepted"))


def test_u_and_the_undo_button_take_back_the_last_decision(page, live_server, article):
    open_review(page, live_server, article)
    page.locator("body").press("j")
    page.keyboard.press("x")
    expect(mention(page, "Amina Diallo")).to_have_class(re_class("decision-rejected"))
    page.keyboard.press("u")
    expect(mention(page, "Amina Diallo")).to_have_class(re_class("decision-pending"))
    assert decision(article, "Amina Diallo") == Decision.PENDING
    expect(page.locator(".history li").first).to_contain_text("undid their decision on “Amina Diallo”")

    page.keyboard.press("j")
    page.keyboard.press("a")
    expect(mention(page, "Paul Martin")).to_have_class(re_class("decision-accepted"))
    page.get_by_role("button", name="Undo my last decision (u)").click()
    expect(mention(page, "Paul Martin")).to_have_class(re_class("decision-pending"))
    assert decision(article, "Paul Martin") == Decision.PENDING


def test_the_keyboard_help_lists_undo_and_the_pending_rule(page, live_server, article):
    open_review(page, live_server, article)
    page.locator("body").press("?")
    help_dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(help_dialog).to_contain_text("undo your last decision")
    expect(help_dialog).to_contain_text("next / previous pending mention")
    expect(help_dialog).to_contain_text("from the mention's panel back to the mention in the text")


def re_class(name):
    return re.compile(rf"(^|\s){re.escape(name)}(\s|$)")


# Focus after a swap of the workspace


def topic_items(page):
    return page.locator("li.topic")


def test_confirming_a_topic_by_keyboard_leaves_the_focus_on_the_next_topic(page, live_server, article):
    open_review(page, live_server, article)
    first, second, third = (topic_items(page).nth(i) for i in range(3))
    second_confirm_label = second.get_by_role("button", name="Confirm").get_attribute("aria-label")
    first.get_by_role("button", name="Confirm").focus()
    page.keyboard.press("Enter")
    expect(first.locator(".muted")).to_contain_text("accepted")
    expect(page.get_by_role("button", name=second_confirm_label)).to_be_focused()
    page.keyboard.press("Tab")  # Confirm, then Remove of the same topic
    page.keyboard.press("Enter")
    expect(second.locator(".muted")).to_contain_text("rejected")
    expect(third.get_by_role("button", name="Confirm")).to_be_focused()
    # The last topic: its own remaining button.
    page.keyboard.press("Enter")
    expect(third.locator(".muted")).to_contain_text("accepted")
    expect(third.get_by_role("button", name="Remove")).to_be_focused()


def test_deciding_a_quote_by_keyboard_leaves_the_focus_on_the_next_quote(page, live_server, article):
    open_review(page, live_server, article)
    page.get_by_role("button", name="Accept the quote « Nous avançons »").focus()
    page.keyboard.press("Enter")
    expect(page.locator("li.quote").first).to_have_class(re_class("decision-accepted"))
    expect(page.get_by_role("button", name="Accept the quote « Rien n'est signé »")).to_be_focused()


def test_setting_a_speaker_by_keyboard_keeps_the_focus_on_its_button(page, live_server, article):
    open_review(page, live_server, article)
    quote = page.locator("li.quote").nth(1)
    # The speaker field comes when the quote's Edit link is followed, and has the focus then.
    assert page.locator("input[name=speaker_name]").count() == 0
    quote.get_by_role("link", name="Edit the quote « Rien n'est signé »").focus()
    page.keyboard.press("Enter")
    expect(quote.get_by_label("Speaker")).to_be_focused()
    quote.get_by_label("Speaker").fill("Paul Martin")
    quote.get_by_role("button", name="Set speaker").focus()
    page.keyboard.press("Enter")
    expect(page.locator("li.quote").nth(1).locator("blockquote + p a")).to_have_text("Paul Martin")
    expect(page.locator("li.quote").nth(1).get_by_role("button", name="Set speaker")).to_be_focused()
    assert Quote.objects.get(text="« Rien n'est signé »").speaker.name == "Paul Martin"


def test_a_second_speaker_is_added_and_removed_by_keyboard(page, live_server, article):
    Quote.objects.filter(text="« Nous avançons »").update(speaker=Actor.objects.get(name="Amina Diallo"))
    open_review(page, live_server, article)
    quote = page.locator("li.quote").first
    quote.get_by_role("link", name="Edit the quote « Nous avançons »").focus()
    page.keyboard.press("Enter")
    expect(quote.get_by_label("Speaker", exact=True)).to_be_focused()
    page.keyboard.press("Tab")  # Set speaker
    page.keyboard.press("Tab")
    expect(quote.get_by_label("Also said by")).to_be_focused()
    page.keyboard.type("Paul Martin")
    page.keyboard.press("Tab")
    expect(quote.get_by_role("button", name="Add a speaker")).to_be_focused()
    page.keyboard.press("Enter")
    head = page.locator("li.quote").first.locator("blockquote + p")
    expect(head).to_contain_text("Amina Diallo and Paul Martin")
    expect(page.locator("li.quote").first.get_by_role("button", name="Add a speaker")).to_be_focused()
    quote = Quote.objects.get(text="« Nous avançons »")
    assert [speaker.name for speaker in quote.speakers()] == ["Amina Diallo", "Paul Martin"]
    expect(page.locator("#history")).to_contain_text("added Paul Martin as a speaker of “« Nous avançons »”")
    # Back to the list of speakers: removing one leaves the focus on the control after it.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_role("button", name="Remove Paul Martin from the speakers")).to_be_focused()
    page.keyboard.press("Enter")
    expect(head).not_to_contain_text("Paul Martin")
    expect(page.locator("li.quote").first.get_by_label("Also said by")).to_be_focused()
    assert [speaker.name for speaker in Quote.objects.get(id=quote.id).speakers()] == ["Amina Diallo"]


def test_a_mention_decided_by_keyboard_keeps_the_focus(page, live_server, article):
    open_review(page, live_server, article)
    page.locator("body").press("j")
    page.keyboard.press("x")
    expect(mention(page, "Amina Diallo")).to_have_class(re_class("decision-rejected"))
    expect(mention(page, "Amina Diallo")).to_be_focused()


# Details, "accept the rest", the word after "n"


def test_an_editor_corrects_the_details_and_goes_on_reviewing_without_a_conflict(page, live_server, article):
    open_review(page, live_server, article)
    head = page.locator("#article-head")
    head.get_by_text("Edit details").click()
    head.get_by_label("Title").fill("Dakar : deux ministres se rencontrent")
    head.get_by_label("Source").fill("La Gazette")
    head.get_by_label("URL").fill("gazette.example/dakar?utm_medium=feed")
    head.get_by_label("Published").fill("2026-12-05T18:30")
    head.get_by_role("button", name="Save details").click()

    expect(page.locator("h1")).to_have_text("Dakar : deux ministres se rencontrent")
    expect(head.get_by_role("status")).to_have_text("Details saved.")
    expect(head.get_by_text("Edit details")).to_be_focused()
    expect(page.locator(".history")).to_contain_text(
        "changed the title: “Rencontre à Dakar” → “Dakar : deux ministres se rencontrent”")
    expect(page.locator(".history")).to_contain_text("changed the source: “—” → “La Gazette”")

    # The workspace's forms send the version the edit brought: a decision goes through.
    page.locator("body").press("j")
    page.keyboard.press("a")
    expect(mention(page, "Amina Diallo")).to_have_class(re_class("decision-accepted"))
    # And the details form, drawn before that decision, too.
    head.get_by_text("Edit details").click()
    head.get_by_label("Source").fill("Le Quotidien")
    head.get_by_role("button", name="Save details").click()
    expect(page.locator(".history")).to_contain_text("changed the source: “La Gazette” → “Le Quotidien”")
    expect(page.get_by_text("Someone else changed this article")).to_have_count(0)

    article.refresh_from_db()
    assert (article.title, article.source.name, article.url) == (
        "Dakar : deux ministres se rencontrent", "Le Quotidien", "https://gazette.example/dakar")
    assert decision(article, "Amina Diallo") == Decision.ACCEPTED


def test_a_bad_date_brings_the_form_back_with_its_message(page, live_server, article):
    open_review(page, live_server, article)
    head = page.locator("#article-head")
    head.get_by_text("Edit details").click()
    head.get_by_label("Published").fill("1066-10-14T09:00")
    head.get_by_role("button", name="Save details").click()
    expect(head).to_contain_text("A publication date is between the years 1800 and 2200.")
    expect(head.get_by_label("Published")).to_be_focused()
    article.refresh_from_db()
    assert article.published_at is None and article.version == 1


def test_n_accepts_the_rest_and_the_next_article_says_which_one_was_saved(page, live_server, article):
    following = Article.objects.create(title="Pêche au large de Dakar", body="Texte suivant.", content_hash="next",
                                       status=Article.Status.ANNOTATED, language="fr")
    Article.objects.filter(id=following.id).update(created_at=article.created_at.replace(year=2000))
    open_review(page, live_server, article)
    expect(page.get_by_role("button", name="Accept the rest (9) and mark reviewed")).to_be_visible()
    page.locator("body").press("j")
    page.keyboard.press("x")
    expect(page.get_by_role("button", name="Accept the rest (8) and mark reviewed")).to_be_visible()

    page.keyboard.press("n")
    page.wait_for_url(f"{live_server.url}/articles/{following.id}")
    expect(page.locator(".messages")).to_contain_text(
        "“Rencontre à Dakar” marked reviewed. Accepted the rest: 3 mentions, 3 topics, 2 quotes.")
    page.locator(".messages").get_by_role("link", name="Open it again").click()
    expect(page.locator(".badge.review-reviewed")).to_be_visible()
    assert decision(article, "Amina Diallo") == Decision.REJECTED
    assert {m.decision for m in Mention.objects.filter(article=article).exclude(text="Amina Diallo")} == {
        Decision.ACCEPTED}
    assert set(ArticleTopic.objects.filter(article=article).values_list("decision", flat=True)) == {Decision.ACCEPTED}
    assert set(Quote.objects.filter(article=article).values_list("decision", flat=True)) == {Decision.ACCEPTED}


def test_u_takes_back_accept_the_rest_whole(page, live_server, article):
    open_review(page, live_server, article)
    page.get_by_role("button", name="Accept the rest (9) and mark reviewed").click()
    expect(page.locator(".badge.review-reviewed")).to_be_visible()
    expect(page.locator("#article-body a.mention.decision-pending")).to_have_count(0)
    expect(page.get_by_role("button", name="Mark reviewed", exact=True)).to_be_visible()

    page.locator("body").press("u")
    expect(page.locator(".badge.review-in_review")).to_be_visible()
    expect(page.locator("#article-body a.mention.decision-pending")).to_have_count(4)
    expect(page.get_by_role("button", name="Accept the rest (9) and mark reviewed")).to_be_visible()
    article.refresh_from_db()
    assert article.review_state == Article.ReviewState.IN_REVIEW
    assert set(ArticleTopic.objects.filter(article=article).values_list("decision", flat=True)) == {Decision.PENDING}


def select_to_the_end(page, surface):
    """Select from ``surface`` to the end of the article body, over the mentions in between."""
    page.evaluate(
        """(surface) => {
            const body = document.getElementById('article-body');
            const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode())) {
                const index = node.data.indexOf(surface);
                if (index === -1) continue;
                const range = document.createRange();
                range.setStart(node, index);
                range.setEnd(body, body.childNodes.length);
                window.getSelection().removeAllRanges();
                window.getSelection().addRange(range);
                body.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
                return;
            }
            throw new Error('not found: ' + surface);
        }""",
        surface,
    )


def test_an_editor_cuts_off_the_trailing_text_and_its_mention_leaves_the_review(page, live_server, article):
    open_review(page, live_server, article)
    select_to_the_end(page, "Diallo repart")
    page.get_by_role("button", name="Not part of the article").click()

    cropped = page.locator("#article-body .cropped")
    expect(cropped).to_have_text("Diallo repart à Bamako.")
    expect(mention(page, "Bamako")).to_have_count(0)
    expect(page.get_by_role("button", name="Accept the rest (8) and mark reviewed")).to_be_visible()
    page.locator("body").press("k")  # from the end backwards: the last mention left is Dakar
    expect(current(page)).to_have_text("Dakar")
    article.refresh_from_db()
    assert article.crop_end == BODY.index("Diallo repart")
    assert decision(article, "Bamako") == Decision.REJECTED

    page.get_by_role("button", name="Put the cut text back").click()
    expect(cropped).to_have_count(0)
    expect(mention(page, "Bamako")).to_have_class(re_class("decision-pending"))
def test_a_quotes_editor_closes_back_to_its_edit_link(page, live_server, article):
    open_review(page, live_server, article)
    quote = page.locator("li.quote").first
    quote.get_by_role("link", name="Edit").click()
    expect(quote.get_by_role("button", name="Set speaker")).to_be_visible()
    quote.get_by_role("link", name="Close").click()
    expect(quote.get_by_role("button", name="Set speaker")).to_have_count(0)
    expect(quote.get_by_role("link", name="Edit")).to_be_focused()


def test_a_mention_listed_under_its_actor_opens_its_panel_in_place(page, live_server, article):
    open_review(page, live_server, article)
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    page.locator("#actor-groups .mentions a", has_text="Dakar").click()
    expect(page.locator("#mention-panel h2")).to_have_text("“Dakar”")
    assert navigations == []


def test_each_mention_is_followed_by_its_kind_from_one_stylesheet(page, live_server, article):
    open_review(page, live_server, article)
    link = page.locator("#article-body a.mention", has_text="Dakar")
    expect(link).not_to_have_attribute("data-kind-label", re.compile(".*"))
    content = link.evaluate("(el) => getComputedStyle(el, '::after').content")
    assert content.startswith('"place"'), content
