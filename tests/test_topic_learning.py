"""Topics learned from editors' decisions, through a real worker: the topics editors accepted on
reviewed articles are suggested on the next similar article, where the cues alone miss them."""

import pytest

from articles.models import Article, ArticleTopic, Decision, Origin, Topic
from articles.services import review
from articles.services.ingest import article_create
from tests.conftest import make_user, wait_annotated

pytestmark = [pytest.mark.worker, pytest.mark.embedded, pytest.mark.django_db(transaction=True)]

# A newsroom that files video games under leisure; the cues read technology.
GAMES = [
    ("Le nouveau jeu vidéo de l'éditeur s'est vendu à deux millions d'exemplaires la première semaine, et les "
     "joueurs ont fait la queue devant les magasins à minuit."),
    ("Les joueurs saluent ce jeu d'aventure pour son immense carte, et les critiques trouvent la version console "
     "plus fluide que celle pour ordinateur."),
    ("Le studio du jeu de course promet un mode multijoueur en ligne au printemps : les joueurs pourront affronter "
     "leurs amis depuis leur console."),
    ("Les ventes de consoles portables ont grimpé à Noël, les familles achetant des jeux de réflexion et de "
     "société ; le titre le plus vendu est un jeu de football."),
]
NEXT = ("Les joueurs qui ont acheté ce jeu de rôle sur console peuvent télécharger une extension gratuite, "
        "annonce le studio, et la suite est attendue l'an prochain.")


@pytest.fixture
def editor(worker):
    return make_user("topic-learning-editor", "editor")


def paste(body, worker):
    article = article_create(body=body, title=body[:40], language="fr").article
    [article] = wait_annotated([article.id], worker=worker)
    assert article.status == Article.Status.ANNOTATED, article.last_error
    return article


def suggested(article):
    return {t.topic.slug: t for t in ArticleTopic.objects.filter(article=article).select_related("topic")}


def test_a_reviewed_articles_accepted_topic_teaches_the_next_article(worker, editor):
    leisure = Topic.objects.get(slug="lifestyle-and-leisure")
    before = paste(NEXT, worker)
    assert "lifestyle-and-leisure" not in suggested(before), "the cues alone miss it"

    for body in GAMES:
        article = paste(body, worker)
        review.topic_add(article=article, user=editor, topic=leisure, expected_version=article.version)
        article.refresh_from_db()
        review.article_mark_reviewed(article=article, user=editor, expected_version=article.version)

    after = paste(NEXT + " Le prix baisse déjà.", worker)

    learned = suggested(after)["lifestyle-and-leisure"]
    assert (learned.origin, learned.decision) == (Origin.RULE, Decision.PENDING)
    assert learned.evidence, "editors see which sentences resemble the examples"
    assert "science-and-technology" in suggested(after), "the cues still count"


def test_accepted_topics_teach_only_once_the_article_is_reviewed(worker, editor):
    leisure = Topic.objects.get(slug="lifestyle-and-leisure")
    for body in GAMES:
        article = paste(body, worker)
        review.topic_add(article=article, user=editor, topic=leisure, expected_version=article.version)

    after = paste(NEXT, worker)

    assert "lifestyle-and-leisure" not in suggested(after)


def test_a_worker_looks_at_new_decisions_at_most_every_topic_learn_every(seeded, settings, monkeypatch):
    from articles.nlp.pipeline import Annotator
    from articles.services import annotation

    monkeypatch.setattr(annotation, "_decisions_seen", None)
    monkeypatch.setattr(annotation, "_state_seen", None)
    settings.TOPIC_LEARN_EVERY = 3600
    editor = make_user("topic-learning-editor", "editor")
    annotator = Annotator(models={}, detect_languages=["fr"])
    annotation.refresh_annotator(annotator)
    assert annotator.learned_topics.examples("fr") == {}

    leisure = Topic.objects.get(slug="lifestyle-and-leisure")
    for body in GAMES[:2]:
        article = article_create(body=body, title=body[:40], language="fr").article
        Article.objects.filter(id=article.id).update(language="fr", status=Article.Status.ANNOTATED)
        article.refresh_from_db()
        review.topic_add(article=article, user=editor, topic=leisure, expected_version=article.version)
        article.refresh_from_db()
        review.article_mark_reviewed(article=article, user=editor, expected_version=article.version)

    annotation.refresh_annotator(annotator)
    assert annotator.learned_topics.examples("fr") == {}, "not looked at again within the hour"

    settings.TOPIC_LEARN_EVERY = 0
    annotation.refresh_annotator(annotator)
    assert annotator.learned_topics.examples("fr") == {"lifestyle-and-leisure": 2}
