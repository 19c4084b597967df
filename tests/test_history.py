"""The history of an article's decisions in words, as the review page shows it."""

import re

import pytest
from django.urls import reverse

from articles import history
from articles.models import Actor, Article, ArticleTopic, Mention, Quote, ReviewEvent, Topic
from articles.services import review
from tests.conftest import REPO, make_user

pytestmark = pytest.mark.django_db

BODY = ("La ministre Claire Vasseur a reçu l'ONG Terre Vive à Lyon. « Nous restons mobilisés », "
        "a dit Vasseur. Soutien total, ajoute Vasseur.")


@pytest.fixture
def marie(db):
    user = make_user("marie", "editor")
    user.first_name = "Marie"
    user.save()
    return user


@pytest.fixture
def article(db):
    article = Article.objects.create(title="Visite à Lyon", body=BODY, content_hash="history", language="fr",
                                     status=Article.Status.ANNOTATED)
    full = Actor.objects.create(name="Claire Vasseur", kind="person", key="claire vasseur|person")
    for surface, kind, actor in [("Claire Vasseur", "person", full), ("Terre Vive", "organisation", None),
                                 ("Lyon", "place", None), ("Soutien", "person", None)]:
        start = BODY.index(surface)
        Mention.objects.create(article=article, start=start, end=start + len(surface), text=surface, kind=kind,
                               actor=actor)
    for start in (BODY.index("Vasseur. "), BODY.rindex("Vasseur")):
        Mention.objects.create(article=article, start=start, end=start + 7, text="Vasseur", kind="place")
    quote = "« Nous restons mobilisés »"
    Quote.objects.create(article=article, start=BODY.index(quote), end=BODY.index(quote) + len(quote), text=quote)
    ArticleTopic.objects.create(article=article, topic=Topic.objects.get(slug="terrorism"), score=0.6)
    return article


def mention(article, text):
    return Mention.objects.filter(article=article, text=text).order_by("start").first()


def version(article):
    article.refresh_from_db()
    return article.version


def history_lines(client, article) -> list[str]:
    html = client.get(reverse("articles:detail", args=[article.id])).content.decode()
    block = html.split('id="history"')[1].split("</ol>")[0]
    return [re.sub(r"<[^>]+>", "", line).split(" · ", 1)[1].strip() for line in block.split("<li>")[1:]]


def test_the_history_tells_each_decision_in_a_sentence(client, marie, article):
    review.mention_decide(mention=mention(article, "Soutien"), user=marie, decision="rejected",
                          expected_version=version(article))
    review.mention_link(mention=mention(article, "Vasseur"), user=marie, actor=Actor.objects.get(name="Claire Vasseur"),
                        expected_version=version(article))
    review.mention_relabel(mention=mention(article, "Terre Vive"), user=marie, kind="event",
                           expected_version=version(article))
    review.topic_decide(article_topic=article.topics.get(), user=marie, decision="accepted",
                        expected_version=version(article))
    quote = Quote.objects.get(article=article)
    review.quote_set_speaker(quote=quote, user=marie, actor=Actor.objects.get(name="Claire Vasseur"),
                             expected_version=version(article))
    review.mention_decide(mention=mention(article, "Lyon"), user=marie, decision="accepted",
                          expected_version=version(article))
    review.decision_undo(article=article, user=marie, expected_version=version(article))
    review.article_mark_reviewed(article=article, user=marie, expected_version=version(article))
    client.force_login(marie)

    assert history_lines(client, article) == [
        "Marie accepted the rest (3 mentions) and marked the article reviewed",
        "Marie undid their decision on “Lyon” (now pending)",
        "Marie accepted “Lyon” (place)",
        "Marie gave the quote “« Nous restons mobilisés »” to Claire Vasseur",
        "Marie accepted topic Terrorism",
        "Marie changed “Terre Vive” from organisation to event",
        "Marie linked “Vasseur” to Claire Vasseur",
        "Marie rejected “Soutien” (person)",
    ]


def test_a_decision_on_every_occurrence_is_one_line_with_its_count(client, marie, article):
    review.mention_decide(mention=mention(article, "Vasseur"), user=marie, decision="rejected", everywhere=True,
                          expected_version=version(article))
    review.decision_undo(article=article, user=marie, expected_version=version(article))
    client.force_login(marie)
    assert history_lines(client, article) == [
        "Marie undid their decision on “Vasseur” (now pending) (2 occurrences)",
        "Marie rejected “Vasseur” (place) (2 occurrences)",
    ]


def test_what_editors_wrote_is_escaped_in_the_history(client, marie, article):
    article.body = BODY.replace("Lyon", "<b>L")
    article.save()
    lyon = mention(article, "Lyon")
    lyon.text = "<b>L"
    lyon.save()
    review.mention_decide(mention=lyon, user=marie, decision="accepted", expected_version=version(article))
    client.force_login(marie)
    html = client.get(reverse("articles:detail", args=[article.id])).content.decode()
    history_html = html.split('id="history"')[1].split("</ol>")[0]
    assert "accepted “&lt;b&gt;L” (place)" in history_html and "<b>" not in history_html


def test_the_history_costs_the_same_queries_however_many_events(client, marie, article):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(marie)
    counts = []
    for _ in range(2):
        for surface in ("Soutien", "Lyon", "Terre Vive"):
            for decision in ("accepted", "rejected"):
                review.mention_decide(mention=mention(article, surface), user=marie, decision=decision,
                                      expected_version=version(article))
        review.mention_link(mention=mention(article, "Vasseur"), user=marie,
                            actor=Actor.objects.get(name="Claire Vasseur"), expected_version=version(article))
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("articles:detail", args=[article.id]))
        counts.append(len(queries))
    assert ReviewEvent.objects.count() == 13  # linking again to the same actor changed nothing
    assert counts[0] == counts[1]


def recorded_actions() -> set[str]:
    """Every event kind the code writes, read from the code itself."""
    found = set()
    for path in REPO.glob("*/**/*.py"):
        if path.parts[len(REPO.parts)] in ("tests", "bench", ".venv", "node_modules") or "migrations" in path.parts:
            continue
        text = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines()
                         if "add_argument" not in line)  # a command's options are no events
        found |= set(re.findall(r'action="([a-z_]+)"', text))
        for prefix in re.findall(r'action=f"([a-z_]+)_\{decision\}"', text):
            found |= {f"{prefix}_accepted", f"{prefix}_rejected"}
    return found


def test_every_event_kind_the_code_records_has_its_own_sentence(marie):
    actions = recorded_actions()
    assert {"mention_relabel", "topic_accepted", "undo", "actor_merge", "story_move"} <= actions
    for action in sorted(actions):
        event = ReviewEvent(user=marie, action=action, target="x 1", before={}, after={})
        sentence = history.sentence(event)
        assert sentence.startswith("Marie ") and action not in sentence, (action, sentence)
        assert "made a change" not in sentence, f"{action} has no sentence of its own"


def test_details_crops_and_accepting_the_rest_read_as_sentences(client, marie, article):
    events = [
        ReviewEvent(article=article, user=marie, action="article_edit", target=f"article {article.id}",
                    before={"title": "Un titre coupé…"}, after={"title": "Un titre entier"}),
        ReviewEvent(article=article, user=marie, action="article_edit", target=f"article {article.id}",
                    before={"published_at": None}, after={"published_at": "2026-12-05T17:30:00+00:00"}),
        ReviewEvent(article=article, user=marie, action="article_crop", target=f"article {article.id}",
                    before={}, after={"cut": "En savoir plus", "crop_start": 0, "crop_end": 40}),
        ReviewEvent(article=article, user=marie, action="article_uncrop", target=f"article {article.id}"),
        ReviewEvent(article=article, user=marie, action="article_reviewed", target=f"article {article.id}",
                    after={"accepted": {"mentions": [1, 2], "topics": [], "quotes": [3]}}),
    ]
    assert [history.sentence(event) for event in events] == [
        "Marie changed the title: “Un titre coupé…” → “Un titre entier”",
        "Marie changed the publication date: “—” → “5 Dec 2026, 18:30”",  # in words, in the desk's time zone
        "Marie cut “En savoir plus” off the article (not part of it)",
        "Marie put the cut text back",
        "Marie accepted the rest (2 mentions, 1 quote) and marked the article reviewed",
    ]
