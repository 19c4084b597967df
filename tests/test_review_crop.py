"""Cropping: an editor marks leading or trailing text as not part of the article. The crop is
the editor's layer: what it holds leaves the review and the exports, and no annotation run
brings it back."""

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Actor, Article, Decision, Mention, Quote, ReviewEvent
from articles.services.ingest import article_create, articles_requeue
from digests.services import digest_create, digest_items_add
from tests.conftest import make_user, wait_annotated

pytestmark = pytest.mark.django_db

LEAD = "Publié le 6 décembre. Par Léa Roux.\n"
TEXT = "Amina Diallo a rencontré Paul Martin à Dakar. « Nous avançons », a déclaré Amina Diallo."
TAIL = "\nEn savoir plus : Paul Martin à Bamako, « le grand entretien »"
BODY = LEAD + TEXT + TAIL


def span(surface, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = BODY.index(surface, start + 1)
    return start, start + len(surface)


@pytest.fixture
def article():
    article = Article.objects.create(title="Rencontre à Dakar", body=BODY, content_hash="crop", language="fr",
                                     status=Article.Status.ANNOTATED)
    for surface, kind, nth in [("Léa Roux", "person", 0), ("Amina Diallo", "person", 0), ("Paul Martin", "person", 0),
                               ("Dakar", "place", 0), ("Paul Martin", "person", 1), ("Bamako", "place", 0)]:
        actor, _ = Actor.objects.get_or_create(key=f"{surface}|{kind}", defaults={"name": surface, "kind": kind})
        start, end = span(surface, nth)
        Mention.objects.create(article=article, start=start, end=end, text=surface, kind=kind, actor=actor)
    for quote in ("« Nous avançons »", "« le grand entretien »"):
        start, end = span(quote)
        Quote.objects.create(article=article, start=start, end=end, text=quote)
    return article


def htmx_post(client, url, data):
    return client.post(url, data, headers={"HX-Request": "true", "HX-Target": "workspace"})


def crop(client, article, start, end):
    article.refresh_from_db()
    return htmx_post(client, reverse("articles:crop", args=[article.id]),
                     {"start": start, "end": end, "version": article.version})


def mention(article, surface, nth=0):
    start, end = span(surface, nth)
    return Mention.objects.get(article=article, start=start, end=end)


def test_cutting_off_the_trailing_text_takes_its_mentions_and_quotes_out_of_the_review(editor_client, editor,
                                                                                        article):
    tail_start = BODY.index("En savoir plus")
    response = crop(editor_client, article, tail_start, len(BODY))

    assert response.status_code == 200
    article.refresh_from_db()
    assert (article.crop_start, article.crop_end) == (0, tail_start)
    assert article.kept_text() == LEAD + TEXT + "\n"
    for surface, nth in (("Paul Martin", 1), ("Bamako", 0)):
        cut = mention(article, surface, nth)
        assert (cut.decision, cut.decided_by) == (Decision.REJECTED, editor)
    assert mention(article, "Paul Martin").decision == Decision.PENDING  # the one in the article stays
    assert Quote.objects.get(text="« le grand entretien »").decision == Decision.REJECTED

    html = response.content.decode()
    cropped = html.split('<span class="cropped" title="Not part of the article">')[1].split("</span>")[0]
    assert cropped.startswith("En savoir plus") and "mention" not in cropped  # no link left in it
    assert "le grand entretien" not in html.split('class="quotes-panel"')[1].split("</section>")[0]
    assert "still pending: 4 mentions, 1 quote" in html
    event = ReviewEvent.objects.get(action="article_crop")
    assert event.after["cut"] == "En savoir plus : Paul Martin à Bamako, « le grand entretien »"
    assert "cut “En savoir plus : Paul Martin à Bamako, « le grand entretien »” off the article" in html


def test_cutting_off_the_leading_text(editor_client, article):
    # The selection may stop short of the line break, or start on a space.
    response = crop(editor_client, article, 0, BODY.index("Roux.") + len("Roux."))
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.kept_bounds() == (BODY.index("Roux.") + 5, len(BODY))
    assert mention(article, "Léa Roux").decision == Decision.REJECTED
    assert mention(article, "Amina Diallo").decision == Decision.PENDING


@pytest.mark.parametrize("selection, message", [
    (span("Paul Martin"), "Only text at the start or at the end"),
    ((0, len(BODY)), "all of the article"),
    ((10, 10_000), "outside the article text"),
])
def test_a_selection_inside_the_text_or_of_all_of_it_is_refused(editor_client, article, selection, message):
    response = crop(editor_client, article, *selection)
    assert response.status_code == 422 and message in response.content.decode()
    article.refresh_from_db()
    assert not article.is_cropped() and article.version == 1
    assert not Mention.objects.filter(decision=Decision.REJECTED).exists()


def test_undo_puts_the_cut_text_back_with_each_rows_decision(editor_client, editor, article):
    bamako = mention(article, "Bamako")
    Mention.objects.filter(id=bamako.id).update(decision=Decision.ACCEPTED, decided_by=editor)
    crop(editor_client, article, BODY.index("En savoir plus"), len(BODY))
    article.refresh_from_db()
    response = htmx_post(editor_client, reverse("articles:undo", args=[article.id]), {"version": article.version})
    assert response.status_code == 200
    article.refresh_from_db()
    assert not article.is_cropped()
    bamako.refresh_from_db()
    assert (bamako.decision, bamako.decided_by) == (Decision.ACCEPTED, editor)
    assert mention(article, "Paul Martin", 1).decision == Decision.PENDING
    assert Quote.objects.get(text="« le grand entretien »").decision == Decision.PENDING


def test_put_the_cut_text_back_restores_what_nobody_decided_on_since(editor_client, article):
    crop(editor_client, article, BODY.index("En savoir plus"), len(BODY))
    crop(editor_client, article, 0, len(LEAD))
    other = Client()
    other.force_login(make_user("other", "editor"))
    article.refresh_from_db()
    htmx_post(other, reverse("articles:mention-decide", args=[article.id, mention(article, "Bamako").id]),
              {"decision": "rejected", "version": article.version})  # someone's own decision since
    article.refresh_from_db()
    page = editor_client.get(reverse("articles:detail", args=[article.id])).content.decode()
    assert "Put the cut text back" in page

    response = htmx_post(editor_client, reverse("articles:uncrop", args=[article.id]), {"version": article.version})
    assert response.status_code == 200
    article.refresh_from_db()
    assert not article.is_cropped()
    assert mention(article, "Léa Roux").decision == Decision.PENDING
    assert mention(article, "Paul Martin", 1).decision == Decision.PENDING
    assert mention(article, "Bamako").decision == Decision.REJECTED
    assert 'class="cropped"' not in response.content.decode()


def test_a_viewer_cannot_crop(viewer_client, article):
    assert htmx_post(viewer_client, reverse("articles:crop", args=[article.id]),
                     {"start": 0, "end": len(LEAD), "version": 1}).status_code == 403
    assert htmx_post(viewer_client, reverse("articles:uncrop", args=[article.id]), {"version": 1}).status_code == 403
    article.refresh_from_db()
    assert not article.is_cropped()


def test_the_pipeline_reads_the_body_without_the_cut_text_at_the_same_offsets(article):
    Article.objects.filter(id=article.id).update(crop_start=len(LEAD), crop_end=BODY.index("\nEn savoir plus"))
    article.refresh_from_db()
    text = article.text_for_annotation()
    assert len(text) == len(BODY) and text.strip() == TEXT
    assert text[span("Dakar")[0]:span("Dakar")[1]] == "Dakar"


def test_a_digest_summary_starts_with_the_article_not_with_the_cut_text(editor, article):
    Article.objects.filter(id=article.id).update(crop_start=len(LEAD))
    digest = digest_create(title="Revue", period_start=article.created_at.date(), period_end=article.created_at.date(),
                           user=editor)
    [item] = digest_items_add(digest=digest, articles=[Article.objects.defer("body").get(id=article.id)], user=editor)
    assert item.summary.startswith("Amina Diallo a rencontré Paul Martin à Dakar.")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_re_annotation_keeps_the_crop_and_suggests_nothing_in_the_cut_text(worker, seeded):
    from articles.services import review

    editor = make_user("crop-editor", "editor")
    article = article_create(body=BODY, title="Rencontre à Dakar", language="fr").article
    [article] = wait_annotated([article.id], worker=worker)
    lead = len(LEAD)
    assert Mention.objects.filter(article=article, start__lt=lead).exists(), "the byline's name is found"
    # As a pipeline that had missed it: the crop has nothing to reject, and the next run could find it.
    Mention.objects.filter(article=article, start__lt=lead).delete()
    review.article_crop(article=article, user=editor, start=0, end=lead, expected_version=article.version)
    assert articles_requeue(article_ids=[article.id]) == [article.id]
    [article] = wait_annotated([article.id], worker=worker)

    assert article.crop_start == lead
    assert Mention.objects.filter(article=article, start__gte=lead).exists()
    assert not Mention.objects.filter(article=article, start__lt=lead).exists()
