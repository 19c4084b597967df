import json

import pytest
from django.core.management import call_command

from articles.models import Actor, ApiToken, Article, ArticleTopic, Mention, Topic
from articles.services.accounts import api_token_create
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def auth(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def editor_token(editor):
    return api_token_create(user=editor)


@pytest.fixture
def viewer_token(viewer):
    return api_token_create(user=viewer)


def post_article(client, token, payload):
    return client.post("/api/articles", data=json.dumps(payload), content_type="application/json", headers=auth(token))


def test_create_api_token_prints_a_working_token(editor, client, capsys):
    call_command("create_api_token", "editor")
    token = capsys.readouterr().out.strip()
    assert len(token) >= 32
    assert ApiToken.objects.get().digest != token  # only the digest is stored
    assert client.get("/api/articles", headers=auth(token)).status_code == 200


def test_create_api_token_for_unknown_user_fails():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No user"):
        call_command("create_api_token", "ghost")


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}])
def test_no_or_bad_token_gets_401(client, headers):
    response = client.get("/api/articles", headers=headers)
    assert response.status_code == 401
    assert "token" in response.json()["detail"]


def test_an_inactive_users_token_is_refused(client, editor, editor_token):
    editor.is_active = False
    editor.save()
    assert client.get("/api/articles", headers=auth(editor_token)).status_code == 401


def test_viewer_token_cannot_write(client, viewer_token):
    response = post_article(client, viewer_token, {"title": "t", "body": "Texte."})
    assert response.status_code == 403
    assert not Article.objects.exists()


def test_post_creates_and_reports_duplicates(client, editor_token, django_capture_on_commit_callbacks):
    payload = {"title": "Visite", "body": "Le ministre s’est rendu à Rabat.", "source": "AFP wire",
               "url": "https://news.example/1", "published_at": "2024-03-01T10:00:00+01:00", "language": "fr"}
    with django_capture_on_commit_callbacks() as callbacks:
        response = post_article(client, editor_token, payload)
    assert response.status_code == 201
    body = response.json()
    assert body == {"id": body["id"], "status": "queued", "duplicate_of": None}
    assert len(callbacks) == 1
    article = Article.objects.get(id=body["id"])
    assert article.source.name == "AFP wire" and article.language == "fr"

    again = post_article(client, editor_token, {**payload, "title": "Autre", "url": ""})
    assert again.status_code == 200
    assert again.json()["duplicate_of"] == article.id
    assert Article.objects.count() == 1


@pytest.mark.parametrize(
    "payload, fragment",
    [
        ({"title": "t"}, "body"),
        ({"title": "t", "body": ""}, "body"),
        ({"title": "t", "body": "   "}, "empty"),
        ({"title": "t", "body": "x", "published_at": "yesterday"}, "published_at"),
        # Stored, the year 1 in a zone east of UTC could not be read back.
        ({"title": "t", "body": "x", "published_at": "0001-01-01T00:00:00+05:00"}, "between the years 1800 and 2200"),
        ({"title": "t", "body": "x", "language": "klingon"}, "language"),
        ({"title": "t", "body": "x", "url": "javascript:alert(document.cookie)"}, "Not a web address"),
        ({"title": "t", "body": "x", "url": "data:text/html,<script>alert(1)</script>"}, "Not a web address"),
        ({"title": "t", "body": "x", "url": "file:///etc/passwd"}, "Not a web address"),
        ({"title": "t", "body": "x", "url": "vbscript:msgbox(1)"}, "Not a web address"),
        ({"title": "t", "body": "x", "url": "//evil.example/page"}, "Not a web address"),
        ({"title": "t", "body": "x", "url": "http://[::1"}, "Not a web address"),
        ({"title": "t", "body": "x", "url": "https://news.example/a\u0000b"}, "Not a web address"),
    ],
)
def test_invalid_input_gets_400_with_a_readable_message(client, editor_token, payload, fragment):
    response = post_article(client, editor_token, payload)
    assert response.status_code == 400
    assert fragment in response.json()["detail"]
    assert not Article.objects.exists()


def test_control_characters_in_title_and_source_never_reach_the_database(client, editor_token):
    response = post_article(client, editor_token, {"title": "Visite\u0000 à\u001b Rabat", "source": "Le\u0000 Desk\n",
                                                   "body": "Texte\u0000 reçu.", "url": " https://news.example/1 "})
    assert response.status_code == 201
    article = Article.objects.get(id=response.json()["id"])
    assert (article.title, article.source.name, article.body, article.url) == (
        "Visite à Rabat", "Le Desk", "Texte reçu.", "https://news.example/1")


def test_malformed_json_gets_400(client, editor_token):
    response = client.post("/api/articles", data="{not json", content_type="application/json",
                           headers=auth(editor_token))
    assert response.status_code == 400


def make_annotated():
    body = "Gérald Darmanin à Rabat. Darmanin parle de terrorisme."
    article = Article.objects.create(title="A", body=body, content_hash="h", status="annotated", language="fr")
    actor = Actor.objects.create(name="Gérald Darmanin", kind="person", key="k")
    Mention.objects.create(article=article, start=0, end=15, text="Gérald Darmanin", kind="person", actor=actor)
    Mention.objects.create(article=article, start=25, end=33, text="Darmanin", kind="person", actor=actor)
    ArticleTopic.objects.create(article=article, topic=Topic.objects.get(slug="terrorism"), score=0.7,
                                evidence=[[25, 54]])
    return article, actor


def test_get_article_returns_the_contract(client, viewer_token):
    article, actor = make_annotated()
    response = client.get(f"/api/articles/{article.id}", headers=auth(viewer_token))
    assert response.status_code == 200
    data = response.json()
    assert {"id", "title", "status", "language", "review_state", "mentions", "actors", "topics", "quotes"} <= set(data)
    assert data["mentions"][1] == {"start": 25, "end": 33, "text": "Darmanin", "kind": "person", "actor_id": actor.id,
                                   "origin": "model", "decision": "pending"}
    assert article.body[25:33] == "Darmanin"
    assert data["actors"] == [{"id": actor.id, "name": "Gérald Darmanin", "kind": "person"}]
    assert data["topics"] == [{"slug": "terrorism", "name": "terrorisme", "score": 0.7, "origin": "rule",
                               "decision": "pending"}]
    assert data["quotes"] == []


def test_get_unknown_article_is_404(client, viewer_token):
    assert client.get("/api/articles/999999", headers=auth(viewer_token)).status_code == 404


def test_list_filters_and_paginates(client, viewer_token, django_assert_max_num_queries):
    article, actor = make_annotated()
    for i in range(60):
        Article.objects.create(title=f"Q{i}", body="b", content_hash=f"q{i}")
    with django_assert_max_num_queries(6):
        page = client.get("/api/articles?limit=25", headers=auth(viewer_token)).json()
    assert page["count"] == 61 and len(page["items"]) == 25
    assert client.get("/api/articles?status=annotated", headers=auth(viewer_token)).json()["count"] == 1
    by_topic = client.get("/api/articles?topic=terrorism", headers=auth(viewer_token)).json()["items"]
    assert [a["id"] for a in by_topic] == [article.id]
    assert client.get(f"/api/articles?actor={actor.id}", headers=auth(viewer_token)).json()["count"] == 1
    assert client.get("/api/articles?status=nonsense", headers=auth(viewer_token)).status_code == 400


def test_openapi_schema_and_docs_for_logged_in_users(client, editor):
    client.force_login(editor)
    schema = client.get("/api/openapi.json").json()
    assert "/api/articles" in schema["paths"] and "/api/articles/{article_id}" in schema["paths"]
    assert client.get("/api/docs").status_code == 200


def test_a_viewer_reads_the_api_docs(client, viewer):
    client.force_login(viewer)
    assert client.get("/api/docs").status_code == 200
    assert client.get("/api/openapi.json").status_code == 200


def test_a_logged_in_user_without_a_role_cannot_read_the_api_docs(client):
    client.force_login(make_user("visitor", None))
    assert client.get("/api/docs").status_code == 403
    assert client.get("/api/openapi.json").status_code == 403


def test_actors_are_searched_and_read_through_the_api(client, viewer_token):
    from articles.services.actors import alias_add

    gerald = Actor.objects.create(name="Gérald Darmanin", kind="person", key="gerald darmanin|person", confirmed=True)
    for surface in ("Gérald Darmanin", "Darmanin"):
        alias_add(actor=gerald, surface=surface, user=None)
    Actor.objects.create(name="Rabat", kind="place", key="rabat|place")

    found = client.get("/api/actors?q=gerald", headers=auth(viewer_token)).json()
    assert found["count"] == 1 and found["items"][0]["name"] == "Gérald Darmanin"

    body = client.get(f"/api/actors/{gerald.id}", headers=auth(viewer_token)).json()
    assert body["kind"] == "person" and body["merged_into"] is None
    assert sorted(a["surface"] for a in body["aliases"]) == ["Darmanin", "Gérald Darmanin"]
    assert client.get("/api/actors/999999", headers=auth(viewer_token)).status_code == 404
    assert client.get("/api/actors").status_code == 401
