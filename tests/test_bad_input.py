"""Values no form of ours sends (a word for an id, an id past 64 bits, the year
9999, a body over the limit) get a 400 or 413 with a message and change nothing."""

import json

import pytest
from django.urls import reverse

from articles.models import Actor, ActorAlias, ActorMerge, Article, Mention, Quote, ReannotationJob
from articles.services.accounts import api_token_create
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

HUGE = str(10**20)


@pytest.fixture
def chief_client(client, db):
    client.force_login(make_user("chief", "chief editor"))
    return client


@pytest.fixture
def annotated():
    body = "La ministre a déclaré « nous avançons » devant la presse."
    article = Article.objects.create(title="Dépêche", body=body, content_hash="bad-input", language="fr",
                                     status=Article.Status.ANNOTATED)
    actor = Actor.objects.create(name="Agence", kind="organisation", key=Actor.key_for("Agence", "organisation"))
    mention = Mention.objects.create(article=article, start=3, end=11, text="ministre", kind="person")
    return article, actor, mention


def snapshot():
    return (list(Quote.objects.values_list("id", "speaker_id", "start", "end")),
            list(Mention.objects.values_list("id", "actor_id", "decision")),
            list(Actor.objects.values_list("id", "merged_into_id")),
            ActorMerge.objects.count(), ReannotationJob.objects.count(), Article.objects.get().version)


def assert_refused(response, value):
    assert response.status_code == 400
    page = response.content.decode()
    assert "Invalid request" in page and f"“{value[:40]}" in page and "Nothing was changed." in page


@pytest.mark.parametrize("value", ["abc", HUGE, "-3", "1.5"])
def test_it_refuses_a_speaker_that_is_not_an_id(chief_client, annotated, value):
    article, _, _ = annotated
    before = snapshot()
    response = chief_client.post(reverse("articles:quote-add", args=[article.id]),
                                 {"speaker": value, "start": 21, "end": 38, "version": article.version})
    assert_refused(response, value)
    assert snapshot() == before


@pytest.mark.parametrize("value", ["abc", HUGE])
def test_it_refuses_an_actor_to_link_that_is_not_an_id(chief_client, annotated, value):
    article, _, mention = annotated
    before = snapshot()
    response = chief_client.post(reverse("articles:mention-link", args=[article.id, mention.id]),
                                 {"actor": value, "version": article.version})
    assert_refused(response, value)
    assert snapshot() == before


@pytest.mark.parametrize("value", ["abc", HUGE])
def test_it_refuses_an_actor_to_merge_that_is_not_an_id(chief_client, annotated, value):
    _, actor, _ = annotated
    before = snapshot()
    response = chief_client.post(reverse("articles:actor-merge", args=[actor.id]), {"merged": value})
    assert_refused(response, value)
    assert snapshot() == before


@pytest.mark.parametrize("field", ["first", "second"])
@pytest.mark.parametrize("value", ["abc", HUGE])
def test_it_refuses_a_duplicate_pair_that_is_not_two_ids(chief_client, annotated, field, value):
    _, actor, _ = annotated
    other = Actor.objects.create(name="Agence B", kind="organisation", key=Actor.key_for("Agence B", "organisation"))
    before = snapshot()
    data = {"first": actor.id, "second": other.id, "action": "keep_first", field: value}
    response = chief_client.post(reverse("articles:actor-duplicate-resolve"), data)
    assert_refused(response, value)
    assert snapshot() == before


@pytest.mark.parametrize("field", ["actor", "rejected"])
def test_it_refuses_a_reannotation_target_that_is_not_an_id(chief_client, annotated, field):
    before = snapshot()
    response = chief_client.post(reverse("articles:actors-reannotate"), {field: "abc"})
    assert_refused(response, "abc")
    assert snapshot() == before


def test_an_empty_id_is_still_the_form_asking_for_a_choice(chief_client, annotated):
    _, actor, _ = annotated
    response = chief_client.post(reverse("articles:actor-merge", args=[actor.id]), {"merged": ""}, headers={
        "HX-Request": "true"})
    assert response.status_code == 422
    assert "Choose the actor to merge into this one." in response.content.decode()


@pytest.mark.parametrize("query", ["published_to=9999-12-31", "added_from=0001-01-01", "added_to=9999-12-31",
                                   "published_from=0001-01-01", "published_from=0001-01-02"])
def test_the_queue_drops_a_day_out_of_range(viewer_client, annotated, query):
    response = viewer_client.get(f"/?{query}")
    assert response.status_code == 200
    assert "Dépêche" in response.content.decode()  # the filter is off, the article is listed


def test_the_queue_still_filters_on_an_ordinary_day(viewer_client, annotated):
    assert "Dépêche" not in viewer_client.get("/?added_to=2001-01-01").content.decode()
    assert "Dépêche" in viewer_client.get("/?added_from=2001-01-01").content.decode()


@pytest.fixture
def api_headers(viewer):
    return {"Authorization": f"Bearer {api_token_create(user=viewer)}"}


@pytest.mark.parametrize("query", [f"offset={HUGE}", f"actor={HUGE}", "actor=0", "actor=-1", "offset=-1"])
def test_the_api_refuses_a_number_out_of_range(client, api_headers, query):
    response = client.get(f"/api/articles?{query}", headers=api_headers)
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()["detail"]


def test_the_api_answers_a_body_over_the_memory_limit_with_413(client, editor, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024  # the request size middleware lets 20 MB through
    payload = json.dumps({"title": "Long", "body": "mot " * 300_000})
    response = client.post("/api/articles", data=payload, content_type="application/json",
                           headers={"Authorization": f"Bearer {api_token_create(user=editor)}"})
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is over the limit of 1 MB. Nothing was saved."}
    assert not Article.objects.exists()


@pytest.mark.embedded
@pytest.mark.parametrize("path", [f"/articles/{HUGE}/mentions/1/decide", f"/actors/{HUGE}/aliases/1/remove",
                                  f"/digests/{HUGE}/items/1/remove"])
def test_an_id_past_64_bits_in_the_path_is_a_404(chief_client, path):
    assert chief_client.post(path).status_code == 404


@pytest.mark.embedded
def test_adding_to_a_digest_with_a_next_that_is_not_a_path_goes_back_to_the_article(chief_client, annotated):
    from digests.models import Digest

    article, _, _ = annotated
    digest = Digest.objects.create(title="Revue", period_start="2026-01-01", period_end="2026-01-07")
    response = chief_client.post(reverse("digests:add-from-article"),
                                 {"article": article.id, "digest": digest.id, "next": "abc"})
    assert response.status_code == 302
    assert response.headers["Location"] == "abc"  # a relative address, not a view name to reverse
    assert digest.items.filter(article=article).exists()


@pytest.mark.embedded
def test_an_actor_search_of_100k_characters_answers(chief_client, annotated):
    article, actor, mention = annotated
    ActorAlias.objects.create(actor=actor, surface="Agence", normalised="agence")  # SQLite compares the pattern
    response = chief_client.get(reverse("articles:actor-search", args=[article.id, mention.id]), {"q": "x" * 100_000})
    assert response.status_code == 200


@pytest.fixture
def superuser_client(client, db):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_superuser("root", password="pw-for-tests-only"))
    return client


@pytest.mark.embedded
def test_the_admin_add_form_ignores_a_prefilled_value_its_field_refuses(superuser_client):
    response = superuser_client.get("/admin/articles/article/add/?published_at=abc&title=Prefilled")
    assert response.status_code == 200
    assert 'value="Prefilled"' in response.content.decode()


@pytest.mark.embedded
def test_the_admin_answers_an_id_past_64_bits_as_a_missing_object(superuser_client):
    response = superuser_client.get(f"/admin/articles/searchdocument/{HUGE}/change/")
    assert response.status_code == 302  # the admin's "object does not exist" redirect


@pytest.mark.embedded
def test_a_nul_in_a_query_string_is_refused_with_a_message(viewer_client, annotated, api_headers):
    response = viewer_client.get("/?q=a%00b")
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()
    response = viewer_client.get("/api/articles?source=a%00b", headers=api_headers)
    assert response.status_code == 400
    assert "NUL character" in response.json()["detail"]


@pytest.mark.embedded
def test_a_nul_in_a_form_field_is_refused_and_changes_nothing(chief_client, annotated):
    _, actor, _ = annotated
    response = chief_client.post(reverse("articles:alias-add", args=[actor.id]), {"surface": "Agen\x00ce"})
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()
    assert not actor.aliases.exists()
