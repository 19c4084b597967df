"""Quotes on the review page: persisted from the pipeline with their speaker,
reviewed by editors under the same layer rules as mentions."""

import pytest
from django.urls import reverse

from articles.models import Actor, Article, Decision, Origin, Quote, ReviewEvent
from articles.nlp.types import ActorGroup, Annotation, MentionSpan, QuoteSpan
from articles.services import review
from articles.services.annotation import annotations_apply
from articles.services.review import ReviewError

pytestmark = pytest.mark.django_db

BODY = ("Gérald Darmanin s'est rendu à Rabat. « Je tiens à remercier le Maroc », a-t-il déclaré. "
        "Le ministère a salué un « partenaire fiable ».")
SAID = BODY.index("Je tiens")
SAID_END = BODY.index(" »")
FRAGMENT = BODY.index("partenaire fiable")


def run(article, quotes):
    """Persist one pipeline run that found Darmanin and these quotes."""
    annotation = Annotation(
        language="fr", supported=True, pipeline_version="test",
        mentions=[MentionSpan(start=0, end=15, text="Gérald Darmanin", kind="person", origin="model", group=0)],
        groups=[ActorGroup(name="Gérald Darmanin", kind="person", surfaces=("Gérald Darmanin",))],
        quotes=quotes,
    )
    annotations_apply(results={article.id: annotation})
    article.refresh_from_db()


def said(**changes):
    values = {"start": SAID, "end": SAID_END, "text": BODY[SAID:SAID_END], "kind": "direct", "speaker_group": 0,
              "cue": "a-t-il déclaré"}
    return QuoteSpan(**{**values, **changes})


@pytest.fixture
def article():
    article = Article.objects.create(title="Rabat", body=BODY, content_hash="q", status=Article.Status.ANNOTATING,
                                     language="fr")
    run(article, [said(), QuoteSpan(start=FRAGMENT, end=FRAGMENT + 17, text="partenaire fiable", kind="fragment",
                                    speaker_group=None)])
    return article


def test_a_run_stores_quotes_with_their_speaker_cue_and_kind(article):
    quote, fragment = Quote.objects.filter(article=article).order_by("start")
    assert (quote.text, quote.speaker.name, quote.cue, quote.kind, quote.origin, quote.decision) == (
        "Je tiens à remercier le Maroc", "Gérald Darmanin", "a-t-il déclaré", "direct", Origin.RULE, Decision.PENDING)
    assert (fragment.kind, fragment.speaker) == ("fragment", None)


def test_a_rejected_quote_is_not_proposed_again_and_an_accepted_one_survives(article, editor):
    quote, fragment = Quote.objects.filter(article=article).order_by("start")
    review.quote_decide(quote=fragment, user=editor, decision=Decision.REJECTED, expected_version=article.version)
    article.refresh_from_db()
    review.quote_decide(quote=quote, user=editor, decision=Decision.ACCEPTED, expected_version=article.version)

    run(article, [said(cue="a dit"), QuoteSpan(start=FRAGMENT, end=FRAGMENT + 17, text="partenaire fiable",
                                               kind="fragment", speaker_group=None)])

    rows = list(Quote.objects.filter(article=article).order_by("start").values_list("id", "decision", "cue"))
    assert rows == [(quote.id, Decision.ACCEPTED, "a-t-il déclaré"), (fragment.id, Decision.REJECTED, "")]


def test_pending_quotes_are_replaced_on_each_run(article):
    run(article, [said(cue="a dit")])
    assert list(Quote.objects.filter(article=article).values_list("cue", flat=True)) == ["a dit"]


def test_an_editor_sets_the_speaker(article, editor):
    laftit = Actor.objects.create(name="Abdelouafi Laftit", kind="person", key="abdelouafi laftit|person")
    quote = Quote.objects.get(article=article, kind="direct")
    review.quote_set_speaker(quote=quote, user=editor, actor=laftit, expected_version=article.version)
    quote.refresh_from_db()
    assert (quote.speaker, quote.decision, quote.decided_by) == (laftit, Decision.ACCEPTED, editor)
    event = ReviewEvent.objects.get(action="quote_speaker")
    assert event.before["speaker"] != event.after["speaker"] == laftit.id


def test_correcting_a_span_keeps_the_old_one_rejected(article, editor):
    quote = Quote.objects.get(article=article, kind="direct")
    same = review.quote_set_span(quote=quote, user=editor, start=BODY.index("« Je"), end=SAID_END + 2,
                                 expected_version=article.version)
    assert same == quote, "quotation marks and spaces are trimmed: nothing changed"
    corrected = review.quote_set_span(quote=quote, user=editor, start=SAID, end=BODY.index(" le Maroc"),
                                      expected_version=article.version)
    assert corrected.text == "Je tiens à remercier"
    quote.refresh_from_db()
    assert quote.decision == Decision.REJECTED
    assert corrected.origin == Origin.EDITOR and corrected.speaker == quote.speaker


def test_an_editor_adds_a_quote_and_cannot_add_it_twice(article, editor):
    start = BODY.index("s'est rendu")
    added = review.quote_create(article=article, user=editor, start=start - 1, end=BODY.index(". «"),
                                expected_version=article.version, kind="reported")
    assert added.text == "s'est rendu à Rabat" and added.origin == Origin.EDITOR
    article.refresh_from_db()
    with pytest.raises(ReviewError, match="already a quote"):
        review.quote_create(article=article, user=editor, start=FRAGMENT, end=FRAGMENT + 17,
                            expected_version=article.version)
    with pytest.raises(ReviewError, match="outside"):
        review.quote_create(article=article, user=editor, start=5, end=len(BODY) + 3, expected_version=article.version)


def test_the_review_page_lists_quotes_and_escapes_them(editor_client, article):
    Quote.objects.filter(article=article, kind="fragment").update(text="<b>partenaire</b>")
    article.status = Article.Status.ANNOTATED
    article.save()
    page = editor_client.get(reverse("articles:detail", args=[article.id])).content.decode()
    assert "Je tiens à remercier le Maroc" in page and "a-t-il déclaré" in page
    assert "&lt;b&gt;partenaire&lt;/b&gt;" in page and "<b>partenaire</b>" not in page
    assert f'data-quotes="{SAID}-{SAID_END},' in page


def test_a_quotes_speaker_role_and_cue_are_escaped(editor_client, article):
    annotated(article)
    speaker = Actor.objects.create(name="<b>Chef</b>", kind="person", key="chef|person")
    Quote.objects.filter(article=article, kind="direct").update(speaker=speaker, speaker_role="<i>rôle</i>",
                                                               cue="<script>x</script>")
    page = editor_client.get(reverse("articles:detail", args=[article.id])).content.decode()
    assert "&lt;b&gt;Chef&lt;/b&gt;" in page and "&lt;i&gt;rôle&lt;/i&gt;" in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page
    assert "<b>Chef" not in page and "<i>rôle" not in page and "<script>x" not in page


def test_quote_actions_answer_htmx_with_the_quote_they_changed(editor_client, article):
    Article.objects.filter(id=article.id).update(status=Article.Status.ANNOTATED)
    quote = Quote.objects.get(article=article, kind="direct")
    response = editor_client.post(reverse("articles:quote-decide", args=[article.id, quote.id]),
                                  {"decision": "rejected", "version": article.version},
                                  headers={"HX-Request": "true", "HX-Target": "workspace"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<li class="quote decision-rejected" id="quote-{quote.id}" hx-swap-oob="true"' in html
    assert 'id="quote-ranges"' in html and 'id="workspace"' not in html
    stale = editor_client.post(reverse("articles:quote-decide", args=[article.id, quote.id]),
                               {"decision": "accepted", "version": article.version},
                               headers={"HX-Request": "true", "HX-Target": "workspace"})
    assert stale.status_code == 409
    assert Quote.objects.get(id=quote.id).decision == Decision.REJECTED


def test_a_viewer_cannot_change_a_quote(viewer_client, article):
    quote = Quote.objects.get(article=article, kind="direct")
    response = viewer_client.post(reverse("articles:quote-decide", args=[article.id, quote.id]),
                                  {"decision": "rejected", "version": article.version})
    assert response.status_code == 403
    assert Quote.objects.get(id=quote.id).decision == Decision.PENDING


def test_the_api_and_the_actor_page_show_quotes(client, editor_client, editor, article):
    from articles.services.accounts import api_token_create

    token = api_token_create(user=editor)
    body = client.get(f"/api/articles/{article.id}", headers={"Authorization": f"Bearer {token}"}).json()
    speaker = Actor.objects.get(name="Gérald Darmanin")
    assert {"start": SAID, "end": SAID_END, "text": "Je tiens à remercier le Maroc", "speaker_actor_id": speaker.id,
            "speaker_actor_ids": [speaker.id], "speaker_confidence": None, "cue": "a-t-il déclaré", "kind": "direct",
            "origin": "rule", "decision": "pending"} in body["quotes"]
    page = editor_client.get(reverse("articles:actor", args=[speaker.id])).content.decode()
    assert "Je tiens à remercier le Maroc" in page


# How sure the speaker is


def test_a_run_stores_how_sure_the_speaker_is_and_nothing_without_a_speaker(article):
    run(article, [said(confidence=0.6), QuoteSpan(start=FRAGMENT, end=FRAGMENT + 17, text="partenaire fiable",
                                                  kind="fragment", speaker_group=None, confidence=None)])
    quote, fragment = Quote.objects.filter(article=article).order_by("start")
    assert (quote.speaker_confidence, fragment.speaker_confidence) == (0.6, None)


def test_the_page_asks_the_editor_to_check_a_speaker_taken_from_the_context(editor_client, article):
    run(article, [said(confidence=0.6)])
    Article.objects.filter(id=article.id).update(status=Article.Status.ANNOTATED)
    flag = "speaker inferred from the context: check it"
    assert flag in editor_client.get(reverse("articles:detail", args=[article.id])).content.decode()
    run(article, [said(confidence=0.9)])
    Article.objects.filter(id=article.id).update(status=Article.Status.ANNOTATED)
    assert flag not in editor_client.get(reverse("articles:detail", args=[article.id])).content.decode()


def test_the_api_gives_the_speakers_confidence(client, editor, article):
    from articles.services.accounts import api_token_create

    run(article, [said(confidence=0.75)])
    token = api_token_create(user=editor)
    body = client.get(f"/api/articles/{article.id}", headers={"Authorization": f"Bearer {token}"}).json()
    assert [q["speaker_confidence"] for q in body["quotes"]] == [0.75]


def test_an_editors_speaker_is_no_guess_and_undo_gives_the_guess_back(article, editor):
    run(article, [said(confidence=0.6)])
    quote = Quote.objects.get(article=article)
    review.quote_set_speaker(quote=quote, user=editor, actor=quote.speaker, expected_version=article.version)
    quote.refresh_from_db()
    assert quote.speaker_confidence is None and not quote.speaker_inferred()
    article.refresh_from_db()
    review.decision_undo(article=article, user=editor, expected_version=article.version)
    quote.refresh_from_db()
    assert (quote.speaker_confidence, quote.decision) == (0.6, Decision.PENDING) and quote.speaker_inferred()


# The speaker field


def annotated(article):
    Article.objects.filter(id=article.id).update(status=Article.Status.ANNOTATED)
    article.refresh_from_db()
    return article


def test_the_page_draws_no_quote_form_but_one_for_all_their_decisions(editor_client, article):
    annotated(article)
    url = reverse("articles:detail", args=[article.id])
    before = editor_client.get(url).content.decode()
    for n in range(5):
        start = BODY.index("Rabat")
        Quote.objects.create(article=article, start=start, end=start + 5 + n, text=BODY[start:start + 5 + n])
    page = editor_client.get(url).content.decode()
    quotes = Quote.objects.filter(article=article)
    assert page.count('class="quote-edit"') == quotes.count() == 7
    # Neither a speaker field (its list of the article's actors) nor a token per quote.
    assert 'name="speaker_name"' not in page and '<option value="Gérald Darmanin">' not in page
    assert page.count("csrfmiddlewaretoken") == before.count("csrfmiddlewaretoken")
    decide = reverse("articles:quote-decide", args=[article.id, quotes.first().id])
    assert f'form="quote-actions" formaction="{decide}" name="decision" value="accepted"' in page


def test_a_quotes_editor_comes_alone_with_the_articles_actors_once(editor_client, article):
    annotated(article)
    quote = Quote.objects.get(article=article, kind="fragment")
    url = reverse("articles:detail", args=[article.id])
    response = editor_client.get(url, {"quote": quote.id},
                                 headers={"HX-Request": "true", "HX-Target": f"quote-{quote.id}"})
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li class="quote decision-pending" id="quote-{quote.id}"')
    assert "HX-Request" in response["Vary"]  # the same address answers with the whole page otherwise
    assert "<html" not in html and 'id="article-body"' not in html
    assert html.count('<option value="Gérald Darmanin">') == 1 and f'list="speaker-names-{quote.id}"' in html
    assert reverse("articles:quote-speaker", args=[article.id, quote.id]) in html
    assert reverse("articles:quote-span", args=[article.id, quote.id]) in html
    # Without JavaScript, the link opens the same editor in the whole page.
    page = editor_client.get(url, {"quote": quote.id}).content.decode()
    assert page.count('name="speaker_name"') == 1 and f'id="speaker-{quote.id}"' in page


def test_a_viewer_gets_no_quote_editor(viewer_client, article):
    annotated(article)
    quote = Quote.objects.get(article=article, kind="fragment")
    response = viewer_client.get(reverse("articles:detail", args=[article.id]), {"quote": quote.id},
                                 headers={"HX-Request": "true", "HX-Target": f"quote-{quote.id}"})
    assert response.status_code == 200
    assert "partenaire fiable" in response.content.decode() and "speaker_name" not in response.content.decode()


def test_a_quote_of_another_article_has_no_editor_here(editor_client, article):
    annotated(article)
    other = Article.objects.create(title="Autre", body=BODY, content_hash="other", status=Article.Status.ANNOTATED)
    quote = Quote.objects.get(article=article, kind="fragment")
    response = editor_client.get(reverse("articles:detail", args=[other.id]), {"quote": quote.id},
                                 headers={"HX-Request": "true", "HX-Target": f"quote-{quote.id}"})
    assert response.status_code == 404


def test_setting_the_speaker_answers_with_the_quote_and_its_editor_still_open(editor_client, article):
    annotated(article)
    quote = Quote.objects.get(article=article, kind="fragment")
    response = editor_client.post(reverse("articles:quote-speaker", args=[article.id, quote.id]),
                                  {"speaker_name": "Gérald Darmanin", "version": article.version},
                                  headers={"HX-Request": "true", "HX-Target": "workspace"})
    html = response.content.decode()
    assert f'id="quote-{quote.id}" hx-swap-oob="true"' in html
    assert f'id="speaker-{quote.id}"' in html and 'value="Gérald Darmanin"' in html
    assert Quote.objects.get(id=quote.id).speaker.name == "Gérald Darmanin"


def test_an_editor_sets_the_speaker_by_typing_a_name_and_clears_it_with_an_empty_field(editor_client, article):
    annotated(article)
    quote = Quote.objects.get(article=article, kind="fragment")
    url = reverse("articles:quote-speaker", args=[article.id, quote.id])
    response = editor_client.post(url, {"speaker_name": " gérald  DARMANIN ", "version": article.version})
    assert response.status_code == 302
    quote.refresh_from_db()
    assert quote.speaker == Actor.objects.get(name="Gérald Darmanin")
    article.refresh_from_db()
    editor_client.post(url, {"speaker_name": "", "version": article.version})
    quote.refresh_from_db()
    assert quote.speaker is None


def test_a_name_that_is_not_one_of_the_articles_actors_is_refused_with_a_message(editor_client, article):
    annotated(article)
    Actor.objects.create(name="Abdelouafi Laftit", kind="person", key="laftit|person")  # in the registry, not here
    quote = Quote.objects.get(article=article, kind="fragment")
    response = editor_client.post(reverse("articles:quote-speaker", args=[article.id, quote.id]),
                                  {"speaker_name": "Abdelouafi <Laftit>", "version": article.version}, follow=True)
    assert "“Abdelouafi &lt;Laftit&gt;” is not one of this article&#x27;s actors" in response.content.decode()
    quote.refresh_from_db()
    assert quote.speaker is None
