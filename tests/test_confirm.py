"""Asking before a merge, a publication, a deletion or a revoked link: the GET, and a POST
without ``confirm=yes`` (a stray post, a form from a page loaded before), show what will
happen and change nothing; the confirmed POST acts."""

import pytest
from django.urls import reverse

from articles.models import Actor, ActorMerge, Article, Mention
from digests.models import Digest, DigestItem
from digests.services import digest_publish
from tests.conftest import make_user
from tests.test_digests import build_digest, newsroom

pytestmark = pytest.mark.django_db


@pytest.fixture
def chief(client):
    user = make_user("chief", "chief editor")
    client.force_login(user)
    return user


def actors_to_merge():
    article = Article.objects.create(title="t", body="AFP et Agence France-Presse.", content_hash="m",
                                     status=Article.Status.ANNOTATED)
    afp = Actor.objects.create(name="AFP", kind="organisation", key="afp|organisation")
    agency = Actor.objects.create(name="Agence France-Presse", kind="organisation", key="agence|organisation")
    Mention.objects.create(article=article, start=0, end=3, text="AFP", kind="organisation", actor=afp)
    return afp, agency


def merge_state():
    return list(ActorMerge.objects.values_list("merged_id", flat=True))


def draft_state():
    return list(Digest.objects.values_list("id", "status")), DigestItem.objects.count()


def public_state():
    return list(Digest.objects.values_list("public_token", flat=True))


# name → (set-up returning (address, values, what the page must say), state read before and after)
CASES = {
    "actor merge": (
        lambda: (lambda afp, agency: (reverse("articles:actor-merge", args=[agency.id]), {"merged": afp.id},
                                      ["Merge “AFP” into “Agence France-Presse”?", "Its 1 mention goes to"]))(
            *actors_to_merge()),
        merge_state),
    "digest delete": (
        lambda: (lambda digest: (reverse("digests:delete", args=[digest.id]), {},
                                 [f"Delete the draft “{digest.title}”?", "Its 2 articles leave it"]))(
            build_digest([(found := newsroom())["rabat"], found["jo"]])),
        draft_state),
    "digest publish": (
        lambda: (lambda digest: (reverse("digests:publish", args=[digest.id]), {},
                                 [f"Publish “{digest.title}”?", "cannot be changed or unpublished"]))(
            build_digest([newsroom()["rabat"]])),
        draft_state),
    "item remove": (
        lambda: (lambda digest: (reverse("digests:item-remove", args=[digest.id, digest.items.get().id]), {},
                                 ["Remove “Darmanin à Rabat” from the digest?", "can be added again"]))(
            build_digest([newsroom()["rabat"]])),
        draft_state),
    "public link revoke": (
        lambda: (lambda digest: (reverse("digests:public-link", args=[digest.id]), {"action": "revoke"},
                                 [f"Revoke the public link of “{digest.title}”?", "lead nowhere"]))(
            _published_with_link()),
        public_state),
}


def _published_with_link() -> Digest:
    from digests.delivery import digest_public_link_ensure

    digest = digest_publish(digest=build_digest([newsroom()["rabat"]]), user=None)
    return digest_public_link_ensure(digest=digest)


@pytest.mark.parametrize("case", CASES)
def test_the_get_and_an_unconfirmed_post_ask_and_change_nothing(client, chief, case):
    set_up, state = CASES[case]
    address, values, says = set_up()
    before = state()
    for response in (client.get(address, values), client.post(address, values)):
        assert response.status_code == 200
        page = response.content.decode()
        for words in says:
            assert words in page
        assert f'action="{address}"' in page and 'name="confirm" value="yes"' in page
        for name, value in values.items():
            assert f'name="{name}" value="{value}"' in page
    assert state() == before


@pytest.mark.parametrize("case", CASES)
def test_the_confirmed_post_acts(client, chief, case):
    set_up, state = CASES[case]
    address, values, _says = set_up()
    before = state()
    response = client.post(address, {**values, "confirm": "yes"})
    assert response.status_code in (200, 302)
    assert state() != before


@pytest.mark.parametrize("case", CASES)
def test_htmx_without_the_confirmation_is_sent_to_the_question(client, chief, case):
    set_up, state = CASES[case]
    address, values, _says = set_up()
    before = state()
    response = client.post(address, values, headers={"HX-Request": "true"})
    assert response.status_code == 204 and response["HX-Redirect"].startswith(address)
    assert state() == before
    assert _says[0] in client.get(response["HX-Redirect"]).content.decode()


@pytest.mark.parametrize("case", ["actor merge", "digest delete", "digest publish"])
def test_the_question_is_only_for_those_who_may_act(client, case):
    set_up, state = CASES[case]
    address, values, _says = set_up()
    client.force_login(make_user("ed", "editor"))
    assert client.get(address, values).status_code == 403
