"""A quote said by several people ("A and B stressed …"): the first speaker and the others, in order,
an editor's decision kept by every run, shown and exported with all their names."""

import csv
import io

import pytest
from django.urls import reverse

from articles.history import sentence
from articles.models import Actor, Article, Decision, Quote, QuoteSpeaker, ReviewEvent
from articles.nlp.types import ActorGroup, Annotation, MentionSpan, QuoteSpan
from articles.services import review
from articles.services.actors import actor_merge, actor_merge_undo
from articles.services.review import Conflict, ReviewError

pytestmark = pytest.mark.django_db

BODY = ("Claire Vasseur et Marc Dubois ont souligné : « la coopération est exemplaire ». "
        "Le syndicat Terre Vive a salué un « partenaire fiable ».")
SAID = BODY.index("la coopération")
SAID_END = BODY.index(" »")
PEOPLE = ("Claire Vasseur", "Marc Dubois", "Terre Vive")


def run(article, *, speaker_group=0):
    """Persist one pipeline run that found the three actors and the quote, given to ``speaker_group``."""
    from articles.services.annotation import annotations_apply

    people = list(zip(PEOPLE, ("person", "person", "organisation"), strict=True))
    annotation = Annotation(
        language="fr", supported=True, pipeline_version="test",
        mentions=[MentionSpan(start=BODY.index(name), end=BODY.index(name) + len(name), text=name, kind=kind,
                              origin="model", group=n) for n, (name, kind) in enumerate(people)],
        groups=[ActorGroup(name=name, kind=kind, surfaces=(name,)) for name, kind in people],
        quotes=[QuoteSpan(start=SAID, end=SAID_END, text=BODY[SAID:SAID_END], kind="direct",
                          speaker_group=speaker_group, cue="ont souligné")],
    )
    annotations_apply(results={article.id: annotation})
    article.refresh_from_db()


@pytest.fixture
def article():
    article = Article.objects.create(title="Coopération", body=BODY, content_hash="speakers", language="fr",
                                     status=Article.Status.ANNOTATING)
    run(article)
    return article


def actor(name):
    return Actor.objects.get(name=name)


def quote_of(article):
    return Quote.objects.get(article=article)


def names(quote):
    quote = Quote.objects.get(id=quote.id)
    return [speaker.name for speaker in quote.speakers()]


def add(article, editor, name):
    article.refresh_from_db()
    return review.quote_speaker_add(quote=quote_of(article), user=editor, actor=actor(name),
                                    expected_version=article.version)


def remove(article, editor, name):
    article.refresh_from_db()
    return review.quote_speaker_remove(quote=quote_of(article), user=editor, actor=actor(name),
                                       expected_version=article.version)


# The service


def test_an_editor_adds_speakers_after_the_first_in_order_and_the_quote_is_then_accepted(article, editor):
    add(article, editor, "Marc Dubois")
    add(article, editor, "Terre Vive")
    quote = quote_of(article)
    assert names(quote) == ["Claire Vasseur", "Marc Dubois", "Terre Vive"]
    assert (quote.decision, quote.speaker_confidence, quote.decided_by) == (Decision.ACCEPTED, None, editor)
    event = ReviewEvent.objects.filter(action="quote_speaker_add").first()
    assert event.after["speakers"] == [actor(n).id for n in ("Claire Vasseur", "Marc Dubois", "Terre Vive")]
    assert event.before["speakers"] == [actor(n).id for n in ("Claire Vasseur", "Marc Dubois")]


def test_removing_the_first_speaker_makes_the_next_one_first_and_keeps_the_order(article, editor):
    add(article, editor, "Marc Dubois")
    add(article, editor, "Terre Vive")
    remove(article, editor, "Claire Vasseur")
    assert names(quote_of(article)) == ["Marc Dubois", "Terre Vive"]
    assert quote_of(article).speaker == actor("Marc Dubois")
    remove(article, editor, "Terre Vive")
    remove(article, editor, "Marc Dubois")
    assert names(quote_of(article)) == [] and not QuoteSpeaker.objects.exists()


def test_a_speaker_added_to_a_quote_without_one_is_its_first(editor):
    article = Article.objects.create(title="Coopération", body=BODY, content_hash="nobody", language="fr",
                                     status=Article.Status.ANNOTATING)
    run(article, speaker_group=None)
    add(article, editor, "Marc Dubois")
    quote = quote_of(article)
    assert quote.speaker == actor("Marc Dubois") and not QuoteSpeaker.objects.filter(quote=quote).exists()


def test_a_speaker_is_added_once_and_only_a_speaker_is_removed(article, editor):
    add(article, editor, "Marc Dubois")
    with pytest.raises(ReviewError, match="already a speaker"):
        add(article, editor, "Marc Dubois")
    with pytest.raises(ReviewError, match="already a speaker"):
        add(article, editor, "Claire Vasseur")
    with pytest.raises(ReviewError, match="not a speaker"):
        remove(article, editor, "Terre Vive")
    assert names(quote_of(article)) == ["Claire Vasseur", "Marc Dubois"]


def test_the_first_speaker_field_neither_empties_nor_repeats_the_others(article, editor):
    add(article, editor, "Marc Dubois")
    article.refresh_from_db()
    with pytest.raises(ReviewError, match="remove them first"):
        review.quote_set_speaker(quote=quote_of(article), user=editor, actor=None, expected_version=article.version)
    with pytest.raises(ReviewError, match="already a speaker"):
        review.quote_set_speaker(quote=quote_of(article), user=editor, actor=actor("Marc Dubois"),
                                 expected_version=article.version)
    review.quote_set_speaker(quote=quote_of(article), user=editor, actor=actor("Terre Vive"),
                             expected_version=article.version)
    assert names(quote_of(article)) == ["Terre Vive", "Marc Dubois"]


def test_undo_takes_back_a_speaker_added_or_removed_in_its_place(article, editor):
    add(article, editor, "Marc Dubois")
    add(article, editor, "Terre Vive")
    remove(article, editor, "Marc Dubois")
    article.refresh_from_db()
    review.decision_undo(article=article, user=editor, expected_version=article.version)
    assert names(quote_of(article)) == ["Claire Vasseur", "Marc Dubois", "Terre Vive"]
    for _ in range(2):
        article.refresh_from_db()
        review.decision_undo(article=article, user=editor, expected_version=article.version)
    quote = quote_of(article)
    assert names(quote) == ["Claire Vasseur"] and quote.decision == Decision.PENDING


def test_a_stale_page_changes_no_speaker(article, editor):
    stale = article.version
    add(article, editor, "Marc Dubois")
    with pytest.raises(Conflict):
        review.quote_speaker_add(quote=quote_of(article), user=editor, actor=actor("Terre Vive"),
                                 expected_version=stale)
    with pytest.raises(Conflict):
        review.quote_speaker_remove(quote=quote_of(article), user=editor, actor=actor("Marc Dubois"),
                                    expected_version=stale)
    assert names(quote_of(article)) == ["Claire Vasseur", "Marc Dubois"]


def test_a_viewer_can_neither_add_nor_remove_a_speaker(viewer_client, article, editor):
    add(article, editor, "Marc Dubois")
    article.refresh_from_db()
    quote = quote_of(article)
    for name, data in (("quote-speaker-add", {"speaker_name": "Terre Vive"}),
                       ("quote-speaker-remove", {"speaker": actor("Marc Dubois").id})):
        response = viewer_client.post(reverse(f"articles:{name}", args=[article.id, quote.id]),
                                      {**data, "version": article.version})
        assert response.status_code == 403
    assert names(quote) == ["Claire Vasseur", "Marc Dubois"]


def test_a_new_run_keeps_every_speaker_an_editor_gave(article, editor):
    add(article, editor, "Marc Dubois")
    quote = quote_of(article)
    run(article, speaker_group=2)  # the pipeline now says Terre Vive said it
    assert Quote.objects.filter(article=article).count() == 1
    assert quote_of(article).id == quote.id
    assert names(quote) == ["Claire Vasseur", "Marc Dubois"]


def test_a_corrected_span_keeps_every_speaker(article, editor):
    add(article, editor, "Marc Dubois")
    article.refresh_from_db()
    corrected = review.quote_set_span(quote=quote_of(article), user=editor, start=SAID, end=SAID + 14,
                                      expected_version=article.version)
    assert names(corrected) == ["Claire Vasseur", "Marc Dubois"]


def test_merging_an_other_speaker_moves_its_place_and_undoing_gives_it_back(article, editor):
    add(article, editor, "Marc Dubois")
    twin = Actor.objects.create(name="M. Dubois", kind="person", key="m dubois|person")
    merge = actor_merge(survivor=twin, merged=actor("Marc Dubois"), user=editor)
    assert names(quote_of(article)) == ["Claire Vasseur", "M. Dubois"]
    actor_merge_undo(merge=merge, user=editor)
    assert names(quote_of(article)) == ["Claire Vasseur", "Marc Dubois"]


def test_merging_two_speakers_of_one_quote_leaves_one(article, editor):
    add(article, editor, "Marc Dubois")
    actor_merge(survivor=actor("Claire Vasseur"), merged=actor("Marc Dubois"), user=editor)
    assert names(quote_of(article)) == ["Claire Vasseur"]


def test_the_history_says_who_was_added_and_removed(article, editor):
    add(article, editor, "Marc Dubois")
    remove(article, editor, "Marc Dubois")
    added, removed = ReviewEvent.objects.filter(action__startswith="quote_speaker_").order_by("id")
    assert sentence(added) == "editor added Marc Dubois as a speaker of “la coopération est exemplaire”"
    assert sentence(removed) == "editor removed Marc Dubois from the speakers of “la coopération est exemplaire”"


# The review page


def annotated(article):
    Article.objects.filter(id=article.id).update(status=Article.Status.ANNOTATED)
    article.refresh_from_db()
    return article


def test_the_review_page_names_every_speaker(editor_client, article, editor):
    add(article, editor, "Marc Dubois")
    annotated(article)
    page = editor_client.get(reverse("articles:detail", args=[article.id])).content.decode()
    first, other = actor("Claire Vasseur"), actor("Marc Dubois")
    assert (f'<a href="/actors/{first.id}">Claire Vasseur</a> and <a href="/actors/{other.id}">Marc Dubois</a>'
            in page)


def test_the_review_page_of_many_quotes_costs_the_same_queries(editor_client, article, editor,
                                                               django_assert_max_num_queries):
    add(article, editor, "Marc Dubois")
    annotated(article)
    url = reverse("articles:detail", args=[article.id])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        editor_client.get(url)
    start = BODY.index("partenaire")
    for n in range(5):
        quote = Quote.objects.create(article=article, start=start, end=start + 5 + n, text=BODY[start:start + 5 + n],
                                     speaker=actor("Terre Vive"))
        QuoteSpeaker.objects.create(quote=quote, actor=actor("Claire Vasseur"))
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = editor_client.get(url).content.decode()
    assert page.count("Terre Vive</a> and <a") == 5


def test_an_editor_adds_and_removes_a_speaker_in_the_quotes_editor(editor_client, article):
    annotated(article)
    quote = quote_of(article)
    response = editor_client.post(reverse("articles:quote-speaker-add", args=[article.id, quote.id]),
                                  {"speaker_name": "marc dubois", "version": article.version},
                                  headers={"HX-Request": "true", "HX-Target": "workspace"})
    html = response.content.decode()
    assert response.status_code == 200 and f'id="quote-{quote.id}" hx-swap-oob="true"' in html
    assert f'id="add-speaker-{quote.id}"' in html  # the editor stays open, its field ready for one more
    assert "Remove Marc Dubois from the speakers" in html and "Marc Dubois as a speaker of" in html
    assert names(quote) == ["Claire Vasseur", "Marc Dubois"]
    article.refresh_from_db()
    # Without JavaScript: a plain post, then the page again.
    response = editor_client.post(reverse("articles:quote-speaker-remove", args=[article.id, quote.id]),
                                  {"speaker": actor("Marc Dubois").id, "version": article.version})
    assert response.status_code == 302
    assert names(quote) == ["Claire Vasseur"]


def test_a_speaker_who_is_not_one_of_the_articles_actors_is_refused_with_a_message(editor_client, article):
    annotated(article)
    Actor.objects.create(name="Paul Lenoir", kind="person", key="paul lenoir|person")
    quote = quote_of(article)
    for typed in ("Paul Lenoir", "", "Claire Vasseur"):
        response = editor_client.post(reverse("articles:quote-speaker-add", args=[article.id, quote.id]),
                                      {"speaker_name": typed, "version": article.version},
                                      headers={"HX-Request": "true", "HX-Target": "workspace"})
        assert response.status_code == 422
    assert names(quote) == ["Claire Vasseur"]


def test_the_actor_page_of_each_speaker_shows_the_quote(editor_client, article, editor):
    add(article, editor, "Marc Dubois")
    for name in ("Claire Vasseur", "Marc Dubois"):
        page = editor_client.get(reverse("articles:actor", args=[actor(name).id])).content.decode()
        assert "la coopération est exemplaire" in page and "Claire Vasseur and Marc Dubois" in page, name
    page = editor_client.get(reverse("articles:actor", args=[actor("Terre Vive").id])).content.decode()
    assert "la coopération est exemplaire" not in page


# The API and the digest


def test_the_api_gives_every_speaker_the_first_one_first(client, article, editor):
    from articles.services.accounts import api_token_create

    add(article, editor, "Marc Dubois")
    token = api_token_create(user=editor)
    body = client.get(f"/api/articles/{article.id}", headers={"Authorization": f"Bearer {token}"}).json()
    first, other = actor("Claire Vasseur").id, actor("Marc Dubois").id
    assert [(q["speaker_actor_id"], q["speaker_actor_ids"]) for q in body["quotes"]] == [(first, [first, other])]


def test_the_digest_and_its_exports_name_every_speaker_in_the_digests_language(editor):
    from digests import exports, services
    from digests.models import DigestItem
    from digests.selectors import view_for
    from tests.test_digests import build_digest, newsroom

    found = newsroom()
    quote = Quote.objects.get(article=found["rabat"])
    article = found["rabat"]
    review.quote_speaker_add(quote=quote, user=editor, actor=Actor.objects.get(name="Abdelouafi Laftit"),
                             expected_version=article.version)

    def digest_view(language):
        digest = build_digest([article], language=language)
        item = DigestItem.objects.get(digest=digest)
        services.digest_item_update(item=item, summary=item.summary, note="", quote_ids=[quote.id])
        return view_for(digest)

    view = digest_view("fr")
    said = "Gérald Darmanin et Abdelouafi Laftit"
    rows = list(csv.DictReader(io.StringIO(exports.csv_rows(view).decode("utf-8-sig"))))
    assert said in rows[0]["quotes"]
    assert said in exports.markdown(view).decode() and said in exports.email_html(view).decode()
    english = digest_view("en")
    assert "Gérald Darmanin and Abdelouafi Laftit" in exports.markdown(english).decode()
