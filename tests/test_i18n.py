import pytest
from django.urls import reverse

from tests.test_review import article  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def test_the_interface_follows_the_browser_language(client):
    page = client.get(reverse("login"), headers={"Accept-Language": "fr-FR,fr;q=0.9"}).content.decode()
    assert "Se connecter" in page and 'lang="fr"' in page
    page = client.get(reverse("login"), headers={"Accept-Language": "en-GB"}).content.decode()
    assert "Log in" in page


def test_the_language_switch_changes_the_interface(client, editor):
    client.force_login(editor)
    response = client.post(reverse("set_language"), {"language": "fr", "next": reverse("articles:new")})
    assert response.status_code == 302
    page = client.get(reverse("articles:new")).content.decode()
    assert "Ajouter un article" in page and "Coller" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Add an article" in client.get(reverse("articles:new")).content.decode()


def test_messages_from_the_server_are_translated(client, editor):
    client.force_login(editor)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    response = client.post(reverse("articles:new"), {"paste-body": "  ", "paste-title": ""})
    assert "Le texte de l’article est vide." in response.content.decode()


def test_the_registry_pages_are_in_french(client, editor):
    from articles.models import Actor

    actor = Actor.objects.create(name="Agence France-Presse", kind="organisation", key="afp|organisation")
    client.force_login(editor)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert "Nom ou alias" in client.get(reverse("articles:actors")).content.decode()
    page = client.get(reverse("articles:actor", args=[actor.id])).content.decode()
    assert "Mentions au fil du temps" in page and "proposé par la machine" in page
    assert "Ce que le registre a appris" in client.get(reverse("articles:actors-learned")).content.decode()


def test_refusals_of_the_review_services_are_translated(client, editor, article):  # noqa: F811 (the fixture)
    from articles.models import Mention
    from tests.test_review import htmx_post, url

    client.force_login(editor)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    response = htmx_post(client, url("mention-add", article), {"text": "Zanzibar", "kind": "place", "version": 1})
    assert response.status_code == 422
    assert "« Zanzibar » n&#x27;apparaît pas dans cet article" in response.content.decode()
    assert not Mention.objects.filter(text="Zanzibar").exists()
