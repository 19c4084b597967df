"""What topics an article is given, as stored: at most three broad topics beside its desk topics,
and each topic's own threshold in the article's language."""

import pytest

from articles.models import ArticleTopic, Topic
from articles.nlp.topics import MAX_TOPICS
from articles.services import annotation
from articles.services.ingest import article_create

pytestmark = pytest.mark.django_db

# A briefing that touches every subject of the day, each in a sentence or two.
BRIEFING = (
    "Le ministre des Affaires étrangères a reçu mardi l'ambassadeur et son homologue pour un entretien sur la "
    "coopération antiterroriste avant les Jeux olympiques.\n"
    "Les deux diplomates ont évoqué la sécurité du village olympique, la lutte contre le terrorisme et les attentats "
    "déjoués l'an dernier.\n"
    "Le tribunal a par ailleurs condamné un trafiquant de drogue à dix ans de prison, selon le procureur."
)
# Two sentences of a court case: crime, law and justice, and nothing else. Each article stored
# needs a text of its own (the same text is the same article).
COURT_CASE = (
    "Un {who} a été interpellé pour avoir lancé un fumigène sur la pelouse.\n"
    "Il sera jugé en comparution immédiate lundi, a indiqué le parquet."
)


def annotated_topics(body, title):
    created = article_create(body=body, title=title, language="fr", enqueue=False)
    assert not created.duplicate
    article = created.article
    annotation.articles_annotate(article_ids=[article.id])
    return {row.topic.slug: row.score for row in ArticleTopic.objects.filter(article=article).select_related("topic")}


def test_an_article_touching_many_topics_is_given_three_broad_ones_and_its_desk_topics(settings):
    topics = annotated_topics(BRIEFING, "Le ministre reçoit son homologue avant les Jeux olympiques")

    desk = set(Topic.objects.filter(parent__isnull=False).values_list("slug", flat=True))
    assert len(set(topics) - desk) == MAX_TOPICS, topics
    assert {"diplomacy", "terrorism", "olympic-games"} <= set(topics), topics
    assert all(score >= settings.TOPIC_THRESHOLD for score in topics.values())


def test_a_topics_own_threshold_in_the_articles_language_decides(settings):
    crime = Topic.objects.get(slug="crime-law-and-justice")
    score = annotated_topics(COURT_CASE.format(who="supporter"), "Brève")["crime-law-and-justice"]
    assert settings.TOPIC_THRESHOLD <= score < 1

    crime.thresholds = {"en": 1.0}
    crime.save()
    assert "crime-law-and-justice" in annotated_topics(COURT_CASE.format(who="spectateur"), "Brève")

    # Raised past the article's score, in its language only: the same text no longer gets the topic.
    crime.thresholds = {"fr": round((score + 1) / 2, 2), "en": 1.0}
    crime.save()
    assert "crime-law-and-justice" not in annotated_topics(COURT_CASE.format(who="visiteur"), "Brève")


def test_a_threshold_under_the_default_or_past_one_is_refused(settings):
    from django.core.exceptions import ValidationError

    topic = Topic.objects.get(slug="sport")
    for wrong in ({"fr": settings.TOPIC_THRESHOLD - 0.1}, {"fr": 1.5}, {"fr": "haut"}, ["fr", 0.5]):
        topic.thresholds = wrong
        with pytest.raises(ValidationError):
            topic.full_clean()
    topic.thresholds = {"fr": 0.5, "en": 0.6}
    topic.full_clean()

