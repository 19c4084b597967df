"""Search ignores case and accents, and finds a French plural from its singular, in both modes
(PostgreSQL: unaccent-aware text search configurations; SQLite: folded text)."""

import importlib
import re
from datetime import date

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.urls import reverse

from articles.models import Actor, Article, SearchDocument
from articles.nlp.normalise import fold_search_word, fold_text
from articles.services.accounts import api_token_create
from articles.services.actors import alias_add
from tests.test_queue import QUEUE, make_article, titles

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


@pytest.fixture
def desk():
    make_article("Élections au Sénégal", body="Le président sortant a voté à Dakar.", language="fr")
    make_article("Camps", body="Des réfugiés soudanais arrivent au Tchad. L'œuvre des ONG est saluée.", language="fr")
    make_article("Talks", body="The minister met refugees in Geneva.", language="en")
    make_article("Sans langue", body="Une coopération économique renforcée.", language="")


@pytest.mark.parametrize(
    "q, expected",
    [
        ("senegal", ["Élections au Sénégal"]),
        ("SÉNÉGAL", ["Élections au Sénégal"]),
        ("Senégal dakar", ["Élections au Sénégal"]),
        ("elections", ["Élections au Sénégal"]),
        ("réfugié", ["Camps"]),
        ("refugies", ["Camps"]),
        ("REFUGIÉS tchad", ["Camps"]),
        ("oeuvre", ["Camps"]),
        ("refugee", ["Talks"]),
        ("cooperation economique", ["Sans langue"]),
        ("senegal tchad", []),
    ],
)
def test_the_queue_search_ignores_case_and_accents(editor_client, desk, q, expected):
    assert titles(editor_client.get(QUEUE, {"q": q})) == expected


def test_the_folded_forms():
    assert fold_text("Sénégal ŒUVRE Ça") == "senegal oeuvre ca"
    assert [fold_search_word(w) for w in ("réfugiés", "jeux", "stress", "bus")] == ["refugie", "jeu", "stress", "bus"]


def test_the_digest_pull_in_search_ignores_accents(editor_client, desk):
    from digests.services import digest_create

    Article.objects.update(review_state=Article.ReviewState.REVIEWED)
    digest = digest_create(user=None, title="Revue", period_start=date(2024, 1, 1), period_end=date(2024, 1, 2),
                           introduction="", language="fr")
    response = editor_client.get(reverse("digests:detail", args=[digest.id]), {"pull": "1", "q": "senegal"},
                                 headers={"HX-Request": "true", "HX-Target": "pull-results"})
    assert set(re.findall(r'<a href="/articles/\d+">([^<]+)</a>', response.content.decode())) == {
        "Élections au Sénégal"}


def test_the_actor_directory_and_the_api_ignore_accents(editor_client, viewer):
    senegal = Actor.objects.create(name="Sénégal", kind="place", key="senegal|place", confirmed=True)
    alias_add(actor=senegal, surface="Sénégal", user=None)
    Actor.objects.create(name="Dakar", kind="place", key="dakar|place")
    for q in ("senegal", "SENEGAL", "Sénégal"):
        response = editor_client.get(reverse("articles:actors"), {"q": q})
        assert [actor.name for actor in response.context["page"]] == ["Sénégal"]
    token = {"Authorization": f"Bearer {api_token_create(user=viewer)}"}
    found = editor_client.get("/api/actors?q=senegal", headers=token).json()
    assert [actor["name"] for actor in found["items"]] == ["Sénégal"]


def test_the_api_article_list_searches_like_the_queue(client, viewer, desk):
    token = {"Authorization": f"Bearer {api_token_create(user=viewer)}"}
    found = client.get("/api/articles", {"q": "senegal"}, headers=token).json()
    assert [article["title"] for article in found["items"]] == ["Élections au Sénégal"]
    assert client.get("/api/articles", {"q": "réfugié"}, headers=token).json()["count"] == 1


def test_the_migration_parses_existing_documents_again():
    if connection.vendor != "postgresql":
        pytest.skip("search documents exist on PostgreSQL only")
    article = make_article("Visite", body="Le ministre est arrivé au Sénégal avec des réfugiés.")
    # A document as the earlier migrations wrote it: no folding, no stemming.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE articles_searchdocument SET vector = to_tsvector('simple', 'Visite Sénégal réfugiés') "
                       "WHERE article_id = %s", [article.id])
    assert not Article.objects.search("senegal").exists()
    migration = importlib.import_module("articles.migrations.0010_search_unaccent")
    with connection.schema_editor() as schema_editor:
        migration.forward(django_apps, schema_editor)
    assert list(Article.objects.search("senegal refugie")) == [article]
    assert SearchDocument.objects.count() == 1
